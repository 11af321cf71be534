"""The rate limit on accepted submissions, one for every worker, kept in a small SQLite file.

Each client has one row: the time at which its allowance is whole again (the
"theoretical arrival time" of the generic cell rate algorithm). Accepting a
submission moves that time one step (``seconds / count``) later; a submission
that would move it more than ``seconds`` past now is refused. A client may so
send ``count`` at once, then one more every ``seconds / count`` seconds. A row
whose time has passed says nothing a missing row would not, so every few
accepted submissions delete a batch of them through an index: the table holds
little more than the clients of the last ``seconds``, and no call ever scans it.

Why SQLite in WAL mode: gunicorn runs several worker processes, and a limit
each of them kept in memory let ``workers`` times the documented rate through.
One write transaction per accepted submission costs well under a millisecond.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from socialhub.comments.disk import Unwritable

log = logging.getLogger("socialhub.comments")

SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (client TEXT PRIMARY KEY, tat REAL NOT NULL);
CREATE INDEX IF NOT EXISTS clients_by_tat ON clients (tat);
"""
# Rows of idle clients deleted per accepted submission: more than the one row a
# submission can add, so the table shrinks back once a burst of clients is over.
EXPIRE_PER_CALL = 4
# They are deleted once every this many accepted submissions of a process (that many
# times as many rows at once): an expired row counts as no row anyway (its time is
# past), so skipping the deletion saves a statement on most submissions.
EXPIRE_EVERY = 16


class RateLimit:
    """At most ``count`` accepted submissions per client at once, refilled over ``seconds``."""

    def __init__(
        self,
        path: Path,
        count: int,
        seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.count = max(1, count)
        self.seconds = float(seconds)
        self.step = self.seconds / self.count
        # Why the wall clock: it is the one clock every worker process reads alike.
        self.clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._calls = 0

    def _connection(self) -> sqlite3.Connection:
        # Why per process: a connection must not cross a fork (gunicorn's preload).
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, timeout=5.0, isolation_level=None, check_same_thread=False
            )
            try:
                # Why a file lock: SQLite answers "database is locked" at once, without
                # waiting, to a second worker switching a fresh file to WAL or making
                # its table; so the workers that start together take turns here.
                with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(SCHEMA)
                # Why NORMAL: a power cut may forget the last few counts, which is harmless.
                db.execute("PRAGMA synchronous=NORMAL")
            except BaseException:
                db.close()
                raise
            self._db, self._pid = db, os.getpid()
        return self._db

    def take(self, client: str) -> bool:
        """Count one accepted submission of ``client``; False (nothing counted) over the limit."""
        now = self.clock()
        with self._lock:
            try:
                db = self._connection()
                # One statement, so one transaction of its own: the client's time moves
                # one step on when that keeps it within ``seconds`` of now (the min: a
                # clock set back must not lock a client out for longer); no row comes
                # back when it would not, and nothing is counted.
                counted = db.execute(
                    "INSERT INTO clients (client, tat) VALUES (:client, :now + :step)"
                    " ON CONFLICT (client) DO UPDATE"
                    " SET tat = max(:now, min(tat, :now + :seconds)) + :step"
                    " WHERE max(:now, min(tat, :now + :seconds)) + :step - :now"
                    " <= :seconds + 1e-9"
                    " RETURNING tat",
                    {"client": client, "now": now, "step": self.step, "seconds": self.seconds},
                ).fetchall()
                allowed = bool(counted)
                self._calls += 1
                if allowed and self._calls % EXPIRE_EVERY == 1:
                    db.execute(
                        "DELETE FROM clients WHERE rowid IN"
                        " (SELECT rowid FROM clients WHERE tat <= ? LIMIT ?)",
                        (now, EXPIRE_PER_CALL * EXPIRE_EVERY),
                    )
            except (sqlite3.Error, OSError) as error:
                self._forget()
                log.error("rate limit store %s failed: %s", self.path, error)
                # Why the disk's answer: the store sits next to the queue, so a full or
                # read-only disk shows here first, and readers get one sentence for it.
                raise Unwritable(f"the rate limit store failed ({error})") from error
        return allowed

    def give_back(self, client: str) -> None:
        """Undo one ``take`` whose submission could not be stored (best effort, never raises)."""
        with self._lock:
            try:
                self._connection().execute(
                    "UPDATE clients SET tat = tat - ? WHERE client = ?", (self.step, client)
                )
            except (sqlite3.Error, OSError) as error:
                self._forget()
                log.error("rate limit store %s failed: %s", self.path, error)

    def clients(self) -> int:
        """How many clients the store remembers (for tests and the curious)."""
        with self._lock:
            row = self._connection().execute("SELECT count(*) FROM clients").fetchone()
            return int(row[0])

    def _forget(self) -> None:
        """Drop a connection that failed, so the next call opens the store afresh."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None

    def close(self) -> None:
        """Close the store (shutdown and tests)."""
        with self._lock:
            self._forget()
