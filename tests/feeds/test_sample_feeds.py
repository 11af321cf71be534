"""Every feed the sample hub writes, read as a feed reader and a validator would.

The W3C Feed Validation Service's documented warnings are ruled out here one by
one: a missing self link, a self link that is not where the file is, relative
URLs in content, non-unique ids, bad dates, a missing language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from bs4 import BeautifulSoup
from helpers import SAMPLE
from lxml import etree

from socialhub.urls import LOCAL_PREVIEW_URL

ATOM = "{http://www.w3.org/2005/Atom}"
MEDIA = "{http://search.yahoo.com/mrss/}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")
ROOT = Path(__file__).resolve().parents[2]


def feeds(output: Path, suffix: str) -> Iterator[Path]:
    """Every feed file of one format (the search index and the fediverse documents are not)."""
    not_feeds = {"pagefind", "fediverse"}
    yield from sorted(p for p in output.rglob(f"*{suffix}") if not_feeds.isdisjoint(p.parts))


def published_at(output: Path, path: Path) -> str:
    """The URL a feed file is published at (local build)."""
    return f"{LOCAL_PREVIEW_URL}/{path.relative_to(output).as_posix()}"


def assert_absolute_urls(html: str, where: str) -> None:
    """No relative URL in content (the validator warns about each)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in (("a", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            value = element.get(attribute, "")
            assert urlsplit(value).scheme in ("http", "https", "mailto"), (where, value)
    assert soup.find(["script", "iframe", "object", "embed", "style", "form"]) is None, where


def test_the_sample_writes_every_stream_in_three_formats(sample_output: Path) -> None:
    """all, hub, posts, bloggers, follow-friday, videos, comments; per blogger, contest, tag."""
    for name in ("all", "hub", "posts", "bloggers", "follow-friday", "videos", "comments"):
        for suffix in (".rss.xml", ".atom.xml", ".json"):
            assert (sample_output / "feeds" / f"{name}{suffix}").is_file(), name + suffix
    for folder in ("bloggers", "contests", "tags"):
        rss = {
            p.name.removesuffix(".rss.xml")
            for p in (sample_output / "feeds" / folder).glob("*.rss.xml")
        }
        atom = {
            p.name.removesuffix(".atom.xml")
            for p in (sample_output / "feeds" / folder).glob("*.atom.xml")
        }
        jsons = {
            p.name.removesuffix(".json") for p in (sample_output / "feeds" / folder).glob("*.json")
        }
        assert rss and rss == atom == jsons, folder
    slugs = {p.stem for p in (SAMPLE / "bloggers").glob("*.md")}
    assert {
        p.name.removesuffix(".rss.xml")
        for p in (sample_output / "feeds" / "bloggers").glob("*.rss.xml")
    } == slugs
    assert (sample_output / "posts" / "welcome-to-the-hub" / "comments.atom.xml").is_file()


def test_every_feed_parses_without_bozo(sample_output: Path) -> None:
    """feedparser reads every RSS and Atom feed cleanly, with its entries."""
    for suffix in (".rss.xml", ".atom.xml"):
        for path in feeds(sample_output, suffix):
            parsed = feedparser.parse(path.read_bytes())
            assert not parsed.bozo, (path, parsed.get("bozo_exception"))
            assert parsed.feed.get("title"), path


def test_rss_channels_and_items(sample_output: Path) -> None:
    """RSS: self link where the file is, language, RFC 822 dates, unique guids, absolute URLs."""
    for path in feeds(sample_output, ".rss.xml"):
        channel = etree.parse(str(path)).getroot().find("channel")
        self_links = [link for link in channel.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert [link.get("href") for link in self_links] == [published_at(sample_output, path)]
        assert channel.findtext("language") == "en"
        assert urlsplit(channel.findtext("link")).scheme == "http"
        guids = [item.findtext("guid") for item in channel.findall("item")]
        assert len(guids) == len(set(guids)), path
        for item in channel.findall("item"):
            assert item.find("guid").get("isPermaLink") == "false"
            assert item.findtext("guid").startswith("tag:hub.lumen-mobile.example,2026:/")
            parsedate_to_datetime(item.findtext("pubDate"))  # RFC 822, or it raises
            assert urlsplit(item.findtext("link")).scheme == "http"
            encoded = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
            assert_absolute_urls(encoded or "", f"{path}: {item.findtext('title')}")
            assert item.findtext("{http://purl.org/dc/elements/1.1/}creator")
            assert len(item.findall("enclosure")) <= 1


def test_atom_feeds_and_entries(sample_output: Path) -> None:
    """Atom: id, self and alternate links, xml:lang, RFC 3339 dates, unique ids, authors."""
    for path in feeds(sample_output, ".atom.xml"):
        feed = etree.parse(str(path)).getroot()
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        assert links["self"] == published_at(sample_output, path)
        assert links["alternate"].startswith(LOCAL_PREVIEW_URL)
        assert RFC3339.match(feed.findtext(f"{ATOM}updated")), path
        assert feed.findtext(f"{ATOM}logo") and feed.findtext(f"{ATOM}icon")
        ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
        assert len(ids) == len(set(ids)), path
        for entry in feed.findall(f"{ATOM}entry"):
            assert RFC3339.match(entry.findtext(f"{ATOM}published"))
            assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
            assert entry.find(f"{ATOM}author/{ATOM}name").text
            rels = [link.get("rel") for link in entry.findall(f"{ATOM}link")]
            assert rels.count("alternate") == 1, path
            for link in entry.findall(f"{ATOM}link"):
                if link.get("rel") == "enclosure":
                    assert int(link.get("length")) > 0 and link.get("type")
            assert_absolute_urls(entry.findtext(f"{ATOM}content"), str(path))


def test_json_feeds_follow_the_1_1_spec(sample_output: Path) -> None:
    """JSON Feed 1.1: version, title, feed_url where the file is, items with id and content."""
    for path in feeds(sample_output, ".json"):
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"]
        assert feed["feed_url"] == published_at(sample_output, path)
        assert feed["home_page_url"].startswith(LOCAL_PREVIEW_URL)
        assert feed["language"] == "en"
        assert isinstance(feed["items"], list)
        ids = [item["id"] for item in feed["items"]]
        assert len(ids) == len(set(ids))
        for item in feed["items"]:
            assert isinstance(item["id"], str)
            assert "content_html" in item or "content_text" in item
            assert RFC3339.match(item["date_published"])
            assert_absolute_urls(item["content_html"], str(path))
            for attachment in item.get("attachments", []):
                assert attachment["url"] and attachment["mime_type"]


def test_featured_posts_link_to_the_original_and_say_whose_it_is(sample_output: Path) -> None:
    """A featured post's entry names its blogger and links to the original post."""
    feed = json.loads((sample_output / "feeds" / "bloggers.json").read_text(encoding="utf-8"))
    night = next(item for item in feed["items"] if item["title"] == "A night walk with the X2 Pro")
    assert night["external_url"] == "https://pocketlens.example/2026/11/x2-pro-night-walk/"
    assert night["authors"][0]["name"] == "Nina Okafor"
    assert "Read the whole post on Pocket Lens" in night["content_html"]
    atom = feedparser.parse((sample_output / "feeds" / "bloggers.atom.xml").read_bytes())
    entry = next(e for e in atom.entries if e.title == "A night walk with the X2 Pro")
    assert {link.rel: link.href for link in entry.links}["related"] == night["external_url"]


def test_pictures_and_films_are_carried_as_media(sample_output: Path) -> None:
    """#FF images and films: enclosures with length and type, Media RSS, JSON attachments."""
    rss = etree.parse(str(sample_output / "feeds" / "follow-friday.rss.xml")).getroot()
    item = rss.find("channel/item")
    enclosure = item.find("enclosure")
    assert int(enclosure.get("length")) > 0 and enclosure.get("type").startswith("image/")
    contents = item.findall(f"{MEDIA}content")
    assert len(contents) == 2  # the shout-out of 2026-11-20 has two pictures
    assert all(c.get("medium") == "image" and c.find(f"{MEDIA}title").text for c in contents)
    videos = etree.parse(str(sample_output / "feeds" / "videos.rss.xml")).getroot()
    films = {i.findtext("title"): i for i in videos.find("channel").findall("item")}
    ferry = films["The Last Ferry"]
    assert ferry.find("enclosure").get("type") == "video/webm"
    assert ferry.find(f"{MEDIA}content").get("url").endswith("/media/the-last-ferry.webm")
    harbour = films["Harbour Lights"].find(f"{MEDIA}content")
    assert (
        harbour.find(f"{MEDIA}player").get("url") == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    )
    assert (
        harbour.find(f"{MEDIA}thumbnail").get("url").endswith("/images/posters/harbour-lights.jpg")
    )
    feed = json.loads((sample_output / "feeds" / "videos.json").read_text(encoding="utf-8"))
    ferry_json = next(i for i in feed["items"] if i["title"] == "The Last Ferry")
    assert ferry_json["attachments"][0]["mime_type"] == "video/webm"
    assert ferry_json["attachments"][0]["size_in_bytes"] > 0
    assert ferry_json["image"].endswith(".jpg")


def test_ids_do_not_change_when_a_title_changes(minimal_copy: Path, build) -> None:
    """The entry id is made of the kind and the slug, never the title."""
    first = json.loads((build(minimal_copy) / "feeds" / "posts.json").read_text(encoding="utf-8"))
    post = minimal_copy / "posts" / "first-post.md"
    post.write_text(post.read_text(encoding="utf-8").replace("First post", "Renamed"), "utf-8")
    second = json.loads((build(minimal_copy) / "feeds" / "posts.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in first["items"]] == [i["id"] for i in second["items"]]
    assert "Renamed" in [i["title"] for i in second["items"]]


def test_item_count_is_a_setting_and_empty_streams_are_valid(minimal_copy: Path, build) -> None:
    """FEED_ITEM_COUNT caps every feed; a stream with nothing in it is still a valid feed."""
    output = build(minimal_copy, FEED_ITEM_COUNT=1)
    everything = feedparser.parse((output / "feeds" / "all.atom.xml").read_bytes())
    assert len(everything.entries) == 1
    closed = output / "posts" / "closed-post" / "comments.rss.xml"
    parsed = feedparser.parse(closed.read_bytes())
    assert not parsed.bozo and parsed.entries == []


def test_opml_lists_every_blogger(sample_output: Path) -> None:
    """/bloggers.opml is OPML 2.0 with one rss outline per blogger and their own feed."""
    opml = etree.parse(str(sample_output / "bloggers.opml")).getroot()
    assert opml.get("version") == "2.0"
    assert opml.findtext("head/title")
    outlines = opml.findall("body/outline")
    bloggers = sorted((SAMPLE / "bloggers").glob("*.md"))
    assert len(outlines) == len(bloggers)
    for outline in outlines:
        assert outline.get("type") == "rss"
        assert outline.get("title") and outline.get("text")
        assert urlsplit(outline.get("xmlUrl")).scheme == "https"
        assert urlsplit(outline.get("htmlUrl")).scheme == "https"


def test_feeds_page_offers_every_feed(sample_output: Path) -> None:
    """/feeds/ offers every feed file written: a stream's through its feed page, in all
    formats; an item's comments feed by its address beside a link to the comments."""
    soup = BeautifulSoup((sample_output / "feeds" / "index.html").read_text("utf-8"), "lxml")
    offered = set()
    for href in {a["href"] for a in soup.select(".feed-list__formats a[href^='/feeds/']")}:
        page = BeautifulSoup((sample_output / href.strip("/") / "index.html").read_text(), "lxml")
        offered |= {urlsplit(f["value"]).path for f in page.select("input.feed-address__url")}
    for code in soup.select('section[aria-labelledby="feeds-items"] .feed-list code'):
        atom = urlsplit(code.get_text()).path
        offered |= {atom, atom.replace(".atom.xml", ".rss.xml"), atom.replace(".atom.xml", ".json")}
    written = {
        "/" + p.relative_to(sample_output).as_posix()
        for suffix in (".rss.xml", ".atom.xml")
        for p in sample_output.rglob(f"*{suffix}")
    }
    assert written <= offered


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("hub/index.html", "/feeds/hub.atom.xml"),
        ("bloggers/nina-okafor/index.html", "/feeds/bloggers/nina-okafor.rss.xml"),
        ("videos/harbour-lights/index.html", "/videos/harbour-lights/comments.json"),
        ("contests/winter-light/index.html", "/feeds/contests/winter-light.atom.xml"),
        ("tags/cameras/index.html", "/feeds/tags/cameras.rss.xml"),
    ],
)
def test_pages_announce_their_feeds(sample_output: Path, page: str, expected: str) -> None:
    """Autodiscovery links in each page's head point at the feeds that concern it."""
    soup = BeautifulSoup((sample_output / page).read_text("utf-8"), "lxml")
    hrefs = [link["href"] for link in soup.select('head link[rel="alternate"]')]
    assert f"{LOCAL_PREVIEW_URL}{expected}" in hrefs


def test_feeds_carry_no_stylesheet(sample_output: Path) -> None:
    """RSS and Atom are plain feeds: no xml-stylesheet (browsers are dropping XSLT)."""
    for name in ("all.rss.xml", "all.atom.xml"):
        head = (sample_output / "feeds" / name).read_text("utf-8")[:300]
        assert head.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<"), name
        assert "xml-stylesheet" not in head, name
    assert not (sample_output / "theme" / "feed.xsl").exists()
