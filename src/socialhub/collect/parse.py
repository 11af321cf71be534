"""Every feed dialect into one shape: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 by feedparser, JSON Feed.

Entries come out raw but in one convention: ``title`` and ``html`` are HTML (plain
text from the feed is escaped here), so that ``clean.py`` has one way to make them safe.
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

from socialhub.fieldrules import forbidden_reference
from socialhub.text import xml_safe

_BOM = b"\xef\xbb\xbf"
# A numeric character reference in a feed's bytes (ASCII in every encoding we read).
_REFERENCE = re.compile(rb"&#(?:[xX][0-9a-fA-F]+|[0-9]+);?")
_MARKUP = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+\d*);")


@dataclass(frozen=True)
class Media:
    """A picture or a video attached to an entry (Media RSS, an enclosure, a JSON attachment)."""

    url: str  # as written in the feed: maybe relative, maybe hostile
    medium: str = ""  # "image", "video", "audio", or "" when the feed does not say
    type: str = ""  # the MIME type the feed gives
    alt: str = ""  # a picture's description (media:description, alt text), HTML
    duration: int | None = None  # seconds, for a video

    def __post_init__(self) -> None:
        for name in ("url", "medium", "type", "alt"):
            object.__setattr__(self, name, xml_safe(getattr(self, name)))


@dataclass(frozen=True)
class FeedEntry:
    """One post of a feed (a blog, a social account, a video channel), as found, not sanitized."""

    id: str
    title: str  # HTML
    link: str  # as written in the feed: maybe relative, maybe hostile
    date: datetime | None  # aware
    html: str  # the summary or content, HTML
    tags: tuple[str, ...] = field(default=())
    media: tuple[Media, ...] = field(default=())  # pictures and videos, in the feed's order
    thumbnail: str = ""  # a video's poster or a post's picture (media:thumbnail), a URL
    author: str = ""  # who posted or uploaded it (author, media:credit), HTML
    video_id: str = ""  # YouTube's yt:videoId
    duration: int | None = None  # seconds, when the feed gives a running time
    player: str = ""  # the platform's player page (media:player), a URL

    def __post_init__(self) -> None:
        # Why at reading: a feed may carry any code point (a JSON Feed's "\u0000" or
        # "\ud800", an XML feed's "&#xFFFF;"), and one that XML forbids must never
        # reach a featured file; a lone surrogate also stops the sanitizer cold.
        for name in ("id", "title", "link", "html", "thumbnail", "author", "video_id", "player"):
            object.__setattr__(self, name, xml_safe(getattr(self, name)))
        object.__setattr__(self, "tags", tuple(xml_safe(tag) for tag in self.tags))


@dataclass(frozen=True)
class Parsed:
    """The entries of a feed, and a warning when the feed is not well formed."""

    entries: tuple[FeedEntry, ...]
    warning: str = ""
    error: str = ""


def parse_feed(body: bytes, content_type: str = "") -> Parsed:
    """Read a feed's bytes (never a URL: feedparser must not fetch); an error when unusable."""
    body = _REFERENCE.sub(_drop_forbidden, body)
    head = body.lstrip().removeprefix(_BOM).lstrip()[:1]
    if "json" in content_type.lower() or head == b"{":
        return _json_feed(body)
    # Why a stream: given bytes, feedparser first tries them as a local file name,
    # so a server answering "/etc/passwd" (or a path to a feed) would read our disk.
    parsed = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=False)
    typed = str(parsed.get("version", "")).startswith("atom")
    entries = tuple(_from_feedparser(entry, typed) for entry in parsed.entries)
    problem = _one_line(str(parsed.get("bozo_exception", "")))
    if not parsed.get("version") and not entries:
        lowered = body[:4096].lower()
        if b"<html" in lowered or b"<!doctype html" in lowered:
            return Parsed((), error="not a feed (an HTML page)")
        return Parsed((), error=f"not a feed ({problem or 'unknown format'})")
    if parsed.get("bozo") and not entries:
        return Parsed((), error=f"malformed XML with no entries ({problem})")
    warning = f"the feed is not well formed ({problem}); used anyway" if parsed.get("bozo") else ""
    return Parsed(entries, warning=warning)


def _drop_forbidden(match: re.Match[bytes]) -> bytes:
    """A reference to a character XML forbids, removed: ``&#xD800;`` stops feedparser cold."""
    return b"" if forbidden_reference(match.group().decode("ascii")) else match.group()


def _one_line(text: str) -> str:
    """A parser's message in one line, its position in words ("<unknown>:2:42:" is the SAX one)."""
    text = re.sub(r"^<unknown>:(\d+):(\d+):", r"line \1, column \2:", text.strip())
    return " ".join(text.split())[:160]


def _aware(value: datetime) -> datetime:
    """A date without a time zone is taken as UTC (JSON Feed dates may lack one)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, OSError, ValueError):  # a year 0 or 99999
                continue
    return None


def _as_html(detail: Any, value: str, typed: bool) -> str:
    """Feedparser unescapes plain-text fields: escape them again, so that all is HTML.

    Why ``typed``: Atom says whether a text is HTML; RSS does not, and feedparser
    calls many an escaped-HTML RSS title plain text, so there markup-looking
    text is taken for HTML.
    """
    kind = detail.get("type", "text/html") if isinstance(detail, dict) else "text/html"
    if kind != "text/plain" or (not typed and _MARKUP.search(value)):
        return value
    return html.escape(value, quote=False)


def _from_feedparser(entry: feedparser.FeedParserDict, typed: bool) -> FeedEntry:
    body = ""
    if entry.get("summary"):
        body = _as_html(entry.get("summary_detail"), entry.summary, typed)
    elif entry.get("content"):
        first = entry.content[0]
        body = _as_html(first, first.get("value", ""), typed)
    tags = tuple(str(tag.get("term")) for tag in entry.get("tags", []) if tag.get("term"))
    link = str(entry.get("link", ""))
    return FeedEntry(
        id=str(entry.get("id") or link),
        title=_as_html(entry.get("title_detail"), str(entry.get("title", "")), typed),
        link=link,
        date=_date(entry),
        html=body,
        tags=tags,
    )


def _json_date(item: dict[str, Any]) -> datetime | None:
    stamp = item.get("date_published") or item.get("date_modified")
    if not isinstance(stamp, str):
        return None
    try:
        return _aware(datetime.fromisoformat(stamp.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _json_title(title: str) -> str:
    """JSON Feed titles are plain text, but many feeds put HTML in them, as in RSS."""
    return title if _MARKUP.search(title) else html.escape(title, quote=False)


def _json_feed(body: bytes) -> Parsed:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:  # RecursionError: hostile nesting
        return Parsed((), error=f"malformed JSON feed ({_one_line(str(error))})")
    if not isinstance(data, dict) or "jsonfeed.org/version/1" not in str(data.get("version", "")):
        return Parsed((), error="not a feed (JSON without a JSON Feed version)")
    items = data.get("items")
    if not isinstance(items, list):
        return Parsed((), error="malformed JSON feed (no list of items)")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        # JSON Feed: summary and content_text are plain text, content_html is HTML.
        if _text(item.get("summary")):
            content = html.escape(item["summary"], quote=False)
        elif _text(item.get("content_html")):
            content = item["content_html"]
        else:
            content = html.escape(_text(item.get("content_text")), quote=False)
        link = _text(item.get("url")) or _text(item.get("external_url"))
        raw_tags = item.get("tags")
        tags = (
            tuple(t for t in raw_tags if isinstance(t, str) and t)
            if isinstance(raw_tags, list)
            else ()
        )
        entries.append(
            FeedEntry(
                id=str(item.get("id") or link),
                title=_json_title(_text(item.get("title"))),
                link=link,
                date=_json_date(item),
                html=content,
                tags=tags,
            )
        )
    return Parsed(tuple(entries))
