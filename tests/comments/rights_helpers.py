"""Shared by the commenters' rights tests: a real SMTP server on loopback, and a configuration."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from socialhub.comments.config import CommentsConfig

SERVICE = "http://127.0.0.1:8001"
SITE = "http://127.0.0.1:8000"
LINK = re.compile(r"http://127\.0\.0\.1:8001/comments/[a-z-]+\?t=[A-Za-z0-9_.%-]+")


class Mailbox:
    """What the SMTP server received, parsed as a mail client reads it."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        """Keep each message."""
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 60.0) -> list[EmailMessage]:
        """The messages once ``count`` have arrived (failing after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} messages, not {count}"
            time.sleep(0.05)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to one address."""
        return [m for m in self.messages if m["To"] == address]


def text_of(message: EmailMessage) -> str:
    """The plain text body."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> str:
    """The one service link in a message's text."""
    [link] = LINK.findall(text_of(message))
    return link


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """aiosmtpd on 127.0.0.1 and a free port, stopped after the test."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def rights_config(
    config: CommentsConfig, tmp_path: Path, port: int, **changes: Any
) -> CommentsConfig:
    """The test configuration with a private state folder and email through ``port``."""
    settings: dict[str, Any] = {
        "state_dir": tmp_path / "state",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_from": "hub@lumen.example",
        "service_url": SERVICE,
    }
    return replace(config, **{**settings, **changes})


def path_of(link: str) -> str:
    """The path and query of a service link, for the WSGI test client."""
    return link.removeprefix(SERVICE)
