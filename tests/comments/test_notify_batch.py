"""Moderators' notices: one per batch, by email and webhook, nothing lost when a channel fails."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.batch import flush
from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Queue, Submission

SECRET = "hook-secret"


class HookHandler(BaseHTTPRequestHandler):
    """Keeps each POSTed JSON body whose signature is right; answers ``server.status``."""

    def do_POST(self) -> None:
        """Receive one webhook call."""
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert self.headers["X-Hub-Signature-256"] == expected
        self.server.calls.append(json.loads(body))  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def hook() -> Iterator[ThreadingHTTPServer]:
    """A webhook receiver on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), HookHandler)
    server.calls = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _configured(config: CommentsConfig, smtp, hook, interval: int) -> CommentsConfig:
    return replace(
        config,
        smtp_host="127.0.0.1",
        smtp_port=smtp.server_address[1],
        smtp_to="moderators@lumen.example",
        webhook_url=f"http://127.0.0.1:{hook.server_address[1]}/hook",
        webhook_secret=SECRET,
        notify_interval=interval,
        moderation_url="https://comments.lumen.example/moderation/",
    )


def _queued(queue: Queue, number: int, minutes_ago: int = 5) -> Submission:
    date = (datetime.now().astimezone() - timedelta(minutes=minutes_ago)).isoformat()
    submission = Submission(
        id=f"c-20261203-{number:04x}",
        item="first-post",
        author=f"Reader {number}",
        body=f"Comment number {number}.",
        date=date,
    )
    queue.put(submission, "pending")
    return submission


def _wait_for(condition, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_a_burst_of_comments_gives_one_notice_on_each_channel(
    config: CommentsConfig, smtp, hook
) -> None:
    configured = _configured(config, smtp, hook, interval=4)
    service = create_app(configured)
    try:
        client = Client(service)
        for number in range(3):
            answer = client.post(
                "/comments",
                data={"item": "first-post", "author": f"Reader {number}", "body": f"Hi {number}"},
                headers={"Origin": "http://127.0.0.1:8000"},
            )
            assert answer.status_code == 303
        _wait_for(lambda: smtp.messages and hook.calls)
        time.sleep(5)  # longer than the interval: nothing more is due
    finally:
        service.close()
    [message] = smtp.messages
    assert "Subject: 3 new comments wait for moderation" in message
    for number in range(3):
        assert f"Reader {number} on first-post" in message
    assert "https://comments.lumen.example/moderation/" in message
    [call] = hook.calls
    assert call["count"] == 3
    assert "3 new comments" in call["text"]  # what Slack and Mattermost show
    assert sorted(c["author"] for c in call["comments"]) == ["Reader 0", "Reader 1", "Reader 2"]


def test_each_comment_is_named_once_and_the_interval_holds(
    config: CommentsConfig, smtp, hook
) -> None:
    configured = _configured(config, smtp, hook, interval=3600)
    queue = Queue(configured.queue_dir)
    _queued(queue, 1)
    _queued(queue, 2)
    assert flush(configured, queue) == 2
    _queued(queue, 3)
    assert flush(configured, queue) == 0  # within the interval
    assert flush(configured, queue, force=True) == 1  # `invoke comments.notify`
    assert [call["count"] for call in hook.calls] == [2, 1]
    assert len(smtp.messages) == 2
    assert "Subject: New comment on first-post from Reader 3" in smtp.messages[1]


def test_a_dead_webhook_is_logged_once_and_sent_again_later(
    config: CommentsConfig, smtp, hook, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
    configured = replace(
        _configured(config, smtp, hook, interval=0),
        webhook_url=f"http://127.0.0.1:{dead_port}/hook",
    )
    queue = Queue(configured.queue_dir)
    _queued(queue, 1)
    with caplog.at_level(logging.WARNING, logger="socialhub.comments"):
        flush(configured, queue)
    [line] = [r.getMessage() for r in caplog.records if "webhook" in r.getMessage()]
    assert "retried with the next batch" in line
    assert len(smtp.messages) == 1  # the email went; only the webhook failed
    hook.status = 500
    alive = replace(configured, webhook_url=f"http://127.0.0.1:{hook.server_address[1]}/h")
    flush(alive, queue)
    hook.status = 200
    flush(alive, queue)
    assert [call["count"] for call in hook.calls] == [1, 1]  # refused once, then taken
    flush(alive, queue)
    assert len(hook.calls) == 2 and len(smtp.messages) == 1  # nothing named twice
