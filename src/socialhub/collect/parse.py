"""Every feed dialect into one shape: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 by feedparser, JSON Feed.

Entries come out raw but in one convention: ``title`` and ``html`` are HTML (plain
text from the feed is escaped here), so that ``clean.py`` has one way to make them safe.
Pictures, videos, posters, players and running times of XML feeds (Media RSS,
enclosures, yt:, itunes:) come from ``mrss.py``, which reads what feedparser
flattens; JSON Feed attachments are read here. Each platform's shape is in
tests/data/collect/platforms/.
"""

from __future__ import annotations

import calendar
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import feedparser

from socialhub.collect.mrss import Extras, Found, medium_of, read_extras, seconds
from socialhub.fieldrules import forbidden_reference
from socialhub.text import xml_safe

_BOM = b"\xef\xbb\xbf"
# A numeric character reference in a feed's bytes (ASCII in every encoding we read).
_REFERENCE = re.compile(rb"&#(?:[xX][0-9a-fA-F]+|[0-9]+);?")
_MARKUP = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+\d*);")
# A text that is HTML source from its first character (Pixelfed's Atom summary).
_HTML_SOURCE = re.compile(r"\s*<(?:p|a|span|div|br|img)[\s>/]", re.IGNORECASE)
_YOUTUBE_THUMBNAIL = "https://i.ytimg.com/vi/{}/hqdefault.jpg"


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
    try:
        parsed = feedparser.parse(io.BytesIO(body), sanitize_html=True, resolve_relative_uris=False)
    except (KeyError, IndexError, AttributeError, TypeError, ValueError) as error:
        # Why: feedparser's loose parser, used on XML that is not well formed, fails
        # on some shapes (a media:player closed where it never opened: KeyError).
        reason = _one_line(repr(error))
        return Parsed((), error=f"malformed XML that the feed reader gave up on ({reason})")
    typed = str(parsed.get("version", "")).startswith("atom")
    extras = read_extras(body) if parsed.entries else None
    if extras is None or len(extras) != len(parsed.entries):
        # Why: lxml and feedparser recover differently from broken XML; when they
        # disagree on the entries, feedparser's flattened media are the safe choice.
        extras = [_flattened_extras(entry) for entry in parsed.entries]
    entries = tuple(
        _from_feedparser(entry, typed, extra)
        for entry, extra in zip(parsed.entries, extras, strict=True)
    )
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


def _as_html_body(detail: Any, value: str, typed: bool) -> str:
    """A summary or content as HTML; Atom plain text that is HTML source is read as HTML.

    Why: Pixelfed writes a post's HTML (its mention and hashtag links) into a
    summary of type text; escaped, it would show as markup. It is sanitized
    like any HTML body afterwards.
    """
    if typed and _HTML_SOURCE.match(value):
        return value
    return _as_html(detail, value, typed)


class _ImageAlts(HTMLParser):
    """The alt text of each <img src> of an HTML body (Pixelfed puts it only there)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the alt text of an image."""
        values = dict(attrs)
        src, alt = (values.get("src") or "").strip(), (values.get("alt") or "").strip()
        if tag == "img" and src and alt:
            self.alts.setdefault(src, alt)


def _image_alts(*bodies: str) -> dict[str, str]:
    reader = _ImageAlts()
    for body in bodies:
        reader.feed(body)
    reader.close()
    return reader.alts


def _with_alt(found: Found, alts: dict[str, str]) -> Media:
    alt = found.alt or html.escape(alts.get(found.url, ""), quote=False)
    return Media(found.url, found.medium, found.type, alt, found.duration)


def _flattened_extras(entry: feedparser.FeedParserDict) -> Extras:
    """Media as feedparser flattens them, when the XML could not be read again."""
    found: dict[str, Found] = {}
    contents = [*entry.get("media_content", []), *entry.get("enclosures", [])]
    for item in contents:
        url = str(item.get("url") or item.get("href") or "").strip()
        mime = str(item.get("type", ""))
        if url and url not in found:
            duration = seconds(str(item.get("duration", "")))
            found[url] = Found(
                url, medium_of(str(item.get("medium", "")), mime), mime, "", duration
            )
    thumbs = entry.get("media_thumbnail") or [{}]
    player = entry.get("media_player") or {}
    return Extras(
        media=tuple(found.values()),
        thumbnail=str(thumbs[0].get("url", "")),
        author=html.escape(str(entry.get("author", "")), quote=False),
        video_id=str(entry.get("yt_videoid", "")),
        duration=next((m.duration for m in found.values() if m.duration), None),
        player=str(player.get("url", "")) if isinstance(player, dict) else "",
    )


def _from_feedparser(entry: feedparser.FeedParserDict, typed: bool, extra: Extras) -> FeedEntry:
    body = ""
    if entry.get("summary"):
        body = _as_html_body(entry.get("summary_detail"), entry.summary, typed)
    elif entry.get("content"):
        first = entry.content[0]
        body = _as_html_body(first, first.get("value", ""), typed)
    tags = tuple(str(tag.get("term")) for tag in entry.get("tags", []) if tag.get("term"))
    link = str(entry.get("link", ""))
    contents = [str(c.get("value", "")) for c in entry.get("content", [])]
    alts = _image_alts(body, *contents) if any(not m.alt for m in extra.media) else {}
    thumbnail = extra.thumbnail
    if not thumbnail and extra.video_id:
        thumbnail = _YOUTUBE_THUMBNAIL.format(extra.video_id)  # every video has this one
    author = extra.author or html.escape(str(entry.get("author", "")), quote=False)
    return FeedEntry(
        id=str(entry.get("id") or link),
        title=_as_html(entry.get("title_detail"), str(entry.get("title", "")), typed),
        link=link,
        date=_date(entry),
        html=body,
        tags=tags,
        media=tuple(_with_alt(found, alts) for found in extra.media),
        thumbnail=thumbnail,
        author=author,
        video_id=extra.video_id,
        duration=extra.duration,
        player=extra.player,
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
        media = _json_attachments(item.get("attachments"))
        entries.append(
            FeedEntry(
                id=str(item.get("id") or link),
                title=_json_title(_text(item.get("title"))),
                link=link,
                date=_json_date(item),
                html=content,
                tags=tags,
                media=media,
                thumbnail=_text(item.get("image")) or _text(item.get("banner_image")),
                author=html.escape(_json_author(item), quote=False),
                duration=next((m.duration for m in media if m.duration), None),
            )
        )
    return Parsed(tuple(entries))


def _json_attachments(attachments: Any) -> tuple[Media, ...]:
    """JSON Feed attachments: url, mime_type, title (taken as the alt), duration_in_seconds."""
    if not isinstance(attachments, list):
        return ()
    found: dict[str, Media] = {}
    for attachment in attachments:
        if not isinstance(attachment, dict) or not _text(attachment.get("url")).strip():
            continue
        url, mime = _text(attachment["url"]).strip(), _text(attachment.get("mime_type"))
        duration = attachment.get("duration_in_seconds")
        number = isinstance(duration, int | float) and not isinstance(duration, bool)
        found.setdefault(
            url,
            Media(
                url,
                medium_of("", mime),
                mime,
                html.escape(_text(attachment.get("title")), quote=False),
                seconds(str(duration)) if number else None,
            ),
        )
    return tuple(found.values())


def _json_author(item: dict[str, Any]) -> str:
    """JSON Feed 1.1's first of ``authors``, else 1.0's ``author``: the name, plain text."""
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    for author in candidates:
        if isinstance(author, dict) and _text(author.get("name")).strip():
            return _text(author["name"]).strip()
    return ""
