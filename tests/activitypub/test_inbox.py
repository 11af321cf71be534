"""The inbox through the real WSGI app, with a small fediverse server on loopback."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives.asymmetric import rsa
from inbox_helpers import (
    AS,
    SITE,
    Fediverse,
    cavage_signature_valid,
    signed_post,
    write_manifest,
)
from werkzeug.test import Client

from socialhub.activitypub.config import FediverseConfig
from socialhub.activitypub.deliveryqueue import DeliveryQueue
from socialhub.activitypub.followers import Followers
from socialhub.activitypub.keys import load_keys
from socialhub.comments.app import CommentService, create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Queue
from socialhub.sanitize import render_comment

HUB_ACTOR = f"{SITE}/fediverse/actor.json"


@pytest.fixture(scope="module")
def ana_key() -> rsa.RSAPrivateKey:
    """The test actor's key (made once: RSA keys take a moment)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    """A key nobody publishes (a forger's)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fediverse() -> Iterator[Fediverse]:
    """The other server, stopped after the test."""
    server = Fediverse()
    yield server
    server.close()


@pytest.fixture
def config(tmp_path: Path) -> CommentsConfig:
    """The service with its inbox on (an account), loopback allowed for key fetches."""
    return CommentsConfig(
        queue_dir=tmp_path / "queue",
        state_dir=tmp_path / "state",
        content_dir=tmp_path / "content",
        manifest_path=write_manifest(tmp_path / "manifest.json"),
        site_url=SITE,
        allowed_origins=(SITE,),
        webmention_allow_private=True,
        webmention_timeout=10.0,
        inbox_max_bytes=16 * 1024,
        fediverse=FediverseConfig("hub", "127.0.0.1:8000", SITE, tmp_path / "keys"),
    )


@pytest.fixture
def service(config: CommentsConfig) -> Iterator[CommentService]:
    """The WSGI app, closed (the Accepts sent) after the test."""
    app = create_app(config)
    yield app
    app.close()


@pytest.fixture
def client(service: CommentService) -> Client:
    """A client through the WSGI boundary."""
    return Client(service)


def post(client: Client, body: bytes, headers: dict[str, str]) -> Any:
    """POST to the inbox as the other server would."""
    sent = {k: v for k, v in headers.items() if k != "Host"}
    return client.post("/inbox", data=body, headers=sent, base_url=SITE)


def follow(actor: str) -> dict[str, Any]:
    """A Follow of the hub, as Mastodon sends one."""
    return {"@context": AS, "id": f"{actor}#follows/1", "type": "Follow", "actor": actor,
            "object": HUB_ACTOR}  # fmt: skip


def reply(actor: str, content: str, in_reply_to: str, number: int = 1) -> dict[str, Any]:
    """A Create of a Note answering ``in_reply_to``."""
    note = {
        "id": f"{actor}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor,
        "inReplyTo": in_reply_to,
        "content": content,
        "url": f"{actor}/notes/{number}",
        "published": "2026-11-20T10:00:00Z",
    }
    return {"@context": AS, "id": f"{note['id']}/activity", "type": "Create", "actor": actor,
            "object": note}  # fmt: skip


def settle(service: CommentService) -> None:
    """Wait (bounded) until the Accepts the service is sending are sent or queued again."""
    assert service.inbox is not None
    service.inbox.sender.submit(lambda: None).result(timeout=120)


def test_a_signed_follow_is_stored_and_answered_with_an_accept_signed_by_the_hub(
    client, service, config, fediverse, ana_key
):
    """The follower is stored; its inbox receives an Accept of the Follow, signed by the hub."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key)
    answer = post(client, body, headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    [stored] = Followers.in_state(config.state_dir).all()
    assert (stored.actor, stored.inbox, stored.shared_inbox) == (
        ana,
        f"{ana}/inbox",
        f"{fediverse.base}/inbox",
    )
    received = fediverse.wait_for_post()
    assert received.path == "/users/ana/inbox"
    accept = json.loads(received.body)
    assert accept["type"] == "Accept"
    assert accept["actor"] == HUB_ACTOR
    assert accept["object"]["id"] == f"{ana}#follows/1"
    hub_key = load_keys(config.fediverse.keys_dir)
    assert cavage_signature_valid(received, hub_key.private_key.public_key())
    digest = base64.b64encode(hashlib.sha256(received.body).digest()).decode()
    assert received.headers["Digest"] == f"SHA-256={digest}"
    assert f'keyId="{HUB_ACTOR}#main-key"' in received.headers["Signature"]
    settle(service)
    assert DeliveryQueue(config.state_dir).jobs() == []  # delivered, so no longer queued
    count = client.get("/fediverse/followers", base_url=SITE)
    assert count.mimetype == "application/activity+json"
    assert count.json["totalItems"] == 1
    assert "orderedItems" not in count.json


def test_an_accept_the_follower_refuses_stays_queued_for_later(
    client, service, config, fediverse, ana_key
):
    """A follower's inbox answering 500: the signed Accept waits in the delivery queue."""
    fediverse.inbox_status = 500
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    fediverse.wait_for_post()
    settle(service)
    [job] = DeliveryQueue(config.state_dir).jobs()
    assert job.inbox == f"{ana}/inbox"
    assert job.activity["type"] == "Accept"
    assert job.attempts == 1
    assert "500" in job.last_error


def test_undo_follow_removes_the_follower(client, config, fediverse, ana_key):
    """Follow, then Undo of that Follow: nobody follows any more."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    undo = {"@context": AS, "id": f"{ana}#undo/1", "type": "Undo", "actor": ana,
            "object": follow(ana)}  # fmt: skip
    body, headers = signed_post(undo, f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    assert Followers.in_state(config.state_dir).count() == 0


def test_a_reply_to_an_item_is_queued_as_a_sanitized_fediverse_comment(
    client, config, fediverse, ana_key
):
    """The note's text is queued with its origin; the script is gone, the link kept."""
    ana = fediverse.add_actor("ana", ana_key, display="Ana <b>Lima</b>")
    content = (
        '<p><span class="h-card"><a href="https://127.0.0.1:8000/@hub" class="u-url mention">'
        "@hub</a></span> Lovely post!<script>alert(1)</script></p>"
        '<p>More at <a href="https://example.org/x">my blog</a>.</p>'
    )
    activity = reply(ana, content, f"{SITE}/posts/first-post/")
    body, headers = signed_post(activity, f"{ana}#main-key", ana_key)
    answer = post(client, body, headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    [queued] = Queue(config.queue_dir).list("pending")
    assert queued.item == "first-post"
    assert queued.source == "fediverse"
    assert queued.source_url == f"{ana}/statuses/1"
    assert queued.author == "Ana Lima"
    assert queued.website == f"{fediverse.base}/@ana"
    assert "script" not in queued.body and "alert" not in queued.body
    shown = BeautifulSoup(render_comment(queued.body), "html.parser")
    assert [p.get_text() for p in shown.find_all("p")] == ["@hub Lovely post!", "More at my blog."]
    assert shown.find("a")["href"] == "https://example.org/x"
    assert queued.extra["fediverse"]["actor"] == ana
    assert queued.extra["fediverse"]["note_url"] == f"{ana}/notes/1"


def test_a_reply_to_a_comment_answers_that_comment(client, config, fediverse, ana_key):
    """inReplyTo naming a comment's anchor makes the reply answer that comment."""
    ana = fediverse.add_actor("ana", ana_key)
    activity = reply(ana, "<p>Agreed</p>", f"{SITE}/posts/first-post/#comment-c-20261102-aaaa")
    body, headers = signed_post(activity, f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    [queued] = Queue(config.queue_dir).list("pending")
    assert queued.reply_to == "c-20261102-aaaa"


def test_a_reply_to_an_items_activitypub_object_answers_the_item(
    client, config, fediverse, ana_key
):
    """inReplyTo the item's object document (as Mastodon names what it saw): the item."""
    ana = fediverse.add_actor("ana", ana_key)
    activity = reply(ana, "<p>Hi</p>", f"{SITE}/fediverse/objects/posts/first-post/index.json")
    body, headers = signed_post(activity, f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    [queued] = Queue(config.queue_dir).list("pending")
    assert (queued.item, queued.reply_to) == ("first-post", "")


def test_deleting_the_note_drops_its_queued_reply(client, config, fediverse, ana_key):
    """A Delete of the note moves its waiting reply to rejected/."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(reply(ana, "<p>Hi</p>", f"{SITE}/posts/first-post/"),
                                f"{ana}#main-key", ana_key)  # fmt: skip
    assert post(client, body, headers).status_code == 202
    delete = {"@context": AS, "id": f"{ana}/statuses/1#delete", "type": "Delete", "actor": ana,
              "object": {"id": f"{ana}/statuses/1", "type": "Tombstone"}}  # fmt: skip
    body, headers = signed_post(delete, f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    queue = Queue(config.queue_dir)
    assert list(queue.list("pending")) == []
    [dropped] = queue.list("rejected")
    assert "deleted" in dropped.reason


def test_an_unsigned_request_is_refused(client, fediverse, ana_key):
    """No signature: 401 saying so."""
    ana = fediverse.add_actor("ana", ana_key)
    body = json.dumps(follow(ana)).encode()
    answer = client.post("/inbox", data=body, content_type="application/activity+json")
    assert answer.status_code == 401
    assert "not signed" in answer.json["error"]


def test_a_wrong_signature_is_refused(client, config, fediverse, ana_key, other_key):
    """Signed with a key that is not the actor's: 401, and nothing stored."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", other_key)
    answer = post(client, body, headers)
    assert answer.status_code == 401
    assert "does not verify" in answer.json["error"]
    assert Followers.in_state(config.state_dir).count() == 0


def test_a_signature_made_for_another_host_is_refused(client, config, fediverse, ana_key):
    """Signed for another server's inbox, then sent here: the host it covers is not ours (401)."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key,
                                url="https://elsewhere.example/inbox")  # fmt: skip
    answer = post(client, body, headers)
    assert answer.status_code == 401
    assert Followers.in_state(config.state_dir).count() == 0


def test_a_tampered_body_is_refused_by_its_digest(client, config, fediverse, ana_key):
    """The body changed after signing: 400, the digest does not match."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(reply(ana, "<p>Nice</p>", f"{SITE}/posts/first-post/"),
                                f"{ana}#main-key", ana_key)  # fmt: skip
    tampered = body.replace(b"Nice", b"Spam")
    answer = post(client, tampered, headers)
    assert answer.status_code == 400
    assert "Digest does not match" in answer.json["error"]
    assert list(Queue(config.queue_dir).list("pending")) == []


def test_a_replayed_request_is_refused(client, config, fediverse, ana_key):
    """The same signed request twice: the second is a replay (403)."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202
    again = post(client, body, headers)
    assert again.status_code == 403
    assert "replay" in again.json["error"]


def test_an_old_date_is_refused(client, fediverse, ana_key):
    """A Date two hours old is outside the window: 401."""
    ana = fediverse.add_actor("ana", ana_key)
    old = formatdate(timeval=__import__("time").time() - 7200, usegmt=True)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key, date=old)
    answer = post(client, body, headers)
    assert answer.status_code == 401
    assert "Date" in answer.json["error"]


def test_an_oversized_body_is_refused(client, fediverse, ana_key):
    """A body over the inbox's cap: 413 before any key is fetched."""
    ana = fediverse.add_actor("ana", ana_key)
    activity = reply(ana, "<p>" + "x" * 20000 + "</p>", f"{SITE}/posts/first-post/")
    body, headers = signed_post(activity, f"{ana}#main-key", ana_key)
    answer = post(client, body, headers)
    assert answer.status_code == 413
    assert "too large" in answer.json["error"]
    assert fediverse.actors and not any(r for r in fediverse.received)


def test_a_key_of_another_actor_is_refused(client, config, fediverse, ana_key, other_key):
    """Mallory's activity signed with Ana's key: the key's owner is not the actor (401)."""
    ana = fediverse.add_actor("ana", ana_key)
    mallory = fediverse.add_actor("mallory", other_key)
    body, headers = signed_post(follow(mallory), f"{ana}#main-key", ana_key)
    answer = post(client, body, headers)
    assert answer.status_code == 401
    assert "not of the actor" in answer.json["error"]
    assert Followers.in_state(config.state_dir).count() == 0


def test_a_reply_to_a_page_that_is_not_ours_is_refused(client, config, fediverse, ana_key):
    """inReplyTo another site's page: 400, nothing queued."""
    ana = fediverse.add_actor("ana", ana_key)
    activity = reply(ana, "<p>Hi</p>", "https://elsewhere.example/posts/first-post/")
    body, headers = signed_post(activity, f"{ana}#main-key", ana_key)
    answer = post(client, body, headers)
    assert answer.status_code == 400
    assert "does not reply to an item" in answer.json["error"]
    assert list(Queue(config.queue_dir).list("pending")) == []


def test_a_wrong_content_type_is_refused(client, fediverse, ana_key):
    """A form post to the inbox: 415."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key)
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    assert post(client, body, headers).status_code == 415


def test_a_like_is_accepted_and_ignored(client, config, fediverse, ana_key):
    """Activities the hub does not use: 202, nothing stored."""
    ana = fediverse.add_actor("ana", ana_key)
    like = {"@context": AS, "id": f"{ana}#likes/1", "type": "Like", "actor": ana,
            "object": f"{SITE}/posts/first-post/"}  # fmt: skip
    body, headers = signed_post(like, f"{ana}#main-key", ana_key)
    answer = post(client, body, headers)
    assert answer.status_code == 202
    assert "ignored" in answer.json["message"]
    assert list(Queue(config.queue_dir).list("pending")) == []


def test_a_rotated_key_is_fetched_again(client, service, fediverse, ana_key, other_key):
    """The cached key fails after the actor rotated it: fetched once more, then accepted
    (but not more than once a minute, however many signatures fail)."""
    ana = fediverse.add_actor("ana", ana_key)
    body, headers = signed_post(follow(ana), f"{ana}#main-key", ana_key)
    assert post(client, body, headers).status_code == 202  # Ana's first key is now cached
    fediverse.add_actor("ana", other_key)  # rotated
    body, headers = signed_post(follow(ana), f"{ana}#main-key", other_key)
    soon = post(client, body, headers)
    assert soon.status_code == 401  # fetched a moment ago: not fetched again for one failure
    fetches = sum(1 for path in fediverse.fetched if path == "/users/ana")
    assert fetches == 1
    service.inbox.actor_keys.run("UPDATE keys SET fetched = fetched - 120")  # two minutes on
    undo = {"@context": AS, "id": f"{ana}#undo/1", "type": "Undo", "actor": ana,
            "object": follow(ana)}  # fmt: skip
    body, headers = signed_post(undo, f"{ana}#main-key", other_key)
    assert post(client, body, headers).status_code == 202
    assert Followers.in_state(service.config.state_dir).count() == 0


def test_an_rfc_9421_signed_request_is_accepted(client, config, fediverse, ana_key):
    """Signature-Input/Signature with a Content-Digest, made by http-message-signatures."""
    from http_message_signatures import (  # noqa: PLC0415 - the signing side of this test only
        HTTPMessageSigner,
        HTTPSignatureKeyResolver,
        algorithms,
    )

    ana = fediverse.add_actor("ana", ana_key)
    key_id = f"{ana}#main-key"

    class Keys(HTTPSignatureKeyResolver):
        def resolve_private_key(self, key_id: str) -> rsa.RSAPrivateKey:
            return ana_key

    class Message:
        method = "POST"
        url = f"{SITE}/inbox"

        def __init__(self, headers: dict[str, str]) -> None:
            self.headers = headers

    body = json.dumps(follow(ana)).encode()
    message = Message({"Content-Type": "application/activity+json"})
    HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Keys()).sign(
        message,
        key_id=key_id,
        covered_component_ids=("@method", "@target-uri", "content-digest"),
        body=body,  # the library adds the Content-Digest
    )
    assert "Content-Digest" in message.headers
    answer = post(client, body, message.headers)
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert Followers.in_state(config.state_dir).count() == 1
    tampered = post(client, body.replace(b"follows/1", b"follows/2"), message.headers)
    assert tampered.status_code == 400
