"""Sending the delivery queue's due jobs: one signed POST each, retried with backoff.

Each job is one activity for one inbox (deliveryqueue.py). A 2xx ends it; a 4xx
other than 408 and 429 says "no" for good, so the job goes to ``failed/`` at once;
anything else (5xx, 429, a timeout, a refused connection) is tried again later,
with the queue's backoff. Every failure prints one line, such as::

    fediverse: https://social.example/inbox refused Create https://hub.example/a/#create: 503,
    retrying in 2 min (attempt 2)

(on one line).

Why a lock per job: the timer's retries, a publish and the comment service (which
sends its ``Accept`` at once) may all deliver at the same moment; a job one of them
is sending is skipped by the others, so no inbox gets the same POST twice at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from socialhub.activitypub.config import ACTIVITY_JSON
from socialhub.activitypub.deliveryqueue import MAX_ATTEMPTS, DeliveryQueue, Job
from socialhub.activitypub.keys import KeyPair
from socialhub.activitypub.signing import signed_headers
from socialhub.comments.checks import Refusal, Unreachable
from socialhub.comments.pinned import pinned_client
from socialhub.mentions.discovery import describe_http_error

USER_AGENT = "socialhub-fediverse/1 (+https://www.w3.org/TR/activitypub/)"
DEFAULT_TIMEOUT = 15.0
# Why few: the hub's followers sit on a handful of servers; more threads would only
# make one slow server's answers wait on a 2-core machine that also builds.
MAX_WORKERS = 4
# Why these are not refusals: they mean "later", not "no".
RETRY_LATER = {408, 429}
LOCK_FOLDER = ".locks"

# A function that makes the HTTP client for one delivery (seconds, allow_private).
ClientFactory = Callable[[float, bool], httpx.Client]
SENT, RETRYING, GIVEN_UP, SKIPPED = "sent", "retrying", "given up", "skipped"


def _default_client(seconds: float, allow_private: bool) -> httpx.Client:
    """The SSRF-safe client: only public addresses, one deadline, no redirects."""
    return pinned_client(seconds, allow_private, headers={"User-Agent": USER_AGENT})


@dataclass
class DeliveryReport:
    """What one run did with the due jobs, and one line per failure."""

    sent: int = 0
    retrying: int = 0
    given_up: int = 0
    skipped: int = 0  # being sent by another deliverer at the same moment
    lines: list[str] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Deliveries that did not reach their inbox this time."""
        return self.retrying + self.given_up

    @property
    def summary(self) -> str:
        """One line: sent, waiting for a retry, given up."""
        if not (self.sent or self.failed or self.skipped):
            return "nothing due to deliver"
        text = f"{self.sent} delivered"
        if self.retrying:
            text += f", {self.retrying} failed (tried again later)"
        if self.given_up:
            text += f", {self.given_up} given up (kept in failed/)"
        if self.skipped:
            text += f", {self.skipped} being sent by another run"
        return text


def _label(job: Job) -> str:
    """The activity as a line names it: its type and id."""
    activity = job.activity
    return f"{activity.get('type', 'activity')} {activity.get('id', '(no id)')}"


def _wait_words(seconds: float) -> str:
    """A retry's delay in words: 45 s, 2 min, 3 h."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


def _first_words(response: httpx.Response, limit: int = 300) -> str:
    """The start of an answer's body on one line (it may explain a refusal); "" if none."""
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) >= limit:
            break
    words = " ".join(body[:limit].decode("utf-8", "replace").split())[:160]
    # Why printable only: the line goes to a terminal or a log, from an outside server.
    words = "".join(char for char in words if char.isprintable())
    return f" ({words})" if words else ""


@contextlib.contextmanager
def _job_lock(queue: DeliveryQueue, job: Job) -> Iterator[bool]:
    """Hold the job's lock if no other deliverer holds it; yields whether it is ours."""
    folder = queue.folder / LOCK_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / job.name
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            if not (queue.folder / job.name).exists():
                # Why only once the job is gone: a later run that creates a new lock file
                # then finds no job to send, so two locks never guard one live job.
                path.unlink(missing_ok=True)
    finally:
        os.close(descriptor)  # closing releases the lock; so does a kill -9


def _reread(queue: DeliveryQueue, job: Job, now: float) -> Job | None:
    """The job as on disk now, if still waiting and due (another run may have sent it)."""
    try:
        data = json.loads((queue.folder / job.name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fresh = Job(**{**data, "name": job.name})
    return fresh if fresh.due <= now else None


def retry_after(value: str, now: float) -> float:
    """Seconds a Retry-After header asks for (a number or an HTTP date); 0 when unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0


def _post(job: Job, keys: KeyPair, key_id: str, client: httpx.Client) -> tuple[int, str, str]:
    """POST the job's activity, signed; its status, a refusal's first words, Retry-After."""
    body = json.dumps(job.activity, ensure_ascii=False).encode("utf-8")
    headers = signed_headers("POST", job.inbox, body, key_id, keys.private_key)
    headers["Content-Type"] = ACTIVITY_JSON
    headers["Accept"] = ACTIVITY_JSON
    # Why a stream left mostly unread: the answer is its status; a huge or endless
    # body must neither fill the memory nor turn a 202 into a timeout.
    with client.stream("POST", job.inbox, content=body, headers=headers) as response:
        code = response.status_code
        said = _first_words(response) if 400 <= code < 600 else ""
        wait = response.headers.get("retry-after", "")
    return code, said, wait


def deliver_one(
    queue: DeliveryQueue,
    job: Job,
    keys: KeyPair,
    key_id: str,
    *,
    client: ClientFactory = _default_client,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    now: float | None = None,
) -> tuple[str, str]:
    """Send one job under its lock; what became of it and its failure line ("" when none)."""
    moment = time.time() if now is None else now
    with _job_lock(queue, job) as ours:
        if not ours:
            return SKIPPED, ""
        fresh = _reread(queue, job, moment)
        if fresh is None:
            return SKIPPED, ""
        return _attempt(queue, fresh, keys, key_id, http=client(timeout, allow_private), now=moment)


def _attempt(
    queue: DeliveryQueue, job: Job, keys: KeyPair, key_id: str, *, http: httpx.Client, now: float
) -> tuple[str, str]:
    """POST the job once and file it by the answer: done, retry later, or given up."""
    try:
        with http:
            code, said, wait = _post(job, keys, key_id, http)
    except Unreachable as failure:  # a name that does not resolve, this time
        return _retry(queue, job, "unreachable for", failure.reason, now)
    except (Refusal, httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as error:
        # An address that is not on the public internet, or not a web address at all:
        # no retry will change that.
        reason = error.reason if isinstance(error, Refusal) else "not a web address"
        path = queue.give_up(job, reason)
        return GIVEN_UP, (
            f"fediverse: {job.inbox} not sent {_label(job)}: {reason}, given up (kept in {path})"
        )
    except httpx.HTTPError as error:
        return _retry(queue, job, "unreachable for", describe_http_error(error), now)
    if 200 <= code < 300:
        queue.done(job)
        return SENT, ""
    if 400 <= code < 500 and code not in RETRY_LATER:
        path = queue.give_up(job, f"{code}{said}")
        return GIVEN_UP, (
            f"fediverse: {job.inbox} refused {_label(job)}: {code}{said}, given up (kept in {path})"
        )
    return _retry(queue, job, "refused", f"{code}{said}", now, retry_after(wait, now))


def _retry(  # noqa: PLR0917 - private; each is one part of the line
    queue: DeliveryQueue, job: Job, verb: str, error: str, now: float, at_least: float = 0.0
) -> tuple[str, str]:
    """Count a failed try; the line says when it comes again, or that the queue gave up."""
    attempt = job.attempts + 1
    if queue.retry_later(job, error, now=now, at_least=at_least):
        wait = _wait_words(job.due - now)
        return RETRYING, (
            f"fediverse: {job.inbox} {verb} {_label(job)}: {error}, "
            f"retrying in {wait} (attempt {attempt})"
        )
    return GIVEN_UP, (
        f"fediverse: {job.inbox} {verb} {_label(job)}: {error}, "
        f"given up after {MAX_ATTEMPTS} attempts (kept in {queue.failed / job.name})"
    )


def deliver_due(
    state_dir: Path,
    keys: KeyPair,
    key_id: str,
    *,
    client: ClientFactory = _default_client,
    allow_private: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    workers: int = MAX_WORKERS,
    now: float | None = None,
    progress: Callable[[str], None] = print,
) -> DeliveryReport:
    """Send every due job of the state folder's queue, a few at a time; one line per failure."""
    queue = DeliveryQueue(state_dir)
    moment = time.time() if now is None else now
    jobs = queue.due(moment)
    report = DeliveryReport()
    if not jobs:
        return report
    said = threading.Lock()

    def run(job: Job) -> None:
        outcome, line = deliver_one(
            queue,
            job,
            keys,
            key_id,
            client=client,
            allow_private=allow_private,
            timeout=timeout,
            now=moment,
        )
        with said:
            name = {SENT: "sent", RETRYING: "retrying", GIVEN_UP: "given_up"}.get(
                outcome, "skipped"
            )
            setattr(report, name, getattr(report, name) + 1)
            if line:
                report.lines.append(line)
                progress(line)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, MAX_WORKERS, len(jobs)))) as pool:
        list(pool.map(run, jobs))
    return report
