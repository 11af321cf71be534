"""Pure checks of a submitted comment's fields: each returns (ok, reason)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from socialhub.comments.config import CommentsConfig
from socialhub.comments.manifest import Manifest, Target
from socialhub.validate import is_web_url

_ID = re.compile(r"^c-\d{8}-[0-9a-z]{4,16}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refusal(Exception):  # noqa: N818 - a refusal is an answer, not an error
    """Why a submission is refused, in words a person understands, and the HTTP status."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Unavailable(Exception):  # noqa: N818 - an answer (503), like Refusal
    """The service cannot take the submission right now (a store it needs failed): 503."""

    def __init__(self, reason: str, retry_after: int = 30) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fields:
    """The checked fields of a comment."""

    target: Target
    author: str
    website: str
    body: str
    reply_to: str


def check_comment(
    form: Mapping[str, str],
    manifest: Manifest,
    config: CommentsConfig,
    is_pending: Callable[[str], bool],
) -> Fields:
    """Check every field of a comment; raise Refusal with the first thing to fix."""
    slug = form.get("item", "").strip()
    target = manifest.item(slug) if slug else None
    if target is None:
        raise Refusal("This page does not take comments (unknown item).", 404)
    if not target.comments_open:
        raise Refusal(f"Comments are closed on “{target.title}”.", 403)
    author = " ".join(form.get("author", "").split())
    if not author:
        raise Refusal("Please give your name.")
    if len(author) > config.max_author_chars:
        raise Refusal(f"Your name is too long (at most {config.max_author_chars} characters).")
    website = form.get("website", "").strip()
    if website and not is_web_url(website):
        raise Refusal("Your website must be a full address starting with http:// or https://.")
    if len(website) > config.max_website_chars:
        raise Refusal(f"Your website address is too long (at most {config.max_website_chars}).")
    body = _CONTROL.sub("", form.get("body", "").replace("\r\n", "\n")).strip()
    if not body:
        raise Refusal("Please write a comment.")
    if len(body) > config.max_body_chars:
        raise Refusal(f"Your comment is too long (at most {config.max_body_chars} characters).")
    reply_to = form.get("reply_to", "").strip().lower()
    # Why a look-up of the one id, not the set of pending ids: listing the queue
    # on every comment made each comment slower than the last as the queue grew.
    if reply_to and (
        not _ID.match(reply_to) or (reply_to not in target.comment_ids and not is_pending(reply_to))
    ):
        raise Refusal("The comment you are replying to is not on this page.")
    return Fields(target, author, website, body, reply_to)
