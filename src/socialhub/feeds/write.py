"""RSS 2.0 and Atom 1.0 through feedgen, with Media RSS and WebSub."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from socialhub.feeds.entries import Entry, Media, SiteInfo
from socialhub.feeds.streams import Stream
from socialhub.text import xml_safe

MEDIA_NS = "http://search.yahoo.com/mrss/"
ATOM_NS = "http://www.w3.org/2005/Atom"
FORMATS = {
    "rss": (".rss.xml", "application/rss+xml"),
    "atom": (".atom.xml", "application/atom+xml"),
    "json": (".json", "application/feed+json"),
}
# How people write the formats' names: in link titles, on the feeds page, in menus.
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}


@dataclass(frozen=True)
class FeedHead:
    """The feed-level facts of one stream in one format."""

    stream: Stream
    info: SiteInfo
    language: str
    logo: str  # absolute URL
    icon: str  # absolute URL
    updated: datetime

    def self_url(self, fmt: str) -> str:
        """Where this feed is published in ``fmt``."""
        return self.info.url(self.stream.path + FORMATS[fmt][0])

    @property
    def page_url(self) -> str:
        """The page the feed follows."""
        return self.info.url(self.stream.page)

    @property
    def title(self) -> str:
        """The feed's title, with the site's name (without characters XML forbids)."""
        return xml_safe(f"{self.stream.title} · {self.info.name}")

    @property
    def description(self) -> str:
        """What the feed holds, in a sentence (without characters XML forbids)."""
        return xml_safe(self.stream.description or self.stream.title)


def rss_text(text: str) -> str:
    """Plain text for an RSS element that readers take as HTML (titles, descriptions).

    Why: RSS does not say whether <title> and <description> are text or HTML, and
    most readers decode them as HTML; a comment that reads ``<script>`` must
    reach them as ``&lt;script&gt;``, i.e. escaped once more than XML escapes it.
    """
    return escape(text, quote=False)


def rss_cdata(html: str) -> str:
    """Sanitized HTML for a CDATA section: ``]]>`` (possible in an attribute) would end it."""
    return html.replace("]]>", "]]&gt;")


class MediaExtension(BaseExtension):
    """Declares the Media RSS namespace on the feed."""

    def extend_ns(self) -> dict[str, str]:
        """The namespace prefix feedgen puts on the root element."""
        return {"media": MEDIA_NS}


class MediaEntryExtension(BaseEntryExtension):
    """media:content with media:title, media:thumbnail and media:player for each Media."""

    def __init__(self) -> None:
        self.items: list[Media] = []
        self.atom_links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        """Replace the entry's links, then add the Media RSS elements."""
        # Why: feedgen 1.0 writes an Atom entry's links without rel, type and
        # length (it reads them from the element it has just made); ours are whole.
        for child in list(entry):
            if child.tag in ("link", f"{{{ATOM_NS}}}link"):
                entry.remove(child)
        for link in self.atom_links:
            xml_elem("link", entry, **link)
        return self.extend_rss(entry)

    def extend_rss(self, entry: Any) -> Any:
        """Add the Media RSS elements (the same in RSS and Atom)."""
        for media in self.items:
            content = xml_elem(f"{{{MEDIA_NS}}}content", entry)
            if media.is_file:
                content.set("url", media.url)
                content.set("type", media.mime_type)
                content.set("fileSize", str(media.length))
            content.set("medium", media.medium)
            if media.width:
                content.set("width", str(media.width))
                content.set("height", str(media.height))
            if media.duration:
                content.set("duration", str(media.duration))
            if not media.is_file:
                # Why a player: a YouTube or Vimeo page is not the media file itself.
                xml_elem(f"{{{MEDIA_NS}}}player", content).set("url", media.url)
            title = xml_elem(f"{{{MEDIA_NS}}}title", content)
            title.set("type", "plain")
            title.text = media.title
            if media.thumbnail:
                xml_elem(f"{{{MEDIA_NS}}}thumbnail", content).set("url", media.thumbnail)
        return entry


class WebSubExtension(BaseExtension):
    """RSS: ``<atom:link rel="hub">`` beside the ``rel="self"`` one (WebSub 4, discovery)."""

    def __init__(self) -> None:
        self.hub = ""

    def extend_rss(self, feed: Any) -> Any:
        """Put the hub's link right after the channel's self link."""
        # Why an extension: feedgen takes rel="hub" in link() and writes it in Atom,
        # but RSS's channel gets only the rel="self" one of the feed's links.
        channel = feed[0]
        hub = etree.Element(f"{{{ATOM_NS}}}link", href=self.hub, rel="hub")
        own = channel.find(f"{{{ATOM_NS}}}link[@rel='self']")
        channel.insert(0 if own is None else channel.index(own) + 1, hub)
        return feed

    def extend_atom(self, feed: Any) -> Any:
        """Nothing: Atom writes every link given to feedgen's link()."""
        return feed


def _generator(head: FeedHead, entries: Sequence[Entry], fmt: str) -> FeedGenerator:
    feed = FeedGenerator()
    feed.register_extension("hubmedia", MediaExtension, MediaEntryExtension)
    feed.load_extension("dc", atom=False, rss=True)

    # RSS's channel texts are taken as HTML too (see rss_text); Atom's say they are text.
    def text(value: str) -> str:
        return rss_text(value) if fmt == "rss" else value

    feed.id(head.info.tag_id(head.stream.path))
    feed.title(text(head.title))
    feed.subtitle(text(head.description))
    # Why this order: feedgen takes the last link as RSS's <link>, the page.
    feed.link(href=head.self_url(fmt), rel="self", type=FORMATS[fmt][1])
    if head.info.websub_hub:
        # WebSub discovery: the hub and, just above, the feed's own URL (its topic).
        feed.link(href=head.info.websub_hub, rel="hub")
        feed.register_extension("websub", WebSubExtension, atom=False)
        feed.websub.hub = head.info.websub_hub
    feed.link(href=head.page_url, rel="alternate", type="text/html")
    feed.language(head.language)
    feed.author(name=head.info.company, uri=head.info.base + "/")
    feed.logo(head.logo)
    feed.icon(head.icon)
    feed.image(url=head.logo, title=text(head.title), link=head.page_url)
    feed.updated(head.updated)
    feed.lastBuildDate(head.updated)
    feed.generator("socialhub (Pelican, feedgen)")
    feed.docs("https://www.rssboard.org/rss-specification")
    # feedgen prepends entries: add the oldest first to write the newest first.
    for entry in reversed(entries):
        _add_entry(feed, entry, fmt)
    return feed


def _add_entry(feed: FeedGenerator, entry: Entry, fmt: str) -> None:
    item = feed.add_entry()
    item.id(entry.id)
    item.guid(entry.id, permalink=False)
    item.title(rss_text(entry.title) if fmt == "rss" else entry.title)
    item.link(href=entry.url, rel="alternate", type="text/html")
    links = [{"href": entry.url, "rel": "alternate", "type": "text/html"}]
    if entry.external_url:
        links.append({"href": entry.external_url, "rel": "related", "type": "text/html"})
    item.published(entry.published)
    item.updated(entry.updated)
    if fmt == "rss":
        item.dc.dc_creator(entry.author)
        item.description(rss_text(entry.summary or entry.title))
        item.content(rss_cdata(entry.content_html), type="CDATA")
    else:
        author = {"name": entry.author}
        if entry.author_url:
            author["uri"] = entry.author_url
        item.author(author)
        item.summary(entry.summary or entry.title)
        item.content(entry.content_html, type="html")
    for slug, name in entry.tags:
        item.category(term=slug if fmt == "atom" else name, label=name)
    files = [media for media in entry.media if media.is_file]
    if files and fmt == "rss":  # RSS allows one enclosure per item
        item.enclosure(files[0].url, str(files[0].length), files[0].mime_type)
    links += [
        {"href": m.url, "rel": "enclosure", "type": m.mime_type, "length": str(m.length)}
        for m in files
    ]
    item.hubmedia.items = list(entry.media)
    item.hubmedia.atom_links = links


def render_rss(head: FeedHead, entries: Sequence[Entry]) -> bytes:
    """The stream as RSS 2.0."""
    # No xml-stylesheet: browsers are dropping XSLT; people who click a feed link
    # get the stream's feed page instead (socialhub.feeds.pages).
    return bytes(_generator(head, entries, "rss").rss_str(pretty=True))


def render_atom(head: FeedHead, entries: Sequence[Entry]) -> bytes:
    """The stream as Atom 1.0."""
    return bytes(_generator(head, entries, "atom").atom_str(pretty=True))
