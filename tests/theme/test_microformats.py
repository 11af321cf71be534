"""Microformats2 on every page of the built sample hub, read the way a parser or a bridge reads it.

mf2py parses each page (with the URL it would be fetched from, as a consumer
does); mf2util, the companion library that bridges and Webmention receivers
build on, interprets the entries and finds the representative h-card. What is
expected comes from the sample's content files and pelicanconf.py, not from the
templates.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import mf2py
import mf2util
import pytest
from bs4 import BeautifulSoup
from helpers import SAMPLE

from socialhub.templating import iso_datetime

ROOT = Path(__file__).resolve().parents[2]
# Where the pages are parsed from: any base does, since a local build's links are
# root-relative; a made-up one shows that nothing points at the preview server.
BASE = "https://hub.test"
# "A full ISO 8601 datetime with offset" (RFC 3339 without fractions), as written in
# the datetime attribute of every dt-* element.
FULL_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
# Section roots that only redirect (plugins/hub SECTION_REDIRECTS): no microformats.
REDIRECTS = {"posts/index.html", "videos/index.html"}


def _settings() -> ModuleType:
    """pelicanconf.py as a module: the company's name, logo, tagline, profiles, time zone."""
    spec = importlib.util.spec_from_file_location("pelicanconf_for_mf2", ROOT / "pelicanconf.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONF = _settings()
ZONE = ZoneInfo(CONF.TIMEZONE)


def header(path: Path) -> dict[str, str]:
    """A content file's metadata header (``Key: value`` lines up to the first blank line)."""
    fields: dict[str, str] = {}
    key = ""
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            break
        if line[0].isspace() and key:
            fields[key] += "\n" + line.strip()
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        fields[key] = value.strip()
    return fields


def when(text: str) -> datetime:
    """A content file's date (``2026-11-06`` or ``2026-11-06 09:40``) in the site's time zone."""
    if " " not in text:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=ZONE)
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


def tags(fields: dict[str, str]) -> list[str]:
    """The tags of a content file, in its order."""
    return [name.strip() for name in fields.get("tags", "").split(",") if name.strip()]


def page_url(relative: str) -> str:
    """The address a page of the output is served at."""
    return f"{BASE}/{relative.removesuffix('index.html')}"


def parse(output: Path, relative: str) -> dict[str, Any]:
    """mf2py's reading of one built page."""
    html = (output / relative).read_text("utf-8")
    return mf2py.parse(doc=html, url=page_url(relative))


def soup_of(output: Path, relative: str) -> BeautifulSoup:
    """The page's HTML tree."""
    return BeautifulSoup((output / relative).read_text("utf-8"), "html.parser")


def value(prop: Any) -> str:
    """A property's plain value (an image's URL, an embedded card's name)."""
    if isinstance(prop, dict):
        return str(prop.get("value", ""))
    return str(prop)


def served(output: Path, url: str) -> Path | None:
    """The output file a URL of the site is served from, or None."""
    assert url.startswith(BASE + "/"), f"{url} is not on the site"
    local = output / url[len(BASE) + 1 :].split("#", maxsplit=1)[0]
    if url.endswith("/"):
        local = local / "index.html"
    return local if local.is_file() else None


def entries(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every h-entry of a page, top-level or nested as a child."""
    for item in items:
        if "h-entry" in item["type"]:
            yield item
        yield from entries(item.get("children", []))


def published(entry: dict[str, Any]) -> datetime:
    """An entry's dt-published as a consumer reads it: an aware datetime."""
    moment = mf2util.parse_datetime(entry["properties"]["published"][0])
    assert isinstance(moment, datetime) and moment.tzinfo is not None, moment
    return moment


def pages(output: Path) -> list[str]:
    """Every HTML page of the output, relative to it."""
    return sorted(path.relative_to(output).as_posix() for path in output.rglob("*.html"))


def item_pages() -> Iterator[tuple[str, str, dict[str, str]]]:
    """(kind folder, page, header) of every item of the sample: its page is an h-entry."""
    bloggers = {path.stem: header(path) for path in (SAMPLE / "bloggers").glob("*.md")}
    for folder in ("posts", "featured", "follow-friday", "videos", "contests"):
        for path in sorted((SAMPLE / folder).glob("*.md")):
            fields = header(path)
            fields["body"] = path.read_text("utf-8")
            slug = fields.get("slug", path.stem)
            if folder == "featured":
                fields["blogger-name"] = bloggers[fields["blogger"]]["name"]
                fields["blog-url"] = bloggers[fields["blogger"]]["blog-url"]
                yield folder, f"bloggers/{fields['blogger']}/{slug}/index.html", fields
            else:
                yield folder, f"{folder}/{slug}/index.html", fields


def test_every_page_parses_and_every_entry_is_complete(sample_output: Path) -> None:
    """Every page parses; each h-entry on it has a name, a URL of the site, a published date."""
    seen = 0
    for relative in pages(sample_output):
        parsed = parse(sample_output, relative)
        for entry in entries(parsed["items"]):
            seen += 1
            props = entry["properties"]
            assert props.get("name") and props["name"][0].strip(), (relative, entry)
            url = props["url"][0]
            assert served(sample_output, url), f"{relative}: entry URL {url} has no page"
            published(entry)
        for element in soup_of(sample_output, relative).select("[class*='dt-']"):
            # Why the attribute: a dt-* value read from the text would be "6 October 2026".
            assert element.name == "time", (relative, str(element)[:120])
            assert FULL_DATETIME.match(element["datetime"]), (relative, element["datetime"])
    assert seen > 100


COMPANY = {"name": CONF.COMPANY_NAME, "url": f"{BASE}/"}


def _post(props: dict[str, Any], seen: dict[str, Any], fields: dict[str, str]) -> None:
    """A company post: written by the person its byline names, for the company."""
    assert seen["published"] == when(fields["date"])
    assert seen["author"] == {"name": fields["author"]}
    assert props["author"][0]["properties"]["org"] == [CONF.COMPANY_NAME]
    assert bool(props.get("featured")) == bool(fields.get("image"))


def _featured(props: dict[str, Any], seen: dict[str, Any], fields: dict[str, str]) -> None:
    """A featured post: by the blogger, a bookmark of their original post."""
    assert seen["published"] == when(fields["date"])
    assert seen["author"]["name"] == fields["blogger-name"]
    assert fields["blog-url"] in props["author"][0]["properties"]["url"]
    assert value(seen["author"]["photo"]).startswith(f"{BASE}/images/avatars/")
    assert props["bookmark-of"] == [fields["original-url"]]
    assert "repost-of" not in props


def _shoutout(props: dict[str, Any], seen: dict[str, Any], fields: dict[str, str]) -> None:
    """An #FF shout-out: the company's, every picture a photo, the social post a copy."""
    assert seen["published"] == when(fields["date"])
    assert {key: seen["author"][key] for key in COMPANY} == COMPANY
    shown = re.findall(r"!\[[^\]]*\]\(([^ )]+)", fields["body"])
    assert [value(photo) for photo in props["photo"]] == [f"{BASE}{src}" for src in shown]
    assert props["syndication"] == [fields["original-url"]]


def _video(props: dict[str, Any], seen: dict[str, Any], fields: dict[str, str]) -> None:
    """A film: by its film maker, its poster a photo, a file on this site its video."""
    assert seen["published"] == when(fields["date"])
    assert seen["author"] == {"name": fields["entrant"]}
    assert props["photo"], "the poster is not the entry's photo"
    if fields["video-url"].startswith("/"):
        assert props["video"] == [f"{BASE}{fields['video-url']}"]
    else:
        assert "video" not in props


def _contest(props: dict[str, Any], seen: dict[str, Any], fields: dict[str, str]) -> None:
    """A contest: the company's, published when it opens, and an event from opening to close."""
    assert seen["published"] == when(fields["opens"]) == seen["start"]
    assert seen["end"] == when(fields["closes"])
    assert {key: seen["author"][key] for key in COMPANY} == COMPANY


EXPECT = {
    "posts": _post,
    "featured": _featured,
    "follow-friday": _shoutout,
    "videos": _video,
    "contests": _contest,
}
ITEM_PAGES = list(item_pages())


@pytest.mark.parametrize(
    ("folder", "relative", "fields"), ITEM_PAGES, ids=[page for _, page, _ in ITEM_PAGES]
)
def test_every_item_page_is_an_h_entry(
    sample_output: Path, folder: str, relative: str, fields: dict[str, str]
) -> None:
    """An item's page is first of all its h-entry, with what the page shows of the item."""
    assert (sample_output / relative).is_file(), relative
    parsed = parse(sample_output, relative)
    url = page_url(relative)
    first = parsed["items"][0]
    assert ("h-event" in first["type"]) == (folder == "contests")
    assert "h-entry" in first["type"], relative
    props = first["properties"]
    seen = mf2util.interpret_entry(parsed, url)
    assert seen["url"] == url and props["uid"] == [url]
    assert seen["name"] == fields.get("title", fields.get("name"))
    assert props.get("content") or props.get("summary"), f"{relative}: no content nor summary"
    assert props.get("category", []) == tags(fields)
    EXPECT[folder](props, seen, fields)

    comments = soup_of(sample_output, relative).find(id="comments")
    if folder != "contests":
        # The comments are inside the entry, so that each one can be its p-comment.
        assert comments is not None, relative
        holder = comments.find_parent(class_="h-entry")
        assert holder is not None and holder.find("h1", class_="p-name"), relative


def test_each_comment_is_a_p_comment_of_its_items_entry(sample_output: Path) -> None:
    """Every comment file of the sample is one p-comment h-cite of its item, replying to it."""
    checked = 0
    for folder, relative, fields in item_pages():
        slug = fields.get("slug", Path(relative).parent.name)
        files = sorted((SAMPLE / "comments" / slug).glob("*.md"))
        if folder == "contests" or not files:
            continue
        url = page_url(relative)
        entry = parse(sample_output, relative)["items"][0]
        cites = entry["properties"].get("comment", [])
        names = sorted(value(cite["properties"]["author"][0]) for cite in cites)
        expected = sorted(header(path)["author"] for path in files)
        assert names == expected, relative
        for cite in cites:
            assert "h-cite" in cite["type"]
            replied = [value(target) for target in cite["properties"]["in-reply-to"]]
            assert replied and all(target.startswith(url) for target in replied), replied
        checked += 1
    assert checked >= 3


def hub_pages(output: Path) -> list[str]:
    """The pages that list items: the hub and its filters, tags, the gallery, contests, bloggers."""
    listed = ["index.html", "follow-friday/index.html", "contests/index.html"]
    listed += [page for page in pages(output) if page.startswith("hub/")]
    listed += [page for page in pages(output) if re.fullmatch(r"tags/[^/]+/index\.html", page)]
    listed += [page for page in pages(output) if re.fullmatch(r"bloggers/[^/]+/index\.html", page)]
    return listed


def test_hub_pages_are_h_feeds_of_the_cards_they_show(sample_output: Path) -> None:
    """Each list is one h-feed with a name; each card shown is an h-entry of it, in order."""
    listed = hub_pages(sample_output)
    assert len(listed) > 20
    for relative in listed:
        items = parse(sample_output, relative)["items"]
        feeds = [item for item in items if "h-feed" in item["type"]]
        assert len(feeds) == 1, relative
        feed = feeds[0]
        assert feed["properties"]["name"][0].strip(), relative
        children = feed.get("children", [])
        soup = soup_of(sample_output, relative)
        cards = soup.select(".card, .contest-card, .gallery__item")
        if relative == "follow-friday/index.html":
            # One entry per shout-out, though a shout-out shows each of its pictures.
            titles = [card.select_one(".gallery__title")["href"] for card in cards]
            cards = [card for at, card in enumerate(cards) if titles[at] not in titles[:at]]
        assert len(children) == len(cards) > 0, relative
        for card, entry in zip(cards, children, strict=True):
            props = entry["properties"]
            title = card.select_one(".card__title a, .contest-card__title a, .gallery__title")
            assert props["name"] == [title.get_text().strip()], relative
            assert served(sample_output, props["url"][0]), (relative, props["url"])
            published(entry)
            pictures = [img for img in card.find_all("img") if "avatar" not in img.get("class", [])]
            assert bool(pictures) == bool(props.get("photo") or props.get("featured")), (
                relative,
                props["name"],
            )
            byline = card.select_one(".card__by")
            if byline is not None and not byline.get_text().strip().startswith("Thanks to"):
                assert props["author"][0]["properties"]["name"][0] in byline.get_text()


def test_a_bloggers_page_lists_exactly_their_posts(sample_output: Path) -> None:
    """The h-feed on a blogger's page holds the pages of their featured posts, and no other."""
    for path in sorted((SAMPLE / "bloggers").glob("*.md")):
        relative = f"bloggers/{path.stem}/index.html"
        feed = next(
            item for item in parse(sample_output, relative)["items"] if "h-feed" in item["type"]
        )
        urls = {entry["properties"]["url"][0] for entry in feed.get("children", [])}
        posts = {page_url(page) for page in pages(sample_output)}
        posts = {url for url in posts if re.fullmatch(rf"{BASE}/bloggers/{path.stem}/[^/]+/", url)}
        assert urls == posts, relative


def test_the_home_page_carries_the_companys_representative_h_card(sample_output: Path) -> None:
    """url == uid == the page's URL: a parser knows the site is the company, and its profiles."""
    home = f"{BASE}/"
    parsed = parse(sample_output, "index.html")
    card = mf2util.representative_hcard(parsed, home)
    assert card is not None
    props = card["properties"]
    assert props["name"] == [CONF.COMPANY_NAME]
    assert props["url"] == props["uid"] == [home]
    assert props["logo"] == [f"{BASE}{CONF.COMPANY_LOGO}"]
    assert props["note"] == [CONF.COMPANY_TAGLINE]
    assert CONF.COMPANY_PROFILES
    assert parsed["rels"]["me"] == CONF.COMPANY_PROFILES
    # Only "/" is the company's page: /hub/ lists the same items but is not its home.
    hub = parse(sample_output, "hub/index.html")
    assert mf2util.representative_hcard(hub, f"{BASE}/hub/") is None
    assert "me" not in hub["rels"]


def test_each_blogger_page_carries_the_bloggers_h_card(sample_output: Path) -> None:
    """The blogger's page is first of all their h-card: name, blog, portrait, who they are."""
    for path in sorted((SAMPLE / "bloggers").glob("*.md")):
        fields = header(path)
        relative = f"bloggers/{path.stem}/index.html"
        card = parse(sample_output, relative)["items"][0]
        assert card["type"] == ["h-card"], relative
        props = card["properties"]
        assert props["name"] == [fields["name"]]
        assert props["url"] == [fields["blog-url"]]
        assert value(props["photo"][0]) == f"{BASE}{fields['avatar']}"
        assert props["note"][0].strip()


@pytest.mark.slow
def test_urls_are_absolute_when_the_site_url_is_set(minimal_copy: Path, build: Any) -> None:
    """With SITEURL set, the values are absolute even to a parser that knows no base URL."""
    site = "https://hub.example.com"
    output = build(minimal_copy, SITEURL=site)
    home = mf2py.parse(doc=(output / "index.html").read_text("utf-8"))
    card = mf2util.representative_hcard(home, f"{site}/")
    assert card is not None and card["properties"]["uid"] == [f"{site}/"]
    post = next(output.glob("posts/*/index.html"))
    entry = mf2py.parse(doc=post.read_text("utf-8"))["items"][0]
    relative = post.parent.relative_to(output).as_posix()
    assert entry["properties"]["url"] == [f"{site}/{relative}/"]
    for item in entries(home["items"]):
        assert item["properties"]["url"][0].startswith(f"{site}/")


def test_iso_datetime_gives_seconds_and_an_offset() -> None:
    """A datetime keeps its offset; a bare date is its midnight in TIMEZONE; naive is local."""
    context = {"TIMEZONE": "Europe/Oslo"}
    oslo = ZoneInfo("Europe/Oslo")
    assert iso_datetime(context, datetime(2026, 10, 6, 8, 0, tzinfo=oslo)) == (
        "2026-10-06T08:00:00+02:00"
    )
    assert iso_datetime(context, date(2026, 11, 1)) == "2026-11-01T00:00:00+01:00"
    assert iso_datetime(context, datetime(2026, 7, 1, 12, 30)) == "2026-07-01T12:30:00+02:00"
    assert iso_datetime({}, date(2026, 11, 1)) == "2026-11-01T00:00:00+00:00"
