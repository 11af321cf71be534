"""Group commit: comments posted at once share fsyncs, and none is answered before it is durable."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import free_port, wait_for_port
from werkzeug.test import Client

from socialhub.comments import groupcommit
from socialhub.comments.app import CommentService
from socialhub.comments.config import CommentsConfig
from socialhub.comments.disk import Unwritable
from socialhub.comments.queue import Queue, Submission

WRITERS = 12
ORIGIN = {"Origin": "http://127.0.0.1:8000"}
SENTENCE = "your comment was not saved"


class Recorder:
    """Every fsync, rename and answer, in the order they happened (paths, not descriptors)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, writers: int) -> None:
        self.events: list[tuple[str, str]] = []
        self.batches: list[int] = []
        self.lock = threading.Lock()
        self.writers = writers
        self.fail_after_first_batch = False
        self._queue: Queue | None = None
        real_fsync, real_replace, real_commit = os.fsync, os.replace, groupcommit._commit

        def fsync(descriptor: int) -> None:
            path = os.readlink(f"/proc/self/fd/{descriptor}")
            # Only the batch's own fsyncs (of folders) hold: each writer fsyncs its file
            # before it joins a batch, and must be able to join the next one.
            if len(self.batches) == 1 and os.path.isdir(path):
                self.hold_until_everyone_waits()
            if self.fail_after_first_batch and len(self.batches) > 1:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
            real_fsync(descriptor)
            self.note("fsync", path)

        def replace(source: Any, target: Any) -> None:
            real_replace(source, target)
            self.note("rename", f"{os.path.realpath(source)} {os.path.realpath(target)}")

        def commit(batch: list[Any]) -> OSError | None:
            with self.lock:
                self.batches.append(len(batch))
            return real_commit(batch)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(groupcommit, "_commit", commit)

    def watch(self, queue: Queue) -> None:
        """The queue whose batches the first committer waits for."""
        self._queue = queue

    def hold_until_everyone_waits(self) -> None:
        """Keep the first batch in its fsync until every other writer waits for the next one.

        Why: so that the test does not depend on timing; the others must gather into
        one batch behind it, which is what group commit promises under load.
        """
        assert self._queue is not None
        deadline = time.monotonic() + 60
        while self.batches[0] + len(self._queue._group._waiting) < self.writers:
            assert time.monotonic() < deadline, "the other writers never came"
            time.sleep(0.005)

    def note(self, kind: str, what: str) -> None:
        """Record an event."""
        with self.lock:
            self.events.append((kind, what))

    def index(self, kind: str, test: Callable[[str], bool], after: int = -1) -> int:
        """The first event of ``kind`` after ``after`` whose text passes ``test``."""
        for number, (found, what) in enumerate(self.events):
            if number > after and found == kind and test(what):
                return number
        raise AssertionError(f"no {kind} event after {after}: {self.events}")


def at_once(count: int, job: Callable[[int], None]) -> None:
    """Run ``job(0)`` … ``job(count - 1)`` in threads released together; wait for all."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(number: int) -> None:
        start.wait(timeout=60)
        try:
            job(number)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never returned"
    assert not errors, errors


def submission(number: int) -> Submission:
    """A distinct comment."""
    return Submission(
        id=f"c-20261203-{number:08x}",
        item="first-post",
        author=f"Reader {number}",
        body=f"Comment {number}",
        date="2026-12-03T18:00:00+01:00",
    )


def test_writes_at_once_share_fsyncs_and_return_only_once_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file: fsynced, tmp/ fsynced, renamed, pending/ fsynced, and only then answered."""
    queue = Queue(tmp_path / "queue")
    recorder = Recorder(monkeypatch, WRITERS)
    recorder.watch(queue)

    def write(number: int) -> None:
        queue.put(submission(number))
        recorder.note("answer", submission(number).id)

    at_once(WRITERS, write)
    assert queue.ids() == {submission(n).id for n in range(WRITERS)}
    for number in range(WRITERS):
        assert Submission.from_json(queue._path("pending", submission(number).id).read_bytes())
    assert list((tmp_path / "queue" / "tmp").iterdir()) == []
    # The first writer's batch, then all the others together: far fewer than 12 rounds.
    assert sum(recorder.batches) == WRITERS
    assert len(recorder.batches) == 2, recorder.batches
    tmp, pending = (os.path.realpath(tmp_path / "queue" / name) for name in ("tmp", "pending"))
    directory_fsyncs = [what for kind, what in recorder.events if kind == "fsync" and what == tmp]
    assert len(directory_fsyncs) == len(recorder.batches)  # once per batch, not per file
    for number in range(WRITERS):
        name = submission(number).id
        written = recorder.index("fsync", lambda what, n=name: f"/tmp/{n}." in what)
        listed = recorder.index("fsync", lambda what: what == tmp, after=written)
        renamed = recorder.index("rename", lambda what, n=name: f"/pending/{n}.json" in what)
        assert renamed > listed
        durable = recorder.index("fsync", lambda what: what == pending, after=renamed)
        answered = recorder.index("answer", lambda what, n=name: what == n)
        assert answered > durable


def test_a_failed_fsync_fails_its_whole_batch_with_the_same_503(
    make_service: Callable[..., CommentService],
    config: CommentsConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first batch is saved; every comment of the failing batch gets 503, none is kept."""
    service = make_service(rate_limit_count=1_000)  # all twelve come from one address
    assert service.secret  # made now, before fsync is watched (it is written once)
    recorder = Recorder(monkeypatch, WRITERS)
    recorder.watch(service.queue)
    recorder.fail_after_first_batch = True
    answers: dict[int, tuple[int, str]] = {}

    def post(number: int) -> None:
        fields = {"item": "first-post", "author": f"Reader {number}", "body": f"Comment {number}"}
        answer = Client(service).post("/api/comments", json=fields, headers=ORIGIN)
        answers[number] = (answer.status_code, answer.get_data(as_text=True))

    at_once(WRITERS, post)
    assert recorder.batches[0] + recorder.batches[1] == WRITERS, recorder.batches
    saved = [answer for answer in answers.values() if answer[0] == 202]
    refused = [answer for answer in answers.values() if answer[0] != 202]
    assert len(saved) == recorder.batches[0]
    assert len(refused) == recorder.batches[1]
    assert len({body for _, body in refused}) == 1, refused  # the same answer for all
    status, body = refused[0]
    assert status == 503
    assert SENTENCE in body
    # Only the first batch's comments are in the queue; nothing of the second anywhere.
    assert service.queue.ids() == {json.loads(body)["id"] for _, body in saved}
    assert list((config.queue_dir / "tmp").iterdir()) == []


def test_a_writer_whose_own_file_fails_to_sync_alone_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its file never joins a batch: it gets the error, the others are saved, nothing is left."""
    queue = Queue(tmp_path / "queue")
    doomed = submission(5).id
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        if f"/tmp/{doomed}." in os.readlink(f"/proc/self/fd/{descriptor}"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    refused: list[int] = []

    def write(number: int) -> None:
        try:
            queue.put(submission(number))
        except Unwritable:
            refused.append(number)

    at_once(WRITERS, write)
    assert refused == [5]
    assert queue.ids() == {submission(n).id for n in range(WRITERS) if n != 5}
    assert list((tmp_path / "queue" / "tmp").iterdir()) == []


# Each gunicorn worker imports this module; its threads share the queue's group commit.
APP = """
from pathlib import Path
from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.disk import Unwritable

root = Path(__file__).resolve().parent
application = create_app(CommentsConfig(
    queue_dir=root / "queue", state_dir=root / "state", content_dir=root / "content",
    manifest_path=root / "manifest.json", site_url="http://127.0.0.1:8000",
    allowed_origins=("http://127.0.0.1:8000",), rate_limit_count=1_000_000,
))
"""


@pytest.mark.slow
def test_kill_minus_nine_under_concurrent_load_keeps_every_202(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """gthread workers batching fsyncs, killed with SIGKILL (master and workers) mid-load."""
    assert config.manifest_path == tmp_path / "manifest.json"  # the app above reads it
    (tmp_path / "hubapp.py").write_text(APP, encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--worker-class", "gthread", "--threads", "8"]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--chdir", str(tmp_path)]
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def post(client_number: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            number = 0
            while not stop.is_set():
                number += 1
                fields = {
                    "item": "first-post",
                    "author": f"Reader {client_number}",
                    "body": f"Comment {client_number}-{number} " * 10,
                }
                try:
                    answer = client.post("/api/comments", json=fields, headers=ORIGIN)
                except httpx.TransportError:
                    continue  # killed under us: not acknowledged, nothing promised
                if answer.status_code == 202:
                    with lock:
                        acknowledged.append(answer.json()["id"])

    with open(tmp_path / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [*command, "hubapp:application"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: one SIGKILL takes master and workers
        )
    clients = [threading.Thread(target=post, args=(n,)) for n in range(16)]
    try:
        wait_for_port(port, 60)
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + 90
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        with lock:
            answered = list(acknowledged)  # answered before the kill (nothing answers after)
    finally:
        stop.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        for thread in clients:
            thread.join(timeout=60)
    log_text = (tmp_path / "gunicorn.log").read_text(errors="replace")
    assert len(answered) >= 200, log_text[-3000:]
    queue = Queue(tmp_path / "queue")
    queued = {submission.id for submission in queue.list()}  # every file parses, or this raises
    missing = set(answered) - queued
    assert not missing, f"{len(missing)} of {len(answered)} answered 202 are not in the queue"
    queue.clean_temporary(older_than=0)  # what a restart does with tmp/
    assert list((tmp_path / "queue" / "tmp").iterdir()) == []
