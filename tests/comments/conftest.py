"""Fixtures for the comment service: a fresh queue, content and manifest per test."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from moderation_helpers import write_manifest
from werkzeug.test import Client

from socialhub.comments.app import CommentService, create_app
from socialhub.comments.config import CommentsConfig

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def config(tmp_path: Path) -> CommentsConfig:
    """A configuration with everything under tmp_path; loopback allowed for Webmention tests."""
    return CommentsConfig(
        queue_dir=tmp_path / "queue",
        state_dir=tmp_path / "state",  # its own secret, bans and subscriptions per test
        content_dir=tmp_path / "content",
        manifest_path=write_manifest(tmp_path / "manifest.json"),
        site_url=SITE,
        allowed_origins=(SITE,),
        webmention_allow_private=True,
        webmention_timeout=2.0,
    )


@pytest.fixture
def service(config: CommentsConfig) -> Iterator[CommentService]:
    """The WSGI app, closed (background verifications finished) after the test."""
    app = create_app(config)
    yield app
    app.close()


@pytest.fixture
def client(service: CommentService) -> Client:
    """A werkzeug test client through the WSGI boundary."""
    return Client(service)


@pytest.fixture
def make_service(config: CommentsConfig) -> Iterator[Callable[..., CommentService]]:
    """A service with some settings changed."""
    made: list[CommentService] = []

    def make(**changes: object) -> CommentService:
        app = create_app(replace(config, **changes))
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


class PageServer:
    """A tiny web server on 127.0.0.1 serving pages set by the test (Webmention sources).

    A page given as bytes is served as a picture (image/png); ``requests`` lists the
    paths asked for, in order.
    """

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str | bytes]] = {}
        self.requests: list[str] = []
        pages, requests = self.pages, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                status, body = pages.get(self.path, (404, "not found"))
                picture = isinstance(body, bytes)
                data = body if isinstance(body, bytes) else body.encode("utf-8")
                self.send_response(status)
                kind = "image/png" if picture else "text/html; charset=utf-8"
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def pages() -> Iterator[PageServer]:
    """A local page server, stopped after the test."""
    server = PageServer()
    yield server
    server.close()


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message (EHLO, MAIL, RCPT, DATA, QUIT)."""

    def handle(self) -> None:
        """Speak SMTP and keep what arrives in DATA."""
        self.wfile.write(b"220 test ready\r\n")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.wfile.write(b"250 test\r\n")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self.wfile.write(b"250 ok\r\n")
            elif command == "DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    body.append(data)
                self.server.messages.append(b"".join(body).decode("utf-8"))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"502 not here\r\n")


@pytest.fixture
def smtp() -> Iterator[socketserver.ThreadingTCPServer]:
    """An SMTP server on a free port that keeps the messages it receives."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
