"""ALTCHA proof of work, served and checked by the comment service itself (no third party).

With COMMENTS_ALTCHA on, the comment form carries ALTCHA's widget (the `altcha`
npm package, shipped in theme/static/js/vendor/); it fetches a challenge from
``GET /altcha/challenge``, works it out in the reader's browser and sends the
solution with the comment. The service checks it with the `altcha` package: a
wrong, expired or forged solution is refused, and each challenge is good for one
comment only (kept until it expires, shared by every worker). Without
JavaScript there is no solution: that is a spam signal, not a refusal, and the
honeypot, the form token, the rate limit and the score still apply.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from pathlib import Path

from altcha import v2

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.score import Verdict
from socialhub.comments.secret import derived_key
from socialhub.comments.sqlitestore import SQLiteStore

FIELD = "altcha"
ALGORITHM = "PBKDF2/SHA-256"  # bundled with the widget: no extra worker to ship
POINTS_NO_SOLUTION = 2
NO_SOLUTION_SIGNAL = "sent without the proof of work (no JavaScript)"
NOT_PASSED = "The anti-spam check of the form did not pass: reload the page and send again."
SCHEMA = "CREATE TABLE IF NOT EXISTS used (signature TEXT PRIMARY KEY, expires REAL NOT NULL);"


class ProofOfWork:
    """Makes challenges and checks solutions, with keys derived from the service's secret."""

    def __init__(self, config: CommentsConfig) -> None:
        self.config = config
        self.used = UsedChallenges(Path(config.state_dir) / "altcha-used.sqlite3")

    def _keys(self, secret: bytes) -> tuple[str, str]:
        return derived_key(secret, "altcha").hex(), derived_key(secret, "altcha-key").hex()

    def challenge(self, secret: bytes) -> dict:
        """A new signed challenge, as the widget reads it."""
        challenge_key, solution_key = self._keys(secret)
        made = v2.create_challenge(
            ALGORITHM,
            self.config.altcha_cost,
            counter=secrets.randbelow(self.config.altcha_max_counter) + 1,
            expires_at=int(time.time()) + self.config.altcha_expires,
            hmac_secret=challenge_key,
            hmac_key_secret=solution_key,
        )
        return made.to_dict()

    def check(self, secret: bytes, payload: str) -> Verdict:
        """Refuse a bad solution (Refusal); a missing one is a signal in the verdict."""
        verdict = Verdict()
        payload = payload.strip()
        if not payload:
            verdict.add(POINTS_NO_SOLUTION, NO_SOLUTION_SIGNAL)
            return verdict
        if len(payload) > 4096:
            raise Refusal(NOT_PASSED)
        challenge_key, solution_key = self._keys(secret)
        try:
            result = v2.verify_solution(payload, challenge_key, hmac_key_secret=solution_key)
            signature = v2.Payload.from_base64(payload).challenge.signature or ""
        except (ValueError, KeyError, TypeError):
            raise Refusal(NOT_PASSED) from None
        if result.expired:
            raise Refusal("The form's anti-spam check is too old: reload the page and send again.")
        if not result.verified or not signature:
            raise Refusal(NOT_PASSED)
        if not self.used.first_use(signature, self.config.altcha_expires):
            raise Refusal("This form was already sent once: reload the page to send another.")
        return verdict


class UsedChallenges(SQLiteStore):
    """The challenges already answered, until they expire: each is good for one comment."""

    SCHEMA = SCHEMA

    def first_use(self, signature: str, keep_seconds: float) -> bool:
        """Whether this is the first comment with this challenge (and remember it)."""
        now = time.time()
        self.changed("DELETE FROM used WHERE expires < ?", (now,))
        try:
            self.changed(
                "INSERT INTO used (signature, expires) VALUES (?, ?)",
                (signature, now + keep_seconds),
            )
        except sqlite3.IntegrityError:
            return False
        return True
