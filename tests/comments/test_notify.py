"""The optional email to the maintainer, sent to a real (tiny) SMTP server on 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace

from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig


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
        notify_interval=0,  # one notice per comment, at once
    )
    assert _post_one_comment(configured, "Hello moderators.") == 303
    [message] = smtp.messages
    assert "Subject: New comment on first-post from Sam" in message
    assert "To: moderators@lumen.example" in message
    assert "invoke comments.show c-" in message
    assert "Auto-Submitted: auto-generated" in message


def test_a_dead_mail_server_never_loses_the_comment(config: CommentsConfig) -> None:
    """The email is a courtesy: when it fails, the comment is still accepted and queued."""
    configured = replace(
        config, smtp_host="127.0.0.1", smtp_port=9, smtp_to="m@lumen.example", notify_interval=0
    )
    assert _post_one_comment(configured, "Still here.") == 303
    assert len(list((config.queue_dir / "pending").glob("*.json"))) == 1
