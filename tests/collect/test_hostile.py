"""Hostile feeds stay harmless: nothing active reaches a file, a page or a feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from feed_server import NOW, AddBlogger, FeedServer, featured_problems

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header

DANGEROUS = (
    "<",  # no tag of any kind, nor the start of one
    "script:",  # javascript: and vbscript: links
    "data:",
    "onerror",
    "onclick",
    "onmouseover",
    "onload",
    "track.example",  # the 1x1 pixel
    "display:none",
)


def assert_harmless(path: Path) -> None:
    """The file has no tag, handler or active link, and passes the build's check."""
    text = path.read_text(encoding="utf-8")
    for bad in DANGEROUS:
        assert bad not in text.lower(), f"{bad!r} in {path.name}:\n{text}"
    assert featured_problems(path) == []


@pytest.mark.parametrize(
    "case",
    [
        (
            "xss-rss.xml",
            {
                "Great Lumen phone": "Nice Lumen. click",
                "Posts about ‹script› tags": "Write ‹script› and ‹/b› in text, & mean it.",
                "A quoted link": "Lumen",
            },
        ),
        (
            "xss-atom.xml",
            {
                "Atom hostile post": "Atom Lumen text. more",
                'Text title with ‹iframe src="https://evil.example/"› in it': (
                    "The ‹script›alert(5)‹/script› element, as text."
                ),
            },
        ),
        ("xss-json-feed.json", {"JSON hostile post": "JSON Lumen text. x"}),
    ],
    ids=["rss", "atom", "json-feed"],
)
def test_scripts_handlers_frames_pixels_and_script_links_are_gone(
    content: Path,
    feeds: FeedServer,
    blogger: AddBlogger,
    settings: CollectSettings,
    case: tuple[str, dict[str, str]],
) -> None:
    """Titles are plain text, excerpts plain sentences; only http(s) links are kept."""
    fixture, expected = case
    blogger("hostile", feeds.url(f"feed/{fixture}"))
    report = collect(content, settings, "UTC", NOW)
    headers = {read_header(p)["title"]: read_header(p) for p in report.written}
    assert {title: h["excerpt"] for title, h in headers.items()} == expected
    for path in report.written:
        assert_harmless(path)
    for header in headers.values():
        assert header["original-url"].startswith(feeds.base)


def test_entries_without_an_http_link_are_skipped_with_a_line(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """javascript:, a javascript: hidden by a tab, data: and no link at all: one line each."""
    blogger("hostile", feeds.url("feed/xss-rss.xml"))
    blogger("json", feeds.url("feed/xss-json-feed.json"))
    report = collect(content, settings, "UTC", NOW)
    skipped = [line for line in report.lines if line.startswith("skipped")]
    assert [line.rsplit("(", 1)[1] for line in skipped] == [
        "'A javascript: link')",
        "'A hidden javascript: link')",
        "'A data: link')",
        "'Script link')",
        "'No link at all')",
    ]
    assert report.ok


def test_a_link_that_breaks_out_of_its_attribute_is_percent_encoded(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """Quotes and angle brackets in a link are encoded; a hostile id becomes a digest."""
    blogger("hostile", feeds.url("feed/xss-rss.xml"))
    report = collect(content, settings, "UTC", NOW)
    [path] = [p for p in report.written if p.name == "a-quoted-link.md"]
    header = read_header(path)
    assert header["original-url"] == feeds.url("xss/3%22%3E%3Cscript%3Ealert(9)%3C/script%3E")
    assert header["entry-id"].startswith("sha256:")
    again = collect(content, settings, "UTC", NOW)
    assert again.written == []  # the digest is stable: no duplicate on the next run


def test_the_built_pages_of_hostile_posts_are_harmless(
    minimal_copy: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings, build
) -> None:
    """Collected from hostile feeds and built: no script, frame, image or handler from them."""
    ada = minimal_copy / "bloggers" / "ada-lens.md"
    ada.write_text(ada.read_text().replace("https://ada.example/feed.xml", feeds.url("status/404")))
    for fixture in ("xss-rss.xml", "xss-atom.xml", "xss-json-feed.json"):
        blogger(Path(fixture).stem, feeds.url(f"feed/{fixture}"), folder=minimal_copy)
    report = collect(minimal_copy, settings, "UTC", NOW)
    assert len(report.written) == 6
    output = build(minimal_copy)
    for path in report.written:
        blogger_slug = read_header(path)["blogger"]
        page = (output / "bloggers" / blogger_slug / path.stem / "index.html").read_text()
        soup = BeautifulSoup(page, "lxml")
        assert not soup.find_all(["iframe", "object", "embed", "svg"])
        scripts = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
        assert not [s for s in scripts if "alert" in s.get_text()]
        # Structured data is data, not run: its text may quote a title, never break out.
        assert not [s for s in soup.find_all("script") if "<" in s.get_text()]
        assert not [img for img in soup.find_all("img") if "track.example" in img.get("src", "")]
        assert not [t for t in soup.find_all(True) if any(a.startswith("on") for a in t.attrs)]
        assert not [a for a in soup.find_all("a") if "script:" in a.get("href", "").lower()]
        assert soup.h1.get_text() == read_header(path)["title"]
