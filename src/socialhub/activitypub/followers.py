"""Who follows the hub: one row per follower, kept in the service's state folder.

Deliveries go once to each shared inbox (a Mastodon server has one for all its
accounts), so the store answers both "who" and "where to send".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from socialhub.comments.sqlitestore import SQLiteStore

FOLLOWERS_FILE = "fediverse-followers.sqlite3"


@dataclass(frozen=True)
class Follower:
    """One follower: its actor id, its own inbox and its server's shared inbox (if any)."""

    actor: str
    inbox: str
    shared_inbox: str
    since: float

    @property
    def delivery_inbox(self) -> str:
        """Where the hub's activities for this follower go."""
        return self.shared_inbox or self.inbox


class Followers(SQLiteStore):
    """The followers, shared by every worker of the comment service."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS followers (
            actor TEXT PRIMARY KEY,
            inbox TEXT NOT NULL,
            shared_inbox TEXT NOT NULL DEFAULT '',
            since REAL NOT NULL
        );
    """

    @classmethod
    def in_state(cls, state_dir: Path) -> Followers:
        """The store kept in the service's state folder."""
        return cls(state_dir / FOLLOWERS_FILE)

    def add(self, actor: str, inbox: str, shared_inbox: str = "") -> None:
        """Record (or refresh) a follower."""
        self.run(
            "INSERT INTO followers (actor, inbox, shared_inbox, since) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(actor) DO UPDATE SET inbox = excluded.inbox, "
            "shared_inbox = excluded.shared_inbox",
            (actor, inbox, shared_inbox, time.time()),
        )

    def remove(self, actor: str) -> bool:
        """Forget a follower (an Undo Follow, a deleted actor); whether it was one."""
        return self.changed("DELETE FROM followers WHERE actor = ?", (actor,)) > 0

    def all(self) -> list[Follower]:
        """Every follower, oldest first."""
        rows = self.run("SELECT actor, inbox, shared_inbox, since FROM followers ORDER BY since")
        return [Follower(*row) for row in rows]

    def count(self) -> int:
        """How many follow the hub."""
        return int(self.run("SELECT COUNT(*) FROM followers")[0][0])

    def delivery_inboxes(self) -> list[str]:
        """Each inbox to deliver to, once: shared inboxes stand for all their accounts."""
        return sorted({follower.delivery_inbox for follower in self.all()})
