"""Moderator accounts: names and Argon2id password hashes in ``<state>/moderators.json``."""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ACCOUNTS_FILE = "moderators.json"
MIN_PASSWORD_CHARS = 12
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")

_HASHER = PasswordHasher()  # Argon2id with argon2-cffi's current recommended parameters
# Why a dummy hash: a wrong name then costs as long as a wrong password, so the time of
# an answer does not tell which moderator names exist.
_DUMMY = _HASHER.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A name or password that cannot be used, in a sentence for the person typing it."""


def check_name(name: str) -> str:
    """The name, or AccountError saying what a moderator name may contain."""
    if not NAME.fullmatch(name):
        raise AccountError(
            f"{name!r} is not a moderator name: use 1 to 40 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    """The password, or AccountError when it is too short."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(
            f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters "
            "(a few words make a good one)"
        )
    return password


class Accounts:
    """The moderators of one comment service."""

    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / ACCOUNTS_FILE

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise AccountError(f"{self.path}: cannot be read ({error}); restore it") from error
        moderators = raw.get("moderators", {}) if isinstance(raw, dict) else {}
        return moderators if isinstance(moderators, dict) else {}

    def _write(self, moderators: dict[str, dict[str, object]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"moderators": moderators}, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    def names(self) -> list[str]:
        """Every moderator's name, sorted."""
        return sorted(self._read())

    def add(self, name: str, password: str) -> None:
        """A new moderator; AccountError when the name is taken or the password too short."""
        moderators = self._read()
        if check_name(name) in moderators:
            raise AccountError(f"{name} is already a moderator (reset the password instead)")
        moderators[name] = {"hash": _HASHER.hash(check_password(password)), "since": time.time()}
        self._write(moderators)

    def set_password(self, name: str, password: str) -> None:
        """A new password for an existing moderator."""
        moderators = self._read()
        if name not in moderators:
            raise AccountError(f"{name} is not a moderator")
        moderators[name]["hash"] = _HASHER.hash(check_password(password))
        self._write(moderators)

    def remove(self, name: str) -> None:
        """Remove a moderator (their sessions end at their next request)."""
        moderators = self._read()
        if moderators.pop(name, None) is None:
            raise AccountError(f"{name} is not a moderator")
        self._write(moderators)

    def exists(self, name: str) -> bool:
        """Whether this moderator exists now."""
        return name in self._read()

    def verify(self, name: str, password: str) -> bool:
        """Whether the password is this moderator's (as slow for an unknown name)."""
        entry = self._read().get(name)
        stored = entry.get("hash") if isinstance(entry, dict) else None
        try:
            return _HASHER.verify(stored if isinstance(stored, str) else _DUMMY, password) and (
                isinstance(stored, str)
            )
        except (VerificationError, InvalidHashError):
            return False
