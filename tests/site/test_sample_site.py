"""The sample hub, built for real: what a reader sees on every page of the map.

The sample is the copy under tests/data/sites/sample/, not the repository's
content/ (which is the hub's own). The expectations come from the sample's files
themselves (read here with a tiny header parser, independent of the build).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import SAMPLE

from socialhub.build import run_build
from socialhub.linkcheck import check_links
from socialhub.text import slugify
from socialhub.urls import LOCAL_PREVIEW_URL

ROOT = Path(__file__).resolve().parents[2]
CONTENT = SAMPLE
STREAM_FOLDERS = {"posts": "post", "featured": "featured", "follow-friday": "follow-friday"}
STREAM_FOLDERS["videos"] = "video"


@dataclass(frozen=True)
class Entry:
    """A content file as the tests see it: folder, slug and header."""

    folder: str
    slug: str
    header: dict[str, str]
    body: str

    @property
    def url(self) -> str:
        """Where the build must publish it."""
        if self.folder == "featured":
            return f"/bloggers/{self.header['blogger']}/{self.slug}/"
        if self.folder == "follow-friday":
            return f"/follow-friday/{self.slug}/"
        return f"/{self.folder}/{self.slug}/"


def read_entry(path: Path) -> Entry:
    """Parse a content file's header (Key: value lines up to the first empty line)."""
    text = path.read_text(encoding="utf-8")
    head, _, body = text.partition("\n\n")
    header: dict[str, str] = {}
    key = ""
    for line in head.splitlines():
        if line.startswith("    ") and key:
            header[key] += "\n" + line.strip()
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        header[key] = value.strip()
    return Entry(path.parent.name, path.stem, header, body)


def entries(folder: str) -> list[Entry]:
    """Every published file of one folder."""
    found = [read_entry(path) for path in sorted((CONTENT / folder).glob("*.md"))]
    return [entry for entry in found if entry.header.get("status", "published") != "draft"]


def stream_entries() -> list[Entry]:
    """Every published stream item."""
    return [entry for folder in STREAM_FOLDERS for entry in entries(folder)]


def page(output: Path, url: str) -> BeautifulSoup:
    """The parsed HTML at a site URL."""
    path = output / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    assert path.is_file(), f"{url} was not written"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_sample_has_every_kind_in_the_numbers_promised() -> None:
    """At least 6 bloggers, 12 featured posts, 6 #FF, 2 contests, 8 videos, 6 posts."""
    assert len(entries("bloggers")) >= 6
    assert len(entries("featured")) >= 12
    assert len(entries("follow-friday")) >= 6
    assert len(entries("contests")) == 2
    assert len(entries("videos")) >= 8
    assert len(entries("posts")) >= 6
    providers = {
        "youtube" if "youtu" in url else "vimeo" if "vimeo" in url else "file"
        for url in (entry.header["video-url"] for entry in entries("videos"))
    }
    assert providers == {"youtube", "vimeo", "file"}
    statuses = {entry.header["status"] for entry in entries("contests")}
    assert {"open", "closed"} <= statuses
    verdicts = {entry.header.get("verdict", "mixed") for entry in entries("featured")}
    assert {"praise", "criticism"} <= verdicts
    bloggers_featured = {entry.header["blogger"] for entry in entries("featured")}
    assert bloggers_featured == {entry.slug for entry in entries("bloggers")}


def test_build_of_the_sample_has_no_warning(tmp_path: Path) -> None:
    """A build of the sample logs no warning at all."""
    report = run_build(
        ROOT / "pelicanconf.py",
        {
            "PATH": str(CONTENT),
            "OUTPUT_PATH": str(tmp_path / "out"),
            "CACHE_PATH": str(tmp_path / "cache"),
        },
    )
    assert report.warnings == []


def test_every_url_of_the_map_exists(sample_output: Path) -> None:
    """Each page of PRODUCT.md's URL map is written."""
    urls = ["/", "/hub/", "/bloggers/", "/follow-friday/", "/contests/", "/tags/", "/feeds/"]
    urls += ["/hub/posts/", "/hub/bloggers/", "/hub/follow-friday/", "/hub/videos/"]
    urls += [entry.url for entry in stream_entries()]
    urls += [f"/bloggers/{entry.slug}/" for entry in entries("bloggers")]
    urls += [f"/contests/{entry.slug}/" for entry in entries("contests")]
    for url in urls:
        page(sample_output, url)
    for name in ("404.html", "sitemap.xml", "robots.txt", "favicon.ico"):
        assert (sample_output / name).is_file(), name


def _hub_pages(output: Path, base: str) -> list[BeautifulSoup]:
    """The pages that split a list: its numbered pages, newest first, or its front page alone.

    Pages are numbered from the oldest; the front page shows the newest items, which
    are also on the highest-numbered page (or two).
    """
    folder = output / base.strip("/") / "page"
    numbers = (
        sorted((int(p.name) for p in folder.iterdir()), reverse=True) if folder.is_dir() else []
    )
    return [page(output, f"{base}page/{n}/") for n in numbers] or [page(output, base)]


def _card_links(soup: BeautifulSoup) -> list[str]:
    return [a["href"] for a in soup.select("main .card__title a")]


def test_hub_lists_every_item_once_newest_first_over_its_pages(sample_output: Path) -> None:
    """The numbered pages of /hub/ show every stream item once, by date, newest first."""
    pages = _hub_pages(sample_output, "/hub/")
    assert len(pages) >= 2, "the sample should need more than one hub page"
    links = [link for soup in pages for link in _card_links(soup)]
    expected = sorted(stream_entries(), key=lambda e: (e.header["date"], e.slug), reverse=True)
    assert links == [entry.url for entry in expected]
    front = _card_links(page(sample_output, "/"))
    assert front == _card_links(page(sample_output, "/hub/")) == links[: len(front)]
    older = page(sample_output, "/hub/").find("a", rel="next")
    assert older is not None and older["href"] == f"/hub/page/{len(pages) - 1}/"
    names = [a.get_text(" ", strip=True) for a in pages[1].select(".pagination a:not([rel])")]
    assert names == ["Newest", *(f"Page {n}" for n in range(len(pages), 0, -1))]


@pytest.mark.parametrize(
    ("hub_slug", "folder"),
    [
        ("posts", "posts"),
        ("bloggers", "featured"),
        ("follow-friday", "follow-friday"),
        ("videos", "videos"),
    ],
)
def test_hub_filter_shows_only_its_kind(sample_output: Path, hub_slug: str, folder: str) -> None:
    """/hub/<kind>/ lists exactly the items of that kind, and works as plain links."""
    links = [
        link
        for soup in _hub_pages(sample_output, f"/hub/{hub_slug}/")
        for link in _card_links(soup)
    ]
    assert sorted(links) == sorted(entry.url for entry in entries(folder))
    current = page(sample_output, f"/hub/{hub_slug}/").select_one(".filters [aria-current]")
    assert current is not None
    assert current["href"] == f"/hub/{hub_slug}/"


def test_each_item_page_shows_its_fields(sample_output: Path) -> None:
    """An item's page has its title as heading, and the fields a reader needs."""
    for entry in stream_entries():
        soup = page(sample_output, entry.url)
        assert soup.h1.get_text(strip=True) == entry.header["title"], entry.url
        text = soup.main.get_text(" ", strip=True)
        if entry.folder == "posts":
            assert entry.header["author"] in text
        if entry.folder == "featured":
            original = soup.find("a", href=entry.header["original-url"])
            assert original is not None, entry.url
            assert entry.header["excerpt"][:40] in text
            blogger_link = soup.find("a", href=f"/bloggers/{entry.header['blogger']}/")
            assert blogger_link is not None
        if entry.folder == "follow-friday":
            for handle in entry.header["handles"].split(","):
                assert handle.strip() in text
            images = soup.select("main figure img")
            assert images
            assert all(img.get("alt") for img in images)
            assert soup.find("a", href=entry.header["original-url"]) is not None
        if entry.folder == "videos":
            assert entry.header["entrant"] in text
            assert soup.find("a", href=f"/contests/{entry.header['contest']}/") is not None
        for tag in filter(None, (t.strip() for t in entry.header.get("tags", "").split(","))):
            assert soup.select_one(f'.tags a:-soup-contains("{tag}")') is not None


def test_bloggers_directory_and_pages(sample_output: Path) -> None:
    """The directory lists every blogger; a blogger's page lists their featured posts."""
    directory = page(sample_output, "/bloggers/")
    listed = {a["href"] for a in directory.select(".blogger-card h2 a")}
    assert listed == {f"/bloggers/{entry.slug}/" for entry in entries("bloggers")}
    for blogger in entries("bloggers"):
        soup = page(sample_output, f"/bloggers/{blogger.slug}/")
        assert soup.h1.get_text(strip=True) == blogger.header["name"]
        assert soup.find("a", href=blogger.header["blog-url"]) is not None
        assert soup.find("a", href=blogger.header["feed-url"]) is not None
        theirs = {e.url for e in entries("featured") if e.header["blogger"] == blogger.slug}
        assert set(_card_links(soup)) == theirs


def test_gallery_shows_every_shoutout_picture(sample_output: Path) -> None:
    """The #FF gallery has every picture, each with its alt text, linking to its shout-out."""
    soup = page(sample_output, "/follow-friday/")
    shown = {(img["src"], img["alt"]) for img in soup.select(".gallery img")}
    expected = set()
    for entry in entries("follow-friday"):
        for alt, src in re.findall(r"!\[([^\]]+)\]\((\S+)", entry.body):
            expected.add((src, alt))
    assert shown == expected


def test_contests_grouped_with_their_videos_and_winners(sample_output: Path) -> None:
    """Contests by status; each contest lists its videos; winners are named."""
    contests = page(sample_output, "/contests/")
    for contest in entries("contests"):
        section = contests.find(id=f"status-{contest.header['status']}").parent
        assert section.find("a", href=f"/contests/{contest.slug}/") is not None
        soup = page(sample_output, f"/contests/{contest.slug}/")
        videos = {e.url for e in entries("videos") if e.header["contest"] == contest.slug}
        assert set(_card_links(soup)) == videos
        for winner in filter(None, contest.header.get("winners", "").split(",")):
            winners = soup.find(id="award-winner").parent
            assert winners.find("a", href=f"/videos/{winner.strip()}/") is not None


def test_every_internal_link_resolves(sample_output: Path) -> None:
    """Every link, picture and fragment on every page points at what the build wrote."""
    report = check_links(sample_output, LOCAL_PREVIEW_URL)
    assert [str(link) for link in report.broken] == []
    assert report.links > 20 * report.pages > 1000


def test_comments_are_threaded_and_mentions_shown(sample_output: Path) -> None:
    """A thread two deep is nested two deep; a Webmention shows as 'Mentioned by'."""
    deepest = 0
    mentions = 0
    for folder in sorted((CONTENT / "comments").iterdir()):
        item = next(e for e in stream_entries() if e.slug == folder.name)
        soup = page(sample_output, item.url)
        for comment in folder.glob("*.md"):
            entry = read_entry(comment)
            anchor = soup.find(id=f"comment-{comment.stem}")
            assert anchor is not None, comment
            if entry.header.get("source") == "webmention":
                mentions += 1
                assert anchor.find_parent(class_="mentions") is not None
            depth = len(anchor.find_parents(class_="comment-replies"))
            deepest = max(deepest, depth)
    assert deepest >= 2
    assert mentions >= 1


def test_closed_comments_say_so_and_have_no_form(sample_output: Path) -> None:
    """An item with Comments: no shows a note and no form; others have the form."""
    for entry in stream_entries():
        soup = page(sample_output, entry.url)
        closed = entry.header.get("comments", "yes") == "no"
        assert (soup.find("form", class_="comment-form") is None) == closed, entry.url
        assert (soup.find(class_="comments-closed") is not None) == closed, entry.url


def test_tags_pages_list_their_items(sample_output: Path) -> None:
    """Every tag has a page listing exactly the items that carry it."""
    tagged: dict[str, set[str]] = {}
    for entry in stream_entries():
        for tag in filter(None, (t.strip() for t in entry.header.get("tags", "").split(","))):
            tagged.setdefault(slugify(tag), set()).add(entry.url)
    assert tagged
    for slug, urls in tagged.items():
        links = [
            link
            for soup in _hub_pages(sample_output, f"/tags/{slug}/")
            for link in _card_links(soup)
        ]
        assert set(links) == urls


def test_the_build_is_a_pure_function_of_the_repository(
    sample_output: Path, tmp_path: Path
) -> None:
    """Building the same content twice gives the same files, byte for byte."""
    again = tmp_path / "again"
    run_build(
        ROOT / "pelicanconf.py",
        {
            "PATH": str(CONTENT),
            "OUTPUT_PATH": str(again),
            "CACHE_PATH": str(tmp_path / "cache"),
            # The same fediverse key as the first build (the key is the one input not in git).
            "ACTIVITYPUB_KEYS_DIR": str(sample_output.parent / f".keys-{sample_output.name}"),
        },
    )
    # Why the search bundle apart: Pagefind writes its filter indexes in no fixed order
    # (Pagefind issue #638), so its names differ; tests/site/test_search.py compares
    # what it holds instead.
    first = {
        p.relative_to(sample_output): p.read_bytes()
        for p in sample_output.rglob("*")
        if p.is_file() and p.relative_to(sample_output).parts[0] != "pagefind"
    }
    second = {
        p.relative_to(again): p.read_bytes()
        for p in again.rglob("*")
        if p.is_file() and p.relative_to(again).parts[0] != "pagefind"
    }
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
