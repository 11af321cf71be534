"""Polite fetching: conditional GET, gzip, a User-Agent naming the site, a few feeds at a time."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from feed_server import NOW, AddBlogger, FeedServer

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header


@pytest.mark.parametrize(
    "case",
    [
        ("etag", "etag", '"v1"'),
        ("modified", "last_modified", "Mon, 16 Nov 2026 10:00:00 GMT"),
    ],
    ids=["etag", "last-modified"],
)
def test_conditional_get_round_trip(
    content: Path,
    feeds: FeedServer,
    blogger: AddBlogger,
    settings: CollectSettings,
    case: tuple[str, str, str],
) -> None:
    """The validator is kept outside content/; the next run gets 304, which costs nothing."""
    route, validator, value = case
    path = f"/{route}/rss-2.0.xml"
    blogger("pocket-lens", feeds.base + path)
    first = collect(content, settings, "UTC", NOW)
    assert (first.fetched, first.not_modified, len(first.written)) == (1, 0, 1)
    cache = json.loads(settings.cache_path.read_text(encoding="utf-8"))
    assert cache[feeds.base + path][validator] == value
    second = collect(content, settings, "UTC", NOW)
    assert second.summary == (
        "0 feeds fetched, 1 not modified, 0 failed; 0 new items written; "
        "0 collected drafts waiting for review."
    )
    assert second.lines == []
    sent = feeds.headers[path]
    header = "If-None-Match" if route == "etag" else "If-Modified-Since"
    assert sent[header] == value
    assert feeds.hits[path] == 2


def test_without_the_cache_file_the_feed_is_fetched_in_full(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A lost cache costs a full fetch, never a duplicate post."""
    blogger("pocket-lens", feeds.url("etag/rss-2.0.xml"))
    assert len(collect(content, settings, "UTC", NOW).written) == 1
    settings.cache_path.unlink()
    again = collect(content, settings, "UTC", NOW)
    assert (again.fetched, again.not_modified, again.written) == (1, 0, [])


@pytest.mark.parametrize(
    "damage",
    ["{not json", "[1, 2]", '{"URL": {"etag": 5, "last_modified": null, "since": "yesterday"}}'],
    ids=["not-json", "not-an-object", "wrong-values"],
)
def test_a_damaged_cache_file_is_ignored(
    content: Path,
    feeds: FeedServer,
    blogger: AddBlogger,
    settings: CollectSettings,
    damage: str,
) -> None:
    """A cache that is not what it should be is replaced, not a crash."""
    url = feeds.url("etag/rss-2.0.xml")
    settings.cache_path.parent.mkdir(parents=True)
    settings.cache_path.write_text(damage.replace("URL", url), encoding="utf-8")
    blogger("pocket-lens", url)
    report = collect(content, settings, "UTC", NOW)
    assert report.ok and len(report.written) == 1
    assert json.loads(settings.cache_path.read_text(encoding="utf-8"))[url]["etag"] == '"v1"'


def test_requests_name_the_site_and_accept_gzip(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A gzip-compressed feed is read; every request says who asks and what it accepts."""
    blogger("pocket-lens", feeds.url("gzip/atom-1.0.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert report.ok and len(report.written) == 1
    sent = feeds.headers["/gzip/atom-1.0.xml"]
    assert sent["User-Agent"] == "socialhub-collector/1.0 (+https://hub.test.example)"
    assert "gzip" in sent["Accept-Encoding"]
    assert "application/atom+xml" in sent["Accept"]


def test_redirects_are_followed_and_relative_links_resolved(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A moved feed is read; a relative link is resolved against where the feed now is."""
    blogger("pocket-lens", feeds.url("redirect/relative-links-atom.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert report.ok, report.lines
    links = sorted(read_header(p)["original-url"] for p in report.written)
    assert links == [
        feeds.url("posts/relative/"),
        "https://pocketlens.example/a",
        "https://pocketlens.example/b",
    ]


def test_a_few_feeds_at_a_time(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Feeds are fetched concurrently, never more at once than the setting allows."""
    for number in range(6):
        blogger(f"busy-{number}", feeds.url(f"busy/{number}"))
    report = collect(content, replace(settings, concurrency=2), "UTC", NOW)
    assert report.fetched == 6
    assert feeds.most_in_flight == 2
