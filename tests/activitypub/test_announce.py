"""Announcing a build to followers: Create, Update, Delete per inbox, and `fediverse.deliver`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from inbox_server import Inbox, running_inbox

from socialhub.activitypub.announce import (
    PUBLIC,
    announce,
    load_announced,
    objects_path,
    read_objects,
)
from socialhub.activitypub.deliveryqueue import DeliveryQueue
from socialhub.activitypub.followers import Followers
from socialhub.activitypub.keys import create_keys
from socialhub.activitypub.tasks import deliver_fediverse
from socialhub.errors import ConfigError

ACTOR = "https://hub.example/fediverse/actor.json"
ROOT = Path(__file__).resolve().parents[2]


def built(slug: str, words: str = "Hello") -> dict[str, Any]:
    """One item's entry as the build writes it."""
    item = f"https://hub.example/posts/{slug}/"
    return {
        "id": item,
        "fingerprint": f"{slug}-{words}".encode().hex(),
        "object": {
            "@context": ["https://www.w3.org/ns/activitystreams", {"Hashtag": "as:Hashtag"}],
            "id": item,
            "type": "Article",
            "name": slug,
            "content": f"<p>{words}</p>",
            "url": item,
            "attributedTo": ACTOR,
            "published": "2026-11-27T09:00:00Z",
            "to": [PUBLIC],
            "cc": ["https://hub.example/fediverse/followers"],
        },
    }


def write_objects(path: Path, *entries: dict[str, Any]) -> Path:
    """An objects file like the build's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"actor": ACTOR, "objects": list(entries)}), encoding="utf-8")
    return path


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state folder with three followers on two servers (one shared inbox)."""
    folder = tmp_path / "state"
    followers = Followers.in_state(folder)
    followers.add(
        "https://a.example/users/ana",
        "https://a.example/users/ana/inbox",
        "https://a.example/inbox",
    )
    followers.add(
        "https://a.example/users/bo", "https://a.example/users/bo/inbox", "https://a.example/inbox"
    )
    followers.add("https://b.example/cy", "https://b.example/cy/inbox")
    return folder


def queued(state: Path) -> list[tuple[str, str, str]]:
    """(type, activity id, inbox) of every job, sorted."""
    return sorted(
        (job.activity["type"], job.activity["id"], job.inbox) for job in DeliveryQueue(state).jobs()
    )


def test_the_first_run_records_the_items_and_sends_nothing(tmp_path, state):
    """Followers of an old hub do not get every old item at once; the run says so."""
    objects = write_objects(tmp_path / "objects.json", built("a"), built("b"))
    lines: list[str] = []
    report = announce(objects, state, progress=lines.append)
    assert report.first_run and queued(state) == []
    assert "2 items recorded as announced without sending them" in lines[0]
    assert set(load_announced(state) or {}) == {
        "https://hub.example/posts/a/",
        "https://hub.example/posts/b/",
    }


def test_new_changed_and_gone_items_become_create_update_and_delete(tmp_path, state):
    """One job per activity and delivery inbox; the shared inbox once for its two followers."""
    objects = tmp_path / "objects.json"
    announce(write_objects(objects, built("a"), built("b")), state)
    report = announce(write_objects(objects, built("a", "Edited"), built("c")), state)
    assert (report.created, report.updated, report.deleted) == (1, 1, 1)
    assert (report.inboxes, report.jobs) == (2, 6)
    inboxes = ["https://a.example/inbox", "https://b.example/cy/inbox"]
    kinds = {(kind, activity_id) for kind, activity_id, _inbox in queued(state)}
    assert {kind for kind, _ in kinds} == {"Create", "Update", "Delete"}
    assert sorted({inbox for *_, inbox in queued(state)}) == inboxes
    jobs = {job.activity["type"]: job.activity for job in DeliveryQueue(state).jobs()}
    create = jobs["Create"]
    assert create["id"] == "https://hub.example/posts/c/#create"
    assert create["actor"] == ACTOR and create["to"] == [PUBLIC]
    assert create["object"]["content"] == "<p>Hello</p>" and "@context" not in create["object"]
    assert create["@context"][0] == "https://www.w3.org/ns/activitystreams"
    update = jobs["Update"]
    assert update["object"]["content"] == "<p>Edited</p>"
    assert update["object"]["updated"] > "2026-11-27T09:00:00Z"
    assert update["id"].startswith("https://hub.example/posts/a/#update-")
    delete = jobs["Delete"]
    assert delete["object"] == {"id": "https://hub.example/posts/b/", "type": "Tombstone"}
    # Nothing changed since: nothing more is queued.
    again = announce(objects, state)
    assert again.jobs == 0 and len(queued(state)) == 6
    assert again.summary == "no new, changed or deleted item"


def test_a_crash_while_queueing_loses_no_announcement(tmp_path, state, monkeypatch):
    """The state is written after the jobs: the next run queues the same jobs again."""
    objects = tmp_path / "objects.json"
    announce(write_objects(objects, built("a")), state)
    write_objects(objects, built("a"), built("b"), built("c"))
    calls = {"count": 0}
    real = DeliveryQueue.enqueue

    def crashing(self, activity, inbox):
        calls["count"] += 1
        if calls["count"] == 2:
            raise OSError("the disk went away")
        return real(self, activity, inbox)

    monkeypatch.setattr(DeliveryQueue, "enqueue", crashing)
    with pytest.raises(OSError):
        announce(objects, state)
    monkeypatch.setattr(DeliveryQueue, "enqueue", real)
    assert "https://hub.example/posts/b/" not in (load_announced(state) or {})
    report = announce(objects, state)
    assert report.created == 2
    assert len(queued(state)) == 4  # two Creates for two inboxes, the first one not doubled


def test_a_build_listing_no_item_deletes_nothing(tmp_path, state):
    """An empty objects file after a real one is a broken build, not a hub with no items."""
    objects = tmp_path / "objects.json"
    announce(write_objects(objects, built("a")), state)
    with pytest.raises(ConfigError, match="lists no items while 1 were announced"):
        announce(write_objects(objects), state)
    assert queued(state) == []


def test_a_build_for_another_address_is_not_announced(tmp_path, state):
    """A preview's objects (another actor) would make every published item look deleted."""
    objects = write_objects(tmp_path / "objects.json", built("a"))
    with pytest.raises(ConfigError, match=r"was built for the actor .* not https://elsewhere"):
        announce(objects, state, actor_url="https://elsewhere.example/fediverse/actor.json")
    assert load_announced(state) is None and queued(state) == []


def test_a_missing_or_broken_objects_file_names_the_fix(tmp_path):
    """One line naming the file and the command, no traceback."""
    with pytest.raises(ConfigError, match=r"missing: build the site"):
        read_objects(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"actor": 1}')
    with pytest.raises(ConfigError, match="cannot be read"):
        read_objects(broken)


def site_settings(tmp_path: Path, inbox_url: str) -> dict[str, Any]:
    """Settings of a published hub whose state and keys live in the test's folder."""
    settings = {
        "ACTIVITYPUB_ACCOUNT": "hub@hub.example",
        "ACTIVITYPUB_KEYS_DIR": str(tmp_path / "keys"),
        "SITEURL": "https://hub.example",
        "OUTPUT_PATH": str(tmp_path / "public"),
        "CACHE_PATH": str(tmp_path / "cache"),
        "COMMENTS_QUEUE_DIR": str(tmp_path / "queue"),
        "COMMENTS_STATE_DIR": str(tmp_path / "state"),
        "COMMENTS_WEBMENTION_ALLOW_PRIVATE": True,
    }
    create_keys(tmp_path / "keys")
    Followers.in_state(tmp_path / "state").add("https://x.example/ana", inbox_url)
    return settings


def test_deliver_announces_then_sends_and_says_what_it_did(tmp_path, capsys):
    """`fediverse.deliver` after a publish: the new item's Create reaches the follower."""
    keys = create_keys(tmp_path / "keys")
    with running_inbox(Inbox(keys.public_pem)) as inbox:
        settings = site_settings(tmp_path, inbox.url)
        objects = objects_path(settings)
        write_objects(objects, built("a"))
        assert deliver_fediverse(settings, tmp_path) == 0
        assert "first run" in capsys.readouterr().out
        write_objects(objects, built("a"), built("b"))
        assert deliver_fediverse(settings, tmp_path, progress=lambda line: None) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "Fediverse: 1 new (Create), 0 changed (Update), 0 deleted (Delete): "
        "1 deliveries queued for 1 inboxes; 1 delivered."
    )
    [received] = inbox.received
    assert received.signed_by == "https://hub.example/fediverse/actor.json#main-key"
    assert received.activity["id"] == "https://hub.example/posts/b/#create"


def test_the_command_retries_only_and_fails_with_the_failure_line(tmp_path):
    """`invoke fediverse.deliver --retry-only`: sends the queue, announces nothing, exits 1."""
    keys = create_keys(tmp_path / "keys")
    with running_inbox(Inbox(keys.public_pem, then=503)) as inbox:
        settings = site_settings(tmp_path, inbox.url)
        write_objects(objects_path(settings), built("a"))
        DeliveryQueue(tmp_path / "state").enqueue(
            {"id": "https://hub.example/x", "type": "Create"}, inbox.url
        )
        conf = tmp_path / "hubconf.py"
        conf.write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "invoke",
                "fediverse.deliver",
                "--retry-only",
                "--settings",
                str(conf),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"  fediverse: {inbox.url} refused Create https://hub.example/x: 503, "
        "retrying in 1 min (attempt 1)"
    )
    assert (
        lines[1] == "Fediverse: 0 delivered, 1 failed (tried again later); 1 waiting for a retry."
    )
    assert load_announced(tmp_path / "state") is None  # --retry-only announced nothing


def test_the_command_without_a_key_says_how_to_make_one(tmp_path):
    """No traceback: the missing key names `invoke fediverse.keys`."""
    conf = tmp_path / "hubconf.py"
    conf.write_text(
        f"ACTIVITYPUB_ACCOUNT = 'hub@hub.example'\nSITEURL = 'https://hub.example'\n"
        f"ACTIVITYPUB_KEYS_DIR = {str(tmp_path / 'none')!r}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "fediverse.deliver", "--settings", str(conf)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert "Nothing was delivered:" in result.stderr and "invoke fediverse.keys" in result.stderr
    assert "Traceback" not in result.stderr
