"""A raw feed entry → a safe one: plain one-line texts, an http(s) link, an id fit for a header.

Everything a featured-post file gets from a feed passes through here, so that
nothing a blogger's server sends can break a header, a page or a feed.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup

from socialhub.collect.handles import hashtags, mentions
from socialhub.collect.parse import FeedEntry, Media
from socialhub.fieldrules import field_flaw, is_placeholder, make_plain
from socialhub.kinds import FEATURED
from socialhub.sanitize import clean_html, clean_text
from socialhub.text import shorten, slugify
from socialhub.validate import video_source

TITLE_LENGTH = 200
TAG_LENGTH = 40
MAX_TAGS = 8
ALT_LENGTH = 400
AUTHOR_LENGTH = 100
MAX_MEDIA = 10

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Control characters and bidirectional overrides: invisible, and able to spoof text.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069]")
_SAFE_ID = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
_BLOCKS = ("p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td")
_MIME = re.compile(r"[a-z]+/[a-z0-9][a-z0-9.+-]*")
_MEDIUMS = ("image", "video", "audio")


@dataclass(frozen=True)
class CleanMedia:
    """A picture or video of an entry as it may be used: an absolute http(s) URL, plain alt."""

    url: str
    medium: str  # "image", "video", "audio" or ""
    type: str  # MIME type, lower case, or ""
    alt: str  # plain one-line text; "" when the source gave none


@dataclass(frozen=True)
class CleanEntry:
    """One entry as it may be written: every text plain, one line, inert."""

    id: str
    title: str
    link: str
    date: datetime | None
    text: str  # the whole plain text, for the blogger's filter
    excerpt: str
    tags: tuple[str, ...]
    media: tuple[CleanMedia, ...] = ()
    thumbnail: str = ""  # absolute http(s) URL of a poster or picture, or ""
    author: str = ""  # plain one line
    mentions: tuple[str, ...] = ()  # the handles the post mentions, "@name@server"
    hashtags: tuple[str, ...] = ()  # the hashtags of its text and tags, without "#"
    video_url: str = ""  # a watch URL the site can play (validate.video_source knows it)
    duration: int | None = None  # seconds


def inert(text: str) -> str:
    """One line of plain text with nothing that a header, a page or a check could misread.

    Why make_plain (fieldrules.py): text that reads like a tag (a post about
    <video>) or an entity would be taken for HTML by the build's checks of plain
    fields; it keeps them readable and inert, and drops what XML forbids.
    """
    return make_plain(_INVISIBLE.sub(" ", text))


def plain_title(title_html: str) -> str:
    """A title as plain text (tags removed, entities decoded), at most TITLE_LENGTH characters."""
    return shorten(inert(html.unescape(clean_text(title_html))), TITLE_LENGTH)


def plain_text(content_html: str) -> str:
    """Sanitized HTML as plain text: blocks apart, inline words kept together."""
    soup = BeautifulSoup(clean_html(content_html), "html.parser")
    for tag in soup.find_all("br"):
        tag.replace_with(" ")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_after(" ")
    return inert(soup.get_text())


def excerpt_of(text: str, limit: int) -> str:
    """The first whole sentences of plain text, at most ``limit`` characters."""
    excerpt = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{excerpt} {sentence}".strip()
        if len(candidate) > limit:
            break
        excerpt = candidate
    return excerpt or shorten(text, limit)


def safe_link(link: str, base: str) -> str:
    """The entry's link made absolute and percent-encoded; empty unless http(s)."""
    link = link.strip()
    if not link:
        return ""
    try:
        absolute = urljoin(base, link)
        if urlsplit(absolute).scheme.lower() not in ("http", "https"):
            return ""
        normal = str(httpx.URL(absolute))
    except (ValueError, httpx.InvalidURL):
        return ""
    # The field's rule (fieldrules.field_flaw) includes is_web_url.
    return "" if not normal or field_flaw(FEATURED, "original_url", normal) else normal


def normal_url(url: str) -> str:
    """A URL as compared for duplicates: no scheme, host in lower case, no fragment or end slash."""
    parts = urlsplit(url.strip())
    query = f"?{parts.query}" if parts.query else ""
    return f"{(parts.netloc or '').lower()}{parts.path.rstrip('/')}{query}"


def safe_id(raw: str) -> str:
    """An entry id as written in a header: kept when plain and short, else a stable digest."""
    one_line = " ".join(raw.split())
    plain = _SAFE_ID.fullmatch(one_line) and not field_flaw(FEATURED, "entry_id", one_line)
    if plain and len(one_line) <= 300:
        return one_line
    return "sha256:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:40]


def safe_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Plain tags without commas, one per slug, each with a slug for its tag page."""
    kept: dict[str, str] = {}
    for raw in tags:
        tag = shorten(" ".join(plain_title(raw).replace(",", " ").split()), TAG_LENGTH)
        slug = slugify(tag)
        if slug and slug not in kept and not field_flaw(FEATURED, "tags", tag):
            kept[slug] = tag
    return tuple(kept.values())[:MAX_TAGS]


def plain_line(text_html: str, limit: int) -> str:
    """A short HTML text (an alt text, a name) as one plain, inert line of at most ``limit``."""
    return shorten(inert(html.unescape(clean_text(text_html))), limit)


def safe_media(media: tuple[Media, ...], base: str) -> tuple[CleanMedia, ...]:
    """The pictures and videos with an http(s) URL, each once, with plain alt text."""
    kept: dict[str, CleanMedia] = {}
    for item in media:
        url = safe_link(item.url, base)
        if not url or url in kept:
            continue
        mime = item.type.strip().lower()
        medium = item.medium.strip().lower()
        kept[url] = CleanMedia(
            url=url,
            medium=medium if medium in _MEDIUMS else "",
            type=mime if _MIME.fullmatch(mime) else "",
            alt=plain_line(item.alt, ALT_LENGTH),
        )
    return tuple(kept.values())[:MAX_MEDIA]


def playable_url(entry: FeedEntry, link: str, base: str) -> str:
    """A watch URL the site can play: from the YouTube id, the link, then the player page."""
    candidates = [link, safe_link(entry.player, base)]
    if entry.video_id:
        candidates.insert(0, safe_link(f"https://www.youtube.com/watch?v={entry.video_id}", base))
    for candidate in candidates:
        source = video_source(candidate) if candidate else None
        if source is not None and source.provider != "file":
            return source.watch_url
    return ""


def clean_entry(entry: FeedEntry, base: str, excerpt_length: int) -> CleanEntry | None:
    """The safe form of an entry; None when it has no usable http(s) link."""
    link = safe_link(entry.link, base)
    if not link:
        return None
    title = plain_title(entry.title)
    text = plain_text(entry.html) if entry.html else ""
    excerpt = excerpt_of(text, excerpt_length) if text else ""
    if is_placeholder(excerpt):
        excerpt = ""  # the file quotes the title instead, as for a post without text
    media = safe_media(entry.media, base)
    duration = entry.duration or next((m.duration for m in entry.media if m.duration), None)
    return CleanEntry(
        id=safe_id(entry.id or link),
        title=title,
        link=link,
        date=entry.date,
        text=text,
        excerpt=excerpt,
        tags=safe_tags(entry.tags),
        media=media,
        thumbnail=safe_link(entry.thumbnail, base),
        author=plain_line(entry.author, AUTHOR_LENGTH),
        # Why not the title for mentions: Bluesky titles every post "@handle post".
        mentions=mentions(entry.html, (text,)),
        hashtags=hashtags(entry.tags, (title, text), entry.html),
        video_url=playable_url(entry, link, base),
        duration=duration,
    )


def refusal(entry: CleanEntry) -> str:
    """Why the build would refuse this entry's featured file (its field rules); '' when none.

    Why after cleaning: cleaning makes every text plain and inert, but it does
    not rewrite words, and a title that starts with TODO reads as the
    scaffold's placeholder, which would leave the post out of the site.
    """
    values = {
        "title": entry.title,
        "original_url": entry.link,
        "excerpt": entry.excerpt,
        "entry_id": entry.id,
        "tags": ", ".join(entry.tags),
    }
    for name, value in values.items():
        flaw = field_flaw(FEATURED, name, value)
        if flaw is not None:
            spec = FEATURED.field(name)
            label = spec.label if spec is not None else name
            return (
                f"the entry {shorten(entry.title, 60)!r}: {label} {flaw.message}; "
                "write its file by hand"
            )
    return ""
