"""Pure checks of a submitted comment's fields: each returns (ok, reason)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from socialhub.comments.config import CommentsConfig
from socialhub.comments.manifest import Manifest, Target
from socialhub.comments.names import is_comment_id, is_item_slug
from socialhub.fieldrules import Flaw, body_flaw, field_flaw, is_web_url
from socialhub.kinds import COMMENT
from socialhub.sanitize import render_comment
from socialhub.text import xml_safe

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Refusal(Exception):  # noqa: N818 - a refusal is an answer, not an error
    """Why a submission is refused, in words a person understands, and the HTTP status."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Unreachable(Refusal):
    """The source could not be read this time (network, timeout, 5xx): try again later."""


class Gone(Refusal):
    """The source answered 404 or 410, or no longer links to the target: delete the mention."""


class Unavailable(Exception):  # noqa: N818 - like Refusal, an answer: 503, try again later
    """The service cannot take the submission now (a broken disk, a store away): 503."""

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


def _refuse(what: str, flaw: Flaw | None) -> None:
    """Refuse a field by the build's rule it breaks (fieldrules.py), in a reader's words."""
    if flaw is None:
        return
    if flaw.rule == "plain":
        what = f"{what.removeprefix('Your ').capitalize()}s are plain text, and yours"
    raise Refusal(f"{what} {flaw.message}: {flaw.fix}.")


def check_comment(
    form: Mapping[str, str],
    manifest: Manifest,
    config: CommentsConfig,
    in_queue: Callable[[str, str], bool],
) -> Fields:
    """Check every field of a comment; raise Refusal with the first thing to fix.

    ``in_queue(id, item)`` says whether the queue holds that comment of that item,
    waiting or approved (a reply may answer it).
    """
    slug = form.get("item", "").strip()
    target = manifest.item(slug) if is_item_slug(slug) else None
    if target is None:
        raise Refusal("This page does not take comments (unknown item).", 404)
    if not target.comments_open:
        raise Refusal(f"Comments are closed on “{target.title}”.", 403)
    # Why the same rules as the build (fieldrules.py): a comment accepted here is
    # written as a file that the build must take; refusing now lets the reader fix it.
    # Characters XML forbids are invisible, so they are dropped rather than refused.
    author = " ".join(xml_safe(form.get("author", "")).split())
    if not author:
        raise Refusal("Please give your name.")
    if len(author) > config.max_author_chars:
        raise Refusal(f"Your name is too long (at most {config.max_author_chars} characters).")
    _refuse("Your name", field_flaw(COMMENT, "author", author))
    website = form.get("website", "").strip()
    if website and not is_web_url(website):
        raise Refusal(
            "Your website must be a full address starting with http:// or https://, "
            "without spaces, tabs or line breaks."
        )
    if len(website) > config.max_website_chars:
        raise Refusal(f"Your website address is too long (at most {config.max_website_chars}).")
    _refuse("Your website address", field_flaw(COMMENT, "website", website))
    body = _CONTROL.sub("", xml_safe(form.get("body", "").replace("\r\n", "\n"))).strip()
    if not body:
        raise Refusal("Please write a comment.")
    if len(body) > config.max_body_chars:
        raise Refusal(f"Your comment is too long (at most {config.max_body_chars} characters).")
    flaw = body_flaw(body, render_comment(body))
    if flaw is not None and flaw.rule == "empty":
        raise Refusal("Please write a comment: yours shows no text once it is formatted.")
    _refuse("Your comment", flaw)
    reply_to = form.get("reply_to", "").strip().lower()
    if reply_to and not is_parent(reply_to, target, in_queue):
        raise Refusal("The comment you are replying to is not on this page.")
    return Fields(target, author, website, body, reply_to)


def is_parent(reply_to: str, target: Target, in_queue: Callable[[str, str], bool]) -> bool:
    """Whether a reply may answer ``reply_to``: a comment of this item, published or queued."""
    # Why the item as well as the id: a reply to another item's comment was accepted
    # and, once both were approved, stopped the build. Why a look-up of the one id,
    # not the set of queued ids: listing the queue on every comment made each comment
    # slower than the last as the queue grew.
    return is_comment_id(reply_to) and (
        reply_to in target.comment_ids or in_queue(reply_to, target.slug)
    )
