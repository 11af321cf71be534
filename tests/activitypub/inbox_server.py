"""A follower's inbox on 127.0.0.1 for the tests: checks each POST's signature on its own.

The check is written here, from the draft-cavage text and ``cryptography``, not with
the hub's code: a mistake in the hub's signing cannot be repeated by the check.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNATURE_PART = re.compile(r'(\w+)="([^"]*)"')


class SignatureError(Exception):
    """Why a request's signature does not hold."""


def signature_fields(header: str) -> dict[str, str]:
    """The Signature header's keyId, algorithm, headers and signature."""
    return dict(SIGNATURE_PART.findall(header))


def verify_request(
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    public_key_for: Callable[[str], rsa.RSAPublicKey],
) -> str:
    """The keyId of a correctly signed request; SignatureError otherwise."""
    lowered = {name.lower(): value for name, value in headers.items()}
    if "signature" not in lowered:
        raise SignatureError("no Signature header")
    parts = signature_fields(lowered["signature"])
    names = parts.get("headers", "date").split()
    if body and "digest" not in names:
        raise SignatureError("the body's digest is not signed")
    if "digest" in names:
        expected = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        if lowered.get("digest") != expected:
            raise SignatureError("the Digest is not the body's")
    if "date" not in names or "date" not in lowered:
        raise SignatureError("the Date is not signed")
    parsedate_to_datetime(lowered["date"])  # a Date that does not parse raises
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        elif name in lowered:
            lines.append(f"{name}: {lowered[name]}")
        else:
            raise SignatureError(f"signed header {name} is missing")
    key = public_key_for(parts.get("keyId", ""))
    try:
        key.verify(
            base64.b64decode(parts.get("signature", "")),
            "\n".join(lines).encode(),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError) as error:
        raise SignatureError("the signature does not verify") from error
    return parts["keyId"]


def public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from PEM."""
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    return key


@dataclass
class Received:
    """One POST the inbox was sent, with whether its signature held."""

    path: str
    headers: dict[str, str]
    body: bytes
    signed_by: str  # the keyId, "" when the signature did not hold
    problem: str = ""

    @property
    def activity(self) -> dict[str, Any]:
        """The body as JSON."""
        return dict(json.loads(self.body))


@dataclass
class Inbox:
    """What the inbox answers (a status per request, then ``then``) and what it got."""

    key_pem: str
    answers: list[int] = field(default_factory=list)
    then: int = 202
    pause: float = 0.0  # seconds each answer waits (a slow server)
    retry_after: str = ""  # a Retry-After header on every answer
    received: list[Received] = field(default_factory=list)
    # Set: each POST waits until it is cleared (a server that hangs); always set free at the end.
    hold: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    url: str = ""

    def wait_for(self, count: int, seconds: float = 90.0) -> bool:
        """Wait until ``count`` POSTs have arrived (bounded)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, seconds)


class _Handler(BaseHTTPRequestHandler):
    inbox: Inbox

    def do_POST(self) -> None:
        """Check the signature, record, then answer the next scripted status."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = dict(self.headers.items())
        try:
            signed_by = verify_request(
                "POST", self.path, headers, body, lambda _key_id: public_key(self.inbox.key_pem)
            )
            problem = ""
        except SignatureError as error:
            signed_by, problem = "", str(error)
        with self.inbox.arrived:
            self.inbox.received.append(Received(self.path, headers, body, signed_by, problem))
            status = self.inbox.answers.pop(0) if self.inbox.answers else self.inbox.then
            self.inbox.arrived.notify_all()
        if self.inbox.pause:
            time.sleep(self.inbox.pause)
        if self.inbox.hold.is_set():
            self.inbox.release.wait(120)
        if problem:
            status = 401
        words = b"bad signature" if problem else b""
        # Why quiet: a deliverer killed mid-request has closed its end.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            if self.inbox.retry_after:
                self.send_header("Retry-After", self.inbox.retry_after)
            self.send_header("Content-Length", str(len(words)))
            self.end_headers()
            self.wfile.write(words)

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@contextlib.contextmanager
def running_inbox(inbox: Inbox) -> Iterator[Inbox]:
    """The inbox served at ``inbox.url`` on a free loopback port; stopped on leaving."""
    handler = type("Handler", (_Handler,), {"inbox": inbox})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    inbox.url = f"http://127.0.0.1:{server.server_address[1]}/users/ana/inbox"
    try:
        yield inbox
    finally:
        inbox.release.set()
        server.shutdown()
        server.server_close()
        thread.join(30)
