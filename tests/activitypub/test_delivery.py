"""Delivering the queue to followers' inboxes: signed, retried with backoff, given up on a 4xx."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from inbox_server import Inbox, running_inbox

from socialhub.activitypub.deliver import deliver_due
from socialhub.activitypub.deliveryqueue import DeliveryQueue
from socialhub.activitypub.keys import KeyPair, create_keys

KEY_ID = "https://hub.example/fediverse/actor.json#main-key"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keys(tmp_path: Path) -> KeyPair:
    """The hub's key pair, in a folder of the test's own."""
    return create_keys(tmp_path / "keys")


def activity(number: int = 1) -> dict[str, object]:
    """A Create as the announcer writes it."""
    item = f"https://hub.example/posts/post-{number}/"
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": item + "#create",
        "type": "Create",
        "actor": "https://hub.example/fediverse/actor.json",
        "object": {"id": item, "type": "Article", "name": f"Post {number}"},
    }


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_503_is_retried_with_backoff_then_delivered_signed(tmp_path, keys):
    """One line for the failure; the retry waits a minute; the 202 ends the job."""
    state = tmp_path / "state"
    with running_inbox(Inbox(keys.public_pem, answers=[503])) as inbox:
        DeliveryQueue(state).enqueue(activity(), inbox.url)
        start = time.time()
        lines: list[str] = []
        first = deliver_due(
            state, keys, KEY_ID, allow_private=True, now=start, progress=lines.append
        )
        assert (first.sent, first.retrying) == (0, 1)
        assert lines == [
            f"fediverse: {inbox.url} refused Create https://hub.example/posts/post-1/#create: "
            "503, retrying in 1 min (attempt 1)"
        ]
        [job] = DeliveryQueue(state).jobs()
        assert job.attempts == 1 and job.due == pytest.approx(start + 60)
        # Not due yet: nothing is sent before the backoff has passed.
        assert deliver_due(state, keys, KEY_ID, allow_private=True, now=start + 30).sent == 0
        assert len(inbox.received) == 1
        later = deliver_due(
            state, keys, KEY_ID, allow_private=True, now=start + 61, progress=lines.append
        )
        assert later.sent == 1 and len(lines) == 1
    assert DeliveryQueue(state).jobs() == []
    assert [received.signed_by for received in inbox.received] == [KEY_ID, KEY_ID]
    last = inbox.received[-1]
    assert last.activity == activity()
    assert last.headers["Content-Type"] == "application/activity+json"
    assert last.path == "/users/ana/inbox"


def test_a_retry_after_longer_than_the_backoff_is_respected(tmp_path, keys):
    """A 429 asking for an hour waits an hour, not the first retry's minute."""
    state = tmp_path / "state"
    lines: list[str] = []
    with running_inbox(Inbox(keys.public_pem, answers=[429], retry_after="3600")) as inbox:
        DeliveryQueue(state).enqueue(activity(), inbox.url)
        start = time.time()
        deliver_due(state, keys, KEY_ID, allow_private=True, now=start, progress=lines.append)
    [job] = DeliveryQueue(state).jobs()
    assert job.due == pytest.approx(start + 3600)
    assert lines[0].endswith(": 429, retrying in 60 min (attempt 1)")


def test_a_410_gives_up_at_once_and_keeps_the_job_in_failed(tmp_path, keys):
    """A refusal is not tried again; the line says where the job is kept."""
    state = tmp_path / "state"
    lines: list[str] = []
    with running_inbox(Inbox(keys.public_pem, answers=[410])) as inbox:
        DeliveryQueue(state).enqueue(activity(), inbox.url)
        report = deliver_due(state, keys, KEY_ID, allow_private=True, progress=lines.append)
        again = deliver_due(state, keys, KEY_ID, allow_private=True, now=time.time() + 10**7)
    assert (report.given_up, again.sent, len(inbox.received)) == (1, 0, 1)
    [line] = lines
    assert line.startswith(f"fediverse: {inbox.url} refused Create ")
    assert ": 410, given up (kept in " in line
    [kept] = (state / "fediverse-deliveries" / "failed").glob("*.json")
    assert json.loads(kept.read_text())["last_error"].startswith("410")
    assert DeliveryQueue(state).jobs() == []


def test_a_429_and_an_unreachable_inbox_are_tried_again(tmp_path, keys):
    """429 means later; so does a connection nobody answers."""
    state = tmp_path / "state"
    lines: list[str] = []
    closed = f"http://127.0.0.1:{free_port()}/inbox"
    with running_inbox(Inbox(keys.public_pem, answers=[429])) as inbox:
        DeliveryQueue(state).enqueue(activity(1), inbox.url)
        DeliveryQueue(state).enqueue(activity(2), closed)
        report = deliver_due(state, keys, KEY_ID, allow_private=True, progress=lines.append)
    assert report.retrying == 2 and report.sent == 0
    assert len(lines) == 2
    assert any(": 429" in line and "attempt 1" in line for line in lines)
    assert any(line.startswith(f"fediverse: {closed} unreachable for Create") for line in lines)
    assert len(DeliveryQueue(state).jobs()) == 2


def test_a_public_only_deliverer_never_posts_to_loopback(tmp_path, keys):
    """Without the tests' switch an inbox on 127.0.0.1 is refused before any request."""
    state = tmp_path / "state"
    lines: list[str] = []
    with running_inbox(Inbox(keys.public_pem)) as inbox:
        DeliveryQueue(state).enqueue(activity(), inbox.url)
        report = deliver_due(state, keys, KEY_ID, progress=lines.append)
    assert report.given_up == 1 and inbox.received == []
    assert "not on the public internet" in lines[0]


def test_an_inbox_that_is_not_a_web_address_is_given_up(tmp_path, keys):
    """A follower's server naming a strange inbox costs one line, not the whole run."""
    state = tmp_path / "state"
    lines: list[str] = []
    DeliveryQueue(state).enqueue(activity(1), "ftp://a.example/inbox")
    DeliveryQueue(state).enqueue(activity(2), "http://[not-a-host/inbox")
    report = deliver_due(state, keys, KEY_ID, allow_private=True, progress=lines.append)
    assert report.given_up == 2 and len(lines) == 2
    assert all("not a web address, given up" in line for line in lines)


def test_two_deliverers_never_send_the_same_job_at_once(tmp_path, keys):
    """While one run waits on a slow inbox, a second run skips the job it is sending."""
    state = tmp_path / "state"
    with running_inbox(Inbox(keys.public_pem)) as inbox:
        inbox.hold.set()
        DeliveryQueue(state).enqueue(activity(), inbox.url)
        results = []
        first = threading.Thread(
            target=lambda: results.append(deliver_due(state, keys, KEY_ID, allow_private=True))
        )
        first.start()
        try:
            assert inbox.wait_for(1)
            second = deliver_due(state, keys, KEY_ID, allow_private=True)
        finally:
            inbox.release.set()
            first.join(90)
    assert (second.sent, second.skipped) == (0, 1)
    assert results[0].sent == 1
    assert len(inbox.received) == 1
    assert DeliveryQueue(state).jobs() == []


DELIVERER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from socialhub.activitypub.deliver import deliver_due
    from socialhub.activitypub.keys import load_keys

    state, keys, key_id = Path(sys.argv[1]), load_keys(Path(sys.argv[2])), sys.argv[3]
    rounds = int(sys.argv[4])
    for number in range(rounds):
        # Each round a month later: every job is due again, so the queue is rewritten constantly.
        deliver_due(state, keys, key_id, allow_private=True, timeout=120, workers=2,
                    now=time.time() + number * 30 * 86400, progress=lambda line: None)
    """
)


def start_deliverer(tmp_path: Path, rounds: int = 1) -> subprocess.Popen[bytes]:
    """A deliverer in a process of its own, so that it can be killed with SIGKILL."""
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            DELIVERER,
            str(tmp_path / "state"),
            str(tmp_path / "keys"),
            KEY_ID,
            str(rounds),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL: no finally, no flush, no lock released by the process itself."""
    process.send_signal(signal.SIGKILL)
    process.wait(60)
    if process.stderr:
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def every_job_file(state: Path) -> dict[str, dict[str, object]]:
    """Every job file left, waiting or failed, each read as JSON (a half-written one fails)."""
    folder = state / "fediverse-deliveries"
    files = [*folder.glob("*.json"), *(folder / "failed").glob("*.json")]
    return {path.name: json.loads(path.read_text()) for path in files}


def test_a_deliverer_killed_while_an_inbox_hangs_loses_nothing(tmp_path, keys):
    """kill -9 mid-POST; the next run delivers every job, each at least once."""
    state = tmp_path / "state"
    with running_inbox(Inbox(keys.public_pem)) as inbox:
        inbox.hold.set()
        queue = DeliveryQueue(state)
        ids = {str(queue.enqueue(activity(n), inbox.url).activity["id"]) for n in range(6)}
        process = start_deliverer(tmp_path)
        try:
            assert inbox.wait_for(2), process.stderr.read() if process.stderr else ""
        finally:
            kill(process)
        assert len(every_job_file(state)) == 6
        assert len(DeliveryQueue(state).jobs()) == 6
        inbox.hold.clear()
        inbox.release.set()
        report = deliver_due(state, keys, KEY_ID, allow_private=True)
    assert report.sent == 6 and DeliveryQueue(state).jobs() == []
    assert {str(received.activity["id"]) for received in inbox.received} == ids
    assert all(received.signed_by == KEY_ID for received in inbox.received)


def test_a_deliverer_killed_while_rewriting_the_queue_leaves_whole_files(tmp_path, keys):
    """Killed among constant retries, every job file left is whole, and none is lost."""
    state = tmp_path / "state"
    with running_inbox(Inbox(keys.public_pem, then=503, pause=0.1)) as inbox:
        queue = DeliveryQueue(state)
        names = {queue.enqueue(activity(n), inbox.url).name for n in range(8)}
        process = start_deliverer(tmp_path, rounds=10)
        try:
            assert inbox.wait_for(20), process.stderr.read() if process.stderr else ""
        finally:
            kill(process)
        left = every_job_file(state)  # a half-written file would fail to parse here
        # Once or more: a job killed between failed/ and its removal is in both; none is gone.
        assert set(left) == names
        waiting = DeliveryQueue(state).jobs()
        assert all(job.attempts >= 1 for job in waiting)
        inbox.then = 202
        report = deliver_due(state, keys, KEY_ID, allow_private=True, now=time.time() + 10**8)
    assert report.sent == len(waiting)
    assert DeliveryQueue(state).jobs() == []
