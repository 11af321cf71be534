"""Activities waiting to be delivered: one file per activity and inbox, on disk.

Like the comment queue, a job is written (fsynced, then renamed into place) before
anyone is told it will be sent, so a restart, even after kill -9, resumes every
delivery that had not been answered with a 2xx. A job's file carries its attempts
and the time it is next due, so the backoff survives a restart too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

QUEUE_FOLDER = "fediverse-deliveries"
# Seconds before each retry: a minute, then doubling, up to a day; then the job is dropped
# (kept in failed/ with its last error) after about four days of tries.
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 24 * 3600
MAX_ATTEMPTS = 12


@dataclass
class Job:
    """One activity for one inbox, with its tries so far."""

    activity: dict[str, Any]
    inbox: str
    attempts: int = 0
    due: float = field(default_factory=time.time)
    last_error: str = ""
    name: str = ""  # the file's name in the queue, set when written or read


class DeliveryQueue:
    """The jobs of one hub, in ``<state>/fediverse-deliveries/``."""

    def __init__(self, state_dir: Path) -> None:
        self.folder = state_dir / QUEUE_FOLDER
        self.failed = self.folder / "failed"

    def enqueue(self, activity: dict[str, Any], inbox: str) -> Job:
        """Write a job for ``inbox`` (once per activity and inbox: a repeat is the same file)."""
        key = f"{activity.get('id', '')}\n{inbox}".encode()
        job = Job(activity=activity, inbox=inbox, name=hashlib.sha256(key).hexdigest() + ".json")
        self._write(job)
        return job

    def jobs(self) -> list[Job]:
        """Every waiting job, soonest due first."""
        if not self.folder.is_dir():
            return []
        jobs = []
        for path in self.folder.glob("*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # a half-written temporary never has the .json name; skip the unreadable
            jobs.append(Job(**{**data, "name": path.name}))
        return sorted(jobs, key=lambda job: job.due)

    def due(self, now: float | None = None) -> list[Job]:
        """The jobs whose time has come."""
        moment = time.time() if now is None else now
        return [job for job in self.jobs() if job.due <= moment]

    def done(self, job: Job) -> None:
        """The inbox accepted the activity: forget the job."""
        with contextlib.suppress(FileNotFoundError):
            (self.folder / job.name).unlink()

    def retry_later(
        self, job: Job, error: str, now: float | None = None, at_least: float = 0.0
    ) -> bool:
        """Count a failed try and set the next; False when the job gave up (moved to failed/).

        ``at_least``: seconds the inbox asked to wait (its Retry-After), if longer.
        """
        moment = time.time() if now is None else now
        job.attempts += 1
        job.last_error = error
        if job.attempts >= MAX_ATTEMPTS:
            self.failed.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._write(job, folder=self.failed)
            self.done(job)
            return False
        backoff = FIRST_RETRY_SECONDS * 2 ** (job.attempts - 1)
        job.due = moment + min(MAX_RETRY_SECONDS, max(backoff, at_least))
        self._write(job)
        return True

    def give_up(self, job: Job, error: str) -> Path:
        """The inbox refused for good (a 4xx): keep the job in failed/ with why; its path there."""
        job.attempts += 1
        job.last_error = error
        self.failed.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._write(job, folder=self.failed)
        self.done(job)
        return self.failed / job.name

    def _write(self, job: Job, folder: Path | None = None) -> None:
        target = folder or self.folder
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps({k: v for k, v in asdict(job).items() if k != "name"})
        temporary = target / f".{job.name}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target / job.name)
        # Why fsync the folder: the rename itself must survive a power cut.
        directory = os.open(target, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
