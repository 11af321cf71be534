"""Reply notifications: double opt-in, an email per reply, one-click unsubscribe (real SMTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rights_helpers import SITE, Mailbox, link_in, mailbox, path_of, rights_config, text_of
from werkzeug.test import Client

from socialhub.comments.app import CommentService, create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.moderation import approve
from socialhub.comments.subscriptions import Subscriptions

__all__ = ["mailbox"]  # the fixture, used by name

ANN = "ann.reader@lumen.example"
BOB = "bob@lumen.example"


@pytest.fixture
def rights(
    config: CommentsConfig, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> Iterator[tuple[CommentService, CommentsConfig, Mailbox]]:
    """A service that emails through the local SMTP server, closed after the test."""
    box, port = mailbox
    configured = rights_config(config, tmp_path, port)
    service = create_app(configured)
    try:
        yield service, configured, box
    finally:
        service.close()


def post(client: Client, **fields: str) -> str:
    """Post a comment through the form; its id."""
    data = {"item": "first-post", "author": "Ann", "body": "A first thought.", **fields}
    answer = client.post("/comments", data=data, headers={"Origin": SITE})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return str(answer.headers["X-Comment-Id"])


def subscribe(client: Client, box: Mailbox, **fields: str) -> tuple[str, str]:
    """Post a comment asking for reply emails; (its id, the confirmation link)."""
    before = len(box.messages)
    identifier = post(client, email=ANN, notify="replies", **fields)
    messages = box.wait_for(before + 1)
    return identifier, link_in(messages[before])


def test_opt_in_confirm_notify_unsubscribe(rights, tmp_path: Path) -> None:
    """The whole round: confirm by POST, one email per reply with its text, then unsubscribe."""
    service, config, box = rights
    client = Client(service)
    ann_id, confirm = subscribe(client, box)
    [confirmation] = box.to(ANN)
    assert confirmation["Auto-Submitted"] == "auto-generated"
    assert confirmation["Message-ID"] and confirmation["Date"]
    # GET shows a page and confirms nothing (mail scanners follow links).
    shown = client.get(path_of(confirm))
    assert shown.status_code == 200
    assert 'method="post"' in shown.get_data(as_text=True)
    store = Subscriptions.of(config.state_dir)
    [row] = store.run("SELECT confirmed FROM subscriptions")
    assert row == (0,)
    token = confirm.split("t=", 1)[1]
    confirmed = client.post("/comments/confirm", data={"t": token})
    assert confirmed.status_code == 200
    assert store.run("SELECT confirmed FROM subscriptions") == [(1,)]
    # A replayed confirmation is refused.
    assert client.post("/comments/confirm", data={"t": token}).status_code == 410
    assert [o.ok for o in approve(config, [ann_id])] == [True]
    assert len(box.messages) == 1  # approving Ann's own comment tells nobody
    bob_id = post(client, author="Bob", body="Bob *answers* Ann.", reply_to=ann_id, email=BOB)
    assert [o.ok for o in approve(config, [bob_id])] == [True]
    [_, notification] = box.to(ANN)
    assert box.to(BOB) == []
    body = text_of(notification)
    assert "Bob *answers* Ann." in body
    assert f"{SITE}/posts/first-post/#comment-{bob_id}" in body
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = notification["List-Unsubscribe"].strip("<>")
    assert unsubscribe in body
    assert not notification.is_multipart()  # plain text only
    # RFC 8058: the mail client POSTs the link with this body, without any login.
    gone = client.post(path_of(unsubscribe), data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200
    assert store.run("SELECT count(*) FROM subscriptions") == [(0,)]
    store.close()
    cy_id = post(client, author="Cy", body="Cy answers too.", reply_to=ann_id)
    assert [o.ok for o in approve(config, [cy_id])] == [True]
    assert len(box.to(ANN)) == 2  # nothing after unsubscribing


def test_unconfirmed_subscribers_get_nothing(rights) -> None:
    """Without the confirming POST, an approved reply sends no email."""
    service, config, box = rights
    client = Client(service)
    ann_id, confirm = subscribe(client, box)
    client.get(path_of(confirm))  # a mail scanner opening the link confirms nothing
    approve(config, [ann_id])
    reply = post(client, author="Bob", body="Hello Ann.", reply_to=ann_id)
    approve(config, [reply])
    assert len(box.to(ANN)) == 1  # the confirmation only


def test_the_whole_item_and_never_the_author_themselves(rights) -> None:
    """notify=item tells of every new comment on the page, but not of one's own."""
    service, config, box = rights
    client = Client(service)
    ann_id = post(client, email=ANN, notify="item")
    token = link_in(box.wait_for(1)[0]).split("t=", 1)[1]
    assert client.post("/comments/confirm", data={"t": token}).status_code == 200
    approve(config, [ann_id])
    own = post(client, body="Ann again, a second thought.", email=ANN)
    approve(config, [own])
    assert len(box.to(ANN)) == 1
    other = post(client, author="Dee", body="A new thread from Dee.")
    approve(config, [other])
    [_, told] = box.to(ANN)
    assert "Dee commented" in text_of(told)


def test_tampered_and_foreign_links_are_refused(rights) -> None:
    """A changed token, or an unsubscribe token used to confirm, does nothing."""
    service, config, box = rights
    client = Client(service)
    _, confirm = subscribe(client, box)
    token = confirm.split("t=", 1)[1]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (tampered, "nonsense", ""):
        answer = client.post("/comments/confirm", data={"t": bad})
        assert answer.status_code == 400
        assert "not valid" in answer.get_data(as_text=True)
    assert client.post("/comments/unsubscribe", data={"t": token}).status_code == 400
    store = Subscriptions.of(config.state_dir)
    assert store.run("SELECT confirmed FROM subscriptions") == [(0,)]
    store.close()


def test_bad_email_fields_are_refused_with_a_sentence(rights) -> None:
    """A wrong address, a too long one, or notifications without one: a 400 naming the field."""
    service, _config, _box = rights
    client = Client(service)
    cases = {
        "not an address": "email address",
        "a" * 250 + "@lumen.example": "too long",
    }
    for email, words in cases.items():
        data = {"item": "first-post", "author": "Ann", "body": "Hi.", "email": email}
        answer = client.post("/comments", data=data, headers={"Origin": SITE})
        assert answer.status_code == 400
        assert words in answer.get_data(as_text=True)
    data = {"item": "first-post", "author": "Ann", "body": "Hi.", "notify": "replies"}
    answer = client.post("/api/comments", data=json.dumps(data), content_type="application/json")
    assert answer.status_code == 400
    assert "Email field" in answer.json["error"]


def test_a_dead_mail_server_breaks_nothing(config: CommentsConfig, tmp_path: Path) -> None:
    """With SMTP down, the comment is queued and its approval still succeeds."""
    configured = rights_config(config, tmp_path, 9)
    service = create_app(configured)
    try:
        identifier = post(Client(service), email=ANN, notify="replies")
    finally:
        service.close()
    assert [o.ok for o in approve(configured, [identifier])] == [True]
