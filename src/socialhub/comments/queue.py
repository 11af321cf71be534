"""The moderation queue: one JSON file per submission, written atomically, shared by workers.

A submission is written to tmp/, fsynced, then moved into its folder with
os.replace (atomic on POSIX) and the folder fsynced: a crash at any moment leaves
either no file or a whole one, never half of one. Writes made at the same moment
by threads of one process share those fsyncs (groupcommit.py); put() returns only
once its own file is durable. Folders: incoming/ (Webmentions waiting for
verification), pending/ (waiting for a moderator), approved/, rejected/.

A write the disk refuses (full, out of inodes, read-only) removes what it began
and raises Unwritable, which the service answers with a 503. Every id and item
read from a file or given to a method is checked (names.py): a queue file cannot
lead a path out of its folder.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from socialhub.comments.disk import Unwritable, fsync_path, remove_quietly, trouble
from socialhub.comments.groupcommit import GroupCommit
from socialhub.comments.names import BadName, comment_id, is_comment_id, item_slug
from socialhub.comments.urls import normal_url

FOLDERS = ("incoming", "pending", "approved", "rejected")
# A temporary file older than this is a crash's leftover; one being written is seconds old.
STALE_SECONDS = 600.0

log = logging.getLogger("socialhub.comments")


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
    reason: str = ""  # why it was rejected (or, in incoming/, why it waits to be tried again)
    mention_type: str = ""  # a Webmention's: mention, reply, like, repost or bookmark
    photo_url: str = ""  # a Webmention author's picture, fetched at approval
    attempts: int = 0  # verifications of a Webmention that could not reach its source
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """The submission as the bytes of its queue file."""
        # Why not asdict(): it deep-copies every value first, a tenth of a comment's cost.
        fields = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return json.dumps(fields, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Submission:
        """Read a queue file back; ValueError (BadName for a name) when it is not one."""
        raw = json.loads(data)
        if not isinstance(raw, dict):
            raise ValueError("a queue file must hold a JSON object")
        for name in ("id", "item", "reply_to"):
            if not isinstance(raw.get(name, ""), str):
                raise ValueError(f"{name} must be text")
        known = {key: raw[key] for key in cls.__dataclass_fields__ if key in raw}
        try:
            submission = cls(**known)
        except TypeError as error:
            raise ValueError(f"a field is missing: {error}") from None
        submission.check_names()
        return submission

    def check_names(self) -> None:
        """BadName unless the id, item and reply-to can each be used in a path."""
        comment_id(self.id)
        item_slug(self.item)
        if self.reply_to:
            comment_id(self.reply_to, "reply-to")


def same_url(first: str, second: str, keep_fragment: bool = False) -> bool:
    """Whether two URLs name the same page (and fragment, if ``keep_fragment``) once normalised."""
    return normal_url(first, keep_fragment) == normal_url(second, keep_fragment)


def new_id(when: datetime) -> str:
    """A comment id: c-YYYYMMDD-8 hex digits (also its file name)."""
    return f"c-{when:%Y%m%d}-{secrets.token_hex(4)}"


class Queue:
    """The queue folders under one root."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._ready = False
        self._group = GroupCommit()
        # Why not fail here: on a read-only or full disk the service must still start,
        # answer 503 and say why (problem()); the folders are made again at each write.
        with contextlib.suppress(OSError):
            self.ensure_folders()

    def ensure_folders(self) -> None:
        """Make the queue's folders if they are missing (OSError when the disk refuses)."""
        if self._ready:
            return
        for folder in (*FOLDERS, "tmp"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        self._ready = True

    def problem(self) -> str:
        """Why a submission cannot be written now ("" when it can): a small file is tried."""
        probe = self.root / "tmp" / f".probe-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            self.ensure_folders()
            # No fsync: /health is asked often, and a full, inode-less or read-only
            # disk refuses the file or its first byte already.
            with open(probe, "wb") as handle:
                handle.write(b"ok")
        except OSError as error:
            return trouble(error, self.root)
        finally:
            remove_quietly(probe)
        return ""

    def clean_temporary(self, older_than: float = STALE_SECONDS) -> int:
        """Remove what a crash left in tmp/: files older than ``older_than`` seconds."""
        # Why the age: every worker cleans when it starts, and gunicorn starts one while
        # the others write; emptying tmp/ then took the file from under a worker's
        # os.replace. A file being written is seconds old; a crash's leftover stays.
        cutoff = time.time() - older_than
        removed = 0
        for leftover in (self.root / "tmp").iterdir():
            try:
                if leftover.stat().st_mtime > cutoff:
                    continue
                leftover.unlink()
            except FileNotFoundError:
                continue  # another worker, starting too, was first
            removed += 1
        return removed

    def _path(self, folder: str, identifier: str) -> Path:
        """The file of a submission: the folder is one of ours, the id a comment id."""
        if folder not in FOLDERS:
            raise ValueError(f"no queue folder {folder!r}; the folders are {', '.join(FOLDERS)}")
        return self.root / folder / f"{comment_id(identifier)}.json"

    def put(self, submission: Submission, folder: str = "pending") -> Path:
        """Write a submission into a folder atomically; return its path (Unwritable if not)."""
        submission.check_names()
        target = self._path(folder, submission.id)
        temporary = self.root / "tmp" / f"{submission.id}.{secrets.token_hex(4)}.json"
        try:
            self.ensure_folders()
            try:
                with open(temporary, "wb") as handle:
                    handle.write(submission.to_json())
                    handle.flush()
                    # Why here, not in the batch: each writer's fsync runs beside the
                    # others' (the file system joins them into one journal commit),
                    # where the committer would run them one after another.
                    os.fsync(handle.fileno())
            except OSError:
                # Why remove: a full disk otherwise keeps a 0-byte file per refused comment.
                remove_quietly(temporary)
                raise
            # Fsynced, renamed and its folder fsynced together with the other threads'
            # writes of this moment; it removes both names itself when that fails.
            self._group.commit(temporary, target)
        except OSError as error:
            if error.errno == errno.ENOENT:
                self._ready = False  # a folder was removed: make it again at the next write
            raise self._unwritable(error, f"writing {target.name}") from error
        return target

    def move(self, submission: Submission, source: str, target: str) -> Path:
        """Rewrite a submission into ``target`` (with new fields), then drop it from ``source``."""
        path = self.put(submission, target)
        old = self._path(source, submission.id)
        try:
            old.unlink(missing_ok=True)
        except OSError as error:
            remove_quietly(path)  # in one folder or the other, never in both
            raise self._unwritable(error, f"removing {source}/{old.name}") from error
        return path

    def refile(self, identifier: str, source: str, target: str) -> Path:
        """Move a submission unchanged to another folder in one atomic rename."""
        old, new = self._path(source, identifier), self._path(target, identifier)
        try:
            os.replace(old, new)
        except OSError as error:
            raise self._unwritable(error, f"moving {old.name} to {target}/") from error
        try:
            fsync_path(new.parent)
            fsync_path(old.parent)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.replace(new, old)  # not durable: undo it rather than half-promise it
            raise self._unwritable(error, f"moving {old.name} to {target}/") from error
        return new

    def _unwritable(self, error: OSError, doing: str) -> Unwritable:
        """The error for a refused write, logged once with what was being done."""
        detail = trouble(error, self.root)
        log.error("queue %s: %s: %s", self.root, doing, detail)
        return Unwritable(detail)

    def get(self, identifier: str, folder: str = "pending") -> Submission | None:
        """One submission, or None; BadName for an id that is not one or a file that lies."""
        path = self._path(folder, identifier)
        try:
            submission = Submission.from_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except ValueError as error:
            raise BadName(f"{folder}/{path.name}: {error}") from None
        if submission.id != identifier:
            raise BadName(f"{folder}/{path.name}: holds the id {submission.id!r}")
        return submission

    def list(self, folder: str = "pending") -> Iterator[Submission]:
        """Every submission of a folder, oldest first (a file that is not one is logged)."""
        found = []
        for path in (self.root / folder).glob("c-*.json"):
            try:
                submission = Submission.from_json(path.read_bytes())
            except OSError:
                continue  # removed meanwhile by another worker
            except ValueError as error:
                log.warning("skipping %s: %s", path, error)
                continue
            if submission.id != path.stem:
                log.warning("skipping %s: it holds the id %r", path, submission.id)
                continue
            found.append(submission)
        yield from sorted(found, key=lambda s: (s.date, s.id))

    def has(self, identifier: str, folder: str = "pending") -> bool:
        """Whether a submission is in a folder: one look-up, however long the queue is."""
        return is_comment_id(identifier) and self._path(folder, identifier).is_file()

    def holds(
        self, identifier: str, item: str, folders: tuple[str, ...] = ("pending", "approved")
    ) -> bool:
        """Whether a comment on ``item`` is in one of ``folders`` (a reply's parent)."""
        if not is_comment_id(identifier):
            return False
        for folder in folders:
            try:
                found = self.get(identifier, folder)
            except (OSError, ValueError):
                continue  # moved meanwhile, or not a queue file: not a parent
            if found is not None and found.item == item:
                return True
        return False

    def remove(self, identifier: str, folder: str) -> None:
        """Remove a submission from a folder (Unwritable when the disk refuses)."""
        path = self._path(folder, identifier)
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise self._unwritable(error, f"removing {folder}/{path.name}") from error

    def mentions_of(
        self, source: str, target: str, folder: str = "pending"
    ) -> builtins.list[Submission]:
        """The Webmentions of ``folder`` from this source for this target (URLs as given)."""
        return [
            found
            for found in self.list(folder)
            if found.source == "webmention"
            and same_url(found.source_url, source)
            # A mention of the item and one of a comment on it (#comment-…) are two.
            and same_url(found.target_url, target, keep_fragment=True)
        ]

    def ids(self, folder: str = "pending") -> set[str]:
        """The ids in a folder."""
        return {path.stem for path in (self.root / folder).glob("c-*.json")}
