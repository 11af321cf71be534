"""Structured data on the sample hub: every page's JSON-LD, expanded with pyld, and the sitemap.

Why a local context: the pages name ``https://schema.org`` as their @context, and
tests make no request. tests/data/jsonld/schemaorg-context.jsonld is a small
stand-in for schema.org's context (its @vocab, ``http://schema.org/``, as the real
one has it); the document loader below serves it and refuses every other URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from pyld import jsonld

from socialhub.structured import iso_duration, profile_url, script_json

DATA = Path(__file__).resolve().parent.parent / "data" / "jsonld"
CONTEXT = json.loads((DATA / "schemaorg-context.jsonld").read_text("utf-8"))
S = "http://schema.org/"

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE = "http://www.google.com/schemas/sitemap-image/1.1"
VIDEO = "http://www.google.com/schemas/sitemap-video/1.1"
NS = {"s": SITEMAP, "image": IMAGE, "video": VIDEO}
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), the sitemap's <lastmod>:
# a date alone, or a date and time with a time zone.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")
# The section roots that only send readers on (plugins/hub SECTION_REDIRECTS).
REDIRECTS = {"posts/index.html", "videos/index.html"}
ISO_DURATION = re.compile(r"^PT(\d+H)?(\d+M)?\d+S$")

# What each type must carry (schema.org names), beyond its @type.
REQUIRED = {
    "BlogPosting": (
        "headline",
        "datePublished",
        "dateModified",
        "author",
        "publisher",
        "image",
        "url",
        "mainEntityOfPage",
    ),
    "ImageGallery": ("name", "url", "datePublished", "associatedMedia"),
    "ImageObject": ("contentUrl",),
    "VideoObject": ("name", "description", "thumbnailUrl", "uploadDate", "duration"),
    "Person": ("name",),
    "Event": (
        "name",
        "startDate",
        "endDate",
        "eventStatus",
        "eventAttendanceMode",
        "location",
        "organizer",
    ),
    "Organization": ("name", "url", "logo"),
    "BreadcrumbList": ("itemListElement",),
    "ListItem": ("position", "name", "item"),
    "VirtualLocation": ("url",),
}


def _loader(url: str, _options: dict[str, Any]) -> dict[str, Any]:
    """Serve schema.org's context from the local copy; any other URL is a test failure."""
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": CONTEXT,
        }
    raise AssertionError(f"the JSON-LD asked for a remote document: {url}")


def pages(output: Path) -> list[Path]:
    """Every HTML page of the build."""
    return sorted(path for path in output.rglob("*.html") if "thumbs" not in path.parts)


def scripts(page: Path) -> list[str]:
    """The text of the page's JSON-LD scripts."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    return [tag.string or "" for tag in soup.find_all("script", type="application/ld+json")]


def expanded_nodes(text: str) -> list[dict[str, Any]]:
    """Every node of a JSON-LD text once expanded, nested ones included."""
    expanded = jsonld.expand(json.loads(text), {"documentLoader": _loader})
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for part in value:
                walk(part)
        elif isinstance(value, dict):
            if "@type" in value:
                found.append(value)
            for key, part in value.items():
                if not key.startswith("@") or key == "@graph":
                    walk(part)

    walk(expanded)
    return found


def of_type(nodes: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The nodes of one schema.org type."""
    return [node for node in nodes if S + name in node.get("@type", [])]


def value(node: dict[str, Any], name: str) -> Any:
    """The first value of an expanded property (its @value, or the node it names)."""
    values = node.get(S + name) or [{}]
    first = values[0]
    return first.get("@value", first.get("@id", first))


@pytest.fixture(scope="module")
def graphs(sample_output: Path) -> dict[str, list[dict[str, Any]]]:
    """Site path of every page -> the expanded nodes of its JSON-LD."""
    found = {}
    for page in pages(sample_output):
        texts = scripts(page)
        assert len(texts) == 1, f"{page}: {len(texts)} JSON-LD scripts, expected one"
        found[page.relative_to(sample_output).as_posix()] = expanded_nodes(texts[0])
    return found


def test_every_node_has_the_properties_of_its_type(graphs: dict[str, list[dict[str, Any]]]) -> None:
    """Each node of a known type carries every property that type needs."""
    checked = 0
    for path, nodes in graphs.items():
        for name, properties in REQUIRED.items():
            for node in of_type(nodes, name):
                missing = [p for p in properties if S + p not in node]
                assert not missing, f"{path}: {name} lacks {missing}"
                checked += 1
    assert checked > len(graphs) * 2


def test_every_page_has_breadcrumbs_from_home(
    graphs: dict[str, list[dict[str, Any]]], sample_output: Path
) -> None:
    """One BreadcrumbList per page, numbered from 1, starting at the home page."""
    assert len(graphs) > 50
    for path, nodes in graphs.items():
        lists = of_type(nodes, "BreadcrumbList")
        assert len(lists) == 1, path
        steps = list(lists[0][S + "itemListElement"])
        assert [value(step, "position") for step in steps] == list(range(1, len(steps) + 1))
        assert value(steps[0], "item") == "http://127.0.0.1:8000/"
        if path.endswith("/index.html") and path not in REDIRECTS:
            # An inner page's trail ends at the page itself.
            assert len(steps) >= 2, path
            assert value(steps[-1], "item") == f"http://127.0.0.1:8000/{path[: -len('index.html')]}"


def test_posts_and_featured_posts_are_blog_postings(
    graphs: dict[str, list[dict[str, Any]]],
) -> None:
    """A company post and a featured post are BlogPostings; a featured one names its original."""
    posts = {p: n for p, n in graphs.items() if re.fullmatch(r"posts/[^/]+/index\.html", p)}
    featured = {
        p: n for p, n in graphs.items() if re.fullmatch(r"bloggers/[^/]+/[^/]+/index\.html", p)
    }
    assert posts
    assert featured
    for path, nodes in {**posts, **featured}.items():
        (posting,) = of_type(nodes, "BlogPosting")
        assert value(posting, "url") == f"http://127.0.0.1:8000/{path[: -len('index.html')]}"
        publisher = value(posting, "publisher")
        assert publisher == "http://127.0.0.1:8000/#organization"
        assert [n for n in of_type(nodes, "Organization") if n.get("@id") == publisher]
    for path, nodes in featured.items():
        (posting,) = of_type(nodes, "BlogPosting")
        assert str(value(posting, "isBasedOn")).startswith("https://"), path
        author = posting[S + "author"][0]
        assert S + "Person" in author["@type"]


def test_follow_friday_pages_are_galleries_of_measured_pictures(
    graphs: dict[str, list[dict[str, Any]]], sample_output: Path
) -> None:
    """Each #FF page is an ImageGallery; each picture has its caption and true size."""
    from PIL import Image as PILImage  # noqa: PLC0415

    shoutouts = {
        p: n for p, n in graphs.items() if re.fullmatch(r"follow-friday/[^/]+/index\.html", p)
    }
    assert shoutouts
    for path, nodes in shoutouts.items():
        (gallery,) = of_type(nodes, "ImageGallery")
        pictures = gallery[S + "associatedMedia"]
        assert pictures, path
        for picture in pictures:
            assert S + "ImageObject" in picture["@type"]
            assert value(picture, "caption"), path
            url = value(picture, "contentUrl")
            with PILImage.open(sample_output / urlsplit(url).path.lstrip("/")) as image:
                assert (value(picture, "width"), value(picture, "height")) == image.size


def test_films_are_video_objects(graphs: dict[str, list[dict[str, Any]]]) -> None:
    """A film has a duration in ISO 8601 and a player (hosted) or a file (on this site)."""
    films = {p: n for p, n in graphs.items() if re.fullmatch(r"videos/[^/]+/index\.html", p)}
    assert films
    providers = set()
    for path, nodes in films.items():
        (video,) = of_type(nodes, "VideoObject")
        assert ISO_DURATION.match(value(video, "duration")), path
        embed, content = value(video, "embedUrl"), value(video, "contentUrl")
        assert embed or content, path
        if embed:
            assert "autoplay" not in embed, path
            providers.add(urlsplit(embed).netloc)
        else:
            assert content.startswith("http://127.0.0.1:8000/media/"), path
            providers.add("file")
    assert "file" in providers
    assert len(providers) >= 3


def test_bloggers_are_people_with_their_profiles(
    graphs: dict[str, list[dict[str, Any]]],
) -> None:
    """A blogger's page is a Person whose sameAs lists their blog (and fediverse profiles)."""
    bloggers = {p: n for p, n in graphs.items() if re.fullmatch(r"bloggers/[^/]+/index\.html", p)}
    assert bloggers
    for path, nodes in bloggers.items():
        (person,) = [n for n in of_type(nodes, "Person") if S + "sameAs" in n]
        assert value(person, "image"), path
        same_as = [entry["@value"] for entry in person[S + "sameAs"]]
        assert all(url.startswith("https://") for url in same_as), path


def test_contests_are_online_events(graphs: dict[str, list[dict[str, Any]]]) -> None:
    """A contest is an Event held online, at its own page, organised by the company."""
    contests = {p: n for p, n in graphs.items() if re.fullmatch(r"contests/[^/]+/index\.html", p)}
    assert contests
    for path, nodes in contests.items():
        (event,) = of_type(nodes, "Event")
        mode = value(event, "eventAttendanceMode")
        assert mode == "https://schema.org/OnlineEventAttendanceMode", path
        location = event[S + "location"][0]
        assert S + "VirtualLocation" in location["@type"]
        assert value(event, "organizer") == "http://127.0.0.1:8000/#organization"


def test_the_home_page_names_the_company(graphs: dict[str, list[dict[str, Any]]]) -> None:
    """The home page carries the Organization (name, url, logo) and the WebSite."""
    (company,) = of_type(graphs["index.html"], "Organization")
    assert value(company, "name") == "Lumen Mobile"
    assert value(company, "url") == "http://127.0.0.1:8000/"
    assert of_type(graphs["index.html"], "WebSite")


def test_the_scripts_hide_no_markup(sample_output: Path) -> None:
    """No "<" in any JSON-LD script: the text cannot close its <script> or open a comment."""
    bodies = 0
    for page in pages(sample_output):
        html = page.read_text("utf-8")
        for body in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert "<" not in body, page
            bodies += 1
    assert bodies == len(pages(sample_output))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_script_json_is_safe_and_lossless(text: str) -> None:
    """Any text survives script_json unchanged and never shows "<", ">" or "&"."""
    data = {"name": text, "nested": [text, {"x": "</script>" + text}]}
    serialised = script_json(data)
    assert not set("<>&") & set(serialised)
    assert json.loads(serialised) == data


def test_durations_and_profiles() -> None:
    """Durations in ISO 8601; a fediverse handle gives a profile URL, a bare one none."""
    assert iso_duration(58) == "PT58S"
    assert iso_duration(115) == "PT1M55S"
    assert iso_duration(3723) == "PT1H2M3S"
    assert iso_duration(3600) == "PT1H0M0S"
    assert profile_url("@nina@photog.example") == "https://photog.example/@nina"
    assert profile_url("@nina") == ""


# --- the sitemap ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sitemap(sample_output: Path) -> Any:
    """The sample's sitemap.xml, parsed by lxml (which refuses XML that is not well-formed)."""
    return etree.parse(str(sample_output / "sitemap.xml"))


def urls(sitemap: Any) -> Iterator[Any]:
    """Every <url> element."""
    yield from sitemap.getroot().iterfind("s:url", NS)


def test_sitemap_follows_the_protocol(sitemap: Any) -> None:
    """sitemaps.org 0.9: a urlset, one absolute <loc> each, W3C <lastmod> on every URL."""
    root = sitemap.getroot()
    assert root.tag == f"{{{SITEMAP}}}urlset"
    assert set(root.nsmap.values()) <= {SITEMAP, IMAGE, VIDEO}
    seen = set()
    count = 0
    for url in urls(sitemap):
        count += 1
        (loc,) = url.findall("s:loc", NS)
        parts = urlsplit(loc.text)
        assert parts.scheme in ("http", "https")
        assert parts.netloc
        assert len(loc.text) < 2048
        assert loc.text not in seen
        seen.add(loc.text)
        (lastmod,) = url.findall("s:lastmod", NS)
        assert W3C_DATETIME.match(lastmod.text), f"{loc.text}: lastmod {lastmod.text}"
        # Only the protocol's children and the two extensions' elements.
        for child in url:
            assert etree.QName(child).namespace in (SITEMAP, IMAGE, VIDEO)
    assert 0 < count <= 50_000


def test_sitemap_lists_item_pictures(sitemap: Any) -> None:
    """An #FF page lists each of its pictures; a film page its poster."""
    pictures = {
        url.findtext("s:loc", namespaces=NS): [
            loc.text for loc in url.iterfind("image:image/image:loc", NS)
        ]
        for url in urls(sitemap)
    }
    shoutouts = [loc for loc in pictures if "/follow-friday/ff-" in loc]
    assert shoutouts
    assert all(pictures[loc] for loc in shoutouts)
    assert max(len(pictures[loc]) for loc in shoutouts) >= 2
    for images in pictures.values():
        assert all(urlsplit(src).scheme in ("http", "https") for src in images)


def test_sitemap_lists_films(sitemap: Any) -> None:
    """Each film has a video:video with thumbnail, title, description, player or file, duration."""
    films = [url for url in urls(sitemap) if "/videos/" in url.findtext("s:loc", namespaces=NS)]
    assert films
    for url in films:
        (video,) = url.findall("video:video", NS)
        for name in ("thumbnail_loc", "title", "description", "publication_date"):
            assert (video.findtext(f"video:{name}", namespaces=NS) or "").strip(), name
        player = video.findtext("video:player_loc", namespaces=NS)
        content = video.findtext("video:content_loc", namespaces=NS)
        assert player or content
        duration = video.findtext("video:duration", namespaces=NS)
        assert duration is not None
        assert 1 <= int(duration) <= 28_800
        assert W3C_DATETIME.match(video.findtext("video:publication_date", namespaces=NS))


def test_listing_pages_change_with_their_latest_item(sitemap: Any) -> None:
    """A list's lastmod is its newest item's: the hub's the newest of all, #FF's its newest."""
    lastmods = {
        url.findtext("s:loc", namespaces=NS): datetime.fromisoformat(
            url.findtext("s:lastmod", namespaces=NS)
        )
        for url in urls(sitemap)
    }
    items = {loc: when for loc, when in lastmods.items() if loc.count("/") >= 5}
    assert lastmods["http://127.0.0.1:8000/hub/"] == max(items.values())
    shoutouts = [when for loc, when in items.items() if "/follow-friday/" in loc]
    assert lastmods["http://127.0.0.1:8000/follow-friday/"] == max(shoutouts)


def test_a_summary_quoting_markup_cannot_break_out_of_the_script(
    minimal_copy: Path, build: Any
) -> None:
    """A summary quoting ``</script><!--`` (as code) stays data: its JSON holds the exact text."""
    post = minimal_copy / "posts" / "first-post.md"
    summary = "Summary: The first post of the hub."
    quoted = "Summary: Why `</script><!--` & `<b>` stay text."
    post.write_text(post.read_text("utf-8").replace(summary, quoted))
    output = build(minimal_copy)
    page = output / "posts" / "first-post" / "index.html"
    (text,) = scripts(page)
    (posting,) = [node for node in json.loads(text)["@graph"] if node["@type"] == "BlogPosting"]
    assert posting["description"] == "Why </script><!-- & <b> stay text."
    html = page.read_text("utf-8")
    assert html.count("</script>") == html.count("<script")
