"""Fixtures of the collector tests: the feed server, a content folder, bloggers, settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import AddBlogger, FeedServer

from socialhub.collect.settings import CollectSettings


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """The local feed server, stopped at the end of the test."""
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """An empty content folder with a bloggers/ folder."""
    folder = tmp_path / "small" / "content"  # tmp_path/content is the minimal site's copy
    (folder / "bloggers").mkdir(parents=True)
    return folder


@pytest.fixture
def blogger(content: Path) -> AddBlogger:
    """Add a blogger file whose Feed-URL is given (on the local server, usually)."""

    def add(
        slug: str,
        feed_url: str,
        words: str = "",
        folder: Path | None = None,
        *,
        trusted: bool = True,
    ) -> Path:
        path = (folder or content) / "bloggers" / f"{slug}.md"
        path.write_text(
            f"Name: {slug.replace('-', ' ').title()}\nBlog-Name: {slug} blog\n"
            f"Blog-URL: https://{slug}.example/\nFeed-URL: {feed_url}\n"
            f"Avatar: /images/avatars/ada.png\nMember-Since: 2025-01-01\n"
            f"Collect-Filter: {words}\nCollect-Trusted: {'yes' if trusted else 'no'}\n\n"
            "A blogger.\n",
            encoding="utf-8",
        )
        return path

    return add


@pytest.fixture
def settings(tmp_path: Path) -> CollectSettings:
    """Short timeouts, a small size cap, a cache under tmp_path, and no age limit to speak of."""
    return CollectSettings(
        timeout=0.5,
        max_bytes=200_000,
        cache_path=tmp_path / "cache" / "http.json",
        max_age_days=3650,
        site_url="https://hub.test.example",
    )
