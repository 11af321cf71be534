"""Checking the HTTP signature of a request to the inbox, as fediverse servers send them.

Two schemes: draft-cavage (``Signature: keyId=...,headers=...,signature=...`` with a
``Digest``), which Mastodon and nearly every server send, and RFC 9421
(``Signature-Input`` and ``Signature`` with a ``Content-Digest``), checked with the
``http-message-signatures`` library. Each refusal is a ``Refusal`` with its status and
a sentence saying what was wrong; a signature that checks out is remembered so that
the same request sent again is refused (replay).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature as BadRSASignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures import (
    ContentDigest,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)

from socialhub.activitypub.signing import signing_string
from socialhub.comments.checks import Refusal
from socialhub.comments.sqlitestore import SQLiteStore

REPLAY_FILE = "fediverse-signatures.sqlite3"
# What a cavage signature of a POST must cover: the target, the host, the date and the body.
REQUIRED_POST = ("(request-target)", "host", "date", "digest")
REQUIRED_9421 = ("@method", "@target-uri", "content-digest")
_PARAMETER = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')

# Finds the public key of a keyId; ``fresh`` asks for it again rather than from the cache.
KeyLookup = Callable[[str, bool], rsa.RSAPublicKey]


@dataclass(frozen=True)
class Signed:
    """A request whose signature checked out: who signed it, and the signature's hash."""

    key_id: str
    scheme: str  # "draft-cavage" or "rfc9421"
    fingerprint: str


def unsigned(headers: Mapping[str, str]) -> bool:
    """Whether the request carries no signature of either scheme."""
    return not headers.get("Signature") and not headers.get("Signature-Input")


@dataclass(frozen=True)
class Incoming:
    """A request as its signature covers it: method, absolute URL, headers, body."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes


UNSIGNED = "The request is not signed: send an HTTP signature (draft-cavage or RFC 9421)."


def verify_request(
    request: Incoming, lookup: KeyLookup, window: int, now: float | None = None
) -> Signed:
    """Check a request's signature and body digest; Refusal (401 or 400) when they fail."""
    if unsigned(request.headers):
        raise Refusal(UNSIGNED, 401)
    if request.headers.get("Signature-Input"):
        return _verify_9421(request, lookup, window)
    return _verify_cavage(request, lookup, window, now)


def parse_signature(value: str) -> dict[str, str]:
    """The parameters of a draft-cavage ``Signature`` header (keyId, headers, ...)."""
    found: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _PARAMETER.match(value, position)
        if match is None:
            raise Refusal('The Signature header is malformed: write key="value" pairs.', 401)
        found[match[1]] = match[2]
        position = match.end()
    return found


def check_digest(headers: Mapping[str, str], body: bytes) -> None:
    """The ``Digest`` (SHA-256) must be that of the body; 400 when it is not."""
    value = headers.get("Digest", "")
    for part in value.split(","):
        name, _, encoded = part.strip().partition("=")
        if name.strip().lower() == "sha-256":
            try:
                sent = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                break
            if hmac.compare_digest(sent, hashlib.sha256(body).digest()):
                return
            raise Refusal("The Digest does not match the body: the body was changed.", 400)
    raise Refusal("The request has no SHA-256 Digest of its body.", 400)


def check_date(headers: Mapping[str, str], window: int, now: float | None = None) -> None:
    """The ``Date`` must be within ``window`` seconds of now (replays are older)."""
    value = headers.get("Date", "")
    try:
        sent = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        raise Refusal("The request has no valid Date header.", 401) from None
    moment = time.time() if now is None else now
    if abs(moment - sent) > window:
        raise Refusal(
            f"The request's Date is more than {window} seconds from now: check the sender's clock.",
            401,
        )


def _verify_cavage(request: Incoming, lookup: KeyLookup, window: int, now: float | None) -> Signed:
    method, url, headers, body = request.method, request.url, request.headers, request.body
    parameters = parse_signature(headers.get("Signature", ""))
    key_id = parameters.get("keyId", "")
    if not key_id or not parameters.get("signature"):
        raise Refusal("The Signature header names no keyId or signature.", 401)
    algorithm = parameters.get("algorithm", "hs2019").lower()
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise Refusal(
            f"The signature algorithm {algorithm!r} is not supported: use rsa-sha256.", 401
        )
    names = tuple(parameters.get("headers", "date").lower().split())
    missing = [name for name in REQUIRED_POST if name not in names]
    if method.upper() == "POST" and missing:
        raise Refusal(f"The signature must cover {' '.join(missing)}.", 401)
    if any(name != "(request-target)" and name not in _lowered(headers) for name in names):
        raise Refusal("The signature covers a header the request does not carry.", 401)
    check_date(headers, window, now)
    check_digest(headers, body)
    try:
        signature = base64.b64decode(parameters["signature"], validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("The signature is not base64.", 401) from None
    text = signing_string(method, url, dict(headers), names).encode("utf-8")

    def checks(key: rsa.RSAPublicKey) -> bool:
        try:
            key.verify(signature, text, padding.PKCS1v15(), hashes.SHA256())
        except BadRSASignature:
            return False
        return True

    _with_key(key_id, lookup, checks)
    return Signed(key_id, "draft-cavage", hashlib.sha256(signature).hexdigest())


class _Resolver(HTTPSignatureKeyResolver):
    """The library's key resolver, on our key look-up (cached or fresh)."""

    def __init__(self, lookup: KeyLookup, fresh: bool) -> None:
        self.lookup = lookup
        self.fresh = fresh
        self.key_id = ""

    def resolve_public_key(self, key_id: str) -> rsa.RSAPublicKey:
        """The public key of ``key_id``."""
        self.key_id = key_id
        return self.lookup(key_id, self.fresh)


@dataclass
class _Message:
    """What the library reads of a request: method, absolute URL, headers."""

    method: str
    url: str
    headers: dict[str, str]


def _verify_9421(request: Incoming, lookup: KeyLookup, window: int) -> Signed:
    method, url, headers, body = request.method, request.url, request.headers, request.body
    message = _Message(method.upper(), url, dict(headers))
    if body and "content-digest" not in _lowered(headers):
        raise Refusal("The request has no Content-Digest of its body.", 400)
    try:
        ContentDigest.verify(_lowered(headers).get("content-digest", ""), body)
    except Exception:
        raise Refusal(
            "The Content-Digest does not match the body: the body was changed.", 400
        ) from None

    def attempt(fresh: bool) -> Signed:
        resolver = _Resolver(lookup, fresh)
        verifier = HTTPMessageVerifier(
            signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=resolver
        )
        verifier.max_clock_skew = datetime.timedelta(seconds=window)
        results = verifier.verify(
            message,
            max_age=datetime.timedelta(seconds=window),
            require_components=REQUIRED_9421,
            body=body,
        )
        raw = _lowered(headers).get("signature", "")
        fingerprint = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        return Signed(str(results[0].parameters.get("keyid", "")), "rfc9421", fingerprint)

    try:
        return attempt(False)
    except Refusal:
        raise
    except InvalidSignature as first:
        # Why once more, fresh: the sender may have rotated its key since we cached it.
        try:
            return attempt(True)
        except Refusal:
            raise
        except Exception:
            raise Refusal(f"The signature does not verify ({first}).", 401) from None
    except Exception as error:
        raise Refusal(f"The signature cannot be checked ({error}).", 401) from None


def _with_key(key_id: str, lookup: KeyLookup, checks: Callable[[rsa.RSAPublicKey], bool]) -> None:
    """Check with the cached key, then once with a fresh one (a rotated key); else 401."""
    if checks(lookup(key_id, False)):
        return
    if checks(lookup(key_id, True)):
        return
    raise Refusal("The signature does not verify with the sender's key.", 401)


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def request_url(base_url: str, path: str, query: str) -> str:
    """The absolute URL a sender signed: the inbox's public scheme and host, our path."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


class SeenSignatures(SQLiteStore):
    """Signatures accepted within the date window, so that a replayed request is refused."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS seen (
            fingerprint TEXT PRIMARY KEY,
            until REAL NOT NULL
        );
        CREATE INDEX IF NOT EXISTS seen_by_until ON seen (until);
    """

    @classmethod
    def in_state(cls, state_dir: Path) -> SeenSignatures:
        """The store kept in the service's state folder."""
        return cls(state_dir / REPLAY_FILE)

    def first_time(self, fingerprint: str, keep_seconds: int, now: float | None = None) -> bool:
        """Remember a signature; False when it was seen before (a replay)."""
        moment = time.time() if now is None else now
        # Why twice the window: a Date may be a window early or a window late.
        self.changed("DELETE FROM seen WHERE until < ?", (moment,))
        added = self.changed(
            "INSERT OR IGNORE INTO seen (fingerprint, until) VALUES (?, ?)",
            (fingerprint, moment + 2 * keep_seconds),
        )
        return added > 0
