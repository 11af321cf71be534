"""What content/ already holds, so that one thing reached from two places is collected once.

An entry is the same as a file when they share a normalised URL, else an entry id,
else a title and a date close together (a film uploaded to two platforms has two
URLs and two ids, but one title and nearly one upload time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from socialhub.collect.clean import CleanEntry, normal_url
from socialhub.headers import read_header
from socialhub.kinds import FEATURED, FOLLOW_FRIDAY, STREAM_KINDS, VIDEO
from socialhub.text import slugify

# Why two days: platforms date one upload differently (time zones, processing
# queues), and two different films of one title within two days are rare enough.
CLOSE_DATES = timedelta(days=2)
# The header fields that hold the address of the original, per collected kind.
_URL_FIELDS: dict[str, tuple[str, ...]] = {
    FEATURED.name: ("original-url",),
    FOLLOW_FRIDAY.name: ("original-url",),
    VIDEO.name: ("video-url",),
}


@dataclass(frozen=True)
class _Titled:
    title: str  # slugified, so that case, accents and punctuation do not matter
    date: datetime | None
    name: str  # the file's name, or the source that brought it in this run


@dataclass
class Known:
    """Ids, URLs, titles and dates of collected kinds, and every item slug taken."""

    ids: dict[str, str] = field(default_factory=dict)  # id -> file name
    urls: dict[str, str] = field(default_factory=dict)  # normalised URL -> file name
    titles: dict[str, list[_Titled]] = field(default_factory=dict)  # per kind
    slugs: set[str] = field(default_factory=set)
    unreadable: list[str] = field(default_factory=list)

    def add(self, entry: CleanEntry, kind: str = FEATURED.name, name: str = "") -> None:
        """Remember an entry just written, so that the same run does not write it twice."""
        self.ids.setdefault(entry.id, name)
        for url in (entry.link, entry.video_url):
            if url:
                self.urls.setdefault(normal_url(url), name)
        self.titles.setdefault(kind, []).append(_Titled(slugify(entry.title), entry.date, name))

    def same_as(self, entry: CleanEntry, kind: str = FEATURED.name) -> str:
        """What the entry duplicates, in words ('' when it is new)."""
        for url in (entry.link, entry.video_url):
            if url and normal_url(url) in self.urls:
                return f"the same address as {self.urls[normal_url(url)] or 'a file'}"
        if entry.id in self.ids:
            return f"the same entry id as {self.ids[entry.id] or 'a file'}"
        title = slugify(entry.title)
        if kind != FEATURED.name and title and entry.date is not None:
            # Why not for blog posts: bloggers reuse titles ("Week notes"), and their
            # posts always have a URL of their own.
            for other in self.titles.get(kind, []):
                if (
                    other.title == title
                    and other.date
                    and abs(other.date - entry.date) <= CLOSE_DATES
                ):
                    return f"the same title and date as {other.name or 'a file'}"
        return ""


def _date(text: str, zone: ZoneInfo) -> datetime | None:
    """A file's Date: in the site's zone, as the build reads it (None when not a date)."""
    try:
        date = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return date if date.tzinfo else date.replace(tzinfo=zone)


def known_items(content_dir: Path, zone: ZoneInfo) -> Known:
    """Every collected kind's ids, URLs, titles and dates, and the slugs of every stream item."""
    known = Known()
    # Why every stream kind's slugs: comments and feeds need an item's slug to be
    # unique across posts, featured posts, #FF and videos, not only in one folder.
    for kind in STREAM_KINDS:
        for path in sorted((content_dir / kind.folder).glob("*.md")):
            known.slugs.add(path.stem)
            if kind.name not in _URL_FIELDS:
                continue
            try:
                header = read_header(path)
            except (OSError, UnicodeDecodeError) as error:
                known.unreadable.append(f"{path}: {type(error).__name__}")
                continue
            name = f"{kind.folder}/{path.name}"
            if header.get("entry-id"):
                known.ids.setdefault(" ".join(header["entry-id"].split()), name)
            for key in _URL_FIELDS[kind.name]:
                if header.get(key):
                    known.urls.setdefault(normal_url(header[key]), name)
            date = _date(header.get("date", ""), zone)
            title = slugify(header.get("title", ""))
            if title:
                known.titles.setdefault(kind.name, []).append(_Titled(title, date, name))
    return known
