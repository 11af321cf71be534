"""The service secret and the keyed hashes built on it."""

from __future__ import annotations

import multiprocessing
import os
import stat
from pathlib import Path

import pytest

from socialhub.comments import secret
from socialhub.comments.identity import client_hash, email_hash
from socialhub.comments.secret import SECRET_FILE, derived_key, service_secret


def test_the_secret_is_made_once_private_and_kept(tmp_path: Path) -> None:
    first = service_secret(tmp_path / "state")
    again = service_secret(tmp_path / "state")
    assert first == again
    assert len(first) == 32
    mode = stat.S_IMODE((tmp_path / "state" / SECRET_FILE).stat().st_mode)
    assert mode == 0o600


def _secret_of(folder: str, queue: multiprocessing.Queue) -> None:
    queue.put(service_secret(Path(folder)).hex())


def test_workers_starting_together_share_one_secret(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    for attempt in range(5):
        folder = str(tmp_path / f"state-{attempt}")
        workers = [context.Process(target=_secret_of, args=(folder, results)) for _ in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert len({results.get(timeout=60) for _ in workers}) == 1


def test_email_hash_recognises_the_same_address_only(tmp_path: Path) -> None:
    secret = service_secret(tmp_path)
    assert email_hash(secret, " Ada@Example.com ") == email_hash(secret, "ada@example.com")
    assert email_hash(secret, "ada@example.com") != email_hash(secret, "bob@example.com")
    assert "ada" not in email_hash(secret, "ada@example.com")
    assert email_hash(secret, "") == ""
    other = service_secret(tmp_path / "other")
    assert email_hash(other, "ada@example.com") != email_hash(secret, "ada@example.com")


def test_purposes_and_client_hashes_differ(tmp_path: Path) -> None:
    secret = service_secret(tmp_path)
    assert derived_key(secret, "email") != derived_key(secret, "client")
    assert client_hash(secret, "203.0.113.7") != client_hash(secret, "203.0.113.8")
    assert len(client_hash(secret, "203.0.113.7")) == 16
    assert client_hash(secret, "") == ""


def test_the_secret_is_read_again_only_when_its_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "state"
    first = service_secret(folder)
    reads: list[Path] = []
    real_read = secret._read

    def counted(path: Path) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(secret, "_read", counted)
    assert [service_secret(folder) for _ in range(5)] == [first] * 5
    assert reads == []  # unchanged: not read again
    # A new key put in place (a rotation) is the one used from the next request on.
    new_key = bytes(range(32))
    (folder / "secret.new").write_text(new_key.hex(), encoding="ascii")
    os.replace(folder / "secret.new", folder / SECRET_FILE)
    assert service_secret(folder) == new_key
    assert service_secret(folder) == new_key
    assert len(reads) == 1
    # A removed key file is made anew, as on first use.
    (folder / SECRET_FILE).unlink()
    third = service_secret(folder)
    assert third not in (first, new_key)
    assert (folder / SECRET_FILE).read_text(encoding="ascii") == third.hex()
