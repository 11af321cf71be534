"""`invoke collect` against a local server: every dialect, every failure, hostile input."""

# ruff: noqa: E501 - the fixture feeds are verbatim XML, kept on their natural lines

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ITEM = "Lumen X2 {n}"


def rss2(base: str, n: int = 1) -> str:
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
<link>{base}/</link><description>d</description>
<item><title>RSS 2 post about the Lumen</title><link>{base}/rss2/{n}</link>
<guid>{base}/rss2/{n}</guid><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate>
<category>cameras</category>
<description>&lt;p&gt;The Lumen camera is good. It is fast. A third sentence.&lt;/p&gt;</description>
</item></channel></rss>"""


FEEDS = {
    "rss091": """<?xml version="1.0"?><rss version="0.91"><channel><title>B</title>
<link>{base}/</link><description>d</description><language>en</language>
<item><title>RSS 0.91 post</title><link>{base}/rss091/1</link>
<description>Old style Lumen review.</description></item></channel></rss>""",
    "rss092": """<?xml version="1.0"?><rss version="0.92"><channel><title>B</title>
<link>{base}/</link><description>d</description>
<item><title>RSS 0.92 post</title><link>{base}/rss092/1</link>
<description>Lumen in 0.92.</description></item></channel></rss>""",
    "rss10": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/"><title>B</title><link>{base}/</link><description>d</description>
<items><rdf:Seq><rdf:li resource="{base}/rss10/1"/></rdf:Seq></items></channel>
<item rdf:about="{base}/rss10/1"><title>RSS 1.0 post</title><link>{base}/rss10/1</link>
<description>Lumen in RDF.</description><dc:date>2026-10-01T10:00:00Z</dc:date></item></rdf:RDF>""",
    "atom03": """<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
<title>B</title><link rel="alternate" type="text/html" href="{base}/"/>
<modified>2026-11-15T10:00:00Z</modified>
<entry><title>Atom 0.3 post</title><link rel="alternate" type="text/html" href="{base}/atom03/1"/>
<id>tag:b.example,2026:atom03-1</id><issued>2026-11-15T10:00:00Z</issued>
<modified>2026-11-15T10:00:00Z</modified><summary>Lumen in Atom 0.3.</summary></entry></feed>""",
    "atom10": """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>B</title><id>tag:b.example,2026:feed</id><updated>2026-11-15T10:00:00Z</updated>
<entry><title>Atom 1.0 post</title><link href="{base}/atom10/1"/>
<id>tag:b.example,2026:atom10-1</id><updated>2026-11-15T10:00:00Z</updated>
<content type="html">&lt;p&gt;Lumen in Atom 1.0.&lt;/p&gt;</content></entry></feed>""",
    "json10": json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "title": "B",
            "items": [
                {
                    "id": "json10-1",
                    "url": "{base}/json10/1",
                    "title": "JSON Feed 1.0 post",
                    "content_text": "Lumen in JSON 1.0.",
                    "date_published": "2026-11-15T10:00:00Z",
                }
            ],
        }
    ),
    "json11": json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "B",
            "items": [
                {
                    "id": "json11-1",
                    "url": "{base}/json11/1",
                    "title": "JSON Feed 1.1 post",
                    "content_html": "<p>Lumen in JSON 1.1.</p>",
                    "tags": ["audio"],
                    "date_published": "2026-11-15T10:00:00Z",
                }
            ],
        }
    ),
    "bozo": """<?xml version="1.0"?><rss version="2.0"><channel><title>B &nbsp; bad</title>
<item><title>Post in a broken feed</title><link>{base}/bozo/1</link>
<description>Lumen, broken &amp;copy feed.</description></item></channel></rss>""",
    "xss": """<?xml version="1.0"?><rss version="2.0"><channel><title>B</title>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Great Lumen &lt;b onmouseover="x()"&gt;phone&lt;/b&gt;</title>
<link>{base}/xss/1</link><category>&lt;img src=x onerror=alert(2)&gt;</category>
<description>&lt;p onclick="steal()"&gt;Nice Lumen.&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;
&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;&lt;img src="https://track.example/p.gif" width="1" height="1"&gt;
&lt;a href="javascript:alert(4)"&gt;click&lt;/a&gt;</description></item>
<item><title>No link here</title><link>javascript:alert(5)</link><description>Lumen</description></item>
</channel></rss>""",
}


class FeedServer:
    """Serves fixture feeds and every kind of failure on 127.0.0.1, counting requests."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: PLR0911, PLR0912 - one branch per fixture
                name = self.path.strip("/")
                server.hits[name] = server.hits.get(name, 0) + 1
                if name == "etag":
                    if self.headers.get("If-None-Match") == '"v1"':
                        self.send_response(304)
                        self.end_headers()
                        return None
                    return self._send(200, rss2(server.base, 7), {"ETag": '"v1"'})
                if name == "modified":
                    if self.headers.get("If-Modified-Since"):
                        self.send_response(304)
                        self.end_headers()
                        return None
                    stamp = "Mon, 16 Nov 2026 10:00:00 GMT"
                    return self._send(200, rss2(server.base, 8), {"Last-Modified": stamp})
                if name in FEEDS:
                    return self._send(200, FEEDS[name].replace("{base}", server.base))
                if name == "slow":
                    time.sleep(1.5)
                    return self._send(200, rss2(server.base, 9))
                if name == "html":
                    return self._send(
                        200,
                        "<!DOCTYPE html><html><body>Hello</body></html>",
                        {"Content-Type": "text/html"},
                    )
                if name == "malformed":
                    return self._send(200, "<rss version='2.0'><channel><title>oops</chan")
                if name == "empty":
                    return self._send(
                        200, rss2(server.base).split("<item>")[0] + "</channel></rss>"
                    )
                if name == "huge":
                    return self._send(200, "<rss>" + "x" * 300_000 + "</rss>")
                if name == "loop":
                    self.send_response(302)
                    self.send_header("Location", "/loop")
                    self.end_headers()
                    return None
                if name == "ftp":
                    self.send_response(301)
                    self.send_header("Location", "ftp://files.example/feed.xml")
                    self.end_headers()
                    return None
                if name == "error":
                    return self._send(500, "broken")
                return self._send(404, "not found")

            def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
                data = body.encode("utf-8")
                self.send_response(status)
                for key, value in {"Content-Type": "application/xml", **(headers or {})}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """The fixture feed server, stopped after the test."""
    server = FeedServer()
    yield server
    server.close()


def blogger(content: Path, slug: str, feed_url: str, words: str = "") -> None:
    """Add a blogger whose feed is on the local server."""
    (content / "bloggers" / f"{slug}.md").write_text(
        f"Name: {slug.title()}\nBlog-Name: {slug} blog\nBlog-URL: https://{slug}.example/\n"
        f"Feed-URL: {feed_url}\nAvatar: /images/avatars/ada.png\nMember-Since: 2025-01-01\n"
        f"Collect-Filter: {words}\n\nA blogger.\n",
        encoding="utf-8",
    )


@pytest.fixture
def content(minimal_copy: Path, feeds: FeedServer) -> Path:
    """The minimal site, its blogger's feed moved to the local server (an empty feed)."""
    path = minimal_copy / "bloggers" / "ada-lens.md"
    path.write_text(
        path.read_text().replace("https://ada.example/feed.xml", f"{feeds.base}/empty"), "utf-8"
    )
    return minimal_copy


@pytest.fixture
def settings(tmp_path: Path) -> CollectSettings:
    """Short timeouts and a small size cap, a cache under tmp_path."""
    return CollectSettings(
        timeout=0.8, max_bytes=200_000, cache_path=tmp_path / "cache.json", max_age_days=3650
    )


def test_every_dialect_is_collected_once(
    content: Path, feeds: FeedServer, settings: CollectSettings
) -> None:
    """RSS 0.91/0.92/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1: one file each; a rerun adds none."""
    names = ["rss091", "rss092", "rss10", "atom03", "atom10", "json10", "json11"]
    for name in names:
        blogger(content, name, f"{feeds.base}/{name}")
    report = collect(content, settings, "Europe/Oslo", NOW)
    assert report.failed == 0, report.lines
    assert report.fetched == len(names) + 1  # and the minimal site's own blogger
    written = {read_header(path)["original-url"] for path in report.written}
    assert written == {f"{feeds.base}/{name}/1" for name in names}
    again = collect(content, settings, "Europe/Oslo", NOW)
    assert again.written == []
    count = len(names) + 1
    summary = f"{count} feeds fetched, 0 not modified, 0 failed, 0 new posts written."
    assert again.summary == summary


def test_each_failure_is_one_line_and_the_others_are_collected(
    content: Path, feeds: FeedServer, settings: CollectSettings
) -> None:
    """Dead host, timeout, 404, 500, malformed XML, HTML, huge, redirect loop, ftp: one line each."""
    failures = {
        "dead": "http://127.0.0.1:9/feed",
        "slow": f"{feeds.base}/slow",
        "missing": f"{feeds.base}/missing",
        "error": f"{feeds.base}/error",
        "malformed": f"{feeds.base}/malformed",
        "html": f"{feeds.base}/html",
        "huge": f"{feeds.base}/huge",
        "loop": f"{feeds.base}/loop",
        "ftp": f"{feeds.base}/ftp",
    }
    for slug, url in failures.items():
        blogger(content, slug, url)
    blogger(content, "good", f"{feeds.base}/atom10")
    report = collect(content, settings, "UTC", NOW)
    failed = [line for line in report.lines if line.startswith("FAILED")]
    assert len(failed) == len(failures) == report.failed
    expected = {
        "Dead": "cannot connect",
        "Slow": "timed out after 0.8 s",
        "Missing": "HTTP 404",
        "Error": "HTTP 500",
        "Malformed": "malformed feed with no entries",
        "Html": "not a feed (an HTML page)",
        "Huge": "too large",
        "Loop": "more than 5 redirects",
        "Ftp": "not an http(s) address",
    }
    for name, words in expected.items():
        [line] = [line for line in failed if line.startswith(f"FAILED {name} (")]
        assert words in line, line
    assert [read_header(p)["title"] for p in report.written] == ["Atom 1.0 post"]
    assert report.summary == "2 feeds fetched, 0 not modified, 9 failed, 1 new posts written."


def test_conditional_get_round_trips(
    content: Path, feeds: FeedServer, settings: CollectSettings
) -> None:
    """ETag and Last-Modified are kept; the next run gets 304 and writes nothing."""
    blogger(content, "etag", f"{feeds.base}/etag")
    blogger(content, "modified", f"{feeds.base}/modified")
    first = collect(content, settings, "UTC", NOW)
    assert (first.fetched, len(first.written)) == (3, 2)
    cache = json.loads(settings.cache_path.read_text())
    assert cache[f"{feeds.base}/etag"]["etag"] == '"v1"'
    assert cache[f"{feeds.base}/modified"]["last_modified"] == "Mon, 16 Nov 2026 10:00:00 GMT"
    second = collect(content, settings, "UTC", NOW)
    assert (second.fetched, second.not_modified, second.written) == (1, 2, [])


def test_a_bozo_feed_with_entries_is_used_with_a_warning(
    content: Path, feeds: FeedServer, settings: CollectSettings
) -> None:
    """A feed that is not well formed but has entries is collected, and says so."""
    blogger(content, "bozo", f"{feeds.base}/bozo")
    report = collect(content, settings, "UTC", NOW)
    assert len(report.written) == 1
    assert any(line.startswith("warning Bozo") for line in report.lines)


def test_an_edited_collected_file_is_never_overwritten(
    content: Path, feeds: FeedServer, settings: CollectSettings
) -> None:
    """The editor renames and annotates a collected file; the next run leaves it alone."""
    blogger(content, "atom", f"{feeds.base}/atom10")
    [path] = collect(content, settings, "UTC", NOW).written
    edited = path.with_name("renamed-by-editor.md")
    text = path.read_text().replace("Editor-Note:", "Editor-Note: Worth reading.")
    edited.write_text(text)
    path.unlink()
    settings.cache_path.unlink()  # even without the HTTP cache
    assert collect(content, settings, "UTC", NOW).written == []
    assert "Worth reading." in edited.read_text()


def test_filters_and_first_collection_age(
    content: Path, feeds: FeedServer, settings: CollectSettings
) -> None:
    """A blogger's words keep only matching posts; a first run reaches back max_age_days."""
    blogger(content, "picky", f"{feeds.base}/json11", words="battery")
    blogger(content, "tagged", f"{feeds.base}/json10", words="lumen in json")
    blogger(content, "old", f"{feeds.base}/rss10")
    report = collect(content, replace(settings, max_age_days=10), "UTC", NOW)
    titles = sorted(read_header(p)["title"] for p in report.written)
    assert titles == ["JSON Feed 1.0 post"]  # picky: no 'battery'; old: 54 days old


def test_hostile_entries_become_harmless_files(
    content: Path, feeds: FeedServer, settings: CollectSettings, build
) -> None:
    """Scripts, handlers, javascript: links, frames and pixels are gone; titles are plain text."""
    blogger(content, "xss", f"{feeds.base}/xss")
    report = collect(content, settings, "UTC", NOW)
    [path] = report.written
    text = path.read_text(encoding="utf-8")
    for bad in (
        "<script",
        "onerror",
        "onclick",
        "onmouseover",
        "javascript:",
        "<iframe",
        "<img",
        "track.example",
    ):
        assert bad not in text, bad
    header = read_header(path)
    assert header["title"] == "Great Lumen phone"
    assert header["excerpt"] == "Nice Lumen. click"
    assert any("no http(s) link" in line for line in report.lines)
    output = build(content)  # the collected file is valid content
    page = BeautifulSoup(
        (output / "bloggers" / "xss" / path.stem / "index.html").read_text(), "lxml"
    )
    assert page.h1.get_text() == "Great Lumen phone"
    assert page.find("a", href=f"{feeds.base}/xss/1") is not None
    assert page.find("script", string=lambda s: s and "alert" in s) is None


def test_the_built_site_shows_collected_posts(
    content: Path, feeds: FeedServer, settings: CollectSettings, build
) -> None:
    """Collected posts appear with their excerpt and a link to the original."""
    blogger(content, "ana", f"{feeds.base}/rss2")
    FEEDS["rss2"] = rss2("{base}")
    try:
        [path] = collect(content, settings, "UTC", NOW).written
    finally:
        del FEEDS["rss2"]
    header = read_header(path)
    assert header["excerpt"] == "The Lumen camera is good. It is fast. A third sentence."
    assert header["collected"] == "yes" and header["tags"] == "cameras"
    output = build(content)
    page = BeautifulSoup(
        (output / "bloggers" / "ana" / path.stem / "index.html").read_text(), "lxml"
    )
    assert "The Lumen camera is good." in page.select_one(".excerpt").get_text()
    assert page.find("a", href=f"{feeds.base}/rss2/1") is not None
    hub = (output / "hub" / "bloggers" / "index.html").read_text()
    assert "RSS 2 post about the Lumen" in hub


def test_invoke_collect_reports_and_exits_non_zero_on_failure(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """The command prints the summary and its status says whether a feed failed."""
    root = Path(__file__).resolve().parents[2]
    shutil.rmtree(minimal_copy / "bloggers")
    (minimal_copy / "bloggers").mkdir()
    blogger(minimal_copy, "dead", "http://127.0.0.1:9/feed")
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "collect", "--content", str(minimal_copy)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    assert "FAILED Dead (http://127.0.0.1:9/feed): cannot connect" in result.stdout
    assert "0 feeds fetched, 0 not modified, 1 failed, 0 new posts written." in result.stdout
    assert "Traceback" not in result.stderr
