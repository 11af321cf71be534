"""Decide which entries are new and write them as featured-post files for an editor to review."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from socialhub.collect.parse import FeedEntry
from socialhub.headers import read_header
from socialhub.sanitize import clean_html, clean_text
from socialhub.text import shorten, slugify
from socialhub.validate import is_web_url

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Known:
    """What content/featured/ already holds: entry ids, original URLs, file names."""

    ids: frozenset[str]
    urls: frozenset[str]
    slugs: frozenset[str]


def known_posts(content_dir: Path) -> Known:
    """Read every featured file's Entry-Id and Original-URL (an editor's edits stay theirs)."""
    ids, urls, slugs = set(), set(), set()
    for path in sorted((content_dir / "featured").glob("*.md")):
        header = read_header(path)
        slugs.add(path.stem)
        if header.get("entry-id"):
            ids.add(header["entry-id"])
        if header.get("original-url"):
            urls.add(_normal(header["original-url"]))
    return Known(frozenset(ids), frozenset(urls), frozenset(slugs))


def _normal(url: str) -> str:
    return url.strip().rstrip("/")


def is_new(entry: FeedEntry, known: Known) -> bool:
    """New when no file has its id nor its original URL."""
    return entry.id not in known.ids and _normal(entry.link) not in known.urls


def matches(entry: FeedEntry, words: tuple[str, ...]) -> bool:
    """The blogger's filter: any word in the title, the text or the tags (no filter: True)."""
    if not words:
        return True
    haystack = " ".join([entry.title, plain_excerpt(entry.html, 10_000), *entry.tags]).lower()
    return any(word.lower() in haystack for word in words)


def recent_enough(entry: FeedEntry, first_collection: bool, now: datetime, days: int) -> bool:
    """A first collection of a feed reaches back at most ``days``."""
    if not first_collection or entry.date is None:
        return True
    return entry.date >= now - timedelta(days=days)


def plain_excerpt(html: str, limit: int) -> str:
    """Sanitized, then plain text: the first sentences, at most ``limit`` characters."""
    text = " ".join(BeautifulSoup(clean_html(html), "html.parser").get_text(" ").split())
    excerpt = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{excerpt} {sentence}".strip()
        if len(candidate) > limit:
            break
        excerpt = candidate
    return excerpt or shorten(text, limit)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def featured_text(entry: FeedEntry, blogger: str, excerpt: str, timezone: ZoneInfo) -> str:
    """The featured-post file: every field an editor reviews, editor's note left blank."""
    date = (entry.date or datetime.now(timezone)).astimezone(timezone)
    title = _one_line(clean_text(entry.title)) or "Untitled post"
    tags = ", ".join(_one_line(clean_text(tag)).replace(",", " ") for tag in entry.tags[:8])
    lines = [
        f"Title: {title}",
        f"Blogger: {blogger}",
        f"Original-URL: {entry.link}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Excerpt: {_one_line(excerpt) or title}",
        "Editor-Note:",
        "Device:",
        "Verdict: mixed",
        f"Tags: {tags}",
        "Collected: yes",
        f"Entry-Id: {_one_line(entry.id)}",
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def write_entry(
    content_dir: Path,
    entry: FeedEntry,
    *,
    blogger: str,
    excerpt_length: int,
    timezone: ZoneInfo,
    taken: set[str],
) -> Path | None:
    """Write one new featured post; None when the entry has no usable http(s) link."""
    if not is_web_url(entry.link):
        return None
    base = slugify(clean_text(entry.title))[:60].strip("-") or f"{blogger}-post"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    path = content_dir / "featured" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    excerpt = plain_excerpt(entry.html, excerpt_length) if entry.html else ""
    with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite an editor's file
        handle.write(featured_text(entry, blogger, excerpt, timezone))
    return path
