"""A huge body: feeds carry its start and a link to the rest, the build warns and names it."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser

from socialhub.build import run_build
from socialhub.feeds.entries import SiteInfo, capped_html

ROOT = Path(__file__).resolve().parents[2]
PAGE = "http://127.0.0.1:8000/posts/huge/"
VOID = {"br", "hr", "img", "wbr", "col", "source", "track"}


class _Balance(HTMLParser):
    """Fails on an end tag that closes nothing open; remembers what stays open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()


def _balanced(html: str) -> bool:
    checker = _Balance()
    checker.feed(html)
    checker.close()
    return not checker.open and "<" not in checker.rawdata


def _info(limit: int) -> SiteInfo:
    return SiteInfo("http://127.0.0.1:8000", "Hub", "Lumen", "content", "x,2026", limit)


HTML = (
    '<p>Some <strong>bold &amp; brave</strong> words and <a href="https://o.example/a">'
    "a link</a>.</p><table><thead><tr><th>Phone</th><th>Price</th></tr></thead>"
    "<tbody><tr><td>X2 &lt;new&gt;</td><td>499</td></tr></tbody></table>"
    '<figure><img src="http://127.0.0.1:8000/images/a.png" alt="A b c">'
    "<figcaption>Ada &#8212; in phones</figcaption></figure>"
    "<ul><li>One</li><li>Two <em>three</em></li></ul><p>The end.</p>"
)


def test_a_cut_anywhere_stays_valid_html_and_ends_with_the_link() -> None:
    """Whatever character the limit falls on, the entry is whole HTML and links to the rest."""
    link = f'<p><a href="{PAGE}">Read the rest on Hub</a></p>'
    for limit in range(1, len(HTML)):
        capped = capped_html(HTML, _info(limit), PAGE)
        assert capped.endswith(link), limit
        assert _balanced(capped), (limit, capped)
        # The cut keeps at most the limit of the text, plus what closes the open elements.
        assert len(capped) <= limit + len(link) + 80, limit


def test_content_under_the_limit_or_without_one_is_left_whole() -> None:
    """No cut, no link, when the content fits or the setting is 0."""
    assert capped_html(HTML, _info(len(HTML)), PAGE) == HTML
    assert capped_html(HTML, _info(0), PAGE) == HTML


def _huge_post(paragraphs: int) -> str:
    lines = ["Title: A huge post", "Date: 2026-11-07", "Author: Mara", "Summary: Long.", ""]
    for number in range(paragraphs):
        lines.append(
            f"Paragraph {number} has **bold words**, a [link](https://o.example/{number}) "
            "and enough text to make the file large, line after line after line.\n"
        )
        if number % 500 == 0:
            lines.append("| a | b |\n|---|---|\n| 1 | 2 |\n")
    return "\n".join(lines)


def test_a_huge_post_is_capped_in_every_feed_and_warned_about(
    minimal_copy: Path, tmp_path: Path, build: Callable[..., Path]
) -> None:
    """A post over 500 kB: a warning naming it, whole on its page, cut with a link in each feed."""
    (minimal_copy / "posts" / "huge.md").write_text(_huge_post(4000), encoding="utf-8")
    size = (minimal_copy / "posts" / "huge.md").stat().st_size
    assert size > 500_000
    overrides = {
        "PATH": str(minimal_copy),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / ".cache"),
    }
    report = run_build(ROOT / "pelicanconf.py", overrides)
    assert [w for w in report.warnings if w.startswith("content/")] == [
        f"content/posts/huge.md: body: the file is {size / 1e3:.0f} kB, more than "
        "BODY_WARN_BYTES (500 kB): its page loads slowly and feeds carry only its start; "
        "split it into several items, or link to large files under content/media/"
    ]
    output = tmp_path / "output"
    page = (output / "posts" / "huge" / "index.html").read_text(encoding="utf-8")
    assert "Paragraph 3999 has" in page
    contents = []
    for path in sorted((output / "feeds").glob("*.xml")):
        for entry in feedparser.parse(path.read_bytes(), sanitize_html=False).entries:
            if entry.link == PAGE:
                contents.append("".join(part.value for part in entry.content))
    for path in sorted((output / "feeds").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            if item["url"] == PAGE:
                contents.append(item["content_html"])
    assert len(contents) >= 9  # all, hub and posts in three formats
    for html in contents:
        assert 29_000 < len(html) < 30_500
        assert html.endswith(f'<p><a href="{PAGE}">Read the rest on Lumen Social Hub</a></p>')
        assert _balanced(html)
        assert "Paragraph 3999" not in html


def test_a_small_limit_and_no_warning_below_the_size(
    minimal_copy: Path, tmp_path: Path, build: Callable[..., Path]
) -> None:
    """The settings are read: a 2,000-character cap, and no warning for a small file."""
    (minimal_copy / "posts" / "huge.md").write_text(_huge_post(100), encoding="utf-8")
    overrides = {
        "PATH": str(minimal_copy),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / ".cache"),
        "FEED_CONTENT_MAX_CHARS": 2000,
    }
    report = run_build(ROOT / "pelicanconf.py", overrides)
    assert not [w for w in report.warnings if w.startswith("content/")]
    feed = feedparser.parse((tmp_path / "output" / "feeds" / "posts.atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link == PAGE)
    assert len(entry.content[0].value) < 2200
    assert "Read the rest on Lumen Social Hub" in entry.content[0].value
