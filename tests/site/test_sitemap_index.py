"""A hub with more URLs than one sitemap may hold gets a sitemap index and its parts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree

from socialhub import sitemap

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def page_locs(path: Path) -> list[str]:
    """The pages' own <loc> of a urlset file (not their pictures')."""
    root = etree.parse(str(path)).getroot()
    assert etree.QName(root).localname == "urlset"
    return [loc.text for loc in root.iterfind("s:url/s:loc", NS)]


def test_a_big_site_gets_an_index_of_parts_in_order(
    minimal_copy: Path, build: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the limit, sitemap.xml indexes sitemap-1.xml, ...; together they list each page once."""
    whole = page_locs(build(minimal_copy) / "sitemap.xml")
    assert len(whole) > 12
    monkeypatch.setattr(sitemap, "MAX_URLS", 5)
    output = build(minimal_copy)
    index = etree.parse(str(output / "sitemap.xml")).getroot()
    assert etree.QName(index).localname == "sitemapindex"
    parts = [element.text for element in index.iterfind("s:sitemap/s:loc", NS)]
    assert len(parts) == -(-len(whole) // 5)
    assert all(lastmod.text for lastmod in index.iterfind("s:sitemap/s:lastmod", NS))
    listed = []
    for number, loc in enumerate(parts, start=1):
        assert urlsplit(loc).path == f"/sitemap-{number}.xml"
        locs = page_locs(output / f"sitemap-{number}.xml")
        assert 0 < len(locs) <= 5
        listed += locs
    assert listed == whole
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert robots.rstrip().endswith("/sitemap.xml")


def test_parts_go_when_the_site_fits_in_one_sitemap_again(
    minimal_copy: Path, build: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Back under the limit, the rebuild leaves one sitemap.xml and no part behind."""
    monkeypatch.setattr(sitemap, "MAX_URLS", 5)
    output = build(minimal_copy)
    assert list(output.glob("sitemap-*.xml"))
    monkeypatch.setattr(sitemap, "MAX_URLS", 50_000)
    build(minimal_copy)
    assert not list(output.glob("sitemap-*.xml"))
    assert page_locs(output / "sitemap.xml")


def test_a_part_too_big_in_bytes_is_halved(
    minimal_copy: Path, build: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the URL limit but over the size limit, the pages are split into smaller parts."""
    whole = page_locs(build(minimal_copy) / "sitemap.xml")
    monkeypatch.setattr(sitemap, "MAX_BYTES", 1_000)
    output = build(minimal_copy)
    names = sorted(output.glob("sitemap-*.xml"), key=lambda p: int(p.stem.split("-")[1]))
    assert len(names) > 1
    listed = []
    for path in names:
        size = path.stat().st_size
        locs = page_locs(path)
        assert size <= 1_000 or len(locs) == 1
        listed += locs
    assert listed == whole
