"""Feed pages: the HTML page a person sees when they click a feed link on the site.

Feed readers get the feed files (and find them through the pages' autodiscovery
links); people get a page that says what a feed is, offers the feed's addresses to
copy and a few web readers to subscribe with, and shows the latest entries, read
from the same entries the feed is written from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from socialhub.feeds.entries import Entry
from socialhub.feeds.streams import Stream
from socialhub.feeds.write import FORMAT_NAMES, FORMATS

# How many of the feed's newest entries a feed page shows.
LATEST_COUNT = 10
# Where the blogroll's page is published (the OPML file stays at /bloggers.opml).
BLOGROLL_PAGE = "feeds/blogroll/"
# Well-known web readers that subscribe from a link; plain links, no request until clicked.
WEB_READERS = (
    ("Feedly", "https://feedly.com/i/subscription/feed/{url}"),
    ("Inoreader", "https://www.inoreader.com/?add_feed={url}"),
    ("NewsBlur", "https://www.newsblur.com/?url={url}"),
)


@dataclass(frozen=True)
class FeedAddress:
    """One format of a stream: its name, MIME type and absolute URL."""

    fmt: str
    name: str
    mime: str
    url: str


@dataclass(frozen=True)
class LatestEntry:
    """One line of a feed page's latest entries."""

    title: str
    url: str
    published: datetime


def page_path(stream: Stream) -> str:
    """Where a stream's feed page is published (a site path ending in /)."""
    return f"{stream.path}/"


def addresses(stream: Stream, base: str) -> list[FeedAddress]:
    """The stream's feed files in every format, Atom first (the one readers like best)."""
    order = ("atom", "rss", "json")
    return [
        FeedAddress(
            fmt, FORMAT_NAMES[fmt], FORMATS[fmt][1], f"{base}/{stream.path}{FORMATS[fmt][0]}"
        )
        for fmt in order
    ]


def reader_links(url: str) -> list[tuple[str, str]]:
    """(name, href) of each web reader's subscribe link for a feed URL."""
    quoted = quote(url, safe="")
    return [(name, pattern.format(url=quoted)) for name, pattern in WEB_READERS]


def latest(entries: Sequence[Entry], count: int = LATEST_COUNT) -> list[LatestEntry]:
    """The newest ``count`` entries of a feed, in the feed's order."""
    return [LatestEntry(e.title, e.url, e.published) for e in entries[:count]]
