"""Group commit: comments posted at once share fsyncs, and none is answered before it is durable."""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from socialhub.comments import groupcommit
from socialhub.comments.app import CommentService
from socialhub.comments.config import CommentsConfig
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
            if len(self.batches) == 1:
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
