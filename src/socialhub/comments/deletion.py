"""“Delete my comments”: a signed link to the address, then a request for the moderators.

A request is a JSON file in ``<state>/deletions/`` holding the address's keyed hash
(never the address) and the comments it matched: published ones (found through
the authorship map) and ones still in the queue (by extra["email_hash"]). It is
unconfirmed until the link emailed to the address is confirmed (a POST), and is
then listed by ``invoke comments.deletions`` (and pending_deletions() for the
moderation page) until ``invoke comments.delete`` carries it out.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from socialhub.comments.authorship import Authorship
from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import comment_file, write_comment
from socialhub.comments.names import BadName
from socialhub.comments.queue import FOLDERS, Queue, Submission
from socialhub.comments.subscriptions import Subscriptions
from socialhub.headers import read_header

_REQUEST_ID = re.compile(r"d-\d{8}-[0-9a-f]{8}")
# What a deleted comment that others answered becomes: its replies keep their place.
DELETED_AUTHOR = "Deleted"
DELETED_BODY = "This comment was deleted at its author's request."


@dataclass
class Found:
    """One comment of the address: on which item, its id, and whether it is published."""

    item: str
    id: str
    published: bool


@dataclass
class DeletionRequest:
    """A request to delete every comment of one address."""

    id: str
    email_hash: str
    comments: list[Found]
    requested: float
    nonce: str = ""  # "" once confirmed
    confirmed: float = 0.0  # when the link was confirmed (0: not yet)
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """The request as its file's bytes."""
        return json.dumps(asdict(self), indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> DeletionRequest:
        """Read a request file back (ValueError when it is not one)."""
        raw = json.loads(data)
        if not isinstance(raw, dict) or not is_request_id(str(raw.get("id", ""))):
            raise ValueError("not a deletion request")
        found = [Found(str(c["item"]), str(c["id"]), bool(c["published"])) for c in raw["comments"]]
        return cls(
            id=str(raw["id"]),
            email_hash=str(raw["email_hash"]),
            comments=found,
            requested=float(raw["requested"]),
            nonce=str(raw.get("nonce", "")),
            confirmed=float(raw.get("confirmed", 0.0)),
        )


def is_request_id(text: str) -> bool:
    """Whether ``text`` is a deletion request id (d-YYYYMMDD-8 hex digits)."""
    return bool(_REQUEST_ID.fullmatch(text))


def _folder(config: CommentsConfig) -> Path:
    return Path(config.state_dir) / "deletions"


def _path(config: CommentsConfig, identifier: str) -> Path:
    if not is_request_id(identifier):
        raise BadName(f"{identifier!r} is not a deletion request id (d-YYYYMMDD-xxxxxxxx)")
    return _folder(config) / f"{identifier}.json"


def _save(config: CommentsConfig, request: DeletionRequest) -> None:
    """Write a request atomically (mode 0600)."""
    folder = _folder(config)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = folder / f".{request.id}.{secrets.token_hex(4)}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(request.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, _path(config, request.id))
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def load(config: CommentsConfig, identifier: str) -> DeletionRequest | None:
    """One request, or None (also for a damaged file)."""
    try:
        return DeletionRequest.from_json(_path(config, identifier).read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def all_requests(config: CommentsConfig) -> list[DeletionRequest]:
    """Every request, confirmed or not, oldest first."""
    found = []
    for path in sorted(_folder(config).glob("d-*.json")):
        request = load(config, path.stem)
        if request is not None:
            found.append(request)
    return sorted(found, key=lambda r: (r.requested, r.id))


def find_comments(config: CommentsConfig, email_hash: str) -> list[Found]:
    """The comments of an address: published (and still there), then waiting in the queue."""
    if not email_hash:
        return []
    authorship = Authorship.of(config.state_dir)
    try:
        published = authorship.comments_of(email_hash)
    finally:
        authorship.close()
    found = []
    for item, identifier in published:
        with contextlib.suppress(BadName):
            if comment_file(config.content_dir, item, identifier).is_file():
                found.append(Found(item, identifier, True))
    queue = Queue(config.queue_dir)
    for submission in queue.list("pending"):
        if submission.extra.get("email_hash") == email_hash:
            found.append(Found(submission.item, submission.id, False))
    return found


def open_request(config: CommentsConfig, email_hash: str) -> DeletionRequest | None:
    """A new unconfirmed request when the address has comments; None when it has none."""
    comments = find_comments(config, email_hash)
    if not comments:
        return None
    now = time.time()
    day = datetime.fromtimestamp(now, UTC)
    request = DeletionRequest(
        id=f"d-{day:%Y%m%d}-{secrets.token_hex(4)}",
        email_hash=email_hash,
        comments=comments,
        requested=now,
        nonce=secrets.token_urlsafe(16),
    )
    _save(config, request)
    return request


def confirm(config: CommentsConfig, identifier: str, nonce: str) -> DeletionRequest | None:
    """Confirm a request with its link's nonce; None when it is unknown or was used."""
    request = load(config, identifier)
    if request is None or not nonce or not secrets.compare_digest(request.nonce, nonce):
        return None
    request.nonce = ""
    request.confirmed = time.time()
    _save(config, request)
    return request


def pending_deletions(config: CommentsConfig) -> list[DeletionRequest]:
    """The confirmed requests the moderators have not carried out yet, oldest first."""
    return [request for request in all_requests(config) if request.confirmed]


def purge_unconfirmed(config: CommentsConfig, older_than: float) -> int:
    """Delete unconfirmed requests made before ``older_than`` (a Unix time)."""
    removed = 0
    for request in all_requests(config):
        if not request.confirmed and request.requested < older_than:
            _path(config, request.id).unlink(missing_ok=True)
            removed += 1
    return removed


def carry_out(config: CommentsConfig, identifier: str) -> list[str]:
    """Delete the comments of a confirmed request; lines saying what changed.

    A published comment nobody answered is removed; one that others answered is
    rewritten as "Deleted" (so that the replies keep their place and the build
    its threads). Waiting ones leave the queue. The address's subscriptions go too.
    """
    request = load(config, identifier)
    if request is None:
        raise LookupError(f"no deletion request {identifier}")
    if not request.confirmed:
        raise LookupError(f"{identifier} was not confirmed by its address; nothing to do yet")
    lines = []
    queue = Queue(config.queue_dir)
    authorship = Authorship.of(config.state_dir)
    try:
        for found in request.comments:
            if found.published:
                lines.append(_delete_published(config, found))
                authorship.forget(found.item, found.id)
            for folder in FOLDERS:
                if queue.has(found.id, folder):
                    queue.remove(found.id, folder)
                    lines.append(f"removed {found.id} from the queue's {folder}/")
    finally:
        authorship.close()
    subscriptions = Subscriptions.of(config.state_dir)
    try:
        if subscriptions.forget(request.email_hash):
            lines.append("removed the address's reply notifications")
    finally:
        subscriptions.close()
    _path(config, identifier).unlink(missing_ok=True)
    return lines


def _delete_published(config: CommentsConfig, found: Found) -> str:
    """Remove one comment file, or blank it when other comments answer it."""
    path = comment_file(config.content_dir, found.item, found.id)
    if not path.is_file():
        return f"{path} is already gone"
    answered = any(
        read_header(other).get("reply-to", "") == found.id
        for other in path.parent.glob("c-*.md")
        if other != path
    )
    if not answered:
        path.unlink()
        return f"deleted {path}"
    header = read_header(path)
    blank = Submission(
        id=found.id,
        item=found.item,
        author=DELETED_AUTHOR,
        body=DELETED_BODY,
        date=header.get("date", ""),
        reply_to=header.get("reply-to", ""),
        source=header.get("source", "form") or "form",
    )
    write_comment(config.content_dir, blank)
    return f"blanked {path} (other comments answer it: its replies stay)"
