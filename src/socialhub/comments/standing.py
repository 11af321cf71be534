"""Who may skip the queue and who is banned: one small store shared by every worker.

Authors are known by keyed hashes (identity.py), never by their address in clear:
an email address becomes ``email_hash``, a client address ``client_hash``. An author
name may be banned as written (names are public on the page anyway).
"""

from __future__ import annotations

import time

from socialhub.comments.sqlitestore import SQLiteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS authors (
    email_hash TEXT PRIMARY KEY,
    approved INTEGER NOT NULL DEFAULT 0,  -- comments of theirs a moderator approved
    trusted INTEGER NOT NULL DEFAULT 0,   -- a moderator chose "approve and trust"
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS bans (
    kind TEXT NOT NULL,   -- email, client or author
    value TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    since REAL NOT NULL,
    PRIMARY KEY (kind, value)
);
"""
BAN_KINDS = ("email", "client", "author")


class Standing(SQLiteStore):
    """Approved and trusted authors, and bans, in ``<state>/standing.sqlite3``."""

    SCHEMA = SCHEMA

    def record_approved(self, email_hash: str) -> None:
        """Count one approved comment of this author (nothing without an email hash)."""
        if email_hash:
            self.run(
                "INSERT INTO authors (email_hash, approved, updated) VALUES (?, 1, ?)"
                " ON CONFLICT (email_hash) DO UPDATE SET approved = approved + 1,"
                " updated = excluded.updated",
                (email_hash, time.time()),
            )

    def trust(self, email_hash: str) -> None:
        """Trust this author: with COMMENTS_TRUST = "trusted" their comments skip the queue."""
        if email_hash:
            self.run(
                "INSERT INTO authors (email_hash, trusted, updated) VALUES (?, 1, ?)"
                " ON CONFLICT (email_hash) DO UPDATE SET trusted = 1, updated = excluded.updated",
                (email_hash, time.time()),
            )

    def distrust(self, email_hash: str) -> None:
        """Forget that this author was trusted or approved (e.g. on a ban)."""
        self.run("DELETE FROM authors WHERE email_hash = ?", (email_hash,))

    def may_skip_queue(self, email_hash: str, policy: str) -> bool:
        """Whether a comment of this author is approved without waiting, under ``policy``."""
        if not email_hash or policy == "off" or self.banned(email_hash=email_hash):
            return False
        rows = self.run("SELECT approved, trusted FROM authors WHERE email_hash = ?", (email_hash,))
        if not rows:
            return False
        approved, trusted = rows[0]
        return bool(trusted) or (policy == "approved" and approved > 0)

    def ban(self, kind: str, value: str, note: str = "") -> None:
        """Ban an email hash, a client hash or an author name."""
        if kind not in BAN_KINDS:
            raise ValueError(f"a ban is of one of {', '.join(BAN_KINDS)}, not {kind!r}")
        if value:
            self.run(
                "INSERT OR REPLACE INTO bans (kind, value, note, since) VALUES (?, ?, ?, ?)",
                (kind, _key(kind, value), note, time.time()),
            )
            if kind == "email":
                self.distrust(value)

    def unban(self, kind: str, value: str) -> None:
        """Lift a ban."""
        self.run("DELETE FROM bans WHERE kind = ? AND value = ?", (kind, _key(kind, value)))

    def banned(self, *, email_hash: str = "", client_hash: str = "", author: str = "") -> str:
        """Which ban applies ("email", "client" or "author"), or "" for none."""
        asked = [
            (kind, _key(kind, value))
            for kind, value in (("email", email_hash), ("client", client_hash), ("author", author))
            if value
        ]
        if not asked:
            return ""
        # One statement for the three kinds (each a primary-key look-up): a comment asks
        # on every submission, and each statement is a read transaction of its own.
        wanted = " OR ".join(["(kind = ? AND value = ?)"] * len(asked))
        found = {row[0] for row in self.run(f"SELECT kind FROM bans WHERE {wanted}", _flat(asked))}
        return next((kind for kind, _ in asked if kind in found), "")

    def bans(self) -> list[tuple[str, str, str, float]]:
        """Every ban: kind, value, note, since (a Unix time), newest first."""
        return [
            (str(k), str(v), str(n), float(s))
            for k, v, n, s in self.run(
                "SELECT kind, value, note, since FROM bans ORDER BY since DESC"
            )
        ]


def _flat(pairs: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(part for pair in pairs for part in pair)


def _key(kind: str, value: str) -> str:
    # Why fold author names: "Spam Bot" and "spam bot " are the same person to a moderator.
    return " ".join(value.split()).casefold() if kind == "author" else value
