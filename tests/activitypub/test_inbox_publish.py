"""A fediverse reply from the inbox to the page: moderated, built, and dropped once deleted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import mf2py
import pytest
from bs4 import BeautifulSoup
from cryptography.hazmat.primitives.asymmetric import rsa
from inbox_helpers import AS, SITE, Fediverse, signed_post, write_manifest
from werkzeug.test import Client

from socialhub.activitypub.config import FediverseConfig
from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.moderation import approve, describe, list_lines, reverify
from socialhub.comments.queue import Queue
from socialhub.headers import read_header


@pytest.fixture
def fediverse() -> Iterator[Fediverse]:
    """The other server, stopped after the test."""
    server = Fediverse()
    yield server
    server.close()


def note_reply(actor: str, number: int, text: str) -> dict[str, object]:
    """A Create of a Note replying to the minimal site's first post."""
    note = {
        "id": f"{actor}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor,
        "inReplyTo": f"{SITE}/posts/first-post/",
        "content": f"<p>{text}</p>",
        "published": "2026-11-20T10:00:00Z",
    }
    return {"@context": AS, "id": f"{note['id']}/activity", "type": "Create", "actor": actor,
            "object": note}  # fmt: skip


@pytest.mark.slow
def test_a_fediverse_reply_is_moderated_published_and_dropped_once_its_note_is_deleted(
    tmp_path: Path, minimal_copy: Path, build: Callable[..., Path], fediverse: Fediverse
) -> None:
    """Two replies: both listed with their origin, approved and shown "via the fediverse";
    one note is then deleted, and comments.verify removes only its reply."""
    config = CommentsConfig(
        queue_dir=tmp_path / "queue",
        state_dir=tmp_path / "state",
        content_dir=minimal_copy,
        manifest_path=write_manifest(tmp_path / "manifest.json"),
        site_url=SITE,
        allowed_origins=(SITE,),
        webmention_allow_private=True,
        webmention_timeout=10.0,
        fediverse=FediverseConfig("hub", "127.0.0.1:8000", SITE, tmp_path / "keys"),
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ana = fediverse.add_actor("ana", key, display="Ana Lima")
    service = create_app(config)
    try:
        client = Client(service)
        for number, text in ((1, "Kept reply"), (2, "Deleted reply")):
            body, headers = signed_post(note_reply(ana, number, text), f"{ana}#main-key", key)
            headers.pop("Host")
            answer = client.post("/inbox", data=body, headers=headers, base_url=SITE)
            assert answer.status_code == 202, answer.get_data(as_text=True)
    finally:
        service.close()
    queue = Queue(config.queue_dir)
    waiting = {s.body: s for s in queue.list()}
    lines = "\n".join(list_lines(config, queue, list(waiting.values())))
    assert f"Ana Lima (fediverse: {ana}, note {ana}/statuses/1)" in lines
    assert f"origin:   {ana}, note {ana}/statuses/2" in describe(waiting["Deleted reply"])

    outcomes = approve(config, [s.id for s in waiting.values()])
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    kept, deleted = (waiting["Kept reply"], waiting["Deleted reply"])
    kept_file = minimal_copy / "comments" / "first-post" / f"{kept.id}.md"
    assert read_header(kept_file)["source"] == "fediverse"
    assert read_header(kept_file)["source-url"] == f"{ana}/statuses/1"

    page = build(minimal_copy) / "posts" / "first-post" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    shown = soup.select_one(f"#comment-{kept.id}")
    assert shown is not None
    assert shown.select_one(".p-author").get_text(strip=True) == "Ana Lima"
    origin = shown.select_one(".comment__from")
    assert " ".join(origin.get_text().split()) == "Reply from 127.0.0.1 via the fediverse"
    assert origin.a["href"] == f"{ana}/statuses/1"
    assert shown.select_one(".e-content").get_text(strip=True) == "Kept reply"
    # As microformats consumers read it: a comment of the post, syndicated from the note.
    entry = mf2py.parse(doc=page.read_text(encoding="utf-8"), url=f"{SITE}/posts/first-post/")
    comments = [c for item in entry["items"] for c in item["properties"].get("comment", [])]
    [cite] = [c for c in comments if f"{ana}/statuses/1" in c["properties"].get("syndication", [])]
    assert cite["properties"]["author"][0]["properties"]["name"] == ["Ana Lima"]

    fediverse.actors["/users/ana/statuses/1"] = {"id": f"{ana}/statuses/1", "type": "Note"}
    fediverse.gone.add("/users/ana/statuses/2")
    results = {o.id: o for o in reverify(config, SITE, {"first-post": "/posts/first-post/"})}
    assert results[kept.id].message == "the note is still there"
    assert results[deleted.id].message.startswith("deleted: the note is gone")
    assert kept_file.exists()
    assert not (minimal_copy / "comments" / "first-post" / f"{deleted.id}.md").exists()
