"""Signed, time-stamped links for commenters: confirm, unsubscribe, delete my comments.

Each kind of link is signed with its own key derived from the service's secret
(secret.derived_key), so that a link made for one use is refused by another. A
link names a record and a one-time nonce kept with it: a tampered link fails
the signature, an old one fails the age, and a used one finds no nonce.
"""

from __future__ import annotations

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from socialhub.comments.secret import derived_key

PURPOSES = ("confirm", "unsubscribe", "delete")


class BadLink(Exception):  # noqa: N818 - an answer to the reader, like Refusal
    """Why a link is refused, in a sentence for the reader."""


def _serializer(secret: bytes, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"no link purpose {purpose!r}; the purposes are {', '.join(PURPOSES)}")
    return URLSafeTimedSerializer(derived_key(secret, f"link:{purpose}"), salt=purpose)


def make_token(secret: bytes, purpose: str, record: str, nonce: str) -> str:
    """The token of a link: the record's id and its nonce, signed and time-stamped."""
    return str(_serializer(secret, purpose).dumps([record, nonce]))


def read_token(
    secret: bytes, purpose: str, token: str, max_age_days: int | None
) -> tuple[str, str]:
    """(record, nonce) of a valid token; BadLink when it is tampered with or too old."""
    serializer = _serializer(secret, purpose)
    max_age = None if max_age_days is None else max_age_days * 86400
    try:
        loaded = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise BadLink("This link is too old. Please ask for a new one.") from None
    except BadData:
        raise BadLink("This link is not valid: check that it was copied whole.") from None
    if not (
        isinstance(loaded, list) and len(loaded) == 2 and all(isinstance(p, str) for p in loaded)
    ):
        raise BadLink("This link is not valid: check that it was copied whole.")
    return loaded[0], loaded[1]
