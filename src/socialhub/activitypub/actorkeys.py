"""The senders' public keys and actor documents, fetched by keyId and cached.

A fetch goes through the comment service's SSRF-safe client (comments/pinned.py:
public addresses only unless the configuration allows private ones, one deadline)
with a size cap, asks for ``application/activity+json`` and is signed with the hub's
key when it has one (servers in "authorized fetch" mode answer only signed GETs).
Keys are cached with an expiry; a signature that fails with a cached key is tried
once with a fresh one, so a sender that rotated its key is not locked out.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from socialhub.activitypub.config import ACTIVITY_JSON, LD_JSON
from socialhub.activitypub.keys import load_keys
from socialhub.activitypub.signing import signed_headers
from socialhub.comments.checks import Refusal, Unreachable
from socialhub.comments.config import CommentsConfig
from socialhub.comments.pinned import pinned_client
from socialhub.comments.sqlitestore import SQLiteStore
from socialhub.errors import ConfigError
from socialhub.fieldrules import is_web_url

log = logging.getLogger("socialhub.activitypub")

KEYS_FILE = "fediverse-actor-keys.sqlite3"
# A key is kept a day: long enough to spare the sender a fetch per delivery, short
# enough that a rotated key is picked up even without a failed signature.
KEY_TTL_SECONDS = 24 * 3600
MAX_DOCUMENT_BYTES = 256 * 1024
MIN_REFETCH_SECONDS = 60  # a key fetched this recently is not fetched again for a failure
MAX_REDIRECTS = 3  # a key or a note one hop or two from its id; more is a loop or a trap
USER_AGENT = "socialhub-activitypub/1.0 (+inbox key fetch)"


@dataclass(frozen=True)
class ActorKey:
    """A sender's public key, the actor that owns it, and that actor's document."""

    key_id: str
    owner: str
    public_key: rsa.RSAPublicKey
    actor: dict[str, Any]


@dataclass(frozen=True)
class Fetching:
    """How documents are fetched: deadline, size cap, private addresses, signing key."""

    timeout: float = 5.0
    max_bytes: int = MAX_DOCUMENT_BYTES
    allow_private: bool = False
    key_id: str = ""
    private_key: rsa.RSAPrivateKey | None = None


def fetch_document(url: str, how: Fetching) -> dict[str, Any]:
    """An ActivityPub document (JSON object); Unreachable, Refusal (gone: status 410)."""
    if not is_web_url(url):
        raise Refusal(f"{url!r} is not an http(s) address", 401)
    address = url.partition("#")[0]
    headers = {"Accept": f"{ACTIVITY_JSON}, {LD_JSON}", "User-Agent": USER_AGENT}
    if how.private_key is not None and how.key_id:
        signed = signed_headers("GET", address, None, how.key_id, how.private_key)
        headers.update({k: v for k, v in signed.items() if k != "Host"})
    try:
        with (
            pinned_client(
                how.timeout, how.allow_private, follow_redirects=True, max_redirects=MAX_REDIRECTS
            ) as client,
            client.stream("GET", address, headers=headers) as response,
        ):
            if response.status_code in (404, 410):
                raise Refusal(f"{address} answered {response.status_code}", 410)
            if response.status_code >= 400:
                raise Unreachable(f"{address} answered {response.status_code}")
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > how.max_bytes:
                    raise Refusal(f"{address} is larger than {how.max_bytes} bytes", 401)
    except httpx.HTTPError as error:
        raise Unreachable(f"{address} cannot be read: {error}") from None
    try:
        document = json.loads(data)
    except ValueError:
        raise Refusal(f"{address} is not JSON", 401) from None
    if not isinstance(document, dict):
        raise Refusal(f"{address} is not a JSON object", 401)
    return document


def key_from(document: dict[str, Any], key_id: str) -> tuple[str, str]:
    """The (owner, PEM) of ``key_id`` in an actor document or a key document."""
    candidates: list[Any] = []
    if "publicKeyPem" in document:
        candidates.append(document)
    public = document.get("publicKey")
    candidates.extend(public if isinstance(public, list) else [public])
    for key in candidates:
        if isinstance(key, dict) and key.get("id") == key_id and key.get("publicKeyPem"):
            owner = str(key.get("owner") or document.get("id") or "")
            return owner, str(key["publicKeyPem"])
    raise Refusal(f"the document at {key_id} does not hold the key {key_id}", 401)


class ActorKeys(SQLiteStore):
    """Cached keys (and their actors' documents) of the servers that write to the inbox."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS keys (
            key_id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            pem TEXT NOT NULL,
            actor TEXT NOT NULL,
            fetched REAL NOT NULL
        );
    """

    def __init__(self, path: Path, how: Fetching, ttl: float = KEY_TTL_SECONDS) -> None:
        super().__init__(path)
        self.how = how
        self.ttl = ttl

    @classmethod
    def in_state(cls, state_dir: Path, how: Fetching) -> ActorKeys:
        """The cache kept in the service's state folder."""
        return cls(state_dir / KEYS_FILE, how)

    def get(self, key_id: str, fresh: bool = False) -> ActorKey:
        """The key of ``key_id``: from the cache unless expired, else fetched; ``fresh``
        fetches it again unless it was fetched in the last minute."""
        rows = self.run("SELECT owner, pem, actor, fetched FROM keys WHERE key_id = ?", (key_id,))
        if rows:
            owner, pem, actor, fetched = rows[0]
            age = time.time() - fetched
            # Why a minimum age for a fresh fetch: every forged signature asks for one, and
            # the key's server must not be fetched once per forgery.
            if age < (MIN_REFETCH_SECONDS if fresh else self.ttl):
                return ActorKey(key_id, owner, _public_key(pem, key_id), json.loads(actor))
        try:
            document = fetch_document(key_id, self.how)
        except Unreachable as error:
            raise Refusal(f"The sender's key cannot be fetched: {error.reason}.", 401) from None
        except Refusal as error:
            raise Refusal(f"The sender's key cannot be used: {error.reason}.", 401) from None
        owner, pem = key_from(document, key_id)
        actor = document
        if document.get("id") != owner:
            # The keyId named a key document of its own: the owner's document is elsewhere.
            try:
                actor = fetch_document(owner, self.how)
            except Refusal as error:
                raise Refusal(f"The key's owner cannot be read: {error.reason}.", 401) from None
            if key_from(actor, key_id)[1] != pem:
                raise Refusal("The key's owner does not list that key.", 401)
        key = _public_key(pem, key_id)
        self.run(
            "INSERT INTO keys (key_id, owner, pem, actor, fetched) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(key_id) DO UPDATE SET owner = excluded.owner, pem = excluded.pem, "
            "actor = excluded.actor, fetched = excluded.fetched",
            (key_id, owner, pem, json.dumps(actor), time.time()),
        )
        log.info("fetched the key %s of %s", key_id, owner)
        return ActorKey(key_id, owner, key, actor)

    def public_key(self, key_id: str, fresh: bool = False) -> rsa.RSAPublicKey:
        """The public key alone (what verify.py asks for)."""
        return self.get(key_id, fresh).public_key


def _public_key(pem: str, key_id: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise Refusal(f"the key {key_id} is not a PEM public key", 401) from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise Refusal(f"the key {key_id} is not an RSA key", 401)
    return key


def fetching_for(config: CommentsConfig) -> Fetching:
    """How the service fetches: its deadline and private-address switch, signed if it can."""
    private_key = None
    key_id = ""
    if config.fediverse is not None:
        key_id = config.fediverse.key_id
        try:
            private_key = load_keys(config.fediverse.keys_dir).private_key
        except ConfigError as error:  # unsigned fetches still work on most servers
            log.warning("fetching unsigned: %s", error)
    return Fetching(
        timeout=config.webmention_timeout,
        allow_private=config.webmention_allow_private,
        key_id=key_id,
        private_key=private_key,
    )


def note_gone(url: str, how: Fetching) -> str:
    """Why a fediverse reply's note is gone (404, 410, a Tombstone), or "" while it stands.

    Unreachable when the note's server cannot be read now (the reply is kept).
    """
    try:
        document = fetch_document(url, how)
    except Unreachable:
        raise
    except Refusal as refusal:
        if refusal.status == 410:
            return f"the note is gone ({refusal.reason})"
        raise Unreachable(refusal.reason) from None
    if document.get("type") == "Tombstone":
        return "the note was deleted (a Tombstone)"
    return ""
