"""A tiny fediverse server on loopback for the inbox tests: actors, their keys, their inboxes."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from socialhub.activitypub.signing import signed_headers

SITE = "http://127.0.0.1:8000"
AS = "https://www.w3.org/ns/activitystreams"


def write_manifest(path: Path) -> Path:
    """A manifest like the build's: one open post with a published comment, one closed."""
    items = {
        "first-post": {
            "url": "/posts/first-post/",
            "title": "First post",
            "kind": "post",
            "comments_open": True,
            "comment_ids": ["c-20261102-aaaa"],
        },
        "closed-post": {
            "url": "/posts/closed-post/",
            "title": "Closed",
            "kind": "post",
            "comments_open": False,
            "comment_ids": [],
        },
    }
    path.write_text(json.dumps({"site_url": SITE, "items": items}), encoding="utf-8")
    return path


def public_pem(key: rsa.RSAPrivateKey) -> str:
    """The PEM of a private key's public half."""
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@dataclass
class Received:
    """A POST the server's inboxes received."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Fediverse:
    """Actors served at /users/<name> with their keys; inboxes that record what arrives."""

    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    inbox_status: int = 202
    gone: set[str] = field(default_factory=set)  # paths answered 410 (deleted notes)
    fetched: list[str] = field(default_factory=list)  # the paths asked for, in order

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.partition("#")[0]
                server.fetched.append(path)
                if path in server.gone:
                    self.send_response(410)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                document = server.actors.get(path)
                data = json.dumps(document).encode("utf-8") if document else b"{}"
                self.send_response(200 if document else 404)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                server.received.append(Received(self.path, dict(self.headers.items()), body))
                self.send_response(server.inbox_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def add_actor(self, name: str, key: rsa.RSAPrivateKey, display: str = "") -> str:
        """Serve an actor (a Person with a public key, an inbox, a shared inbox); its id."""
        actor = f"{self.base}/users/{name}"
        self.actors[f"/users/{name}"] = {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": actor,
            "type": "Person",
            "preferredUsername": name,
            "name": display or name.title(),
            "url": f"{self.base}/@{name}",
            "inbox": f"{actor}/inbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {
                "id": f"{actor}#main-key",
                "owner": actor,
                "publicKeyPem": public_pem(key),
            },
        }
        return actor

    def wait_for_post(self, seconds: float = 60) -> Received:
        """The first POST received, waiting for it (bounded)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.received:
                return self.received[0]
            time.sleep(0.05)
        raise AssertionError(f"nothing was posted to the test server within {seconds} s")

    def close(self) -> None:
        """Stop serving."""
        self.http.shutdown()
        self.http.server_close()


def signed_post(
    activity: dict[str, Any],
    key_id: str,
    key: rsa.RSAPrivateKey,
    url: str = f"{SITE}/inbox",
    date: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of a draft-cavage signed POST, as Mastodon sends one."""
    body = json.dumps(activity).encode("utf-8")
    headers = signed_headers("POST", url, body, key_id, key, date=date or formatdate(usegmt=True))
    headers["Content-Type"] = "application/activity+json"
    return body, headers


def cavage_signature_valid(received: Received, public_key: rsa.RSAPublicKey) -> bool:
    """Check a received request's draft-cavage signature as a receiving server does."""
    parameters = dict(part.split("=", 1) for part in received.headers["Signature"].split(","))
    names = parameters["headers"].strip('"').split()
    lowered = {key.lower(): value for key, value in received.headers.items()}
    lines = [
        f"(request-target): post {received.path}"
        if name == "(request-target)"
        else f"{name}: {lowered[name]}"
        for name in names
    ]
    signature = base64.b64decode(parameters["signature"].strip('"'))
    try:
        public_key.verify(signature, "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
