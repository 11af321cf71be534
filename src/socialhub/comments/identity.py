"""Keyed hashes that recognise a reader again without keeping what identifies them in clear."""

from __future__ import annotations

import hashlib
import hmac

from socialhub.comments.secret import derived_key


def normal_email(email: str) -> str:
    """An address as compared: surrounding spaces dropped, case folded."""
    return email.strip().casefold()


def email_hash(secret: bytes, email: str) -> str:
    """The keyed hash of an email address ("" for none): the same address, the same hash."""
    address = normal_email(email)
    if not address:
        return ""
    key = derived_key(secret, "email")
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()


def client_hash(secret: bytes, client: str) -> str:
    """A short keyed hash of a client address, shown to moderators instead of the address."""
    if not client:
        return ""
    key = derived_key(secret, "client")
    return hmac.new(key, client.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
