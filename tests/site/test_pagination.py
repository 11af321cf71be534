"""Pages numbered from the oldest: a bounded pager, every item once, older pages kept as they were.

A synthetic hub (bench/synthetic.py) with small pages gives lists of many pages
(the hub, each kind, the tags) at a size that builds in seconds; the pager rule
itself is checked at 10,000 items on the paginated lists directly.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_site

from socialhub.pages import FRONT, WINDOW, paginate

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_hub  # noqa: E402  (bench/ is not a package)

ITEMS = 240  # content files of the synthetic hub: about 180 stream items
SIZE = 3  # cards a page: about 60 hub pages, 20 pages of a kind
MOST_LINKS = 2 * WINDOW + 5  # the front page, 2 gaps, the window, page 1

# List pages: the front pages, every hub page and filter, every tag's pages.
LISTING = re.compile(r"^(index\.html|hub/.*index\.html|tags/[^/]+/(page/\d+/)?index\.html)$")


def _soup(output: Path, url: str) -> BeautifulSoup:
    path = output / url.lstrip("/") / "index.html"
    assert path.is_file(), f"{url} was not written"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _cards(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select("main .card__title a")]


def _numbered(output: Path, base: str) -> list[int]:
    folder = output / base.strip("/") / "page"
    return sorted(int(p.name) for p in folder.iterdir()) if folder.is_dir() else []


def _snapshot(output: Path) -> dict[str, str]:
    return {
        str(path.relative_to(output)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in output.rglob("*")
        if path.is_file() and path.relative_to(output).parts[0] != "pagefind"
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A synthetic hub built once with small pages: (content folder, output folder).

    The last test of this module adds an item to it.
    """
    root = tmp_path_factory.mktemp("synthetic")
    write_hub(root, ITEMS)
    content = root / "content"
    return content, build_site(content, root / "output", HUB_PAGE_SIZE=SIZE)


def _biggest_tag(output: Path) -> str:
    """The site path of the tag with the most numbered pages."""
    tags = [p.parent for p in output.glob("tags/*/page")]
    assert tags, "no tag has numbered pages"
    biggest = max(tags, key=lambda tag: (len(list((tag / "page").iterdir())), tag.name))
    return f"/{biggest.relative_to(output).as_posix()}/"


def _lists(output: Path) -> list[str]:
    """The site paths of the lists with numbered pages: the hub, each kind, some tags."""
    bases = ["/hub/"] + [f"/hub/{slug}/" for slug in ("posts", "bloggers", "follow-friday")]
    return [*bases, _biggest_tag(output)]


def test_the_pager_is_bounded_at_10000_items() -> None:
    """834 pages of 12: every page's row has at most a dozen links, with page 1 and the front."""
    items = list(range(10_000, 0, -1))  # newest first
    pages = paginate(items, 12, "hub/")
    assert len(pages) == 1 + 834
    for pager in pages:
        numbers = [link.number for link in pager.links if not link.is_gap]
        assert len(pager.links) <= MOST_LINKS, pager.number
        assert numbers[0] == FRONT
        assert 1 in numbers
        assert pager.number in numbers
    listed = [item for pager in pages[1:] for item in pager.items]
    assert sorted(listed) == sorted(items), "an item is missing or on two numbered pages"
    assert pages[1].items == list(range(12, 0, -1)), "page 1 holds the oldest, newest first"
    assert pages[0].items == items[:12]


def test_older_pages_keep_items_and_pager_when_one_is_added() -> None:
    """With one item more, only the front page and the top pages of the list differ."""
    size = 12
    before = paginate(list(range(10_008, 0, -1)), size, "hub/")  # 834 pages, the top one full
    after = paginate(list(range(10_009, 0, -1)), size, "hub/")  # a page 835 with one item
    assert len(after) == len(before) + 1
    changed = [
        old.number
        for old, new in zip(before, after, strict=False)
        if (old.items, old.position) != (new.items, new.position)
    ]
    assert changed == [FRONT, *range(834 - WINDOW, 835)]


def test_every_page_has_a_bounded_accessible_pager(synthetic: tuple[Path, Path]) -> None:
    """Each list page names its pager, marks itself current, and shows a bounded row."""
    _content, output = synthetic
    for base in _lists(output):
        numbers = _numbered(output, base)
        if base.startswith("/hub/"):
            assert len(numbers) > 2 * WINDOW + 3, f"{base} has too few pages for the test"
        for url in [base] + [f"{base}page/{n}/" for n in numbers]:
            nav = _soup(output, url).select_one("nav.pagination")
            assert nav is not None and nav["aria-label"].endswith("pages"), url
            current = nav.select('a[aria-current="page"]')
            assert [a["href"] for a in current] == [url], url
            numbered = nav.select("a:not([rel])")
            assert len(numbered) <= MOST_LINKS - 2, url
            names = [a.get_text(" ", strip=True) for a in numbered]
            assert names[0] == "Newest" and "Page 1" in names, (url, names)
            assert all(re.fullmatch(r"Page \d+|Newest", name) for name in names), names


def test_next_and_prev_reach_every_page_and_list_every_item_once(
    synthetic: tuple[Path, Path],
) -> None:
    """Older from the front goes down to page 1, Newer back up; numbered pages split the list."""
    _content, output = synthetic
    for base in _lists(output):
        numbers = _numbered(output, base)
        visited, url = [base], base
        while (link := _soup(output, url).find("a", rel="next")) is not None:
            url = link["href"]
            visited.append(url)
        assert visited[-1] == f"{base}page/1/"
        while (link := _soup(output, url).find("a", rel="prev")) is not None:
            url = link["href"]
            visited.append(url)
        assert url == base
        assert set(visited) == {base} | {f"{base}page/{n}/" for n in numbers}, base
        pages = [_cards(_soup(output, f"{base}page/{n}/")) for n in reversed(numbers)]
        listed = [card for cards in pages for card in cards]
        assert len(listed) == len(set(listed)), f"{base}: an item is on two numbered pages"
        assert all(len(cards) == SIZE for cards in pages[1:]), "only the top page is partial"
        front = _cards(_soup(output, base))
        assert front == listed[:SIZE], f"{base}: the front page shows the newest items"


def test_the_kind_filters_link_to_their_own_pages(synthetic: tuple[Path, Path]) -> None:
    """A filter's pages keep the filter: their pager links stay under /hub/<kind>/."""
    _content, output = synthetic
    soup = _soup(output, "/hub/videos/page/2/")
    assert soup.select_one('.filters a[aria-current="page"]')["href"] == "/hub/videos/"
    hrefs = [a["href"] for a in soup.select("nav.pagination a")]
    assert hrefs and all(href.startswith("/hub/videos/") for href in hrefs)
    assert {card.split("/")[1] for card in _cards(soup)} == {"videos"}


def test_old_page_urls_still_answer(synthetic: tuple[Path, Path]) -> None:
    """/hub/page/2/ … (numbered from the newest before) are still pages of the hub."""
    _content, output = synthetic
    numbers = _numbered(output, "/hub/")
    assert numbers == list(range(1, len(numbers) + 1))
    for number in (2, len(numbers)):
        soup = _soup(output, f"/hub/page/{number}/")
        assert len(_cards(soup)) >= 1
        assert soup.find("link", rel="canonical")["href"].endswith(f"/hub/page/{number}/")


def test_adding_an_item_rewrites_only_the_top_of_its_lists(synthetic: tuple[Path, Path]) -> None:
    """A newest post changes the front pages and the top pages of the hub, posts and its tag."""
    content, output = synthetic
    tag = _biggest_tag(output)
    lists = {base: _numbered(output, base) for base in ("/hub/", "/hub/posts/", tag)}
    before = _snapshot(output)
    tag_name = tag.split("/")[2]
    (content / "posts" / "zz-newest.md").write_text(
        "Title: The newest post\nDate: 2030-01-01 09:00\nAuthor: Bench\n"
        f"Tags: {tag_name}\n"
        "Summary: Newer than everything.\n\nA new item.\n",
        encoding="utf-8",
    )
    build_site(content, output, HUB_PAGE_SIZE=SIZE)
    after = _snapshot(output)
    changed = {name for name in after if before.get(name) != after[name]}
    listed = {name for name in changed if LISTING.match(name)}
    allowed = {"index.html", *(f"{base.strip('/')}/index.html" for base in lists)}
    for base, numbers in lists.items():
        if base.startswith("/hub/"):
            assert len(numbers) > WINDOW + 2, f"{base} has too few pages for the test"
        top = max(numbers)
        # the top page, and the WINDOW pages below it when a new page appears above them
        allowed |= {f"{base.strip('/')}/page/{n}/index.html" for n in range(top - WINDOW, top + 2)}
    assert listed <= allowed, f"pages rewritten that keep their items: {sorted(listed - allowed)}"
    assert {"index.html", "hub/index.html", f"{tag.strip('/')}/index.html"} <= listed
    # Besides the lists: the new item's page, the feeds and the site-wide files, and the
    # social cards (thumbs/cards/<page>-<hash>.png) of the pages that changed.
    pages = {name.removesuffix("index.html").rstrip("/") for name in allowed} | {"posts/zz-newest"}
    others = {
        name
        for name in changed - listed
        if not name.startswith(("posts/zz-newest/", "feeds/", "fediverse/objects/posts/zz-newest/"))
        and name
        not in (
            "sitemap.xml",
            "comments-manifest.json",
            "bloggers.opml",
            "tags/index.html",
            "fediverse/outbox.json",
        )
        and re.sub(r"^thumbs/cards/(.*)-[0-9a-f]+\.png$", r"\1", name) not in pages
    }
    assert not others, sorted(others)
