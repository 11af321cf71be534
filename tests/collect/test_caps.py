"""A bound per feed and per run: a feed of 3,000 recent posts is taken ten at a time.

One `invoke collect` wrote 3,000 featured files from one feed. Now each run
writes at most COLLECT_MAX_NEW_PER_FEED posts of a feed and
COLLECT_MAX_NEW_PER_RUN in all, newest first, says what it held back, and the
next run takes the next ones, even when the feed answers with an ETag.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from feed_server import NOW, AddBlogger

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings, load_settings
from socialhub.errors import ConfigError, SettingsError
from socialhub.headers import read_header
from socialhub.settings_check import check_settings


def rss(slug: str, count: int, newest: datetime, order: Callable[[list[int]], list[int]]) -> bytes:
    """An RSS 2.0 feed of ``count`` posts, post i published i hours before ``newest``."""
    items = []
    for number in order(list(range(count))):
        when = newest - timedelta(hours=number)
        items.append(
            f"<item><title>{slug} post {number}</title>"
            f"<link>https://{slug}.example/posts/{number}/</link>"
            f"<guid>https://{slug}.example/posts/{number}/</guid>"
            f"<pubDate>{when:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
            f"<description>Post number {number} of {slug}.</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{slug}</title><link>https://{slug}.example/</link>"
        f"<description>{slug}</description>{''.join(items)}</channel></rss>"
    ).encode()


class Feeds:
    """A small feed server on 127.0.0.1: a body per path, with an ETag; 304 when it matches."""

    def __init__(self) -> None:
        self.bodies: dict[str, bytes] = {}
        self.answers: list[tuple[str, int]] = []  # (path, status), in order
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = feeds.bodies.get(self.path)
                if body is None:
                    status, body, extra = 404, b"", {}
                elif self.headers.get("If-None-Match") == '"same"':
                    status, body, extra = 304, b"", {"ETag": '"same"'}
                else:
                    status, extra = 200, {"ETag": '"same"'}
                feeds.answers.append((self.path, status))
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = False
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))
        self.thread.start()

    def url(self, path: str) -> str:
        """The address of a path on this server."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        """Stop serving and wait for the server's thread."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    """The test's own feed server, stopped at the end of the test."""
    server = Feeds()
    yield server
    server.close()


@pytest.fixture
def capped(settings: CollectSettings) -> CollectSettings:
    """The default caps (10 per feed, 50 per run), and room for a feed of 3,000 posts."""
    assert (settings.max_new_per_feed, settings.max_new_per_run) == (10, 50)
    return replace(settings, max_bytes=5_000_000)


def numbers(paths: list[Path]) -> list[int]:
    """The post numbers of written files, from their titles, in the order written."""
    return [int(read_header(path)["title"].rsplit(" ", 1)[1]) for path in paths]


def test_a_feed_of_3000_posts_is_taken_ten_at_a_time_newest_first(
    content: Path, feeds: Feeds, blogger: AddBlogger, capped: CollectSettings
) -> None:
    """First run: the 10 newest, 2,990 held back (said so); the next run: the next 10."""
    newest = NOW - timedelta(hours=1)
    feeds.bodies["/big.xml"] = rss("big", 3000, newest, lambda order: order)
    blogger("big-blog", feeds.url("/big.xml"))
    first = collect(content, capped, "UTC", NOW)
    assert sorted(numbers(first.written)) == list(range(10))
    assert first.held_back == 2990
    held = [line for line in first.lines if line.startswith("held back ")]
    assert held == [
        f"held back Big Blog ({feeds.url('/big.xml')}): 2990 new posts not written "
        "(2990 over COLLECT_MAX_NEW_PER_FEED (10)); the next runs take them, newest first"
    ]
    assert first.summary.endswith(
        "10 new items written (10 featured posts); 2990 held back for the next runs; "
        "0 collected drafts waiting for review."
    )
    assert first.ok
    second = collect(content, capped, "UTC", NOW)
    # The feed answered in full, not 304: the ETag is not kept while posts wait.
    assert feeds.answers[-1] == ("/big.xml", 200)
    assert sorted(numbers(second.written)) == list(range(10, 20))
    assert second.held_back == 2980
    assert len(list((content / "featured").glob("*.md"))) == 20


def test_a_feed_in_any_order_gives_its_newest_posts(
    content: Path, feeds: Feeds, blogger: AddBlogger, capped: CollectSettings
) -> None:
    """Feeds list posts oldest first or shuffled: the cap still keeps the newest."""
    newest = NOW - timedelta(hours=1)
    feeds.bodies["/old-first.xml"] = rss("old", 40, newest, lambda order: order[::-1])
    feeds.bodies["/shuffled.xml"] = rss("mix", 40, newest, lambda order: order[1::2] + order[::2])
    blogger("old-first", feeds.url("/old-first.xml"))
    blogger("shuffled", feeds.url("/shuffled.xml"))
    report = collect(content, capped, "UTC", NOW)
    by_feed: dict[str, list[int]] = {}
    for path in report.written:
        by_feed.setdefault(read_header(path)["blogger"], []).extend(numbers([path]))
    assert {slug: sorted(found) for slug, found in by_feed.items()} == {
        "old-first": list(range(10)),
        "shuffled": list(range(10)),
    }
    assert report.held_back == 60


def test_the_run_cap_keeps_the_newest_across_feeds(
    content: Path, feeds: Feeds, blogger: AddBlogger, capped: CollectSettings
) -> None:
    """Eight feeds of 12 posts: 50 written in all, the newest of every feed's newest 10."""
    for index in range(8):
        # Feed k's posts are k minutes newer than feed 0's: the run cap cuts across feeds.
        newest = NOW - timedelta(hours=1) + timedelta(minutes=index)
        feeds.bodies[f"/f{index}.xml"] = rss(f"f{index}", 12, newest, lambda order: order)
        blogger(f"feed-{index}", feeds.url(f"/f{index}.xml"))
    report = collect(content, capped, "UTC", NOW)
    assert len(report.written) == 50
    assert report.held_back == 8 * 12 - 50
    dates = sorted(
        (read_header(path)["date"] for path in (content / "featured").glob("*.md")),
        reverse=True,
    )
    everything = sorted(
        (
            NOW - timedelta(hours=1) + timedelta(minutes=index) - timedelta(hours=number)
            for index in range(8)
            for number in range(10)
        ),
        reverse=True,
    )
    assert dates == [f"{when.astimezone(UTC):%Y-%m-%d %H:%M}" for when in everything[:50]]
    lines = [line for line in report.lines if line.startswith("held back ")]
    assert len(lines) == 8
    assert any("over COLLECT_MAX_NEW_PER_RUN (50)" in line for line in lines)
    again = collect(content, capped, "UTC", NOW)
    assert len(again.written) == 8 * 12 - 50


def test_the_caps_are_settings_checked_with_the_others(tmp_path: Path) -> None:
    """A cap of 0 or in quotes stops the build (and the collector) naming the setting."""
    settings: dict[str, Any] = {
        "PATH": str(tmp_path),
        "SITEURL": "",
        "COMPANY_LOGO": "/logo.png",
        "COLLECT_MAX_NEW_PER_FEED": 0,
        "COLLECT_MAX_NEW_PER_RUN": "50",
    }
    (tmp_path / "logo.png").write_bytes(b"")
    with pytest.raises(SettingsError) as raised:
        check_settings(settings, "pelicanconf.py")
    assert [str(problem) for problem in raised.value.problems] == [
        "pelicanconf.py: COLLECT_MAX_NEW_PER_FEED: must be 1 or more, not 0; for example "
        "COLLECT_MAX_NEW_PER_FEED = 10",
        "pelicanconf.py: COLLECT_MAX_NEW_PER_RUN: is the text '50'; write the number without "
        "quotes: COLLECT_MAX_NEW_PER_RUN = 50",
    ]
    with pytest.raises(ConfigError, match="COLLECT_MAX_NEW_PER_FEED: 0 is below the minimum"):
        load_settings({"COLLECT_MAX_NEW_PER_FEED": 0})
    defaults: dict[str, Any] = {"PATH": str(tmp_path), "SITEURL": "", "COMPANY_LOGO": "/logo.png"}
    check_settings(defaults, "pelicanconf.py")
    assert (defaults["COLLECT_MAX_NEW_PER_FEED"], defaults["COLLECT_MAX_NEW_PER_RUN"]) == (10, 50)
