"""Feed pages: every feed link people click leads to a readable page, not raw XML.

The sample hub is built once; each feed link in visible text is followed to its
feed page, whose addresses must be real feed files and whose latest entries
must be the feed's own newest entries (read back with feedparser).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag
from lxml import etree

from socialhub.templating import human_date
from socialhub.urls import LOCAL_PREVIEW_URL

FEED_SUFFIXES = (".rss.xml", ".atom.xml", ".json", ".opml")
# "20 November 2026": the site's date format (socialhub.templating.human_date).
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
HUMAN_DATE = re.compile(rf"^\d{{1,2}} ({MONTHS}) \d{{4}}$")


def soup_of(output: Path, site_path: str) -> BeautifulSoup:
    """The built page at a site path (``feeds/all/`` reads ``feeds/all/index.html``)."""
    path = output / site_path.lstrip("/")
    if site_path.endswith("/") or not site_path:
        path = path / "index.html"
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


def local_file(output: Path, url: str) -> Path:
    """The output file an absolute URL of the local build points at."""
    assert url.startswith(LOCAL_PREVIEW_URL + "/"), url
    return output / urlsplit(url).path.lstrip("/")


def visible_feed_targets(output: Path) -> set[str]:
    """The site paths of the feed pages that the feeds page, footer and directory link to."""
    targets = set()
    for page in ("feeds/", "bloggers/", "", "hub/"):
        for link in soup_of(output, page).select("body a[href]"):
            path = urlsplit(urljoin("/" + page, str(link["href"]))).path
            assert not path.endswith(FEED_SUFFIXES), f"{page}: a visible link to {path}"
            if path.startswith("/feeds/") and path != "/feeds/":
                targets.add(path)
    return targets


def test_every_visible_feed_link_leads_to_a_feed_page(sample_output: Path) -> None:
    """Feeds page, footer, bloggers: each feed link opens a feed page with real feed files."""
    targets = visible_feed_targets(sample_output)
    assert "/feeds/all/" in targets and "/feeds/blogroll/" in targets
    assert any(t.startswith("/feeds/tags/") for t in targets)
    assert any(t.startswith("/feeds/bloggers/") and t != "/feeds/bloggers/" for t in targets)
    for target in sorted(targets - {"/feeds/blogroll/"}):
        soup = soup_of(sample_output, target)
        fields = soup.select("main input.feed-address__url")
        assert [f["id"] for f in fields] == ["feed-atom", "feed-rss", "feed-json"], target
        for field in fields:
            assert field.has_attr("readonly"), target
            feed = local_file(sample_output, str(field["value"]))
            assert feed.is_file(), f"{target}: {field['value']} is not a feed file"
            # Without JavaScript the label names the field and the URL is its text.
            label = soup.select_one(f'label[for="{field["id"]}"]')
            assert label is not None and "address" in label.get_text(), target


def test_latest_entries_are_the_feeds_newest(sample_output: Path) -> None:
    """Titles, links and dates on each feed page are the feed's first entries, in order."""
    checked = 0
    for page in sorted(sample_output.glob("feeds/**/index.html")):
        if page.parent.name == "blogroll" or page.parent == sample_output / "feeds":
            continue
        soup = BeautifulSoup(page.read_text("utf-8"), "lxml")
        atom = str(soup.select_one("#feed-atom")["value"])  # type: ignore[index]
        parsed = feedparser.parse(local_file(sample_output, atom).read_bytes())
        assert not parsed.bozo, atom
        shown = soup.select(".feed-page__entries li")
        expected = parsed.entries[: len(shown)]
        assert len(shown) == min(10, len(parsed.entries)), page
        for item, entry in zip(shown, expected, strict=True):
            link = item.select_one("a")
            time = item.select_one("time")
            assert isinstance(link, Tag) and isinstance(time, Tag)
            assert link.get_text() == entry.title
            assert link["href"] == entry.link
            assert HUMAN_DATE.match(time.get_text()), time.get_text()
            # The day the feed says (Atom's published, with its offset), as the site writes it.
            assert time.get_text() == human_date(datetime.fromisoformat(entry.published))
            checked += 1
    assert checked > 20


def test_site_format_for_dates() -> None:
    """The pattern above is what the site's date filter writes."""
    assert HUMAN_DATE.match(human_date(date(2026, 11, 20)))


def test_subscribe_links(sample_output: Path) -> None:
    """The feed URL itself for the browser's handler, and web readers given that URL."""
    soup = soup_of(sample_output, "feeds/hub/")
    atom = str(soup.select_one("#feed-atom")["value"])  # type: ignore[index]
    links = soup.select(".feed-page__readers a")
    assert links[0]["href"] == atom
    readers = {urlsplit(str(a["href"])).hostname: str(a["href"]) for a in links[1:]}
    assert set(readers) == {"feedly.com", "www.inoreader.com", "www.newsblur.com"}
    assert unquote(readers["feedly.com"]).endswith(atom)
    assert parse_qs(urlsplit(readers["www.inoreader.com"]).query)["add_feed"] == [atom]
    # No third-party request: nothing on the page loads from another host.
    for element in soup.select("[src]"):
        assert not str(element["src"]).startswith("http"), element


def test_opml_page_lists_the_opml(sample_output: Path) -> None:
    """The blogroll page lists every feed of bloggers.opml and links the file to download."""
    soup = soup_of(sample_output, "feeds/blogroll/")
    download = soup.select_one("main a[download]")
    assert download is not None
    opml_file = local_file(sample_output, str(download["href"]))
    assert opml_file.name == "bloggers.opml"
    outlines = etree.parse(str(opml_file)).getroot().findall("body/outline")
    assert outlines
    shown = [code.get_text() for code in soup.select(".blogroll__feed")]
    assert shown == [o.get("xmlUrl") for o in outlines]
    assert soup.select_one("#feed-opml")["value"] == download["href"]  # type: ignore[index]


def test_feed_pages_stay_out_of_search(sample_output: Path) -> None:
    """Feed pages say noindex and the sitemap does not list them."""
    for page in ("feeds/all/", "feeds/blogroll/"):
        robots = soup_of(sample_output, page).select_one('meta[name="robots"]')
        assert robots is not None and robots["content"] == "noindex", page
    sitemap = (sample_output / "sitemap.xml").read_text("utf-8")
    assert "/feeds/all/" not in sitemap and "/feeds/blogroll/" not in sitemap


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("hub/", "feeds/hub.atom.xml"),
        ("feeds/all/", "feeds/all.atom.xml"),
        ("feeds/tags/accessibility/", "feeds/tags/accessibility.json"),
        ("tags/", "feeds/hub.rss.xml"),
    ],
)
def test_head_alternates_still_point_at_feeds(sample_output: Path, page: str, feed: str) -> None:
    """Autodiscovery for feed readers: the head's alternate links are the feed files."""
    links = soup_of(sample_output, page).select('head link[rel="alternate"]')
    hrefs = [str(link["href"]) for link in links]
    assert f"{LOCAL_PREVIEW_URL}/{feed}" in hrefs
    for href in hrefs:
        assert local_file(sample_output, href).is_file(), href


def test_comment_feeds_are_offered_without_a_page_each(sample_output: Path) -> None:
    """An item's comments feed: the feeds page links the comments and shows the address."""
    soup = soup_of(sample_output, "feeds/")
    section = soup.select_one('section[aria-labelledby="feeds-items"]')
    assert section is not None
    first = section.select_one(".feed-list li")
    assert first is not None
    link = first.select_one("a")
    assert link is not None and str(link["href"]).endswith("/#comments")
    address = first.select_one("code")
    assert address is not None
    assert local_file(sample_output, address.get_text()).is_file()
    assert not list(sample_output.glob("posts/*/comments/index.html"))
