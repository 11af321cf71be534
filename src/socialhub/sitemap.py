"""sitemap.xml: every page with its last change, the pictures of items and the films.

The sitemaps.org 0.9 protocol, with Google's image (1.1) and video (1.1)
extensions: ``image:image`` for each item's pictures, ``video:video`` for each
contest film. The protocol allows 50,000 URLs and 50 MB in one file: a bigger
hub gets ``sitemap.xml`` as a sitemap index of ``sitemap-1.xml``,
``sitemap-2.xml``, ... (robots.txt names sitemap.xml either way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from socialhub.model import Item, Shoutout, Site, Video
from socialhub.structured import player_url, w3c_datetime
from socialhub.text import plain_text, shorten, xml_safe
from socialhub.urls import absolute

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IMAGE_NS = "http://www.google.com/schemas/sitemap-image/1.1"
VIDEO_NS = "http://www.google.com/schemas/sitemap-video/1.1"

# Google's video sitemap: a description of at most 2,048 characters, a title of 100.
VIDEO_DESCRIPTION_MAX = 2048
VIDEO_TITLE_MAX = 100
# sitemaps.org: at most 50,000 URLs and 50 MB (52,428,800 bytes) uncompressed per file.
MAX_URLS = 50_000
MAX_BYTES = 52_428_800
INDEX = "sitemap.xml"


@dataclass
class Entry:
    """One <url>: a site path, when it last changed, its pictures and its film."""

    path: str
    lastmod: date | datetime | None = None
    images: list[str] = field(default_factory=list)  # site paths
    video: Video | None = None


def latest(items: Iterable[Item]) -> datetime | None:
    """When the most recently changed of these items changed, or None for none."""
    return max((item.updated for item in items), default=None)


def item_pictures(item: Item) -> list[str]:
    """The site paths of an item's pictures: every #FF image, a cover, a poster."""
    if isinstance(item, Shoutout):
        return [image.src for image in item.images]
    return [item.image.src] if item.image is not None else []


def entries(site: Site) -> list[Entry]:
    """Every page the sitemap lists, in the order it lists them."""
    newest = latest(site.items)
    featured = site.items_of_kind("featured")
    listed = [
        Entry("", newest),
        Entry("hub/", newest),
        Entry("bloggers/", latest(featured)),
        Entry("follow-friday/", latest(site.items_of_kind("follow-friday"))),
        Entry("contests/", latest(site.items_of_kind("video"))),
        Entry("tags/", newest),
        Entry("feeds/", newest),
        Entry("search/", newest),
    ]
    for item in site.items:
        video = item if isinstance(item, Video) else None
        listed.append(Entry(item.url, item.updated, item_pictures(item), video))
    for blogger in site.bloggers.values():
        # Why member_since as the fallback: a blogger without featured posts
        # changed last, as far as the hub knows, when they joined.
        changed = latest(site.featured_by(blogger)) or blogger.member_since
        listed.append(Entry(blogger.url, changed, [blogger.avatar.src]))
    for contest in site.contests.values():
        changed = latest(site.videos_of(contest)) or contest.opens
        listed.append(Entry(contest.url, changed))
    listed += [Entry(tag.url, latest(tag.items)) for tag in site.tags()]
    return listed


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = xml_safe(text)
    return element


def _video(parent: ET.Element, video: Video, settings: Mapping[str, Any]) -> None:
    """A video:video element; Google asks for a player or a file, and both a title and text."""
    element = ET.SubElement(parent, f"{{{VIDEO_NS}}}video")
    _text(element, f"{{{VIDEO_NS}}}thumbnail_loc", absolute(settings, video.poster.src))
    _text(element, f"{{{VIDEO_NS}}}title", shorten(video.title, VIDEO_TITLE_MAX))
    description = plain_text(video.summary_html) or video.title
    _text(element, f"{{{VIDEO_NS}}}description", shorten(description, VIDEO_DESCRIPTION_MAX))
    if video.source.provider == "file":
        _text(element, f"{{{VIDEO_NS}}}content_loc", absolute(settings, video.source.url))
    else:
        _text(element, f"{{{VIDEO_NS}}}player_loc", player_url(video.source))
    if video.duration_seconds > 0:
        _text(element, f"{{{VIDEO_NS}}}duration", str(video.duration_seconds))
    _text(element, f"{{{VIDEO_NS}}}publication_date", w3c_datetime(video.date))


def sitemap_files(site: Site, settings: Mapping[str, Any]) -> dict[str, bytes]:
    """The sitemap files (site path → bytes): sitemap.xml alone, or an index and its parts."""
    listed = entries(site)
    parts = _split(listed, settings, MAX_URLS)
    if len(parts) == 1:
        return {INDEX: parts[0]}
    files = {f"sitemap-{number}.xml": text for number, text in enumerate(parts, start=1)}
    files[INDEX] = _index(list(files), settings, latest(site.items))
    return files


def _split(listed: list[Entry], settings: Mapping[str, Any], limit: int) -> list[bytes]:
    """The urlsets of ``listed`` in order, each within the protocol's count and size."""
    texts = []
    for start in range(0, len(listed), limit):
        chunk = listed[start : start + limit]
        text = _urlset(chunk, settings)
        if len(text) > MAX_BYTES and len(chunk) > 1:
            # Why halve: pages with many pictures make a file too big before it has
            # 50,000 URLs; the halves keep the site's order.
            texts += _split(chunk, settings, (len(chunk) + 1) // 2)
        else:
            texts.append(text)
    return texts


def _index(names: list[str], settings: Mapping[str, Any], changed: datetime | None) -> bytes:
    """A sitemapindex of the parts (each with the site's last change as its lastmod)."""
    root = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for name in names:
        part = ET.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
        _text(part, f"{{{SITEMAP_NS}}}loc", absolute(settings, name))
        if changed is not None:
            _text(part, f"{{{SITEMAP_NS}}}lastmod", w3c_datetime(changed))
    return _document(root)


def _document(root: ET.Element) -> bytes:
    """The UTF-8 bytes of an XML file with ``root`` as its element."""
    ET.indent(root, space="")
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _urlset(listed: Iterable[Entry], settings: Mapping[str, Any]) -> bytes:
    """A urlset of these entries."""
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("image", IMAGE_NS)
    ET.register_namespace("video", VIDEO_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in listed:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        _text(url, f"{{{SITEMAP_NS}}}loc", absolute(settings, entry.path))
        if entry.lastmod is not None:
            _text(url, f"{{{SITEMAP_NS}}}lastmod", w3c_datetime(entry.lastmod))
        for src in dict.fromkeys(entry.images):  # a picture once per page
            image = ET.SubElement(url, f"{{{IMAGE_NS}}}image")
            _text(image, f"{{{IMAGE_NS}}}loc", absolute(settings, src))
        if entry.video is not None:
            _video(url, entry.video, settings)
    return _document(root)
