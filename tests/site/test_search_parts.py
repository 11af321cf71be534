"""The search index in parts: every item in exactly one part, and a change redoes only its part."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from helpers import SAMPLE, build_site, served
from search_ui import films_only, result_count, search_for, wait_for_count

from socialhub import search
from socialhub.build import run_build
from socialhub.comments.config import manifest_location
from socialhub.errors import SettingsError

ROOT = Path(__file__).resolve().parents[2]
SIZE = 10  # the sample's 36 items make four parts: 10, 10, 10 and 6


def _parts(output: Path) -> list[Path]:
    """The part bundles of a built site, in order: pagefind/, pagefind-2/, pagefind-3/..."""
    numbered = [p for p in output.glob("pagefind-*") if re.fullmatch(r"pagefind-\d+", p.name)]
    numbered.sort(key=lambda path: int(path.name.split("-")[1]))
    return [output / "pagefind", *numbered] if (output / "pagefind").is_dir() else numbered


def _page_count(bundle: Path) -> int:
    """The pages Pagefind says the bundle holds (pagefind-entry.json)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def _records(bundle: Path) -> dict[str, dict[str, Any]]:
    """URL → Pagefind's record of each page of one part (a fragment: gzip of a tag + JSON)."""
    records = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])
        records[record["url"]] = record
    return records


def _item_urls(output: Path) -> list[str]:
    """Every item's URL, from the manifest the build writes for the comment service."""
    path = manifest_location({"OUTPUT_PATH": str(output)})
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return [item["url"] for item in manifest["items"].values()]


def _stamps(bundle: Path) -> dict[str, tuple[int, int]]:
    """Every file of a bundle: its inode and modification time (both change if it is rewritten)."""
    return {
        str(path.relative_to(bundle)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in bundle.rglob("*")
        if path.is_file()
    }


def _part_of(output: Path, url: str) -> int:
    """The number (from 1) of the part whose bundle holds ``url``."""
    found = [n for n, bundle in enumerate(_parts(output), 1) if url in _records(bundle)]
    assert len(found) == 1, (url, found)
    return found[0]


def _build(sample_copy: Path, size: int = SIZE) -> Path:
    return build_site(sample_copy, sample_copy.parent / "output", SEARCH_PART_SIZE=size)


def test_every_item_is_in_exactly_one_part(sample_copy: Path) -> None:
    """Four parts of at most ten pages, oldest items first; the search page merges parts 2 to 4."""
    output = _build(sample_copy)
    parts = _parts(output)
    assert [p.name for p in parts] == ["pagefind", "pagefind-2", "pagefind-3", "pagefind-4"]
    counts = [_page_count(bundle) for bundle in parts]
    items = _item_urls(output)
    assert counts == [10, 10, 10, len(items) - 30]
    seen = [url for bundle in parts for url in _records(bundle)]
    assert sorted(seen) == sorted(items)  # each once: no item in two parts, none left out
    assert search.LAST[0] == search.IndexReport(
        len(items), search.LAST[0].bytes, parts=4, parts_reindexed=4
    )
    # Oldest first: every date of a part is no later than every date of the next.
    dates = [
        sorted(datetime.strptime(r["meta"]["date"], "%d %B %Y") for r in _records(b).values())
        for b in parts
    ]
    assert all(a[-1] <= b[0] for a, b in pairwise(dates)), dates
    page = BeautifulSoup((output / "search" / "index.html").read_text("utf-8"), "lxml")
    box = page.select_one("#search")
    assert box is not None and box["data-bundle"] == "/pagefind/"
    assert str(box["data-merge"]).split() == ["/pagefind-2/", "/pagefind-3/", "/pagefind-4/"]


def test_one_changed_item_reindexes_only_its_part(sample_copy: Path) -> None:
    """An edit to one item's body runs Pagefind for its part; the others keep every file."""
    output = _build(sample_copy)
    number = _part_of(output, "/posts/night-mode-update/")
    before = [_stamps(bundle) for bundle in _parts(output)]
    post = sample_copy / "posts" / "night-mode-update.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nPlatypuses approve.\n", "utf-8")
    _build(sample_copy)
    assert search.LAST[0].parts_reindexed == 1
    after = [_stamps(bundle) for bundle in _parts(output)]
    for n, (old, new) in enumerate(zip(before, after, strict=True), 1):
        assert (old == new) == (n != number), n
    record = _records(_parts(output)[number - 1])["/posts/night-mode-update/"]
    assert "Platypuses" in record["content"]


def test_a_new_item_touches_only_the_last_part(sample_copy: Path) -> None:
    """A new newest item lands in the last part; the parts before it keep every file."""
    output = _build(sample_copy)
    before = [_stamps(bundle) for bundle in _parts(output)]
    (sample_copy / "posts" / "zebras-arrive.md").write_text(
        "Title: Zebras arrive\nDate: 2030-01-01 10:00\nAuthor: Lumen team\n"
        "Summary: Stripes.\n\nThe zebras arrived on time.\n",
        "utf-8",
    )
    _build(sample_copy)
    parts = _parts(output)
    assert len(parts) == 4 and search.LAST[0].parts_reindexed == 1
    assert [_stamps(bundle) for bundle in parts[:3]] == before[:3]
    assert _stamps(parts[3]) != before[3]
    assert "/posts/zebras-arrive/" in _records(parts[3])
    assert _page_count(parts[3]) == len(_item_urls(output)) - 30


def test_removed_items_remove_their_part(sample_copy: Path) -> None:
    """With fewer items the last part goes: its bundle, its entry on the search page, its cache."""
    output = _build(sample_copy)
    cache = output.parent / f".cache-{output.name}" / "search"
    assert len(list(cache.glob("*-4.json"))) == 1
    # Blogger posts nobody commented on, so nothing else names them.
    commented = {path.name for path in (sample_copy / "comments").iterdir()}
    removable = [
        p for p in sorted((sample_copy / "featured").glob("*.md")) if p.stem not in commented
    ]
    for path in removable[:7]:
        path.unlink()
    _build(sample_copy)
    parts = _parts(output)
    assert [p.name for p in parts] == ["pagefind", "pagefind-2", "pagefind-3"]
    assert sum(_page_count(bundle) for bundle in parts) == len(_item_urls(output))
    assert not list(cache.glob("*-4.*"))
    box = BeautifulSoup((output / "search" / "index.html").read_text("utf-8"), "lxml")
    assert str(box.select_one("#search")["data-merge"]).split() == ["/pagefind-2/", "/pagefind-3/"]


def test_a_bad_part_size_is_named(sample_copy: Path, tmp_path: Path) -> None:
    """SEARCH_PART_SIZE must be a whole number of 1 or more; the error names it and the fix."""
    overrides = {
        "PATH": str(sample_copy),
        "OUTPUT_PATH": str(tmp_path / "out"),
        "SEARCH_PART_SIZE": 0,
    }
    with pytest.raises(SettingsError, match=r"SEARCH_PART_SIZE: must be 1 or more, not 0"):
        run_build(ROOT / "pelicanconf.py", overrides)
    assert not (tmp_path / "out" / "pagefind").exists()


# The search page in Debian's Chromium, over a site of four parts.


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The sample hub built in parts of ten items, served on 127.0.0.1."""
    output = build_site(SAMPLE, tmp_path_factory.mktemp("parts") / "output", SEARCH_PART_SIZE=SIZE)
    with served(output) as url:
        yield output, url


def _unique_word(output: Path, url: str) -> str:
    """A word of ``url``'s indexed text that no other item's text holds."""
    records = {u: r for bundle in _parts(output) for u, r in _records(bundle).items()}
    others = " ".join(r["content"].lower() for u, r in records.items() if u != url)
    for word in re.findall(r"[a-z]{7,}", records[url]["content"].lower()):
        if word not in others:
            return word
    raise AssertionError(f"no word only {url} has")


@pytest.mark.slow
@pytest.mark.browser
def test_the_search_page_finds_items_of_every_part(
    chromium: Any, parted_site: tuple[Path, str]
) -> None:
    """A word of the first part and one of the last are both found; the kind filter narrows."""
    output, site_url = parted_site
    first = sorted(_records(_parts(output)[0]))[0]
    last = sorted(_records(_parts(output)[-1]))[0]
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        for url in (first, last):
            assert search_for(page, site_url, _unique_word(output, url))[0] == url
        everything = search_for(page, site_url, "night")
        total = wait_for_count(page)
        assert any(not url.startswith("/videos/") for url in everything), everything
        films = films_only(page, total)
        assert films and all(url.startswith("/videos/") for url in films), films
        # The count spans the parts: more films than any one part has with the word.
        per_part = [
            sum(
                1
                for url, record in _records(bundle).items()
                if url.startswith("/videos/") and re.search(r"\bnight", record["content"], re.I)
            )
            for bundle in _parts(output)
        ]
        filtered = result_count(page)
        assert max(per_part) < filtered <= sum(per_part), (filtered, per_part)
    finally:
        context.close()
