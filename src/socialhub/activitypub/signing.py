"""Signing the hub's own requests as Mastodon expects: draft-cavage HTTP signatures.

Every server on the fediverse accepts ``rsa-sha256`` signatures over
``(request-target) host date digest`` with a SHA-256 ``Digest`` of the body; that is
what Mastodon sends and checks. No maintained Python library signs this draft (the
ones on PyPI implement RFC 9421 only, which Mastodon accepts but does not require),
so it is written here, on the ``cryptography`` primitives.
"""

from __future__ import annotations

import base64
import hashlib
from email.utils import formatdate
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SIGNED_HEADERS_POST = ("(request-target)", "host", "date", "digest")
SIGNED_HEADERS_GET = ("(request-target)", "host", "date")


def body_digest(body: bytes) -> str:
    """The ``Digest`` header's value for a body (SHA-256, base64)."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def signing_string(method: str, url: str, headers: dict[str, str], names: tuple[str, ...]) -> str:
    """The text a draft-cavage signature covers, one ``name: value`` line per header."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    lowered = {key.lower(): value for key, value in headers.items()}
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        else:
            lines.append(f"{name}: {lowered[name]}")
    return "\n".join(lines)


def signed_headers(
    method: str,
    url: str,
    body: bytes | None,
    key_id: str,
    private_key: rsa.RSAPrivateKey,
    *,
    date: str | None = None,
) -> dict[str, str]:
    """``Host``, ``Date``, ``Digest`` (with a body) and ``Signature`` for one request."""
    headers = {"Host": urlsplit(url).netloc, "Date": date or formatdate(usegmt=True)}
    names: tuple[str, ...] = SIGNED_HEADERS_GET
    if body is not None:
        headers["Digest"] = body_digest(body)
        names = SIGNED_HEADERS_POST
    text = signing_string(method, url, headers, names).encode("utf-8")
    signature = private_key.sign(text, padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode("ascii")}"'
    )
    return headers
