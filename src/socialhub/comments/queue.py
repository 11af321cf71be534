"""The moderation queue: one JSON file per submission, written atomically, shared by workers.

A submission is written to tmp/, flushed and fsynced, then moved into its folder
with os.replace (atomic on POSIX): a crash at any moment leaves either no file
or a whole one, never half of one. Folders: incoming/ (Webmentions waiting for
verification), pending/ (waiting for a moderator), approved/, rejected/.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FOLDERS = ("incoming", "pending", "approved", "rejected")


@dataclass
class Submission:
    """A comment or a Webmention as received, before moderation."""

    id: str
    item: str
    author: str
    body: str
    date: str  # ISO 8601 with offset
    website: str = ""
    reply_to: str = ""
    source: str = "form"  # "form" or "webmention"
    source_url: str = ""
    target_url: str = ""
    client: str = ""
    reason: str = ""  # why it was rejected
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """The submission as the bytes of its queue file."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Submission:
        """Read a queue file back."""
        raw = json.loads(data)
        known = {key: raw[key] for key in cls.__dataclass_fields__ if key in raw}
        return cls(**known)


def new_id(when: datetime) -> str:
    """A comment id: c-YYYYMMDD-8 hex digits (also its file name)."""
    return f"c-{when:%Y%m%d}-{secrets.token_hex(4)}"


class Queue:
    """The queue folders under one root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for folder in (*FOLDERS, "tmp"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    def clean_temporary(self) -> int:
        """Remove what a crash left in tmp/ (never a submission: those are moved out whole)."""
        removed = 0
        for leftover in (self.root / "tmp").iterdir():
            leftover.unlink(missing_ok=True)
            removed += 1
        return removed

    def put(self, submission: Submission, folder: str = "pending") -> Path:
        """Write a submission into a folder atomically; return its path."""
        target = self.root / folder / f"{submission.id}.json"
        temporary = self.root / "tmp" / f"{submission.id}.{secrets.token_hex(4)}.json"
        with open(temporary, "wb") as handle:
            handle.write(submission.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        _fsync_folder(target.parent)
        return target

    def move(self, submission: Submission, source: str, target: str) -> Path:
        """Rewrite a submission into ``target`` (with new fields), then drop it from ``source``."""
        path = self.put(submission, target)
        (self.root / source / f"{submission.id}.json").unlink(missing_ok=True)
        return path

    def get(self, identifier: str, folder: str = "pending") -> Submission | None:
        """One submission, or None."""
        path = self.root / folder / f"{identifier}.json"
        try:
            return Submission.from_json(path.read_bytes())
        except FileNotFoundError:
            return None

    def list(self, folder: str = "pending") -> Iterator[Submission]:
        """Every submission of a folder, oldest first."""
        found = []
        for path in (self.root / folder).glob("c-*.json"):
            try:
                found.append(Submission.from_json(path.read_bytes()))
            except (OSError, ValueError):
                continue  # removed meanwhile by another worker
        yield from sorted(found, key=lambda s: (s.date, s.id))

    def has(self, identifier: str, folder: str = "pending") -> bool:
        """Whether a submission is in a folder: one look-up, however long the queue is."""
        return (self.root / folder / f"{identifier}.json").is_file()

    def ids(self, folder: str = "pending") -> set[str]:
        """The ids in a folder."""
        return {path.stem for path in (self.root / folder).glob("c-*.json")}


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (the folder's entry)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
