"""`invoke comments.*`: the maintainer's moderation commands, run as a maintainer runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from socialhub.comments.queue import Queue, Submission

ROOT = Path(__file__).resolve().parents[2]


def _invoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def _settings(content: Path, tmp_path: Path) -> Path:
    """A settings file for the moderation commands: this content, a queue under tmp_path."""
    settings = tmp_path / "moderation.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(content)!r}\nCOMMENTS_QUEUE_DIR = {str(tmp_path / 'queue')!r}\n",
        encoding="utf-8",
    )
    return settings


def test_list_show_approve_reject(minimal_copy: Path, tmp_path: Path) -> None:
    """Pending comments are listed, shown, approved into content/, rejected with a reason."""
    settings = _settings(minimal_copy, tmp_path)
    queue = Queue(tmp_path / "queue")
    for identifier, author in (("c-20261124-0001", "Kim"), ("c-20261124-0002", "Spam Bot")):
        queue.put(
            Submission(
                id=identifier,
                item="first-post",
                author=author,
                body="Hello from the queue, a fine comment.",
                date="2026-11-24T10:00:00+01:00",
            )
        )
    listed = _invoke("comments.list", "--settings", str(settings))
    assert listed.returncode == 0, listed.stderr
    assert "c-20261124-0001  first-post  Kim: Hello from the queue" in listed.stdout
    assert "2 waiting for moderation." in listed.stdout
    shown = _invoke("comments.show", "c-20261124-0002", "--settings", str(settings))
    assert "author:   Spam Bot" in shown.stdout
    approved = _invoke("comments.approve", "c-20261124-0001", "--settings", str(settings))
    assert approved.returncode == 0, approved.stderr
    assert (minimal_copy / "comments" / "first-post" / "c-20261124-0001.md").is_file()
    rejected = _invoke(
        "comments.reject", "c-20261124-0002", "--reason", "spam", "--settings", str(settings)
    )
    assert rejected.returncode == 0
    missing = _invoke("comments.approve", "c-20261124-9999", "--settings", str(settings))
    assert missing.returncode == 1
    assert "no pending submission with this id" in missing.stdout
    assert "Traceback" not in missing.stderr
    assert (
        "0 waiting for moderation." in _invoke("comments.list", "--settings", str(settings)).stdout
    )


def test_list_marks_replies_and_what_they_answer(minimal_copy: Path, tmp_path: Path) -> None:
    """Under each reply: the comment it answers, its author, and whether that is published."""
    settings = _settings(minimal_copy, tmp_path)
    queue = Queue(tmp_path / "queue")

    def put(identifier: str, author: str, reply_to: str = "", folder: str = "pending") -> None:
        submission = Submission(
            id=identifier,
            item="first-post",
            author=author,
            body=f"A comment by {author}.",
            date="2026-11-24T10:00:00+01:00",
            reply_to=reply_to,
        )
        queue.put(submission, folder)

    put("c-20261124-0001", "Kim", reply_to="c-20261102-aaaa")  # answers a published comment
    put("c-20261124-0002", "Lee")
    put("c-20261124-0003", "Ola", reply_to="c-20261124-0002")  # answers one still waiting
    put("c-20261124-0004", "Spam", folder="rejected")
    put("c-20261124-0005", "Per", reply_to="c-20261124-0004")  # answers a rejected one
    listed = _invoke("comments.list", "--settings", str(settings))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "c-20261124-0001  first-post  Kim: A comment by Kim.",
        "    ↳ reply to c-20261102-aaaa by Sam Reader",
        "c-20261124-0002  first-post  Lee: A comment by Lee.",
        "c-20261124-0003  first-post  Ola: A comment by Ola.",
        "    ↳ reply to c-20261124-0002 by Lee (waiting too: approve it first or with this one)",
        "c-20261124-0005  first-post  Per: A comment by Per.",
        "    ↳ reply to c-20261124-0004 (rejected: reject this reply too, or it breaks the build)",
        "4 waiting for moderation.",
    ]
