"""Server-side sessions and the login throttle, in ``<state>/sessions.sqlite3``.

Shared by every worker. The cookie holds a random session id; the store keeps only
its SHA-256, so a copy of the file opens no session. Each session has its own CSRF
token, an idle expiry and an absolute one.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SESSIONS_FILE = "sessions.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY,      -- SHA-256 of the cookie's session id
    moderator TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT PRIMARY KEY,      -- account:<name> or client:<hash>
    count INTEGER NOT NULL,
    first REAL NOT NULL,
    locked_until REAL NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class Session:
    """A logged-in moderator."""

    key: str
    moderator: str
    csrf: str

    def csrf_matches(self, token: str) -> bool:
        """Whether a form's token is this session's (compared in constant time)."""
        return hmac.compare_digest(self.csrf.encode(), token.encode("utf-8", "replace"))


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


class Sessions:
    """Sessions and failed logins of the moderation page."""

    def __init__(self, state_dir: Path, idle_seconds: int, max_seconds: int) -> None:
        self.path = Path(state_dir) / SESSIONS_FILE
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _run(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        with self._lock:
            if self._db is None:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                db = sqlite3.connect(
                    self.path, timeout=10.0, isolation_level=None, check_same_thread=False
                )
                # Why a file lock: workers opening a fresh store together take turns.
                with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    db.execute("PRAGMA journal_mode=WAL")
                    db.executescript(SCHEMA)
                self.path.chmod(0o600)
                self._db = db
            return self._db.execute(sql, parameters).fetchall()

    # --- sessions ----------------------------------------------------------------

    def start(self, moderator: str) -> tuple[str, Session]:
        """A new session: (the id for the cookie, the session)."""
        session_id = secrets.token_urlsafe(32)
        session = Session(_key(session_id), moderator, secrets.token_urlsafe(32))
        now = time.time()
        self._run(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
            (session.key, moderator, session.csrf, now, now),
        )
        self._run(
            "DELETE FROM sessions WHERE seen < ? OR created < ?",
            (now - self.idle_seconds, now - self.max_seconds),
        )
        return session_id, session

    def get(self, session_id: str) -> Session | None:
        """The live session of a cookie (its idle time starts again), or None."""
        if not session_id:
            return None
        key = _key(session_id)
        rows = self._run(
            "SELECT moderator, csrf, created, seen FROM sessions WHERE key = ?", (key,)
        )
        if not rows:
            return None
        moderator, csrf, created, seen = rows[0]
        now = time.time()
        if now - seen > self.idle_seconds or now - created > self.max_seconds:
            self._run("DELETE FROM sessions WHERE key = ?", (key,))
            return None
        self._run("UPDATE sessions SET seen = ? WHERE key = ?", (now, key))
        return Session(key, moderator, csrf)

    def end(self, session: Session) -> None:
        """Log out: the session is gone for every worker."""
        self._run("DELETE FROM sessions WHERE key = ?", (session.key,))

    def end_all(self, moderator: str) -> None:
        """End every session of a moderator (removed, or a new password)."""
        self._run("DELETE FROM sessions WHERE moderator = ?", (moderator,))

    # --- failed logins -------------------------------------------------------------

    def locked(self, key: str, limit: int, window: int) -> float:
        """Seconds until ``key`` may try again (0 when it may now)."""
        rows = self._run("SELECT count, first, locked_until FROM failures WHERE key = ?", (key,))
        if not rows:
            return 0.0
        count, first, locked_until = rows[0]
        now = time.time()
        if locked_until > now:
            return locked_until - now
        if count >= limit and now - first < window:
            return first + window - now
        return 0.0

    def failed(self, key: str, limit: int, window: int) -> None:
        """Count a wrong password; at ``limit`` within ``window`` the key is locked."""
        now = time.time()
        self._run("SELECT 1")  # opens the store if this worker has not yet
        with self._lock:
            self._run_locked_failure(key, limit, window, now)

    def _run_locked_failure(self, key: str, limit: int, window: int, now: float) -> None:
        assert self._db is not None
        db = self._db
        db.execute("BEGIN IMMEDIATE")  # two workers counting at once must both count
        try:
            row = db.execute(
                "SELECT count, first, locked_until FROM failures WHERE key = ?", (key,)
            ).fetchone()
            if row is None or (now - row[1] >= window and row[2] <= now):
                count, first = 1, now
            else:
                count, first = row[0] + 1, row[1]
            locked_until = now + window if count >= limit else 0.0
            db.execute(
                "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)",
                (key, count, first, locked_until),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def succeeded(self, key: str) -> None:
        """Forget the wrong passwords of a key after a right one."""
        self._run("DELETE FROM failures WHERE key = ?", (key,))

    def close(self) -> None:
        """Close the connection (a worker shutting down)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
