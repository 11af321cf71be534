"""The hub's key pair: made once, kept outside git, the private half readable by its owner only.

The build puts the public key in the actor document; the service signs its ``Accept``
and every delivery with the private key. Both read the same folder
(``ACTIVITYPUB_KEYS_DIR``), so the key a follower fetched is the one that signs.
Rotation (``invoke fediverse.keys --rotate``) keeps the old pair as ``*.pem.old``.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from socialhub.errors import ConfigError

PRIVATE_FILE = "private.pem"
PUBLIC_FILE = "public.pem"
# Mastodon verifies draft-cavage signatures with RSA keys only; 2048 bits is what it makes.
KEY_BITS = 2048


@dataclass(frozen=True)
class KeyPair:
    """The private key (for signing) and the public key as PEM (for the actor document)."""

    private_key: rsa.RSAPrivateKey
    public_pem: str


def create_keys(keys_dir: Path, *, rotate: bool = False) -> KeyPair:
    """Make the key pair in ``keys_dir``; refuses to replace one unless ``rotate``."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(keys_dir / ".keys.lock", "a") as lock:
        # Why a lock: two workers (or a build and a worker) starting together must not
        # each write a different key.
        fcntl.flock(lock, fcntl.LOCK_EX)
        private_path = keys_dir / PRIVATE_FILE
        if private_path.exists():
            if not rotate:
                return load_keys(keys_dir)
            for name in (PRIVATE_FILE, PUBLIC_FILE):
                if (keys_dir / name).exists():
                    os.replace(keys_dir / name, keys_dir / f"{name}.old")
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        private_pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public_pem = private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        _write(keys_dir / PUBLIC_FILE, public_pem, 0o644)
        _write(private_path, private_pem, 0o600)
        return KeyPair(private_key, public_pem.decode("ascii"))


def load_keys(keys_dir: Path) -> KeyPair:
    """The key pair kept in ``keys_dir``; a clear error says how to make a missing one."""
    private_path = keys_dir / PRIVATE_FILE
    try:
        private_pem = private_path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{private_path}: the hub has no fediverse key yet; "
            "make one with `invoke fediverse.keys`"
        ) from None
    except PermissionError:
        raise ConfigError(
            f"{private_path}: cannot read the fediverse key; run as the user that owns it"
        ) from None
    try:
        private_key = serialization.load_pem_private_key(private_pem, password=None)
    except ValueError:
        raise ConfigError(
            f"{private_path}: not a PEM private key; restore it from a backup "
            "or make a new one with `invoke fediverse.keys --rotate`"
        ) from None
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ConfigError(f"{private_path}: the fediverse key must be an RSA key")
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return KeyPair(private_key, public_pem.decode("ascii"))


def load_or_create_keys(keys_dir: Path) -> KeyPair:
    """The key pair, made on first use so that a fresh checkout's preview has an actor."""
    if (keys_dir / PRIVATE_FILE).exists():
        return load_keys(keys_dir)
    return create_keys(keys_dir)


def _write(path: Path, data: bytes, mode: int) -> None:
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, mode)
    os.replace(temporary, path)
