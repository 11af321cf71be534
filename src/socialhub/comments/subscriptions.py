"""Reply notifications: who asked to be emailed, about what, and whether they confirmed.

The one place an email address is kept in clear, and only for a reader who asked
for notifications: ``<state>/subscriptions.sqlite3`` (mode 0600). A subscription
is made unconfirmed when the comment is sent; its confirmation link (double
opt-in) is signed with a nonce that the confirmation clears, so a link works
once. Unconfirmed ones are purged after COMMENTS_CONFIRM_DAYS; unsubscribing
deletes the row, address and all.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from socialhub.comments.sqlitestore import SQLiteStore

# What a reader may ask for: replies to their comment, or every new comment on the item.
SCOPES = ("replies", "item")


@dataclass(frozen=True)
class Subscription:
    """One reader's request to be emailed."""

    id: str
    email: str
    email_hash: str
    item: str
    comment_id: str  # the reader's own comment
    scope: str  # "replies" or "item"
    confirmed: bool
    confirm_nonce: str  # "" once confirmed
    unsubscribe_nonce: str
    created: float


COLUMNS = (
    "id, email, email_hash, item, comment_id, scope, confirmed, confirm_nonce,"
    " unsubscribe_nonce, created"
)


class Subscriptions(SQLiteStore):
    """The subscription store of one state folder."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS subscriptions (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        email_hash TEXT NOT NULL,
        item TEXT NOT NULL,
        comment_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        confirmed INTEGER NOT NULL DEFAULT 0,
        confirm_nonce TEXT NOT NULL,
        unsubscribe_nonce TEXT NOT NULL,
        created REAL NOT NULL,
        confirmed_at REAL
    );
    CREATE INDEX IF NOT EXISTS subscriptions_by_item ON subscriptions (item, confirmed);
    """

    @classmethod
    def of(cls, state_dir: Path) -> Subscriptions:
        """The store in a state folder."""
        return cls(Path(state_dir) / "subscriptions.sqlite3")

    def add(
        self, email: str, email_hash: str, item: str, comment_id: str, scope: str
    ) -> Subscription:
        """A new unconfirmed subscription."""
        if scope not in SCOPES:
            raise ValueError(f"a subscription is to one of {', '.join(SCOPES)}, not {scope!r}")
        subscription = Subscription(
            id=secrets.token_hex(12),
            email=email,
            email_hash=email_hash,
            item=item,
            comment_id=comment_id,
            scope=scope,
            confirmed=False,
            confirm_nonce=secrets.token_urlsafe(16),
            unsubscribe_nonce=secrets.token_urlsafe(16),
            created=time.time(),
        )
        self.run(
            f"INSERT INTO subscriptions ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
            (
                subscription.id,
                email,
                email_hash,
                item,
                comment_id,
                scope,
                subscription.confirm_nonce,
                subscription.unsubscribe_nonce,
                subscription.created,
            ),
        )
        return subscription

    def get(self, identifier: str) -> Subscription | None:
        """One subscription, or None."""
        rows = self.run(f"SELECT {COLUMNS} FROM subscriptions WHERE id = ?", (identifier,))
        return _subscription(rows[0]) if rows else None

    def confirm(self, identifier: str, nonce: str) -> bool:
        """Confirm with the link's nonce; False when it is wrong or was used already."""
        if not nonce:
            return False
        return (
            self.changed(
                "UPDATE subscriptions SET confirmed = 1, confirm_nonce = '', confirmed_at = ?"
                " WHERE id = ? AND confirm_nonce = ? AND confirmed = 0",
                (time.time(), identifier, nonce),
            )
            == 1
        )

    def remove(self, identifier: str, nonce: str) -> bool:
        """Unsubscribe with the link's nonce (the address goes too); False when none matched."""
        return (
            self.changed(
                "DELETE FROM subscriptions WHERE id = ? AND unsubscribe_nonce = ?",
                (identifier, nonce),
            )
            == 1
        )

    def to_tell(self, item: str, reply_to: str) -> list[Subscription]:
        """The confirmed subscriptions an approved comment on ``item`` answering ``reply_to``
        concerns: replies to that comment, and everything on the item."""
        rows = self.run(
            f"SELECT {COLUMNS} FROM subscriptions WHERE item = ? AND confirmed = 1"
            " AND (scope = 'item' OR (scope = 'replies' AND comment_id = ?)) ORDER BY created",
            (item, reply_to),
        )
        return [_subscription(row) for row in rows]

    def purge_unconfirmed(self, older_than: float) -> int:
        """Delete unconfirmed subscriptions made before ``older_than`` (a Unix time)."""
        return self.changed(
            "DELETE FROM subscriptions WHERE confirmed = 0 AND created < ?", (older_than,)
        )

    def forget(self, email_hash: str) -> int:
        """Delete every subscription of an address (its author asked for deletion)."""
        return self.changed("DELETE FROM subscriptions WHERE email_hash = ?", (email_hash,))

    def count(self) -> tuple[int, int]:
        """(confirmed, unconfirmed) subscriptions."""
        rows = self.run("SELECT confirmed, count(*) FROM subscriptions GROUP BY confirmed")
        counts = dict(rows)
        return int(counts.get(1, 0)), int(counts.get(0, 0))


def _subscription(row: tuple) -> Subscription:
    return Subscription(
        id=str(row[0]),
        email=str(row[1]),
        email_hash=str(row[2]),
        item=str(row[3]),
        comment_id=str(row[4]),
        scope=str(row[5]),
        confirmed=bool(row[6]),
        confirm_nonce=str(row[7]),
        unsubscribe_nonce=str(row[8]),
        created=float(row[9]),
    )
