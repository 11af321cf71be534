"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1): the same entries as RSS and Atom."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from socialhub.feeds.entries import Entry
from socialhub.feeds.write import FeedHead
from socialhub.fieldrules import untagged

VERSION = "https://jsonfeed.org/version/1.1"


def plain(text: str) -> str:
    """Plain text that stays text in readers that show JSON Feed's plain fields as HTML.

    Why angle quotes and not entities: the format says title and summary are
    plain text, so ``&lt;`` would show as typed in the readers that follow it;
    ``\u2039script>`` reads the same and opens no tag in those that do not (the
    collector writes tag-like text the same way).
    """
    return untagged(text)


def _item(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "url": entry.url,
        "title": plain(entry.title),
        "content_html": entry.content_html,
        "summary": plain(entry.summary),
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "authors": [
            {"name": entry.author, **({"url": entry.author_url} if entry.author_url else {})}
        ],
    }
    if entry.external_url:
        item["external_url"] = entry.external_url
    if entry.tags:
        item["tags"] = [name for _slug, name in entry.tags]
    if entry.image is not None:
        item["image"] = entry.image.url
    attachments = []
    for media in entry.media:
        attachment: dict[str, Any] = {"url": media.url, "title": media.title}
        attachment["mime_type"] = media.mime_type or "text/html"
        if media.length:
            attachment["size_in_bytes"] = media.length
        if media.duration:
            attachment["duration_in_seconds"] = media.duration
        attachments.append(attachment)
    if attachments:
        item["attachments"] = attachments
    return item


def _hubs(head: FeedHead) -> dict[str, Any]:
    """JSON Feed's ``hubs`` when WebSub is on: readers subscribe there to ``feed_url``."""
    hub = head.info.websub_hub
    return {"hubs": [{"type": "WebSub", "url": hub}]} if hub else {}


def render_json(head: FeedHead, entries: Sequence[Entry]) -> bytes:
    """The stream as JSON Feed 1.1."""
    feed = {
        "version": VERSION,
        "title": plain(head.title),
        "home_page_url": head.page_url,
        "feed_url": head.self_url("json"),
        **_hubs(head),
        "description": plain(head.description),
        "icon": head.logo,
        "favicon": head.icon,
        "language": head.language,
        "authors": [{"name": head.info.company, "url": head.info.base + "/"}],
        "items": [_item(entry) for entry in entries],
    }
    # Why no indent: json's C encoder is used only without one (the indented encoder
    # took an eighth of a cold build's feed time).
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
