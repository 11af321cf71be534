"""One bad feed never stops the rest: each failure is one clear line, and counted."""

from __future__ import annotations

import json
from pathlib import Path

from feed_server import NOW, AddBlogger, FeedServer
from helpers import free_port

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header


def test_each_failure_is_one_line_and_the_others_are_collected(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Dead port, unknown host, timeouts, 404, 500, malformed XML, HTML, huge, loops, ftp."""
    failures = {
        "dead-port": (f"http://127.0.0.1:{free_port()}/feed.xml", "connection refused"),
        "no-such-host": ("http://feeds.no-such-host.invalid/feed.xml", "DNS lookup failed"),
        "slow": (feeds.url("slow"), "timed out after 0.5 s"),
        "drip": (feeds.url("drip"), "timed out after 0.5 s"),
        "missing": (feeds.url("status/404"), "HTTP 404 Not Found"),
        "broken": (feeds.url("status/500"), "HTTP 500 Internal Server Error"),
        "malformed": (
            feeds.url("feed/malformed-xml-no-entries.xml"),
            "malformed XML with no entries",
        ),
        "home-page": (feeds.url("feed/html-page.html"), "not a feed (an HTML page)"),
        "huge": (feeds.url("huge"), "too large (300011 bytes; the limit is 200000)"),
        "huge-unannounced": (feeds.url("huge-unannounced"), "too large (over 200000 bytes)"),
        "gzip-bomb": (feeds.url("gzip-bomb"), "too large (over 200000 bytes)"),
        "loop": (feeds.url("loop"), "too many redirects (more than 5)"),
        "to-ftp": (feeds.url("ftp"), "not an http(s) address: ftp://files.example/feed.xml"),
        "ftp": ("ftp://files.example/feed.xml", "not an http(s) address"),
        "local-file": ("file:///etc/hostname", "not an http(s) address: file:///etc/hostname"),
        "local-path": (feeds.url("local-path"), "not a feed"),
    }
    for slug, (url, _) in failures.items():
        blogger(slug, url)
    blogger("good", feeds.url("feed/atom-1.0.xml"))
    report = collect(content, settings, "UTC", NOW)
    failed = [line for line in report.lines if line.startswith("FAILED")]
    assert len(failed) == len(failures) == report.failed
    for slug, (url, words) in failures.items():
        name = slug.replace("-", " ").title()
        [line] = [line for line in failed if line.startswith(f"FAILED {name} ({url}): ")]
        assert line.endswith(words) or f": {words}" in line, line
        assert "\n" not in line and len(line) < 300
    assert [read_header(p)["blogger"] for p in report.written] == ["good"]
    assert report.summary == (
        "1 feeds fetched, 0 not modified, 16 failed; 1 new item written (1 featured post); "
        "0 collected drafts waiting for review."
    )
    assert not report.ok


def test_a_blogger_without_a_feed_url_is_one_failed_line(
    content: Path, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A missing Feed-URL says which file to fix."""
    path = blogger("no-feed", "")
    report = collect(content, settings, "UTC", NOW)
    assert report.lines == [f"FAILED No Feed (no Feed-URL): add a Feed-URL to {path}"]
    assert report.failed == 1


def test_a_failed_feed_keeps_its_cache_and_is_fetched_in_full_next_time(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """No validator is kept for a feed that failed, so a fixed feed is collected at once."""
    path = blogger("flaky", feeds.url("status/503"))
    assert collect(content, settings, "UTC", NOW).failed == 1
    [state] = json.loads(settings.cache_path.read_text(encoding="utf-8")).values()
    assert (state["etag"], state["last_modified"], state["failures"]) == ("", "", 1)
    path.write_text(path.read_text().replace("status/503", "feed/rss-2.0.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert (report.failed, len(report.written)) == (0, 1)
