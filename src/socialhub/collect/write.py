"""Decide which entries are new and write them as featured-post files for an editor to review."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from markdown import Markdown

from socialhub.collect.clean import CleanEntry
from socialhub.kinds import FEATURED, Kind
from socialhub.text import slugify
from socialhub.validate import FileExists, SourceFile, check_file

SLUG_LENGTH = 60


def matches(entry: CleanEntry, words: tuple[str, ...]) -> bool:
    """The blogger's filter: any whole word or phrase in the title, text or tags (none: True)."""
    if not words:
        return True
    haystack = " ".join([entry.title, entry.text, *entry.tags])
    return any(
        re.search(rf"(?<!\w){re.escape(word.strip())}(?!\w)", haystack, re.IGNORECASE)
        for word in words
        if word.strip()
    )


def recent_enough(entry: CleanEntry, since: datetime | None) -> bool:
    """Entries older than the feed's first collection cut-off are never collected."""
    return since is None or entry.date is None or entry.date >= since


def cut_off(now: datetime, days: int) -> datetime | None:
    """How far back a first collection reaches; None (no limit) when days is 0."""
    return now - timedelta(days=days) if days > 0 else None


def featured_text(entry: CleanEntry, blogger: str, date: datetime, trusted: bool = True) -> str:
    """The featured-post file: every field an editor reviews, editor's note left blank.

    A blogger whose profile does not say Collect-Trusted: yes gets drafts, which
    an editor publishes after reading them.
    """
    title = entry.title or "Untitled post"
    lines = [
        f"Title: {title}",
        f"Blogger: {blogger}",
        f"Original-URL: {entry.link}",
        f"Date: {date:%Y-%m-%d %H:%M}",
        f"Excerpt: {entry.excerpt or title}",
        "Editor-Note:",
        "Device:",
        "Verdict: mixed",
        f"Tags: {', '.join(entry.tags)}",
        "Collected: yes",
        f"Entry-Id: {entry.id}",
    ]
    if not trusted:
        lines.append("Status: draft")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def file_date(entry: CleanEntry, now: datetime, zone: ZoneInfo) -> datetime:
    """The entry's date in the site's zone; now when it has none or claims the future."""
    date = entry.date if entry.date is not None and entry.date <= now else now
    if date.year < 1900:  # a broken feed's year 1: not a date anyone published on
        date = now
    return date.astimezone(zone)


def problems_in(
    text: str,
    path: Path,
    zone: ZoneInfo,
    kind: Kind = FEATURED,
    exists: FileExists | None = None,
) -> list[str]:
    """What the build's checks would say about a collected file's text (empty when valid).

    ``kind`` is the kind of item the text is a file of; ``exists`` tells which
    pictures are in content/ (by default every path is taken to exist, as the
    text is checked before or apart from the files it points at).
    """
    reader = Markdown(extensions=["meta"])
    body = reader.convert(text)
    meta = {key: value if len(value) > 1 else value[0] for key, value in reader.Meta.items()}  # type: ignore[attr-defined]
    source = SourceFile(str(path), kind, path.stem, meta, body)
    checked = check_file(source, exists or (lambda _path: True), zone)
    return [f"{p.field}: {p.message}" for p in checked.problems]


def unique_slug(entry: CleanEntry, blogger: str, taken: set[str]) -> str:
    """A slug from the title that no item uses yet: title, title-2, title-3…"""
    base = slugify(entry.title)[:SLUG_LENGTH].strip("-") or f"{blogger}-post"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
