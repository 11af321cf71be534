"""A second, independent ActivityPub server for the tests: one account, alice, on loopback.

It does what a Mastodon server does with the hub, and nothing of the hub's code:
it finds the hub by WebFinger, reads its actor, follows it with a signed ``Follow``,
checks the signature of every activity the hub sends against the key the hub's
actor document publishes, and answers an item with a signed ``Create`` of a
``Note``. Its signatures and its checks are written here, from the draft-cavage text
and ``cryptography`` (the checking half is shared with inbox_server.py).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urldefrag, urlsplit

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from inbox_server import SignatureError, public_key, verify_request

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
ACTIVITY_JSON = "application/activity+json"


@dataclass
class Delivery:
    """One activity the hub POSTed to alice, with the key that signed it."""

    path: str
    activity: dict[str, Any]
    signed_by: str  # the keyId, "" when the signature did not hold
    problem: str = ""


@dataclass
class FakeServer:
    """alice's server: her actor, her inbox, and what she does on the fediverse."""

    private_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    base: str = ""
    received: list[Delivery] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)

    # --- alice's documents -------------------------------------------------------------

    @property
    def actor_id(self) -> str:
        """alice's actor."""
        return f"{self.base}/users/alice"

    @property
    def key_id(self) -> str:
        """The id of alice's key, as her signatures name it."""
        return f"{self.actor_id}#main-key"

    @property
    def account(self) -> str:
        """alice@host:port."""
        return f"alice@{urlsplit(self.base).netloc}"

    def actor(self) -> dict[str, Any]:
        """alice's actor document."""
        pem = (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        return {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": "alice",
            "name": "Alice Test",
            "inbox": f"{self.actor_id}/inbox",
            "outbox": f"{self.actor_id}/outbox",
            "followers": f"{self.actor_id}/followers",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "url": f"{self.base}/@alice",
            "publicKey": {"id": self.key_id, "owner": self.actor_id, "publicKeyPem": pem},
        }

    # --- what alice does -----------------------------------------------------------------

    def lookup(self, account: str) -> dict[str, Any]:
        """Find an account by WebFinger, then read its actor document (as Mastodon's search)."""
        _user, _, domain = account.lstrip("@").partition("@")
        with httpx.Client(timeout=60, trust_env=False) as client:
            finger = client.get(
                f"http://{domain}/.well-known/webfinger", params={"resource": f"acct:{account}"}
            )
            finger.raise_for_status()
            links = finger.json()["links"]
            self_link = next(
                link
                for link in links
                if link.get("rel") == "self" and link.get("type", "").startswith(ACTIVITY_JSON)
            )
            answer = client.get(self_link["href"], headers={"Accept": ACTIVITY_JSON})
            answer.raise_for_status()
            return dict(answer.json())

    def sign_and_post(self, inbox: str, activity: dict[str, Any]) -> httpx.Response:
        """POST ``activity`` to ``inbox`` signed with alice's key (draft-cavage, rsa-sha256)."""
        body = json.dumps(activity).encode()
        parts = urlsplit(inbox)
        headers = {
            "host": parts.netloc,
            "date": formatdate(usegmt=True),
            "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
        }
        text = f"(request-target): post {parts.path}\n" + "\n".join(
            f"{name}: {headers[name]}" for name in ("host", "date", "digest")
        )
        signature = self.private_key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
        headers["signature"] = (
            f'keyId="{self.key_id}",algorithm="rsa-sha256",'
            f'headers="(request-target) host date digest",'
            f'signature="{base64.b64encode(signature).decode()}"'
        )
        headers["content-type"] = ACTIVITY_JSON
        with httpx.Client(timeout=60, trust_env=False) as client:
            return client.post(inbox, content=body, headers=headers)

    def follow(self, hub: dict[str, Any]) -> httpx.Response:
        """Send the hub a signed Follow from alice."""
        return self.sign_and_post(
            str(hub["inbox"]),
            {
                "@context": AS,
                "id": f"{self.base}/follows/1",
                "type": "Follow",
                "actor": self.actor_id,
                "object": hub["id"],
            },
        )

    def reply(self, hub: dict[str, Any], in_reply_to: str, html: str) -> tuple[str, httpx.Response]:
        """Answer one of the hub's objects with a Note; the note's id and the hub's answer."""
        note_id = f"{self.actor_id}/statuses/{len(self.notes) + 1}"
        note = {
            "id": note_id,
            "type": "Note",
            "attributedTo": self.actor_id,
            "inReplyTo": in_reply_to,
            "content": html,
            "url": f"{self.base}/@alice/{len(self.notes) + 1}",
            "published": "2026-12-03T12:00:00Z",
            "to": [PUBLIC],
            "cc": [hub["id"]],
        }
        self.notes[note_id] = note
        inbox = hub.get("endpoints", {}).get("sharedInbox") or hub["inbox"]
        activity = {
            "@context": AS,
            "id": f"{note_id}/activity",
            "type": "Create",
            "actor": self.actor_id,
            "to": note["to"],
            "cc": note["cc"],
            "object": note,
        }
        return note_id, self.sign_and_post(str(inbox), activity)

    def wait_for(self, kind: str, seconds: float = 90.0) -> Delivery | None:
        """The first activity of type ``kind`` the hub sent, waiting for it (bounded)."""

        def found() -> Delivery | None:
            return next((d for d in self.received if d.activity.get("type") == kind), None)

        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, seconds)
            return found()

    # --- alice's inbox: the hub's activities, checked ------------------------------------

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        """Check an activity's signature against its sender's published key; the status."""
        try:
            activity = json.loads(body)
        except ValueError:
            return 400
        try:
            signed_by = verify_request("POST", path, headers, body, self._key_of)
            problem = ""
            if self._owner_of(signed_by) != activity.get("actor"):
                signed_by, problem = "", "the key is not the actor's"
        except (SignatureError, httpx.HTTPError, KeyError, ValueError) as error:
            signed_by, problem = "", str(error)
        with self.arrived:
            self.received.append(Delivery(path, activity, signed_by, problem))
            self.arrived.notify_all()
        return 401 if problem else 202

    def _document(self, key_id: str) -> dict[str, Any]:
        url = urldefrag(key_id).url
        with httpx.Client(timeout=60, trust_env=False) as client:
            answer = client.get(url, headers={"Accept": ACTIVITY_JSON})
            answer.raise_for_status()
            return dict(answer.json())

    def _key_of(self, key_id: str) -> rsa.RSAPublicKey:
        document = self._document(key_id)
        key = document["publicKey"]
        if key["id"] != key_id:
            raise SignatureError(f"the actor's key is {key['id']}, not {key_id}")
        return public_key(key["publicKeyPem"])

    def _owner_of(self, key_id: str) -> str:
        return str(self._document(key_id)["publicKey"]["owner"])


class _Handler(BaseHTTPRequestHandler):
    server_state: FakeServer

    def _json(self, status: int, data: object, kind: str = ACTIVITY_JSON) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """alice's WebFinger, actor and notes."""
        fake = self.server_state
        parts = urlsplit(self.path)
        if parts.path == "/.well-known/webfinger":
            resource = parse_qs(parts.query).get("resource", [""])[0]
            if resource != f"acct:{fake.account}":
                self._json(404, {"error": "no such account"}, "application/jrd+json")
                return
            links = [{"rel": "self", "type": ACTIVITY_JSON, "href": fake.actor_id}]
            self._json(200, {"subject": resource, "links": links}, "application/jrd+json")
        elif parts.path == "/users/alice":
            self._json(200, fake.actor())
        elif f"{fake.base}{parts.path}" in fake.notes:
            self._json(200, {"@context": AS, **fake.notes[f"{fake.base}{parts.path}"]})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        """alice's inbox and the server's shared inbox."""
        if self.path not in {"/inbox", "/users/alice/inbox"}:
            self._json(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status = self.server_state.receive(self.path, dict(self.headers.items()), body)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@contextlib.contextmanager
def running_fake_server() -> Iterator[FakeServer]:
    """alice's server on a free loopback port; stopped on leaving."""
    fake = FakeServer()
    handler = type("Handler", (_Handler,), {"server_state": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(30)
