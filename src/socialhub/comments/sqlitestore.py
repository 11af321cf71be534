"""A small SQLite store in the service's state folder, shared by every worker process."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any


class SQLiteStore:
    """One SQLite file (WAL mode, mode 0600), opened lazily, one statement at a time."""

    SCHEMA = ""
    # FULL: a commit is on disk before it returns. A store whose last few changes a power
    # cut may forget harmlessly sets NORMAL (in WAL mode: no fsync at each commit).
    SYNCHRONOUS = "FULL"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Why 0600: it holds what readers gave us (an address for notifications).
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            db = sqlite3.connect(
                self.path, timeout=5.0, isolation_level=None, check_same_thread=False
            )
            # Why a file lock: workers opening a fresh store together take turns (SQLite
            # does not wait while a file is switched to WAL; see ratelimit.py).
            with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(self.SCHEMA)
            db.execute(f"PRAGMA synchronous={self.SYNCHRONOUS}")
            self._db = db
        return self._db

    def run(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; its rows."""
        with self._lock:
            return self._connection().execute(sql, parameters).fetchall()

    def changed(self, sql: str, parameters: tuple[Any, ...] = ()) -> int:
        """Run one statement that changes rows; how many it changed."""
        with self._lock:
            return self._connection().execute(sql, parameters).rowcount

    def close(self) -> None:
        """Close the connection (a worker shutting down, tests)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
