"""Fixtures of the theme's tests: the sample site served locally, and Debian's Chromium."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import served

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def site_url(sample_output: Path) -> Iterator[str]:
    """The built sample site, served on 127.0.0.1 at a free port for the whole session."""
    with served(sample_output) as url:
        yield url


def _first(folder: Path, pattern: str = "*/index.html", contains: str = "") -> str:
    """The site path of the first page under ``folder`` (whose HTML contains ``contains``)."""
    for path in sorted(folder.glob(pattern)):
        if not contains or re.search(contains, path.read_text(encoding="utf-8")):
            relative = path.parent.relative_to(folder.parent).as_posix()
            return f"/{relative}/"
    raise AssertionError(f"no page under {folder} matches {contains!r}")


@pytest.fixture(scope="session")
def kind_pages(sample_output: Path) -> dict[str, str]:
    """One page of every kind of the site map, by name."""
    out = sample_output
    return {
        "hub": "/",
        "hub-filter": "/hub/videos/",
        "hub-page-2": "/hub/page/2/",
        "post": _first(out / "posts", contains=r'class="comment[ "]'),
        "bloggers": "/bloggers/",
        "blogger": _first(out / "bloggers"),
        "featured": _first(out / "bloggers", "*/*/index.html", contains=r'class="comment[ "]'),
        "follow-friday": "/follow-friday/",
        "shoutout": _first(out / "follow-friday"),
        "contests": "/contests/",
        "contest": _first(out / "contests", contains="award-winner"),
        "video-youtube": _first(
            out / "videos", contains=r'class="facade" href="https://www\.youtube'
        ),
        "video-vimeo": _first(out / "videos", contains=r'class="facade" href="https://vimeo'),
        "video-file": _first(out / "videos", contains="<video"),
        "tags": "/tags/",
        "tag": _first(out / "tags"),
        "feeds": "/feeds/",
        "404": "/404.html",
    }


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder for screenshots (a test artefact, not committed)."""
    folder = ARTIFACTS / "screenshots"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
