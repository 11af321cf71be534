"""WebSub discovery in every feed (W3C WebSub 4): the hub and the feed's own URL, or nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from socialhub.errors import SettingsError
from socialhub.mentions.websub import is_feed, published_feeds
from socialhub.urls import LOCAL_PREVIEW_URL

HUB = "https://hub.websub.example/"
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_files(output: Path) -> list[Path]:
    """Every feed of a build, found by its name (the search index and the manifest are not)."""
    found = [
        path
        for path in output.rglob("*")
        if path.name.endswith((".rss.xml", ".atom.xml"))
        or (path.suffix == ".json" and ("feeds" in path.parts or path.name == "comments.json"))
    ]
    return sorted(found)


def test_every_feed_names_the_hub_and_where_it_is_published(minimal_copy: Path, build) -> None:
    """RSS and Atom have rel=hub and rel=self links, JSON Feed hubs and feed_url."""
    output = build(minimal_copy, WEBSUB_HUB=HUB)
    files = feed_files(output)
    assert len(files) > 30  # every stream, every item's comments, in three formats
    assert {path.name.split(".", 1)[1] for path in files} == {"rss.xml", "atom.xml", "json"}
    for path in files:
        where = f"{LOCAL_PREVIEW_URL}/{path.relative_to(output).as_posix()}"
        if path.suffix == ".json":
            feed = json.loads(path.read_bytes())
            assert feed["hubs"] == [{"type": "WebSub", "url": HUB}], path
            assert feed["feed_url"] == where
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        links = [(link["rel"], link["href"]) for link in parsed.feed.links]
        assert links.count(("hub", HUB)) == 1, (path, links)
        assert ("self", where) in links, (path, links)
        # What a WebSub subscriber reads: the XML itself, not a parser's guesses.
        root = etree.parse(str(path)).getroot()
        parent = root.find("channel") if root.tag == "rss" else root
        rels = {link.get("rel"): link.get("href") for link in parent.findall(f"{ATOM}link")}
        assert rels["hub"] == HUB and rels["self"] == where, path
    # The page link of RSS is still the page, not the hub.
    channel = etree.parse(str(output / "feeds" / "all.rss.xml")).getroot().find("channel")
    assert channel.findtext("link") == f"{LOCAL_PREVIEW_URL}/hub/"


def test_without_a_hub_the_feeds_are_as_before(minimal_copy: Path, tmp_path: Path, build) -> None:
    """No hub: no hub link, no hubs; with one, the hub's lines are the only difference.

    The second build reuses the first one's output: setting a hub rewrites every feed.
    """
    plain = tmp_path / "plain"
    shutil.copytree(build(minimal_copy), plain)
    hubbed = build(minimal_copy, WEBSUB_HUB=HUB)
    files = feed_files(plain)
    assert [p.relative_to(plain) for p in files] == [
        p.relative_to(hubbed) for p in feed_files(hubbed)
    ]
    hub_link = re.compile(
        rb'\n *<(atom:)?link href="' + re.escape(HUB.encode()) + rb'" rel="hub"/>'
    )
    hubs = b'"hubs":[{"type":"WebSub","url":"' + HUB.encode() + b'"}],'
    for path in files:
        before = path.read_bytes()
        assert b'rel="hub"' not in before and b'"hubs"' not in before, path
        after = (hubbed / path.relative_to(plain)).read_bytes()
        assert len(hub_link.findall(after)) + after.count(hubs) == 1, path
        assert hub_link.sub(b"", after).replace(hubs, b"") == before, path


def test_a_hub_that_is_not_an_address_stops_the_build(minimal_copy: Path, build) -> None:
    """WEBSUB_HUB without a scheme is named, with an example, before anything is written."""
    with pytest.raises(SettingsError, match=r"WEBSUB_HUB.*https://pubsubhubbub\.appspot\.com/"):
        build(minimal_copy, WEBSUB_HUB="pubsubhubbub.appspot.com")


def test_the_pinger_finds_the_same_feeds(minimal_copy: Path, build) -> None:
    """published_feeds lists every feed at its published URL, and only feeds."""
    output = build(minimal_copy, WEBSUB_HUB=HUB)
    urls = [feed.url for feed in published_feeds(output, "https://hub.example")]
    expected = [
        f"https://hub.example/{p.relative_to(output).as_posix()}" for p in feed_files(output)
    ]
    assert urls == sorted(expected)
    assert not is_feed("comments-manifest.json")
    assert not is_feed("pagefind/pagefind-entry.json")
    assert is_feed("posts/first-post/comments.json")
    assert is_feed("feeds/tags/phones.json")
