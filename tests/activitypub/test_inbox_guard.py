"""The inbox's guard beyond signatures: bans, rate limits, what a signature must cover,
the moderation page's view of a fediverse reply, and no inbox without an account."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from inbox_helpers import AS, SITE, Fediverse, signed_post, write_manifest
from werkzeug.test import Client

from socialhub.activitypub.config import FediverseConfig
from socialhub.activitypub.signing import body_digest, signing_string
from socialhub.comments.app import CommentService, create_app
from socialhub.comments.config import CommentsConfig, load_config
from socialhub.comments.moderation_web.accounts import Accounts
from socialhub.comments.queue import Queue

NAME, PASSWORD = "mona", "correct horse battery staple"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    """The test actor's key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def fediverse() -> Iterator[Fediverse]:
    """The other server, stopped after the test."""
    server = Fediverse()
    yield server
    server.close()


def make_config(tmp_path: Path, **changes: Any) -> CommentsConfig:
    """The service with its inbox on, loopback allowed."""
    return CommentsConfig(
        queue_dir=tmp_path / "queue",
        state_dir=tmp_path / "state",
        content_dir=tmp_path / "content",
        manifest_path=write_manifest(tmp_path / "manifest.json"),
        site_url=SITE,
        allowed_origins=(SITE,),
        webmention_allow_private=True,
        webmention_timeout=10.0,
        fediverse=FediverseConfig("hub", "127.0.0.1:8000", SITE, tmp_path / "keys"),
        **changes,
    )


@pytest.fixture
def service(tmp_path: Path) -> Iterator[CommentService]:
    """The WSGI app, closed after the test."""
    app = create_app(make_config(tmp_path, rate_limit_count=2))
    yield app
    app.close()


def reply(actor: str, number: int) -> dict[str, Any]:
    """A Create of a Note answering the first post."""
    note = {
        "id": f"{actor}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor,
        "inReplyTo": f"{SITE}/posts/first-post/",
        "content": f"<p>Reply {number}</p>",
    }
    return {"@context": AS, "id": f"{note['id']}/activity", "type": "Create", "actor": actor,
            "object": note}  # fmt: skip


def send(client: Client, activity: dict[str, Any], actor: str, key: rsa.RSAPrivateKey) -> Any:
    """Sign and POST an activity to the inbox."""
    body, headers = signed_post(activity, f"{actor}#main-key", key)
    headers.pop("Host")
    return client.post("/inbox", data=body, headers=headers, base_url=SITE)


def test_replies_beyond_the_rate_limit_are_refused(service, fediverse, key):
    """Two replies a minute (COMMENTS_RATE_LIMIT_COUNT = 2): the third is a 429."""
    client = Client(service)
    ana = fediverse.add_actor("ana", key)
    statuses = [send(client, reply(ana, n), ana, key).status_code for n in (1, 2, 3)]
    assert statuses == [202, 202, 429]
    assert len(list(Queue(service.config.queue_dir).list())) == 2


def test_a_signature_that_leaves_out_the_digest_is_refused(service, fediverse, key):
    """A POST signed over (request-target) host date only: its body is not covered (401)."""
    ana = fediverse.add_actor("ana", key)
    body = json.dumps(reply(ana, 1)).encode()
    headers = {"Host": "127.0.0.1:8000", "Date": formatdate(usegmt=True),
               "Digest": body_digest(body)}  # fmt: skip
    names = ("(request-target)", "host", "date")
    text = signing_string("POST", f"{SITE}/inbox", headers, names).encode()
    signature = base64.b64encode(key.sign(text, padding.PKCS1v15(), hashes.SHA256())).decode()
    headers["Signature"] = (
        f'keyId="{ana}#main-key",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{signature}"'
    )
    headers["Content-Type"] = "application/activity+json"
    headers.pop("Host")
    answer = Client(service).post("/inbox", data=body, headers=headers, base_url=SITE)
    assert answer.status_code == 401
    assert "must cover digest" in answer.json["error"]


def test_the_moderation_page_shows_the_origin_and_bans_the_actor(service, fediverse, key):
    """The queue names the actor, its server and the note; banning it refuses its next post."""
    Accounts(service.config.state_dir).add(NAME, PASSWORD)
    client = Client(service)
    ana = fediverse.add_actor("ana", key)
    assert send(client, reply(ana, 1), ana, key).status_code == 202
    [queued] = Queue(service.config.queue_dir).list()
    form = BeautifulSoup(client.get("/moderation/login").get_data(as_text=True), "html.parser")
    token = form.select_one("input[name=csrf]")["value"]
    answer = client.post("/moderation/login", headers=ORIGIN,
                         data={"csrf": token, "name": NAME, "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 303
    page = BeautifulSoup(client.get("/moderation/").get_data(as_text=True), "html.parser")
    entry = page.select_one(f"#entry-{queued.id}")
    [origin] = [li for li in entry.select("li") if li.get_text().startswith("From the fediverse")]
    links = {a.get_text(): a["href"] for a in origin.select("a")}
    assert links == {ana: ana, "the note": f"{ana}/statuses/1"}
    assert fediverse.base.removeprefix("http://") in origin.get_text()
    token = page.select_one("input[name=csrf]")["value"]
    banned = client.post("/moderation/act", headers=ORIGIN,
                         data={"do": f"ban-address {queued.id}", "csrf": token})  # fmt: skip
    assert banned.status_code == 303
    refused = send(client, reply(ana, 2), ana, key)
    assert refused.status_code == 403
    assert "may not write" in refused.json["error"]


def test_without_an_account_there_is_no_inbox(tmp_path):
    """No ACTIVITYPUB_ACCOUNT: the settings give no fediverse, and /inbox is not there."""
    config = load_config({"COMMENTS_QUEUE_DIR": str(tmp_path / "queue")})
    assert config.fediverse is None
    app = create_app(config)
    try:
        client = Client(app)
        body = b'{"type": "Follow"}'
        assert (
            client.post("/inbox", data=body, content_type="application/activity+json").status_code
            == 404
        )
        assert client.get("/fediverse/followers").status_code == 404
    finally:
        app.close()
