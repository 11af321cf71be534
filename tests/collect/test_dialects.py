"""Every feed dialect becomes the same featured-post file, valid for the build."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from feed_server import NOW, AddBlogger, FeedServer, featured_problems

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header


class Dialect(NamedTuple):
    """One fixture feed and the featured post it must become."""

    fixture: str
    original: str  # path of the original post on the server
    title: str
    excerpt: str
    date: str  # in UTC; empty for an undated entry
    tags: str


DIALECTS = [
    Dialect(
        "rss-0.91.xml",
        "rss091/1",
        "RSS 0.91 post",
        "An old-style Lumen review. It still works.",
        "",
        "",
    ),
    Dialect("rss-0.92.xml", "rss092/1", "RSS 0.92 post", "The Lumen in 0.92.", "", "audio"),
    Dialect(
        "rss-1.0-rdf.xml",
        "rss10/1",
        "RSS 1.0 post",
        "The Lumen in RDF.",
        "2026-11-01 10:00",
        "cameras",
    ),
    Dialect(
        "rss-2.0.xml",
        "rss20/1",
        "RSS 2.0 post about the Lumen",
        "The Lumen camera is good, really. It is fast. A third sentence.",
        "2026-11-16 10:00",
        "cameras, Lumen X2",
    ),
    Dialect(
        "atom-0.3.xml",
        "atom03/1",
        "Atom 0.3 post",
        "The Lumen in Atom 0.3.",
        "2026-11-15 10:00",
        "",
    ),
    Dialect(
        "atom-1.0.xml",
        "atom10/1",
        "Atom 1.0 post: Tom & Jerry <3 the Lumen",
        "The Lumen in Atom 1.0. Second paragraph.",
        "2026-11-15 10:00",
        "battery",
    ),
    Dialect(
        "json-feed-1.0.json",
        "json10/1",
        "JSON Feed 1.0 post",
        "The Lumen in JSON 1.0. Plain ‹text› & more.",
        "2026-11-15 10:00",
        "",
    ),
    Dialect(
        "json-feed-1.1.json",
        "json11/1",
        "JSON Feed 1.1 post",
        "The Lumen in JSON 1.1.",
        "2026-11-15 09:00",
        "audio, Lumen Buds",
    ),
]


@pytest.mark.parametrize("case", DIALECTS, ids=[case.fixture for case in DIALECTS])
def test_each_dialect_becomes_a_valid_featured_post(
    content: Path,
    feeds: FeedServer,
    blogger: AddBlogger,
    settings: CollectSettings,
    case: Dialect,
) -> None:
    """Title, link, plain excerpt, date, tags and the fixed fields; check_file finds nothing."""
    blogger("pocket-lens", feeds.url(f"feed/{case.fixture}"))
    report = collect(content, settings, "UTC", NOW)
    assert report.lines == [f"new Pocket Lens: {report.written[0].name}"]
    [path] = report.written
    header = read_header(path)
    assert header == {
        "title": case.title,
        "blogger": "pocket-lens",
        "original-url": feeds.url(case.original),
        "date": case.date or "2026-11-24 12:00",  # undated: when it was collected
        "excerpt": case.excerpt,
        "editor-note": "",
        "device": "",
        "verdict": "mixed",
        "tags": case.tags,
        "collected": "yes",
        "entry-id": header["entry-id"],
    }
    assert header["entry-id"]
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\n\n" not in text  # a header and no body
    assert featured_problems(path) == []


def test_every_dialect_in_one_run_then_nothing_new(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Eight feeds, eight posts; the next run fetches them all again and writes none."""
    for case in DIALECTS:
        blogger(Path(case.fixture).stem.replace(".", "-"), feeds.url(f"feed/{case.fixture}"))
    first = collect(content, settings, "UTC", NOW)
    assert first.ok, first.lines
    assert sorted(read_header(p)["original-url"] for p in first.written) == sorted(
        feeds.url(case.original) for case in DIALECTS
    )
    assert first.summary == (
        "8 feeds fetched, 0 not modified, 0 failed; 8 new items written (8 featured posts); "
        "0 collected drafts waiting for review."
    )
    again = collect(content, settings, "UTC", NOW)
    assert again.written == []
    assert again.summary == (
        "8 feeds fetched, 0 not modified, 0 failed; 0 new items written; "
        "0 collected drafts waiting for review."
    )


def test_the_site_time_zone_dates_the_file(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """The Date field is in the site's time zone, as editors write it."""
    blogger("pocket-lens", feeds.url("feed/rss-2.0.xml"))
    [path] = collect(content, settings, "Europe/Oslo", NOW).written
    assert read_header(path)["date"] == "2026-11-16 11:00"


def test_a_bozo_feed_with_entries_is_used_with_a_warning(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A feed that is not well formed but has entries is collected, and the summary says so."""
    blogger("broken", feeds.url("feed/bozo-rss-with-entries.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert report.ok and len(report.written) == 1
    [warning] = [line for line in report.lines if line.startswith("warning")]
    assert warning.startswith(f"warning Broken ({feeds.url('feed/bozo-rss-with-entries.xml')}): ")
    assert "not well formed" in warning and "used anyway" in warning


def test_a_feed_without_entries_is_fetched_and_writes_nothing(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """An empty but valid feed is not a failure."""
    blogger("quiet", feeds.url("feed/rss-without-entries.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert (report.ok, report.fetched, report.written, report.lines) == (True, 1, [], [])
