"""A signed, time-stamped token that the comment form fetches when a reader opens it.

The pages are static, so the build cannot sign a token per reader: the form's script
asks the service for one (GET /comments/token) when the form is shown. A post with a
token sent too soon after it (a script filling the form) or long after (a page left
open for days, or a token harvested once and replayed by a bot) is refused with a
sentence that says what to do; a tampered token is refused. A post without a token
(no JavaScript) is not refused: it counts as a spam signal, and the honeypot, the
rate limit and the score still apply.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from socialhub.comments.checks import Refusal
from socialhub.comments.score import Verdict
from socialhub.comments.secret import derived_key

FIELD = "form_token"
POINTS_NO_TOKEN = 2


def make_token(secret: bytes, now: float | None = None) -> str:
    """A new token: when it was made, a random part, and their signature."""
    stamp = str(int(now if now is not None else time.time()))
    nonce = secrets.token_urlsafe(9)
    return f"{stamp}.{nonce}.{_signature(secret, stamp, nonce)}"


def _signature(secret: bytes, stamp: str, nonce: str) -> str:
    key = derived_key(secret, "form-token")
    return hmac.new(key, f"{stamp}.{nonce}".encode("ascii"), hashlib.sha256).hexdigest()[:32]


def check_token(
    secret: bytes,
    token: str,
    min_seconds: float,
    max_age_seconds: float,
    now: float | None = None,
) -> Verdict:
    """Refuse a bad token (Refusal); a missing one gives a signal in the returned verdict."""
    verdict = Verdict()
    token = token.strip()
    if not token:
        verdict.add(POINTS_NO_TOKEN, "sent without the form's token (no JavaScript, or a script)")
        return verdict
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(token) > 200:
        raise Refusal("The form's token is not valid: reload the page and send again.")
    stamp, nonce, signature = parts
    if not hmac.compare_digest(_signature(secret, stamp, nonce), signature):
        raise Refusal("The form's token is not valid: reload the page and send again.")
    age = (now if now is not None else time.time()) - int(stamp)
    if age < min_seconds:
        raise Refusal(
            "That was very quick: please wait a few seconds after opening the form, "
            "then send your comment again.",
            429,
        )
    if age > max_age_seconds:
        raise Refusal(
            "This page was opened too long ago: reload it, then send your comment again "
            "(copy your text first).",
        )
    return verdict
