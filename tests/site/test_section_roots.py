"""Every section root of the URL map answers: a page of its own, or a way to the hub's filter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from socialhub.urls import LOCAL_PREVIEW_URL

LISTS = ("hub/", "bloggers/", "follow-friday/", "contests/", "tags/", "feeds/")
REDIRECTS = {"posts/": "hub/posts/", "videos/": "hub/videos/"}


def _soup(output: Path, site_path: str) -> BeautifulSoup:
    return BeautifulSoup((output / site_path / "index.html").read_text("utf-8"), "lxml")


def _refresh(soup: BeautifulSoup) -> str:
    """The target of a meta refresh, or ""."""
    tag = soup.find("meta", attrs={"http-equiv": "refresh"})
    return tag["content"].split("url=", 1)[1] if tag else ""


def test_section_roots_are_pages_or_lead_to_the_hub_filter(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """/posts/ and /videos/ send readers to /hub/posts/ and /hub/videos/, by a plain link too."""
    output = build(minimal_copy)
    for section in LISTS:
        soup = _soup(output, section)
        assert not _refresh(soup), section
        assert soup.find("h1").get_text(strip=True), section
    for section, target in REDIRECTS.items():
        soup = _soup(output, section)
        assert _refresh(soup) == f"/{target}", section
        assert (output / target / "index.html").is_file()
        assert soup.find("link", rel="canonical")["href"] == f"{LOCAL_PREVIEW_URL}/{target}"
        assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        # Without refresh (some readers turn it off), the page holds the link to follow.
        assert [a["href"] for a in soup.select("main a")] == [f"/{target}"]


def test_the_sitemap_lists_real_pages_only(minimal_copy: Path, build: Callable[..., Path]) -> None:
    """Every address in the sitemap is a page with content; the section redirects are not in it."""
    output = build(minimal_copy)
    sitemap = BeautifulSoup((output / "sitemap.xml").read_text("utf-8"), "xml")
    # The pages' own <loc>, not the image:loc of their pictures.
    pages = [url.find("loc", recursive=False) for url in sitemap.find_all("url")]
    paths = [urlsplit(loc.text).path.lstrip("/") for loc in pages]
    assert set(LISTS) <= set(paths)
    assert not set(REDIRECTS) & set(paths)
    for path in paths:
        page = output / path / "index.html"
        assert page.is_file(), path
        assert not _refresh(BeautifulSoup(page.read_text("utf-8"), "lxml")), path


def test_section_roots_with_a_site_url(minimal_copy: Path, build: Callable[..., Path]) -> None:
    """Published under a site URL, the refresh and the link point at it."""
    output = build(minimal_copy, SITEURL="https://hub.example.org")
    soup = _soup(output, "posts/")
    assert _refresh(soup) == "https://hub.example.org/hub/posts/"
    assert soup.select_one("main a")["href"] == "https://hub.example.org/hub/posts/"
