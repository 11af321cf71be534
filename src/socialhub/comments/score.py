"""A spam score from what a comment says and how it was sent, all computed here.

Each signal is a short sentence a moderator reads in `invoke comments.list` and in
the moderation page; the score is the sum of their points. Over
COMMENTS_SPAM_THRESHOLD a comment is queued as likely spam (never dropped); at or
over COMMENTS_SPAM_REJECT (when set) it goes straight to rejected/, still kept.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from socialhub.comments.config import CommentsConfig
from socialhub.comments.sqlitestore import SQLiteStore

# Addresses in the text: bare, in Markdown links, or written without the scheme.
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# Points of each signal: two links are normal in a conversation, five are a list of ads.
FREE_LINKS = 2
POINTS_PER_EXTRA_LINK = 2
POINTS_BLOCKED_WORD = 5
POINTS_REPEATED = 5
SCHEMA = """
CREATE TABLE IF NOT EXISTS bodies (digest TEXT PRIMARY KEY, id TEXT, seen REAL);
CREATE INDEX IF NOT EXISTS bodies_by_seen ON bodies (seen);
"""
# The rows past the window are deleted once every this many comments of a process:
# an old row already counts as unseen (see seen()), so the deletion only keeps the
# file small, and skipping it saves a statement on most comments.
EXPIRE_EVERY = 64


@dataclass
class Verdict:
    """The score of one comment and the signals that make it up."""

    score: int = 0
    signals: list[str] = field(default_factory=list)
    likely: bool = False

    def add(self, points: int, signal: str) -> None:
        """Count one signal."""
        self.score += points
        self.signals.append(signal)

    def as_extra(self) -> dict[str, object]:
        """The form kept in the queue file (``extra["spam"]``)."""
        return {"score": self.score, "likely": self.likely, "signals": self.signals}


def link_count(text: str) -> int:
    """How many web addresses a text holds."""
    return len(_LINK.findall(text))


def blocked_words_in(text: str, blocked: tuple[str, ...]) -> list[str]:
    """The blocked words or phrases the text contains, matched as whole words, case folded."""
    words = " ".join(_WORD.findall(_folded(text)))
    found = []
    for entry in blocked:
        phrase = " ".join(_WORD.findall(_folded(entry)))
        if phrase and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", words):
            found.append(entry.strip())
    return found


def body_digest(text: str) -> str:
    """The same text, however spaced, cased or punctuated, gives the same digest."""
    return hashlib.sha256(" ".join(_WORD.findall(_folded(text))).encode("utf-8")).hexdigest()


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class RecentBodies(SQLiteStore):
    """Digests of recent comment bodies, shared by every worker (SQLite in the state folder)."""

    SCHEMA = SCHEMA
    # Why NORMAL: a power cut may forget the last few digests, which only lets a repeated
    # text through to the moderator without its "same text" signal.
    SYNCHRONOUS = "NORMAL"

    def __init__(self, path: Path, window_seconds: float) -> None:
        super().__init__(path)
        self.window = window_seconds
        self._calls = 0

    def seen(self, digest: str, identifier: str) -> str:
        """The id of a recent comment with the same text ("" for none); remember this one."""
        now = time.time()
        cutoff = now - self.window
        with self._lock:
            db = self._connection()
            self._calls += 1
            if self._calls % EXPIRE_EVERY == 1:
                db.execute("DELETE FROM bodies WHERE seen < ?", (cutoff,))
            # One statement, so one transaction: a new text is remembered; a known one
            # keeps its first id unless that is older than the window, when it is new.
            row = db.execute(
                "INSERT INTO bodies (digest, id, seen) VALUES (?, ?, ?)"
                " ON CONFLICT (digest) DO UPDATE SET"
                " id = CASE WHEN seen < ? THEN excluded.id ELSE id END,"
                " seen = CASE WHEN seen < ? THEN excluded.seen ELSE seen END"
                " RETURNING id, seen",
                (digest, identifier, now, cutoff, cutoff),
            ).fetchone()
        earlier, when = str(row[0]), float(row[1])
        # Our own id with our own time: this text was not seen (asked twice, the id is).
        return "" if earlier == identifier and when == now else earlier


class SpamScorer:
    """Scores comments with the settings' words and thresholds."""

    def __init__(self, config: CommentsConfig) -> None:
        self.config = config
        self.recent = RecentBodies(
            Path(config.state_dir) / "recent-bodies.sqlite3", config.spam_repeat_seconds
        )

    def score(self, identifier: str, body: str, website: str, extra_signals: Verdict) -> Verdict:
        """The verdict on one comment; ``extra_signals`` carries how it was sent (the token)."""
        verdict = Verdict(extra_signals.score, list(extra_signals.signals))
        links = link_count(body) + (1 if website else 0)
        if links > FREE_LINKS:
            verdict.add(POINTS_PER_EXTRA_LINK * (links - FREE_LINKS), f"{links} links")
        for word in blocked_words_in(body, self.config.blocked_words):
            verdict.add(POINTS_BLOCKED_WORD, f"blocked word: {word}")
        earlier = self.recent.seen(body_digest(body), identifier)
        if earlier:
            verdict.add(POINTS_REPEATED, f"same text as {earlier}")
        verdict.likely = verdict.score >= self.config.spam_threshold
        return verdict

    def rejects(self, verdict: Verdict) -> bool:
        """Whether the score is so high that the comment goes straight to rejected/."""
        return bool(self.config.spam_reject) and verdict.score >= self.config.spam_reject
