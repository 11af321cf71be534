"""Every feed dialect into one shape: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 by feedparser, JSON Feed."""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser


@dataclass(frozen=True)
class FeedEntry:
    """One post of a blogger's feed, as found (not yet sanitized)."""

    id: str
    title: str
    link: str
    date: datetime | None
    html: str  # the summary or content, raw
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Parsed:
    """The entries of a feed, and a warning when the feed is not well formed."""

    entries: tuple[FeedEntry, ...]
    warning: str = ""
    error: str = ""


def parse_feed(body: bytes, content_type: str = "") -> Parsed:
    """Read a feed's bytes; an error when nothing usable is in them."""
    head = body.lstrip()[:1]
    if "json" in content_type or head == b"{":
        return _json_feed(body)
    parsed = feedparser.parse(body)
    entries = tuple(_from_feedparser(entry) for entry in parsed.entries)
    if not parsed.version and not entries:
        lowered = body[:2048].lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return Parsed((), error="not a feed (an HTML page)")
        problem = parsed.get("bozo_exception")
        return Parsed((), error=f"not a feed ({problem or 'unknown format'})")
    if parsed.bozo and not entries:
        return Parsed((), error=f"malformed feed with no entries ({parsed.bozo_exception})")
    warning = (
        f"the feed is not well formed ({parsed.bozo_exception}); used anyway" if parsed.bozo else ""
    )
    return Parsed(entries, warning=warning)


def _date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _from_feedparser(entry: feedparser.FeedParserDict) -> FeedEntry:
    html = ""
    if entry.get("summary"):
        html = entry.summary
    elif entry.get("content"):
        html = entry.content[0].get("value", "")
    tags = tuple(tag.get("term", "") for tag in entry.get("tags", []) if tag.get("term"))
    link = entry.get("link", "")
    return FeedEntry(
        id=entry.get("id") or link,
        title=entry.get("title", ""),
        link=link,
        date=_date(entry),
        html=html,
        tags=tags,
    )


def _json_feed(body: bytes) -> Parsed:
    try:
        data = json.loads(body)
    except ValueError as error:
        return Parsed((), error=f"malformed JSON feed ({error})")
    if not isinstance(data, dict) or "jsonfeed.org/version/1" not in str(data.get("version", "")):
        return Parsed((), error="not a feed (JSON without a JSON Feed version)")
    entries = []
    for item in data.get("items", []):
        if not isinstance(item, dict):
            continue
        stamp = item.get("date_published") or item.get("date_modified") or ""
        try:
            date = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")) if stamp else None
        except ValueError:
            date = None
        html = item.get("summary") or item.get("content_html") or item.get("content_text") or ""
        link = str(item.get("url") or item.get("external_url") or "")
        entries.append(
            FeedEntry(
                id=str(item.get("id") or link),
                title=str(item.get("title") or ""),
                link=link,
                date=date,
                html=str(html),
                tags=tuple(str(t) for t in item.get("tags", []) if t),
            )
        )
    return Parsed(tuple(entries))
