"""The service's secret key: made once, kept in its state folder, shared by every worker.

Signed tokens, session ids and keyed hashes (of email addresses, of client addresses)
all derive from it, so that nothing a reader gives us is stored or shown in clear
where a hash does. Losing the file only invalidates what was signed with it.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

SECRET_FILE = "secret.key"
SECRET_BYTES = 32

# The key last read from each file, by the file's identity: it is asked for on every
# comment, and a stat costs a microsecond where reading and decoding cost ten times
# that. A replaced or rewritten file (a new key) has a new identity and is read again.
_Identity = tuple[int, int, int, int]
_READ: dict[Path, tuple[_Identity, bytes]] = {}
_READ_LOCK = threading.Lock()


def service_secret(state_dir: Path) -> bytes:
    """The service's key, created (mode 0600) on first use; every worker reads the same one."""
    path = state_dir / SECRET_FILE
    try:
        return _read_cached(path)
    except FileNotFoundError:
        pass
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Why a lock: two workers starting together must not each write a different key.
    with open(state_dir / ".secret.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _read_cached(path)
        except FileNotFoundError:
            key = secrets.token_bytes(SECRET_BYTES)
            temporary = path.with_suffix(".tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(key.hex().encode("ascii"))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
            _remember(path, key)
            return key


def _read_cached(path: Path) -> bytes:
    """The key in ``path``, read again only when the file is not the one read last."""
    identity = _identity(path)
    with _READ_LOCK:
        known = _READ.get(path)
    if known is not None and known[0] == identity:
        return known[1]
    key = _read(path)
    with _READ_LOCK:
        _READ[path] = (identity, key)
    return key


def _remember(path: Path, key: bytes) -> None:
    """Note the key just written to ``path`` as read, with the file's identity."""
    identity = _identity(path)
    with _READ_LOCK:
        _READ[path] = (identity, key)


def _identity(path: Path) -> _Identity:
    """What changes when the file is replaced or rewritten: device, inode, time, size."""
    status = os.stat(path)
    return (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_size)


def _read(path: Path) -> bytes:
    text = path.read_text(encoding="ascii").strip()
    key = bytes.fromhex(text)
    if len(key) < SECRET_BYTES:
        raise ValueError(f"{path}: the key is too short; delete the file to make a new one")
    return key


def derived_key(secret: bytes, purpose: str) -> bytes:
    """A key for one purpose, so that a token made for one use is refused by another."""
    return hmac.new(secret, purpose.encode("utf-8"), hashlib.sha256).digest()
