"""Each platform's feed as the platform writes it, parsed and cleaned (data/collect/platforms/)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from feed_server import FIXTURES, FeedServer

from socialhub.collect.clean import CleanEntry, CleanMedia, clean_entry
from socialhub.collect.handles import mentions
from socialhub.collect.parse import FeedEntry, parse_feed
from socialhub.fieldrules import is_web_url, markup_flaw
from socialhub.validate import _HANDLE, video_source

PLATFORMS = sorted(path.name for path in (FIXTURES / "platforms").iterdir())
# Control characters and bidirectional overrides must not survive cleaning.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069]")


def _read(feeds: FeedServer, name: str) -> tuple[list[FeedEntry], list[CleanEntry]]:
    """The fixture's raw entries and the clean ones (None for entries without a usable link)."""
    body = feeds.fixture(f"platforms/{name}")
    parsed = parse_feed(body, "application/feed+json" if name.endswith(".json") else "")
    assert not parsed.error, parsed.error
    base = feeds.url(f"feed/{name}")
    cleaned = [clean_entry(entry, base, 300) for entry in parsed.entries]
    return list(parsed.entries), [entry for entry in cleaned if entry is not None]


def _by_link(entries: list[CleanEntry]) -> dict[str, CleanEntry]:
    return {entry.link: entry for entry in entries}


def _media(entry: CleanEntry) -> list[tuple[str, str]]:
    return [(item.url, item.alt) for item in entry.media]


def _texts(entry: CleanEntry) -> Iterator[tuple[str, str]]:
    """Every text field a file or a page may show, with its name."""
    yield from (("title", entry.title), ("text", entry.text), ("excerpt", entry.excerpt))
    yield from (("author", entry.author), ("id", entry.id))
    yield from (("tag", tag) for tag in entry.tags)
    yield from (("mention", handle) for handle in entry.mentions)
    yield from (("hashtag", tag) for tag in entry.hashtags)
    yield from (("alt", item.alt) for item in entry.media)
    yield from (("type", item.type) for item in entry.media)


def _urls(entry: CleanEntry) -> Iterator[str]:
    yield entry.link
    yield from (item.url for item in entry.media)
    yield from (url for url in (entry.thumbnail, entry.video_url) if url)


@pytest.mark.parametrize("name", PLATFORMS)
def test_nothing_active_survives_cleaning(feeds: FeedServer, name: str) -> None:
    """No markup, entity, control character or script URL in any field; broken entries go."""
    raw, cleaned = _read(feeds, name)
    assert len(cleaned) == len(raw) - 1  # each fixture has one entry without a usable link
    for entry in cleaned:
        for field, value in _texts(entry):
            assert markup_flaw(value) is None, (field, value)
            assert "<" not in value and not _INVISIBLE.search(value), (field, value)
            assert "\n" not in value, (field, value)
        for url in _urls(entry):
            assert is_web_url(url) and url.startswith(("http://", "https://")), url
        for handle in entry.mentions:
            assert _HANDLE.match(handle), handle
        for tag in entry.hashtags:
            assert re.fullmatch(r"\w+", tag), tag
        assert all(isinstance(item, CleanMedia) for item in entry.media)
        assert all(item.medium in ("image", "video", "audio", "") for item in entry.media)
        if entry.video_url:
            assert video_source(entry.video_url) is not None, entry.video_url


def test_mastodon_account(feeds: FeedServer) -> None:
    """Each picture with its own alt text (one without), mentions at their servers, #FF tags."""
    raw, cleaned = _read(feeds, "mastodon-account.rss")
    posts = _by_link(cleaned)
    base = feeds.base
    ff = posts["https://social.example/@lumenmobile/115590000000000001"]
    assert _media(ff) == [
        (
            f"{base}/images/ff-1.jpg",
            "Harbour at night, lights on the water ‹script›alert(1)‹/script›",
        ),
        (f"{base}/images/ff-2.jpg", "A tram in the snow, taken with a Lumen X2"),
    ]
    assert [item.type for item in ff.media] == ["image/jpeg", "image/jpeg"]
    assert ff.mentions == ("@mira@photo.example", "@kai@social.example")
    assert ff.hashtags == ("FF", "LumenX2")
    assert ff.thumbnail == f"{base}/images/ff-1-small.jpg"
    assert "alert" not in ff.text and ff.text.startswith("It's #FF! Follow @mira")
    follow = posts["https://social.example/@lumenmobile/115560000000000002"]
    assert _media(follow) == [(f"{base}/images/ff-3.jpg", "")]  # no alt text; javascript: gone
    assert follow.mentions == ("@ines@video.example", "@noor@pics.example")
    assert follow.hashtags == ("FollowFriday",)
    assert follow.date is not None and follow.date.strftime("%a") == "Fri"
    early = posts["https://social.example/@lumenmobile/115570000000000003"]
    assert early.date is not None and early.date.strftime("%a") == "Wed"
    assert early.mentions == ("@oskar@photo.example",) and early.hashtags == ("FF",)
    news = posts["https://social.example/@lumenmobile/115580000000000004"]
    assert news.hashtags == () and news.mentions == ()
    assert [entry.video_url for entry in cleaned] == [""] * 4
    assert raw[-1].link == ""  # the broken item


def test_mastodon_tag(feeds: FeedServer) -> None:
    """Posts of several accounts; hashtags once whatever their case; an audio enclosure once."""
    _, cleaned = _read(feeds, "mastodon-tag.rss")
    posts = _by_link(cleaned)
    base = feeds.base
    nora = posts["https://social.example/@nora/115590000000000101"]
    assert nora.hashtags == ("ff",)  # "#ff", "#FF" and the category: one tag
    assert nora.mentions == ("@lumenmobile@social.example", "@mira@photo.example")
    assert _media(nora) == [
        (f"{base}/images/ff-nora.webp", "Five people with phones on a quay at night")
    ]
    tomas = posts["https://bird.example/@tomas/115580000000000102"]
    assert tomas.mentions == ("@lina@bird.example",)
    alts = [alt for _, alt in _media(tomas)]
    assert alts == ["A heron on a lamp post", ""]  # the second picture has no alt text
    assert tomas.thumbnail == f"{base}/images/ff-tomas-1-custom.jpg"
    sam = posts["https://social.example/@lumenmobile/115590000000000103"]
    assert [(m.url, m.medium, m.type) for m in sam.media] == [
        (f"{base}/media/sam-harbour.mp3", "audio", "audio/mpeg")
    ]
    assert sam.hashtags == ("FF",)  # only a category: the text has no #FF
    assert "#FF" not in sam.text


def test_pixelfed_account(feeds: FeedServer) -> None:
    """The caption's HTML from a text summary; the alt text from the content's picture."""
    _, cleaned = _read(feeds, "pixelfed-account.atom")
    posts = _by_link(cleaned)
    base = feeds.base
    frost = posts["https://pixelfed.example/p/lumenmobile/750000000000000001"]
    assert (
        frost.text == "#FF to @mira@photo.example and @jonas for the best frost pictures this week"
    )
    assert frost.mentions == ("@mira@photo.example", "@jonas@pixelfed.example")
    assert frost.hashtags == ("FF",)
    assert _media(frost) == [
        (f"{base}/images/pf-frost.jpg", "Frost ferns on a car window, backlit")
    ]
    assert frost.author == "lumenmobile"
    lea = posts["https://pixelfed.example/p/lumenmobile/750000000000000002"]
    assert _media(lea) == [(f"{base}/images/pf-lea.jpg", "")]
    assert lea.mentions == ("@lea@pixelfed.example",) and lea.hashtags == ("FollowFriday",)
    assert lea.text == "#FollowFriday @lea"
    ravi = posts["https://pixelfed.example/p/lumenmobile/750000000000000003"]
    assert ravi.date is not None and ravi.date.strftime("%a") == "Thu"
    assert _media(ravi) == [(f"{base}/images/pf-ravi.jpg", "A lit window in a snowy street")]
    cap = posts["https://pixelfed.example/p/lumenmobile/750000000000000004"]
    assert cap.hashtags == () and cap.mentions == ()


def test_bluesky_profile(feeds: FeedServer) -> None:
    """Text only: Bluesky handles and fediverse handles from the text, never the title's."""
    _, cleaned = _read(feeds, "bluesky-profile.rss")
    posts = _by_link(cleaned)
    post = "https://bsky.app/profile/lumenmobile.bsky.social/post/"
    ff = posts[post + "3m6ffaaaa2k2a"]
    assert ff.mentions == ("@alice.bsky.social", "@mira@photo.example")  # not press@lumen.example
    assert ff.hashtags == ("FF",) and ff.media == () and ff.thumbnail == ""
    hostile = posts[post + "3m5zzbbbb2k2b"]
    assert hostile.mentions == ("@bo.example.org",) and hostile.hashtags == ("FollowFriday",)
    assert hostile.text == "#FollowFriday @bo.example.org javascript:alert(1)"  # inert words
    assert posts[post + "3m6aacccc2k2c"].mentions == ("@kim.bsky.social",)
    assert posts[post + "3m6cddddd2k2d"].mentions == ()


@pytest.mark.parametrize("name", ["youtube-channel.xml", "youtube-playlist.xml"])
def test_youtube(feeds: FeedServer, name: str) -> None:
    """yt:videoId makes the watch URL; the poster is media:thumbnail; the author the channel."""
    raw, cleaned = _read(feeds, name)
    for entry in cleaned:
        video_id = entry.link.rsplit("=", 1)[-1]
        assert entry.video_url == f"https://www.youtube.com/watch?v={video_id}"
        assert entry.duration is None  # YouTube's feed gives no running time
    posts = {entry.title: entry for entry in cleaned}
    if name == "youtube-channel.xml":
        harbour = posts["Harbour Lights at Dawn"]
        assert harbour.thumbnail == f"{feeds.base}/vi/HbrLghtDwn1/hqdefault.jpg"
        assert harbour.author == "Lumen Mobile" and harbour.hashtags == ("WinterLight",)
        assert harbour.date is not None and harbour.date.isoformat() == "2026-11-16T18:00:00+00:00"
        tram = posts["Tram 7 in the First Snow ‹script›alert(1)‹/script›"]
        assert tram.hashtags == ("WinterLight", "LumenX2") and tram.author == "Lumen Mobile"
        assert posts["Autumn Reel"].date is not None
        assert posts["Autumn Reel"].date.isoformat() < "2026-11-01"
        assert raw[-1].video_id == "javascript:alert(1)"  # refused: no watch URL from it
    else:
        assert posts["Moth and Lamp"].author == "Campus Bytes"
        assert posts["Neon Rain ‹b onmouseover=alert(1)›4K‹/b›"].thumbnail == ""  # javascript:
        assert posts["The Last Ferry (2025 cut)"].hashtags == ()


def test_youtube_without_a_thumbnail_gets_hqdefault() -> None:
    """An entry without media:thumbnail still has YouTube's poster of the video."""
    body = (
        b'<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">'
        b"<entry><id>yt:video:HbrLghtDwn1</id><yt:videoId>HbrLghtDwn1</yt:videoId>"
        b'<title>T</title><link rel="alternate" href="https://www.youtube.com/watch?v=HbrLghtDwn1"/>'
        b"<published>2026-11-16T18:00:00+00:00</published></entry></feed>"
    )
    [entry] = parse_feed(body).entries
    assert entry.thumbnail == "https://i.ytimg.com/vi/HbrLghtDwn1/hqdefault.jpg"


@pytest.mark.parametrize("name", ["vimeo-user.rss", "vimeo-channel.rss", "vimeo-album.rss"])
def test_vimeo(feeds: FeedServer, name: str) -> None:
    """The clip id from the link, the running time, media:credit, the poster in media:content."""
    _, cleaned = _read(feeds, name)
    for entry in cleaned:
        clip = entry.link.rsplit("/", 1)[-1]
        assert entry.video_url == f"https://vimeo.com/{clip}"
        assert entry.thumbnail == f"{feeds.base}/images/vimeo-{clip}_960.jpg"
        assert entry.duration and entry.media == ()  # Vimeo's media:content has no URL
    posts = {entry.title: entry for entry in cleaned}
    tram = posts["Tram 7 in the First Snow"]
    assert tram.duration == 131 and tram.author == "Lumen Mobile"
    assert tram.hashtags == ("WinterLight",) and "alert" not in tram.text
    if name == "vimeo-user.rss":
        harbour = posts["Harbour Lights at Dawn"]
        assert (harbour.duration, harbour.author) == (115, "Lumen Mobile")
        assert harbour.hashtags == ("winterlight", "lumenx2")  # Vimeo's tag links come first
        assert harbour.date is not None and harbour.date.isoformat() == "2026-11-16T21:30:00+00:00"
    if name == "vimeo-album.rss":
        assert posts["Snow on the Quay"].hashtags == ("winterlight", "snow")
        assert posts["Snow on the Quay"].author == "Nils Berg"


def test_the_same_film_on_youtube_and_vimeo(feeds: FeedServer) -> None:
    """Same title, a few hours apart, two watch URLs: what the lead's dedup compares."""
    youtube = {e.title: e for e in _read(feeds, "youtube-channel.xml")[1]}["Harbour Lights at Dawn"]
    vimeo = {e.title: e for e in _read(feeds, "vimeo-user.rss")[1]}["Harbour Lights at Dawn"]
    assert youtube.date is not None and vimeo.date is not None
    assert 0 < (vimeo.date - youtube.date).total_seconds() <= 6 * 3600
    assert {youtube.video_url, vimeo.video_url} == {
        "https://www.youtube.com/watch?v=HbrLghtDwn1",
        "https://vimeo.com/1034000001",
    }


def test_peertube_channel(feeds: FeedServer) -> None:
    """Watch URLs in both forms, running time from media:content, the video files in order."""
    _, cleaned = _read(feeds, "peertube-channel.xml")
    posts = {entry.title: entry for entry in cleaned}
    harbour = posts["Harbour Lights at Dawn"]
    assert harbour.video_url == "https://tube.example/w/2vXh7NqKcT9pRmWsYd3bLe"
    assert harbour.duration == 115 and harbour.author == "Lumen Films"
    assert harbour.thumbnail == (
        f"{feeds.base}/lazy-static/thumbnails/1b0e7d4e-5c55-4f7a-9d7e-0a3b9c2f1e11.jpg"
    )
    assert [item.medium for item in harbour.media] == ["video"] * 3
    assert harbour.media[1].url.endswith("-1080.mp4") and harbour.media[2].url.endswith("-480.mp4")
    assert "WinterLight" in harbour.hashtags
    frost = posts["Frost Ferns"]  # the <script> of the title is removed with its text
    assert frost.video_url == "https://tube.example/w/6f1c2a9e-3d4b-4e5f-8a7b-9c0d1e2f3a4b"
    assert frost.duration == 88 and frost.author == "Lumen Films"
    autumn = posts["Autumn Reel"]
    assert autumn.duration == 64 and autumn.date is not None
    assert autumn.date.isoformat() < "2026-11-01"


def test_rss_enclosures(feeds: FeedServer) -> None:
    """Enclosures in order, the alt text of the same picture in the HTML, itunes duration."""
    _, cleaned = _read(feeds, "rss-enclosures.xml")
    posts = {entry.title: entry for entry in cleaned}
    base = feeds.base
    ff = posts["#FF: three night photographers we love"]
    assert _media(ff) == [(f"{base}/images/blog-ff.jpg", "Three phones on a table")]
    assert ff.mentions == ("@mira@photo.example", "@kai@social.example", "@alice.bsky.social")
    assert ff.hashtags == ("FF", "NightPhotography") and ff.author == "Lumen Mobile"
    making = posts["Harbour Lights at Dawn, the making of"]
    assert [(m.url, m.medium, m.type) for m in making.media] == [
        (f"{base}/media/making-of.mp4", "video", "video/mp4")
    ]
    assert making.duration == 185  # itunes:duration 0:03:05
    assert making.thumbnail == f"{base}/images/making-of-poster.jpg"
    assert making.author == "Léa Fontaine"  # the name of "email (Name)"
    hostile = posts["Hostile enclosure"]
    assert hostile.media == () and hostile.duration == 95


def test_jsonfeed_attachments(feeds: FeedServer) -> None:
    """Attachments (title as alt), image as thumbnail, authors, duration_in_seconds."""
    _, cleaned = _read(feeds, "jsonfeed-attachments.json")
    posts = {entry.title: entry for entry in cleaned}
    base = feeds.base
    ff = posts["#FF for the frost photographers"]
    assert _media(ff) == [
        (f"{base}/images/json-ff-1.jpg", "Frost on a fence ‹img src=x onerror=alert(1)›"),
        (f"{base}/images/json-ff-2.jpg", ""),
    ]
    assert ff.thumbnail == f"{base}/images/json-ff-cover.jpg"
    assert ff.author == "Lumen Mobile"
    assert ff.mentions == ("@mira@photo.example", "@kai@social.example")
    assert ff.hashtags == ("FF", "FollowFriday")
    film = posts["Harbour Lights at Dawn"]
    assert film.author == "Léa Fontaine" and film.duration == 115
    assert [(m.medium, m.type) for m in film.media] == [("video", "video/mp4")]


def test_each_fixture_names_the_document_it_follows() -> None:
    """Every platform fixture says, at its top, which document or source file it follows."""
    for name in PLATFORMS:
        head = " ".join((FIXTURES / "platforms" / name).read_text(encoding="utf-8")[:1500].split())
        assert "written after" in head.lower(), name


def test_lxml_reads_no_entities_and_no_network(tmp_path: Path) -> None:
    """A feed declaring entities (a billion laughs, a file) gets neither expanded."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        f'<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        "<link>https://a.example/1</link><description>&c; &x;</description>"
        '<media:content url="https://a.example/1.jpg" medium="image">'
        "<media:description>&c;&x;</media:description></media:content></item></channel></rss>"
    ).encode()
    for entry in parse_feed(body).entries:
        for item in entry.media:
            assert "TOP SECRET" not in item.alt and len(item.alt) < 1000
        assert "TOP SECRET" not in entry.html


def test_a_feed_that_stops_feedparser_is_an_error_not_a_traceback() -> None:
    """A broken tag in a media:description makes feedparser's loose parser raise KeyError."""
    body = (
        b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        b'<link>https://a.example/1</link><media:content url="https://a.example/1.jpg">'
        b"<media:description>a<Z/b</media:description></media:content>"
        b'<media:player url="https://a.example/p"/></item></channel></rss>'
    )
    parsed = parse_feed(body)
    assert parsed.entries == ()
    assert parsed.error.startswith("malformed XML that the feed reader gave up on (KeyError(")
    assert "\n" not in parsed.error


def test_nested_mention_links_are_read_once() -> None:
    """Broken HTML nests a link in a mention link: the outer one is read, the inner one not again.

    The outer link's text, "@a@b", names no server, so no handle comes of it; before,
    the inner link, dropped with the outer one, was still visited and raised.
    """
    html = (
        '<a class="u-url mention" href="https://x.example/@a">@a'
        '<a class="u-url mention" href="https://y.example/@b">@b</a></a>'
        '<a class="u-url mention" href="https://z.example/@c">@<span>c</span></a>'
    )
    assert mentions(html, ()) == ("@c@z.example",)


def test_an_element_with_an_unbound_prefix_does_not_stop_the_media_reader() -> None:
    """lxml recovers "<javascript:x/>" as an element whose name QName refuses; it is skipped."""
    body = (
        b'<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        b'<link>https://a.example/1</link><javascript:x/><media:content url="https://a.example/1.jpg"'
        b' medium="image"><media:description>Frost</media:description></media:content>'
        b"</item></channel></rss>"
    )
    [entry] = parse_feed(body).entries
    assert [(m.url, m.alt) for m in entry.media] == [("https://a.example/1.jpg", "Frost")]


def test_when_lxml_and_feedparser_disagree_feedparser_media_are_used() -> None:
    """Two documents in one body: lxml keeps the first, feedparser both; its media are used."""
    body = (
        b'<rss version="2.0"><channel><item><link>https://a.example/1</link>'
        b'<enclosure url="https://a.example/1.jpg" type="image/jpeg"/></item></channel></rss>'
        b"<rss><channel><item><link>https://a.example/2</link></item></channel></rss>"
    )
    first, second = parse_feed(body).entries
    assert [(m.url, m.medium, m.type) for m in first.media] == [
        ("https://a.example/1.jpg", "image", "image/jpeg")
    ]
    assert second.media == ()


def test_feedparser_alone_loses_mastodons_alt_texts(feeds: FeedServer) -> None:
    """Why the XML is read again: feedparser keeps no media:description of a media:content."""
    body = feeds.fixture("platforms/mastodon-account.rss")
    first = feedparser.parse(io.BytesIO(body)).entries[0]
    kept = str(first.get("media_description", "")) + str(first.get("content", ""))
    assert "A tram in the snow" not in kept
    assert parse_feed(body).entries[0].media[1].alt == "A tram in the snow, taken with a Lumen X2"
