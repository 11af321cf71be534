"""Notices to moderators: new pending comments, batched, by email and by webhook.

At most one notice per COMMENTS_NOTIFY_INTERVAL seconds, listing every comment that
arrived since the last one. The queue is the truth: a notice lists the pending
comments that no notice has named yet, so a worker restarting or a dead webhook loses
nothing (what was not sent is sent with the next batch). Every worker runs a small
timer thread; a file lock lets one of them send each batch.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from textwrap import shorten

import httpx

from socialhub.comments.config import CommentsConfig
from socialhub.comments.queue import Queue, Submission
from socialhub.stampcache import write_atomically

log = logging.getLogger("socialhub.comments")

STATE_FILE = "notices.json"
CHANNELS = ("email", "webhook")
# A burst is gathered this long (at most) before its notice goes out.
GATHER_SECONDS = 30.0


def channels(config: CommentsConfig) -> list[str]:
    """The channels the settings turn on."""
    wanted = []
    if config.smtp_host and config.smtp_to:
        wanted.append("email")
    if config.webhook_url:
        wanted.append("webhook")
    return wanted


def _arrived(submission: Submission) -> float:
    try:
        return datetime.fromisoformat(submission.date).timestamp()
    except ValueError:
        return 0.0


def flush(config: CommentsConfig, queue: Queue, *, force: bool = False) -> int:
    """Send the batch that is due (all of it with ``force``); how many comments it named."""
    wanted = channels(config)
    if not wanted:
        return 0
    state_dir = Path(config.state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    with open(state_dir / "notices.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = _read_state(state_dir / STATE_FILE)
        pending = [s for s in queue.list("pending") if s.source != "staff"]
        now = time.time()
        last = float(state.get("last", 0.0))  # the same for every channel of this batch
        named = 0
        for channel in wanted:
            told = set(state.get(channel, []))
            new = [s for s in pending if s.id not in told]
            if not new or not (force or _due(config, last, new, now)):
                continue
            if SENDERS[channel](config, new):
                told.update(s.id for s in new)
                named = max(named, len(new))
                state["last"] = now
            # Why only ids still pending: the list would otherwise grow for ever.
            still = {s.id for s in pending}
            state[channel] = sorted(told & still)
        write_atomically(state_dir / STATE_FILE, json.dumps(state, indent=1).encode("utf-8"))
    return named


def _due(config: CommentsConfig, last: float, new: list[Submission], now: float) -> bool:
    if now - last < config.notify_interval:
        return False
    gather = min(GATHER_SECONDS, config.notify_interval)
    return now - min(_arrived(s) for s in new) >= gather


def _read_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        # Why go on: a lost state only means some comments are named twice.
        log.warning("could not read %s (%s): starting the notices afresh", path, error)
        return {}
    return state if isinstance(state, dict) else {}


def summary(config: CommentsConfig, new: list[Submission]) -> str:
    """The plain text of a notice: one paragraph per comment, then where to moderate."""
    count = len(new)
    lines = [
        f"{count} new comment{'s' if count != 1 else ''} wait{'s' if count == 1 else ''} "
        "for moderation:",
        "",
    ]
    for submission in new:
        kind = "Webmention" if submission.source == "webmention" else "comment"
        lines.append(f"- {submission.author} on {submission.item} ({kind} {submission.id}):")
        lines.append(f"  {shorten(' '.join(submission.body.split()), 200)}")
        spam = submission.extra.get("spam") or {}
        if spam.get("signals"):
            flag = "likely spam: " if spam.get("likely") else ""
            lines.append(f"  {flag}{'; '.join(str(s) for s in spam['signals'])}")
        if not config.moderation_url:
            lines.append(f"  invoke comments.show {submission.id}")
    lines.append("")
    if config.moderation_url:
        lines.append(f"Moderate them: {config.moderation_url}")
    else:
        lines.append("Moderate: invoke comments.approve ID (or comments.reject ID --reason ...)")
    return "\n".join(lines)


def send_email(config: CommentsConfig, new: list[Submission]) -> bool:
    """One email for the batch; False (logged in one line) when the server refuses it."""
    message = EmailMessage()
    count = len(new)
    message["Subject"] = (
        f"New comment on {new[0].item} from {new[0].author}"
        if count == 1
        else f"{count} new comments wait for moderation"
    )
    message["From"] = config.smtp_from or f"hub-comments@{config.smtp_host}"
    message["To"] = config.smtp_to
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="hub-comments")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(summary(config, new))
    try:
        with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("could not email the moderators about %d comment(s): %s", count, error)
        return False
    return True


def webhook_body(config: CommentsConfig, new: list[Submission]) -> bytes:
    """The webhook's JSON: Slack's and Mattermost's "text", and the comments for scripts."""
    comments = [
        {
            "id": s.id,
            "item": s.item,
            "author": s.author,
            "source": s.source,
            "date": s.date,
            "first_words": shorten(" ".join(s.body.split()), 200),
            "spam": s.extra.get("spam") or {},
        }
        for s in new
    ]
    payload = {
        "text": summary(config, new),
        "count": len(new),
        "moderation_url": config.moderation_url,
        "comments": comments,
    }
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def send_webhook(config: CommentsConfig, new: list[Submission]) -> bool:
    """POST the batch; False (logged in one line) on any failure, to be sent again later."""
    body = webhook_body(config, new)
    headers = {"Content-Type": "application/json", "User-Agent": "socialhub-comments"}
    if config.webhook_secret:
        digest = hmac.new(config.webhook_secret.encode("utf-8"), body, hashlib.sha256)
        headers["X-Hub-Signature-256"] = f"sha256={digest.hexdigest()}"
    try:
        answer = httpx.post(config.webhook_url, content=body, headers=headers, timeout=10.0)
    except httpx.HTTPError as error:
        log.warning("webhook %s failed: %s; retried with the next batch", config.webhook_url, error)
        return False
    if answer.status_code >= 300:
        log.warning(
            "webhook %s answered %d; retried with the next batch",
            config.webhook_url,
            answer.status_code,
        )
        return False
    return True


SENDERS: dict[str, Callable[[CommentsConfig, list[Submission]], bool]] = {
    "email": send_email,
    "webhook": send_webhook,
}


class Notifier:
    """A worker's timer: wakes when a comment arrives and every few seconds, sends what is due."""

    def __init__(self, config: CommentsConfig, queue: Queue) -> None:
        self.config = config
        self.queue = queue
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poke(self) -> None:
        """A comment arrived: send at once when notices are not batched, else wake the timer."""
        if not channels(self.config):
            return
        if self.config.notify_interval <= 0:
            self._flush()
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="notices", daemon=True)
            self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        tick = max(1.0, min(GATHER_SECONDS, self.config.notify_interval) / 3)
        while not self._stop.is_set():
            self._flush()
            self._wake.wait(tick)
            self._wake.clear()

    def _flush(self) -> None:
        try:
            flush(self.config, self.queue)
        except Exception:
            # Why catch all: a notice must never take a worker down with it.
            log.exception("could not send the moderators' notice")

    def stop(self) -> None:
        """Stop the timer (the worker is shutting down); the next start sends what is due."""
        self._stop.set()
        self._wake.set()
