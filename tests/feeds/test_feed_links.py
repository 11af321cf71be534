"""The feeds' autodiscovery links: every one titled with its format's proper name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

NAMES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
}


def test_feed_links_name_their_format_properly(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """ "Hub (Atom)", "Hub (RSS)", "Hub (JSON Feed)": the title matches the type, never "(ATOM)"."""
    output = build(minimal_copy)
    seen = set()
    for path in sorted(output.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for link in soup.select('link[rel="alternate"]'):
            if link["type"] == "application/activity+json":
                continue  # the item's ActivityPub object, for fediverse servers: not a feed
            name = NAMES[link["type"]]
            assert link["title"].endswith(f" ({name})"), (path, link["title"])
            assert "ATOM" not in link["title"] and "JSON)" not in link["title"], path
            seen.add(name)
    assert seen == set(NAMES.values())
