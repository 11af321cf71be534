"""The search index: every build makes it, of the item pages only, again only when one changed."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from socialhub import search
from socialhub.build import BuildReport, run_build, summary
from socialhub.comments.config import manifest_location


def _fragments(output: Path) -> dict[str, dict[str, Any]]:
    """URL → Pagefind's record of the page (a fragment is gzip of b"pagefind_dcd" + JSON)."""
    records = {}
    for path in (output / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        record = json.loads(data[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    return records


def _item_urls(output: Path) -> dict[str, str]:
    """URL → kind of every item, from the manifest the build writes for the comment service."""
    path = manifest_location({"OUTPUT_PATH": str(output)})
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return {item["url"]: item["kind"] for item in manifest["items"].values()}


def test_the_index_covers_exactly_the_item_pages(sample_output: Path) -> None:
    """Every item page is in the index, and nothing else: no hub, tag, blogger or search page."""
    records = _fragments(sample_output)
    items = _item_urls(sample_output)
    assert len(items) > 30
    assert set(records) == set(items)
    entry = json.loads((sample_output / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(items)


def test_each_result_has_its_kind_title_date_image_and_filters(sample_output: Path) -> None:
    """Results can show kind, title, date and thumbnail, and be filtered by kind, blogger, ..."""
    records = _fragments(sample_output)
    kinds = {"post": "News", "featured": "Blogger post", "follow-friday": "#FF", "video": "Film"}
    for url, kind in _item_urls(sample_output).items():
        record = records[url]
        meta, filters = record["meta"], record["filters"]
        assert meta["title"] and meta["date"], url
        assert meta["kind"] == kinds[kind], url
        assert filters["kind"] == [kinds[kind]], url
        if kind == "featured":
            assert len(filters["blogger"]) == 1, url
            assert meta["image"].startswith("/"), url  # the blogger's avatar stands for it
        if kind == "video":
            assert len(filters["contest"]) == 1, url
            assert (sample_output / meta["image"].lstrip("/")).is_file(), url
        if kind == "follow-friday":
            assert (sample_output / meta["image"].lstrip("/")).is_file(), url
    assert any(record["filters"].get("tag") for record in records.values())


def test_comments_count_for_their_item_and_forms_do_not(sample_output: Path) -> None:
    """A word of a comment is in its item's words; the form's and the site's chrome are not."""
    records = _fragments(sample_output)
    film = records["/videos/harbour-lights/"]["content"]
    assert "unloaded" in film  # only in Aino Virtanen's comment on this film
    everything = " ".join(record["content"] for record in records.values())
    for chrome in ("Leave a comment", "Skip to content", "No cookies, no trackers", "Be the first"):
        assert chrome not in everything
    # Each item's words begin with its title: the kind's badge would open every excerpt.
    assert [
        url for url, r in records.items() if not r["content"].startswith(r["meta"]["title"])
    ] == []
    assert "Comments." not in everything
    # "More from this contest" cards under a film are the other films' words, not its own.
    assert "Harbour Lights" not in records["/videos/the-last-ferry/"]["content"]


def test_the_search_page_explains_itself_without_javascript(sample_output: Path) -> None:
    """/search/ loads Pagefind from the site, and without JavaScript links the tags and kinds."""
    html = (sample_output / "search" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "lxml")
    code = soup.select("script[src], link[rel=stylesheet]")
    sources = [str(tag.get("src") or tag.get("href")) for tag in code]
    assert {"/pagefind/pagefind-ui.js", "/pagefind/pagefind-ui.css"} <= set(sources)
    assert [source for source in sources if not source.startswith("/") or "//" in source] == []
    fallback = soup.find("noscript")
    assert fallback is not None and "needs JavaScript" in fallback.get_text()
    links = {a["href"] for a in BeautifulSoup(fallback.decode_contents(), "lxml").find_all("a")}
    assert {"/tags/", "/hub/posts/", "/hub/videos/"} <= links
    sitemap = (sample_output / "sitemap.xml").read_text(encoding="utf-8")
    assert "/search/</loc>" in sitemap


def test_the_header_box_is_a_plain_form_to_the_search_page(sample_output: Path) -> None:
    """Every page's header has a GET form to /search/ with ?q=, which works without JavaScript."""
    soup = BeautifulSoup((sample_output / "index.html").read_text("utf-8"), "lxml")
    form = soup.select_one("header form[role=search]")
    assert form is not None
    assert form["action"] == "/search/" and form["method"] == "get"
    assert form.select_one("input[name=q]") is not None


def test_an_unchanged_site_is_not_indexed_again(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """A second build of the same content keeps the index; editing one item makes it anew."""
    output = build(minimal_copy)
    assert search.LAST and search.LAST[0].reindexed
    entry = output / "pagefind" / "pagefind-entry.json"
    first = entry.stat().st_mtime_ns
    build(minimal_copy)
    assert search.LAST and not search.LAST[0].reindexed
    assert entry.stat().st_mtime_ns == first
    post = minimal_copy / "posts" / "first-post.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nQuokkas everywhere.\n", "utf-8")
    build(minimal_copy)
    assert search.LAST and search.LAST[0].reindexed
    assert "Quokkas" in _fragments(output)["/posts/first-post/"]["content"]
    # A deleted bundle comes back although no page changed: the kept copy of the same
    # pages' index, byte for byte (so a publish into a fresh folder uploads no change).
    before = {p.relative_to(output): p.read_bytes() for p in (output / "pagefind").rglob("*.*")}
    for path in sorted((output / "pagefind").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    build(minimal_copy)
    assert not search.LAST[0].reindexed and entry.is_file()
    after = {p.relative_to(output): p.read_bytes() for p in (output / "pagefind").rglob("*.*")}
    assert after == before


def test_a_rebuilt_index_holds_what_a_clean_one_does(minimal_copy: Path, tmp_path: Path) -> None:
    """After an edit, the rebuilt index has the same pages, words, metadata and filters."""
    root = Path(__file__).resolve().parents[2]

    def build_into(name: str) -> dict[str, dict[str, Any]]:
        output = tmp_path / name
        overrides = {"PATH": str(minimal_copy), "OUTPUT_PATH": str(output)}
        run_build(root / "pelicanconf.py", {**overrides, "CACHE_PATH": str(tmp_path / f"c-{name}")})
        return _fragments(output)

    build_into("rebuilt")
    post = minimal_copy / "posts" / "first-post.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Hello", "Wombats"), "utf-8")
    rebuilt = build_into("rebuilt")
    assert "Wombats" in rebuilt["/posts/first-post/"]["content"]
    assert rebuilt == build_into("clean")


def test_the_summary_prints_the_index_size() -> None:
    """The build's closing lines name the pages and size of the index, and whether it was redone."""
    report = BuildReport(Path("output"), 1.0, 3, 4, search=search.IndexReport(36, 684_000))
    assert (
        summary(report).splitlines()[1] == "Search index: 36 pages in 1 part, 668 KB (unchanged)."
    )
    parts = search.IndexReport(5000, 12_000_000, parts=3, parts_reindexed=1)
    assert search.summary_line(parts) == (
        "Search index: 5000 pages in 3 parts, 11719 KB (1 of 3 parts rebuilt)."
    )


def test_a_page_without_the_mark_is_refused_with_a_sentence(tmp_path: Path) -> None:
    """A template that lost data-pagefind-body is named, not indexed whole (header and all)."""
    page = tmp_path / "output" / "posts" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<!DOCTYPE html><html lang=en><title>a</title><main>words</main></html>")
    with pytest.raises(search.SearchError, match=r"posts/a/index.html has no data-pagefind-body"):
        search.build_index(tmp_path / "output", {"/posts/a/": "posts/a/index.html"}, tmp_path)
    assert not (tmp_path / "output" / "pagefind").exists()


def test_pagefind_reads_only_the_folders_of_item_pages() -> None:
    """The glob names the item pages' folders; a page it could not name makes Pagefind read all."""
    pages = ["posts/a/index.html", "bloggers/kari/b/index.html", "posts/c/index.html"]
    assert search.item_glob(pages) == "{bloggers,posts}/**/*.html"
    assert search.item_glob(["videos/a/index.html"]) == "videos/**/*.html"
    assert search.item_glob(["index.html", "posts/a/index.html"]) == ""
    assert search.item_glob(["odd,name/a/index.html"]) == ""
    assert search.item_glob([]) == ""
