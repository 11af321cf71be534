"""Which published comments an address wrote, by its keyed hash: for "delete my comments".

Comment files in content/ carry no email and no hash of one (they are public, in
git); this map in ``<state>/authorship.sqlite3`` is the only link between an
address's hash and the comments it published. after_approval fills it.
"""

from __future__ import annotations

import time
from pathlib import Path

from socialhub.comments.sqlitestore import SQLiteStore


class Authorship(SQLiteStore):
    """email_hash → the (item, comment id) pairs of its published comments."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS published (
        email_hash TEXT NOT NULL,
        item TEXT NOT NULL,
        comment_id TEXT NOT NULL,
        since REAL NOT NULL,
        PRIMARY KEY (email_hash, item, comment_id)
    );
    """

    @classmethod
    def of(cls, state_dir: Path) -> Authorship:
        """The map in a state folder."""
        return cls(Path(state_dir) / "authorship.sqlite3")

    def record(self, email_hash: str, item: str, comment_id: str) -> None:
        """Remember that this address published this comment (nothing without a hash)."""
        if email_hash:
            self.run(
                "INSERT OR IGNORE INTO published (email_hash, item, comment_id, since)"
                " VALUES (?, ?, ?, ?)",
                (email_hash, item, comment_id, time.time()),
            )

    def comments_of(self, email_hash: str) -> list[tuple[str, str]]:
        """(item, comment id) of every comment this address published, oldest first."""
        if not email_hash:
            return []
        rows = self.run(
            "SELECT item, comment_id FROM published WHERE email_hash = ? ORDER BY since",
            (email_hash,),
        )
        return [(str(item), str(comment)) for item, comment in rows]

    def forget(self, item: str, comment_id: str) -> None:
        """Drop a comment that was deleted."""
        self.run("DELETE FROM published WHERE item = ? AND comment_id = ?", (item, comment_id))
