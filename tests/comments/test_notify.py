"""The optional email to the maintainer, sent to a real (tiny) SMTP server on 127.0.0.1."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig


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


def _post_one_comment(config: CommentsConfig, body: str) -> int:
    """Post a comment through a service made from ``config``; the answer's status."""
    service = create_app(config)
    answer = Client(service).post(
        "/comments",
        data={"item": "first-post", "author": "Sam", "body": body},
        headers={"Origin": "http://127.0.0.1:8000"},
    )
    service.close()
    return answer.status_code


def test_the_maintainer_is_emailed_about_a_new_comment(config: CommentsConfig, smtp) -> None:
    """With SMTP settings, each accepted comment sends one email naming the item and the id."""
    configured = replace(
        config,
        smtp_host="127.0.0.1",
        smtp_port=smtp.server_address[1],
        smtp_to="moderators@lumen.example",
        smtp_from="hub@lumen.example",
    )
    assert _post_one_comment(configured, "Hello moderators.") == 303
    [message] = smtp.messages
    assert "Subject: New comment on first-post from Sam" in message
    assert "To: moderators@lumen.example" in message
    assert "invoke comments.approve c-" in message


def test_a_dead_mail_server_never_loses_the_comment(config: CommentsConfig) -> None:
    """The email is a courtesy: when it fails, the comment is still accepted and queued."""
    configured = replace(config, smtp_host="127.0.0.1", smtp_port=9, smtp_to="m@lumen.example")
    assert _post_one_comment(configured, "Still here.") == 303
    assert len(list((config.queue_dir / "pending").glob("*.json"))) == 1
