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


def test_list_show_approve_reject(minimal_copy: Path, tmp_path: Path) -> None:
    """Pending comments are listed, shown, approved into content/, rejected with a reason."""
    settings = tmp_path / "moderation.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(minimal_copy)!r}\nCOMMENTS_QUEUE_DIR = {str(tmp_path / 'queue')!r}\n",
        encoding="utf-8",
    )
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
