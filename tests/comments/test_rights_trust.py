"""Trust and bans at submission, the CLI approval's notifications, and the purge."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from rights_helpers import SITE, Mailbox, link_in, mailbox, rights_config, text_of
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.identity import email_hash
from socialhub.comments.moderation import approve
from socialhub.comments.purge import purge
from socialhub.comments.queue import Queue, Submission
from socialhub.comments.secret import service_secret
from socialhub.comments.standing import Standing
from socialhub.comments.subscriptions import Subscriptions

__all__ = ["mailbox"]  # the fixture, used by name

ROOT = Path(__file__).resolve().parents[2]
ANN = "ann@lumen.example"


def _post(config: CommentsConfig, **fields: str) -> tuple[str, str]:
    """Post through a fresh service; (the comment's id, where the form sends the reader)."""
    service = create_app(config)
    try:
        data = {"item": "first-post", "author": "Ann", "body": "Words.", **fields}
        answer = Client(service).post("/comments", data=data, headers={"Origin": SITE})
    finally:
        service.close()
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return str(answer.headers["X-Comment-Id"]), str(answer.headers["Location"])


def test_an_author_approved_once_skips_the_queue_under_approved(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """COMMENTS_TRUST = "approved": the second comment is published at once; "off": it waits."""
    configured = rights_config(config, tmp_path, 9, trust="approved")
    first, location = _post(configured, email=ANN)
    assert "comment=pending" in location
    assert [o.ok for o in approve(configured, [first])] == [True]  # records the approval
    second, location = _post(configured, email=ANN, body="Trusted now.")
    assert "comment=approved" in location
    assert (configured.content_dir / "comments" / "first-post" / f"{second}.md").is_file()
    off = rights_config(config, tmp_path, 9, trust="off")
    third, location = _post(off, email=ANN, body="Waits again.")
    assert "comment=pending" in location
    assert Queue(off.queue_dir).has(third, "pending")
    flagged = Submission(
        id="c-20261203-5555aaaa",
        item="first-post",
        author="Ann",
        body="x",
        date="2026-12-03T10:00:00+01:00",
        extra={"email_hash": email_hash(service_secret(configured.state_dir), ANN)},
    )
    service = create_app(configured)
    try:
        assert service.rights.may_skip_queue(flagged)
        flagged.extra["spam"] = {"score": 9, "likely": True, "signals": ["4 links"]}
        assert not service.rights.may_skip_queue(flagged)  # spam never skips the queue
    finally:
        service.close()


def test_a_banned_address_goes_to_rejected_unsaid(config: CommentsConfig, tmp_path: Path) -> None:
    """A banned email's comment is answered as any other and filed in rejected/ as "banned"."""
    configured = rights_config(config, tmp_path, 9)
    standing = Standing(configured.state_dir / "standing.sqlite3")
    standing.ban("email", email_hash(service_secret(configured.state_dir), ANN), "spam")
    standing.close()
    identifier, location = _post(configured, email=ANN)
    assert "comment=pending" in location
    queue = Queue(configured.queue_dir)
    assert not queue.has(identifier, "pending")
    rejected = queue.get(identifier, "rejected")
    assert rejected is not None and rejected.reason == "banned"


def test_invoke_comments_approve_sends_the_notification(
    config: CommentsConfig, tmp_path: Path, minimal_copy: Path, mailbox: tuple[Mailbox, int]
) -> None:
    """The command line's approval runs the same hook: the subscriber hears of the reply."""
    box, port = mailbox
    configured = rights_config(config, tmp_path, port, content_dir=minimal_copy)
    ann, _ = _post(configured, email=ANN, notify="replies")
    token = link_in(box.wait_for(1)[0]).split("t=", 1)[1]
    service = create_app(configured)
    try:
        Client(service).post("/comments/confirm", data={"t": token})
    finally:
        service.close()
    approve(configured, [ann])
    reply, _ = _post(configured, author="Bob", body="Bob, from the command line.", reply_to=ann)
    settings = tmp_path / "cli.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(minimal_copy)!r}\nCOMMENTS_QUEUE_DIR = {str(configured.queue_dir)!r}\n"
        f"COMMENTS_STATE_DIR = {str(configured.state_dir)!r}\n"
        f"COMMENTS_SMTP_HOST = '127.0.0.1'\nCOMMENTS_SMTP_PORT = {port}\n"
        "COMMENTS_SMTP_FROM = 'hub@lumen.example'\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "invoke", "comments.approve", reply, "--settings", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [_, told] = box.wait_for(2)
    assert "Bob, from the command line." in text_of(told)


def test_purge_removes_what_is_older_than_the_settings(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """Old rejected and approved queue files and unconfirmed subscriptions go; recent ones stay."""
    configured = rights_config(config, tmp_path, 9, keep_rejected_days=30, confirm_days=7)
    queue = Queue(configured.queue_dir)
    for identifier in ("c-20261001-0000aaaa", "c-20261201-0000bbbb"):
        queue.put(
            Submission(id=identifier, item="first-post", author="A", body="b", date="x"),
            "rejected",
        )
    old = queue.root / "rejected" / "c-20261001-0000aaaa.json"
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    store = Subscriptions.of(configured.state_dir)
    stale = store.add(ANN, "h1", "first-post", "c-20261001-0000aaaa", "replies")
    fresh = store.add(ANN, "h1", "first-post", "c-20261201-0000bbbb", "replies")
    kept = store.add(ANN, "h1", "first-post", "c-20261001-0000cccc", "item")
    store.confirm(kept.id, kept.confirm_nonce)
    store.run(
        "UPDATE subscriptions SET created = ? WHERE id IN (?, ?)", (month_ago, stale.id, kept.id)
    )
    done = purge(configured)
    assert (done.rejected, done.subscriptions) == (1, 1)
    assert not old.exists() and queue.has("c-20261201-0000bbbb", "rejected")
    assert store.get(stale.id) is None
    assert store.get(fresh.id) is not None
    assert store.get(kept.id) is not None  # a confirmed one stays
    store.close()
    settings = tmp_path / "purge.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"COMMENTS_QUEUE_DIR = {str(configured.queue_dir)!r}\n"
        f"PATH = {str(ROOT / 'tests/data/sites/minimal/content')!r}\n"
        f"COMMENTS_STATE_DIR = {str(configured.state_dir)!r}\n"
        "COMMENTS_KEEP_REJECTED_DAYS = 0\n",
        encoding="utf-8",
    )
    refused = subprocess.run(
        [sys.executable, "-m", "invoke", "comments.purge", "--settings", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert refused.returncode == 2
    assert "COMMENTS_KEEP_REJECTED_DAYS: 0 must be 1 or more" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_broken_state_folder_is_a_503_not_a_traceback(
    config: CommentsConfig, tmp_path: Path
) -> None:
    """When the state folder cannot be made, a comment gets 503 with a sentence; nothing stored."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be", encoding="utf-8")
    configured = rights_config(config, tmp_path, 9, state_dir=blocker / "state")
    service = create_app(configured)
    try:
        data = {"item": "first-post", "author": "Ann", "body": "Words.", "email": ANN}
        answer = Client(service).post("/comments", data=data, headers={"Origin": SITE})
    finally:
        service.close()
    assert answer.status_code == 503
    assert "try again" in answer.get_data(as_text=True)
    assert list((configured.queue_dir / "pending").glob("*.json")) == []
