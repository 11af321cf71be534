"""Every rule of hub.css styles something on a page of the built sample hub; CSS is minified."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from bs4 import BeautifulSoup

from socialhub.staticfiles import published

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STYLESHEET = ROOT / "theme" / "static" / "css" / "hub.css"
# States a page reaches only in a reader's hands: a selector is matched without them.
STATES = re.compile(
    r"::?(?:hover|focus-visible|focus-within|focus|active|visited|target|before|after|marker)\b"
)
# Selectors for what the sample pages do not hold when they are built, each with why.
ALLOWED = {
    "iframe",  # a video's player, made by hub.js when the reader presses play
    ".player iframe",  # the same
    ".notice--pending.is-shown",  # the comment form's answer, shown by hub.js after a post
    "code",  # editors' Markdown may hold code; the sample's does not
    ".prose h3",  # the same: a sub-heading in a body
    ".prose img",  # a picture in a body
    ".prose blockquote",  # a quotation in a body
    ".search mark",  # a word found, highlighted by Pagefind in its results
    ".status--judging",  # a contest being judged (the sample has open and closed ones)
    ".pagination__gap",  # the "…" of a pager with more pages than the sample's lists have
    ".comment--mention",  # a Webmention reply among the comments
    ".comment__from",  # the same: where the reply came from
    ".comment__author .face",  # the same: its author's picture or initials
    ".mention__kind",  # a mention of a kind the sample lacks (bookmark)
    ".reactions-list",  # likes and reposts of an item
    ".reactions",
    ".reactions__count",
    ".reaction a",
    ".reaction .face",
    ".reaction .face--initials",
    # Initials of mention authors take one of eight hues by name; the sample shows a few.
    *(f".face--hue-{hue}" for hue in range(8)),
}
# Pagefind's search UI is made in the browser, inside .search.
MADE_IN_THE_BROWSER = ".search .pagefind-ui__"


def _preludes(nodes: list[Any]) -> Iterator[str]:
    """The selector list of every style rule, inside @media and @supports too."""
    for node in nodes:
        if node.type == "qualified-rule":
            yield tinycss2.serialize(node.prelude).strip()
        elif node.type == "at-rule" and node.lower_at_keyword in ("media", "supports"):
            inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            yield from _preludes(inner)


def selectors(css: str) -> list[str]:
    """Every selector of a stylesheet, once each, in order."""
    found: list[str] = []
    sheet = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for prelude in _preludes(sheet):
        found.extend(part.strip() for part in prelude.split(","))
    return list(dict.fromkeys(found))


def _normal(selector: str) -> str:
    """A selector without the spaces a minifier may drop (around combinators)."""
    return re.sub(r"\s*([>+~])\s*", r"\1", re.sub(r"\s+", " ", selector))


@pytest.fixture(scope="module")
def pages(sample_output: Path) -> list[BeautifulSoup]:
    """Every HTML page of the built sample hub, parsed."""
    found = [BeautifulSoup(path.read_bytes(), "lxml") for path in sample_output.rglob("*.html")]
    assert len(found) > 50
    return found


def test_every_selector_of_the_stylesheet_matches_an_element_of_some_page(
    pages: list[BeautifulSoup],
) -> None:
    """A rule that styles nothing on any page is weight every reader downloads: delete it."""
    unused = []
    for selector in selectors(STYLESHEET.read_text(encoding="utf-8")):
        if selector in ALLOWED or selector.startswith(MADE_IN_THE_BROWSER):
            continue
        bare = STATES.sub("", selector).strip() or "*"
        if not any(page.select_one(bare) is not None for page in pages):
            unused.append(selector)
    assert unused == [], "rules no page of the sample uses (delete them or allow them here)"


def test_every_allowed_selector_is_still_in_the_stylesheet() -> None:
    """The allow-list names only rules that exist, so it shrinks when they go."""
    present = set(selectors(STYLESHEET.read_text(encoding="utf-8")))
    assert sorted(ALLOWED - present) == []


def test_the_published_stylesheet_is_minified_and_keeps_every_rule(sample_output: Path) -> None:
    """output/theme/css/hub.css has no comments and fewer bytes, and the same selectors."""
    source = STYLESHEET.read_text(encoding="utf-8")
    output = (sample_output / "theme" / "css" / "hub.css").read_bytes()
    assert output == published("hub.css", source.encode("utf-8"))
    text = output.decode("utf-8")
    assert "/*" not in text
    assert len(output) < 0.85 * len(source.encode("utf-8"))
    assert len(gzip.compress(output)) < len(gzip.compress(source.encode("utf-8")))
    assert [_normal(s) for s in selectors(text)] == [_normal(s) for s in selectors(source)]


def test_other_theme_files_are_published_byte_for_byte(sample_output: Path) -> None:
    """Scripts and the feed stylesheet are copied exactly."""
    static = ROOT / "theme" / "static"
    others = [path for path in static.rglob("*") if path.is_file() and path.suffix != ".css"]
    assert others
    for path in others:
        published_path = sample_output / "theme" / path.relative_to(static)
        assert published_path.read_bytes() == path.read_bytes(), path.name
