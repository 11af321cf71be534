"""A broken disk is not a broken request: 503 with Retry-After, /health fails, nothing half done.

Two kinds of test: faults injected into the os calls (always run), and real small
file systems (tmpfs, full, out of inodes, remounted read-only), skipped with the
reason where mounting is not permitted.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import write_comment
from socialhub.comments.moderation import approve, list_lines, reject
from socialhub.comments.queue import Queue, Submission

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = {"Origin": "http://127.0.0.1:8000"}
FORM = {"item": "first-post", "author": "Sam Reader", "body": "Nice post!"}
SENTENCE = "your comment was not saved"


def error(code: int) -> OSError:
    """The OSError the kernel gives for ``code``."""
    return OSError(code, os.strerror(code))


def failing(code: int, when: Callable[..., bool] = lambda *args: True, real: Any = None) -> Any:
    """A stand-in for an os function that raises ``code`` when ``when(*args)`` holds."""

    def fake(*args: Any, **kwargs: Any) -> Any:
        if when(*args):
            raise error(code)
        return real(*args, **kwargs)

    return fake


def pending_comment(config: CommentsConfig, identifier: str = "c-20261124-0001") -> Submission:
    """A comment waiting in the queue."""
    submission = Submission(
        id=identifier,
        item="first-post",
        author="Kim",
        body="Hello.",
        date="2026-11-24T10:00:00+01:00",
    )
    Queue(config.queue_dir).put(submission)
    return submission


def assert_unavailable(client: Client) -> None:
    """The form and the API both answer 503 with Retry-After and the sentence."""
    api = client.post("/api/comments", json=FORM, headers=ORIGIN)
    assert api.status_code == 503, api.get_data(as_text=True)
    assert api.headers["Retry-After"] == "120"
    assert api.get_json()["status"] == 503
    assert SENTENCE in api.get_json()["error"]
    form = client.post("/comments", data=FORM, headers=ORIGIN)
    assert form.status_code == 503
    assert form.headers["Retry-After"] == "120"
    assert form.mimetype == "text/html"
    assert SENTENCE in form.get_data(as_text=True)
    assert "Traceback" not in form.get_data(as_text=True)


def leftovers(config: CommentsConfig) -> list[Path]:
    """What is in the queue's tmp/ and pending/."""
    return [path for folder in ("tmp", "pending") for path in (config.queue_dir / folder).iterdir()]


# --- faults injected into the os calls: always on ----------------------------------


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("open", errno.EROFS),
        ("fsync", errno.ENOSPC),
        ("replace", errno.EDQUOT),
    ],
)
def test_a_refused_write_answers_503_and_leaves_nothing(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch, call: str, code: int
) -> None:
    """Read-only, full or over quota: 503 with a sentence, no 0-byte file left in tmp/."""
    client = Client(create_app(config))
    if call == "open":
        monkeypatch.setattr("socialhub.comments.queue.open", failing(code), raising=False)
    else:
        monkeypatch.setattr(os, call, failing(code))
    assert_unavailable(client)
    assert leftovers(config) == []


def test_health_fails_when_the_queue_cannot_be_written(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/health says why, and answers 200 again once the disk can be written."""
    client = Client(create_app(config))
    assert client.get("/health").status_code == 200
    monkeypatch.setattr("socialhub.comments.queue.open", failing(errno.EROFS), raising=False)
    answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "120"
    assert answer.get_json() == {
        "status": "unavailable",
        "reason": "the queue is on a read-only file system (Read-only file system)",
    }
    monkeypatch.undo()
    assert client.get("/health").get_json()["status"] == "ok"
    assert list((config.queue_dir / "tmp").iterdir()) == []  # the probe leaves nothing


def test_approval_that_cannot_write_the_comment_file_changes_nothing(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full content disk: no comment file, no temporary file, still waiting."""
    pending_comment(config)
    monkeypatch.setattr(os, "fsync", failing(errno.ENOSPC))
    [outcome] = approve(config, ["c-20261124-0001"])
    monkeypatch.undo()
    assert not outcome.ok
    assert outcome.message == (
        "not approved: could not write the comment file: [Errno 28] No space left on device"
    )
    assert list((config.content_dir / "comments" / "first-post").iterdir()) == []
    assert Queue(config.queue_dir).ids() == {"c-20261124-0001"}


def test_approval_that_cannot_move_the_submission_removes_the_comment_file(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only queue: the comment file written first is taken back; still waiting."""
    pending_comment(config)
    in_queue = failing(errno.EROFS, lambda old, new: str(config.queue_dir) in str(old), os.replace)
    monkeypatch.setattr(os, "replace", in_queue)
    [outcome] = approve(config, ["c-20261124-0001"])
    monkeypatch.undo()
    assert outcome.message == (
        "not approved: the queue is on a read-only file system (Read-only file system); "
        "nothing was changed"
    )
    assert list((config.content_dir / "comments" / "first-post").iterdir()) == []
    assert Queue(config.queue_dir).ids() == {"c-20261124-0001"}
    assert not any((config.queue_dir / "approved").iterdir())
    [again] = approve(config, ["c-20261124-0001"])  # once the disk is back, it just works
    assert again.ok
    assert (config.content_dir / "comments" / "first-post" / "c-20261124-0001.md").is_file()


def test_approval_that_cannot_undo_says_which_file_to_delete(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When even taking the comment file back fails, the moderator is told to delete it."""
    pending_comment(config)
    comment = config.content_dir / "comments" / "first-post" / "c-20261124-0001.md"
    in_queue = failing(errno.EIO, lambda old, new: str(config.queue_dir) in str(old), os.replace)
    monkeypatch.setattr(os, "replace", in_queue)
    real_unlink = Path.unlink
    monkeypatch.setattr(
        Path, "unlink", failing(errno.EIO, lambda path: path == comment, real_unlink)
    )
    [outcome] = approve(config, ["c-20261124-0001"])
    monkeypatch.undo()
    assert not outcome.ok
    assert outcome.message.endswith(
        f"and {comment} could not be removed (Input/output error): delete it before the next build"
    )


def test_an_approval_interrupted_between_its_two_steps_is_listed_and_finished(
    config: CommentsConfig,
) -> None:
    """A crash after the comment file, before the queue move: the list says so; approve again."""
    submission = pending_comment(config)
    write_comment(config.content_dir, submission)  # what the crashed approval had done
    queue = Queue(config.queue_dir)
    assert list_lines(config, queue, list(queue.list()))[1] == (
        "    ! already in content/comments/first-post/: an approval was interrupted; "
        "approve it again to finish"
    )
    [outcome] = approve(config, ["c-20261124-0001"])
    assert outcome.ok
    assert list_lines(config, queue, list(queue.list())) == []


def test_rejection_on_a_read_only_queue_changes_nothing(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not rejected, still waiting, nothing left in tmp/, no traceback."""
    pending_comment(config)
    monkeypatch.setattr("socialhub.comments.queue.open", failing(errno.EROFS), raising=False)
    [outcome] = reject(config, ["c-20261124-0001"], "spam")
    monkeypatch.undo()
    assert outcome.message.startswith("not rejected: the queue is on a read-only file system")
    assert Queue(config.queue_dir).ids() == {"c-20261124-0001"}
    assert list((config.queue_dir / "tmp").iterdir()) == []


def test_a_read_only_queue_with_a_leftover_starts_degraded_and_says_why(
    config: CommentsConfig, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The clean-up cannot remove a crash's leftover: the service starts anyway."""
    Queue(config.queue_dir)
    leftover = config.queue_dir / "tmp" / "c-20261124-0001.abcd.json"
    leftover.write_bytes(b"")
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    real_unlink = Path.unlink
    monkeypatch.setattr(
        Path, "unlink", failing(errno.EROFS, lambda path: path == leftover, real_unlink)
    )
    monkeypatch.setattr("socialhub.comments.queue.open", failing(errno.EROFS), raising=False)
    with caplog.at_level(logging.WARNING, "socialhub.comments"):
        service = create_app(config)
    assert "starting degraded: the queue is on a read-only file system" in caplog.text
    client = Client(service)
    assert client.get("/health").status_code == 503
    assert_unavailable(client)
    service.close()


# --- real small file systems: full, out of inodes, read-only -----------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Mount a small tmpfs under tmp_path (skip when this machine does not let us)."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "512k", inodes: int = 1000) -> Path:
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a small file system needs root and mount(8)")
        target = tmp_path / name
        target.mkdir()
        options = f"size={size},nr_inodes={inodes},mode=0755"
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        if subprocess.run(["umount", str(target)], check=False).returncode:
            subprocess.run(["umount", "-l", str(target)], check=False)


def remount(target: Path, mode: str) -> None:
    """Remount a test file system read-only ("ro") or writable ("rw")."""
    command = ["mount", "-o", f"remount,{mode}", str(target)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.skip(f"cannot remount a tmpfs here: {done.stderr.strip()}")


def fill(folder: Path) -> Path:
    """Fill a file system's space with one file; return it (delete it to free the space)."""
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as full:
            assert full.errno == errno.ENOSPC
    return filler


def use_every_inode(folder: Path) -> None:
    """Make empty files until the file system has no inode left."""
    for number in range(100_000):
        try:
            (folder / f"inode-{number}").touch()
        except OSError as full:
            assert full.errno == errno.ENOSPC
            return
    raise AssertionError("the file system never ran out of inodes")


def on_disk(config: CommentsConfig, disk: Path) -> CommentsConfig:
    """The configuration with its queue on the small disk."""
    return replace(config, queue_dir=disk / "queue")


def test_a_full_disk_answers_503_and_recovers(
    config: CommentsConfig, small_disk: Callable[..., Path]
) -> None:
    """ENOSPC for real: 503, /health says full, no 0-byte file; freed, it works again."""
    config = on_disk(config, small_disk("disk"))
    service = create_app(config)
    client = Client(service)
    filler = fill(config.queue_dir.parent)
    assert_unavailable(client)
    assert leftovers(config) == []
    health = client.get("/health")
    assert health.status_code == 503
    assert health.get_json()["reason"].startswith("the queue is full")
    filler.unlink()
    assert client.post("/api/comments", json=FORM, headers=ORIGIN).status_code == 202
    assert client.get("/health").status_code == 200
    service.close()


def test_a_disk_out_of_inodes_answers_503(
    config: CommentsConfig, small_disk: Callable[..., Path]
) -> None:
    """Space left but no inode: 503, and /health names the inodes."""
    config = on_disk(config, small_disk("disk", inodes=64))
    service = create_app(config)
    client = Client(service)
    use_every_inode(config.queue_dir.parent)
    assert_unavailable(client)
    assert leftovers(config) == []
    reason = client.get("/health").get_json()["reason"]
    assert reason.startswith("the queue is out of inodes"), reason
    service.close()


def test_a_read_only_queue_answers_503_and_approves_nothing(
    config: CommentsConfig, small_disk: Callable[..., Path]
) -> None:
    """EROFS for real: 503, /health fails, approval leaves no comment file and keeps it waiting."""
    config = on_disk(config, small_disk("disk"))
    pending_comment(config)
    service = create_app(config)
    client = Client(service)
    remount(config.queue_dir.parent, "ro")
    assert_unavailable(client)
    assert client.get("/health").status_code == 503
    [outcome] = approve(config, ["c-20261124-0001"])
    assert not outcome.ok
    assert "read-only" in outcome.message
    assert list((config.content_dir / "comments" / "first-post").iterdir()) == []
    assert Queue(config.queue_dir).ids() == {"c-20261124-0001"}
    service.close()


def test_a_read_only_queue_with_a_leftover_and_no_folder_starts_and_recovers(
    config: CommentsConfig, small_disk: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    """The service starts degraded, says why, and takes comments once the disk is writable."""
    config = on_disk(config, small_disk("disk"))
    Queue(config.queue_dir)
    leftover = config.queue_dir / "tmp" / "c-20261124-0001.abcd.json"
    leftover.write_bytes(b"")
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))
    (config.queue_dir / "pending").rmdir()
    remount(config.queue_dir.parent, "ro")
    with caplog.at_level(logging.WARNING, "socialhub.comments"):
        service = create_app(config)
    assert "starting degraded: the queue is on a read-only file system" in caplog.text
    client = Client(service)
    assert client.get("/health").status_code == 503
    assert_unavailable(client)
    remount(config.queue_dir.parent, "rw")
    assert client.post("/api/comments", json=FORM, headers=ORIGIN).status_code == 202
    assert client.get("/health").status_code == 200
    service.close()


def test_invoke_approve_on_a_read_only_queue_says_why_without_a_traceback(
    minimal_copy: Path, tmp_path: Path, small_disk: Callable[..., Path]
) -> None:
    """The maintainer's command: exit 1, one line naming the problem, nothing half approved."""
    disk = small_disk("disk")
    queue_dir = disk / "queue"
    settings = tmp_path / "moderation.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(minimal_copy)!r}\nCOMMENTS_QUEUE_DIR = {str(queue_dir)!r}\n",
        encoding="utf-8",
    )
    pending_comment(CommentsConfig(queue_dir=queue_dir))
    before = sorted((minimal_copy / "comments" / "first-post").iterdir())
    remount(disk, "ro")
    command = ["comments.approve", "c-20261124-0001", "--settings", str(settings)]
    done = subprocess.run(
        [sys.executable, "-m", "invoke", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        "c-20261124-0001: not approved: the queue is on a read-only file system "
        "(Read-only file system); nothing was changed"
    ) in done.stdout
    assert sorted((minimal_copy / "comments" / "first-post").iterdir()) == before
    assert Queue(queue_dir).ids() == {"c-20261124-0001"}
