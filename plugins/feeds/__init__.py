"""feeds: every stream as RSS, Atom and JSON Feed, the feeds page, the OPML blogroll.

Each stream the feeds page lists also gets a feed page (what people see when
they click a feed link), and the blogroll gets one too.

Pelican's own feeds are off (pelicanconf.py); this plugin reads the model and
hands it to socialhub.feeds. A feed, like a page, is written again only when
what it shows has changed.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub import cards
from socialhub.feeds.empty import EmptyFeeds
from socialhub.feeds.entries import Entry, SiteInfo, comment_entry, item_entry, tag_authority
from socialhub.feeds.jsonfeed import render_json
from socialhub.feeds.opml import render_opml
from socialhub.feeds.pages import (
    BLOGROLL_PAGE,
    LATEST_COUNT,
    addresses,
    latest,
    page_path,
    reader_links,
)
from socialhub.feeds.streams import (
    ItemStreams,
    Stream,
    comments_path,
    comments_stream,
    site_streams,
    streams_about,
)
from socialhub.feeds.write import FORMAT_NAMES, FORMATS, FeedHead, render_atom, render_rss
from socialhub.forked import Forked
from socialhub.model import Comment, Item, Site
from socialhub.render import (
    TOTALS,
    PageJob,
    PagePlan,
    build_workers,
    digest,
    identity,
    item_digest,
    write_if_changed,
)
from socialhub.urls import site_base

EMPTY_SITE_DATE = datetime(2000, 1, 1, tzinfo=UTC)
RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json}


def site_info(settings: dict[str, Any]) -> SiteInfo:
    """The facts about the site that feed entries need."""
    base = site_base(settings)
    return SiteInfo(
        base=base,
        name=settings["SITENAME"],
        company=settings.get("COMPANY_NAME", settings["SITENAME"]),
        content_dir=settings["PATH"],
        tag_authority=tag_authority(settings.get("FEED_TAG_AUTHORITY", ""), base),
        content_max_chars=int(settings.get("FEED_CONTENT_MAX_CHARS", 0) or 0),
        websub_hub=str(settings.get("WEBSUB_HUB", "") or ""),
    )


class FeedsGenerator(Generator):
    """Writes every feed, /feeds/ and /bloggers.opml."""

    background: Forked | None = None

    def start(self) -> None:
        """Begin writing the feeds in a forked process, beside the other plugins' pages."""
        if build_workers(self.settings) > 1:
            self.background = Forked(self._write_all)

    def generate_output(self, writer: Any) -> None:
        """Write the feeds here, or wait for the process that writes them."""
        if self.background is None:
            self._write_all()
            return
        rendered, skipped = self.background.wait()
        TOTALS.rendered += rendered
        TOTALS.skipped += skipped

    def _write_all(self) -> tuple[int, int]:
        """Plan one job per stream and format; write what changed; (rendered, skipped)."""
        before = (TOTALS.rendered, TOTALS.skipped)
        site: Site = self.context["hub"]
        self.info = site_info(self.settings)
        self.limit = int(self.settings.get("FEED_ITEM_COUNT", 50))
        # An empty site still writes valid feeds, dated at a fixed moment (builds are
        # a pure function of the repository).
        self.newest = max((item.updated for item in site.items), default=EMPTY_SITE_DATE)
        self._entries: dict[tuple[str, str], Entry] = {}
        self._empty = EmptyFeeds(functools.partial(self._empty_comments_feed, site))
        plan = PagePlan("feeds", site, self.settings, self.output_path)
        listed_streams = site_streams(site)
        # A stream's feed page shows what its feed shows: the same digest and things.
        shown_of: dict[str, tuple[str, list[Item | Comment]]] = {}
        for stream in listed_streams:
            things = stream.things(site, self.limit)
            # Why not the stream itself: its pick function's repr changes every run.
            about = (stream.path, stream.title, stream.description, stream.page, self.limit)
            about += (self.info.content_max_chars,)
            if not things:
                about += (self.newest,)  # an empty feed is dated with the newest item
            # One short digest per stream, shared by its three formats.
            shown = (digest(about, *[self._digest(site, thing) for thing in things]),)
            shown_of[stream.path] = (shown[0], things)
            for fmt, (extension, _type) in FORMATS.items():
                plan.add(stream.path + extension, fmt, shown, stream=stream, things=things)
        for item in site.items:
            # An item's comments feed shows the item (title, page) and its comments,
            # all of which its digest covers: nothing else to look at for 10,000 feeds.
            shown = ("comments", item_digest(site, item), self.limit)
            for fmt, (extension, _type) in FORMATS.items():
                plan.add(f"{comments_path(item)}{extension}", fmt, shown, item=item)
        plan.write(functools.partial(self._write_feed, site))
        pages = PagePlan("feeds-page", site, self.settings, self.output_path)
        groups: list[tuple[str, Sequence[Stream]]] = [
            (name, [s for s in listed_streams if s.group == name])
            for name in GROUPS
            if name != "items"
        ]
        # One comments feed per item: listed from the items, made only if the page is.
        groups.append(("items", ItemStreams(site.items)))
        about_items = "".join(f"{item.url}\x00{item.title}\x01" for item in site.items)
        listed = digest([(s.path, s.title, s.description, s.page) for s in listed_streams])
        listed = digest(listed, about_items)
        pages.add("feeds/index.html", "feeds", (listed,), groups=groups, formats=FORMATS)
        cards.prepare(self.context, self.settings, pages)
        # After the cards: a feed page is shared with the company's logo, not a card
        # of its own (one per blogger, contest and tag would be drawn for noindex pages).
        self._plan_feed_pages(site, pages, listed_streams, shown_of)
        pages.write_with(self.get_template, self.context)
        self._write_opml(site)
        return (TOTALS.rendered - before[0], TOTALS.skipped - before[1])

    def _plan_feed_pages(
        self,
        site: Site,
        pages: PagePlan,
        streams: Sequence[Stream],
        shown_of: dict[str, tuple[str, list[Item | Comment]]],
    ) -> None:
        """One feed page per listed stream, and the blogroll's page.

        Why not one per item's comments feed: thousands of pages nobody links to in
        visible text; the feeds page sends people to the item's comments instead.
        """
        base = site_base(self.settings)
        for stream in streams:
            shown, things = shown_of[stream.path]
            pages.add(
                page_path(stream) + "index.html",
                "feed_page",
                (shown,),
                stream=stream,
                addresses=addresses(stream, base),
                readers=reader_links,
                latest=functools.partial(self._latest, site, things),
            )
        bloggers = sorted(site.bloggers.values(), key=lambda b: b.name.lower())
        about = [(b.slug, b.name, b.blog_name, b.blog_url, b.feed_url) for b in bloggers]
        pages.add(
            BLOGROLL_PAGE + "index.html",
            "blogroll",
            (digest(about),),
            bloggers=bloggers,
            opml_url=f"{base}/bloggers.opml",
            readers=reader_links,
        )

    def _latest(self, site: Site, things: Sequence[Item | Comment]) -> list[Any]:
        """The newest entries of a feed, made from the feed's own entries."""
        return latest([self._entry(site, thing) for thing in things[:LATEST_COUNT]])

    def _digest(self, site: Site, thing: Item | Comment) -> str:
        if isinstance(thing, Item):
            return item_digest(site, thing)
        item = site.item(thing.item)
        return f"{identity(site, thing)}\x00{item.title if item else ''}"

    def _entry(self, site: Site, thing: Item | Comment) -> Entry:
        """One entry, made once per build however many streams and formats show it."""
        key = (type(thing).__name__, thing.source_path)
        entry = self._entries.get(key)
        if entry is None:
            if isinstance(thing, Item):
                entry = item_entry(site, thing, self.info)
            else:
                entry = comment_entry(site, thing, self.info)
            self._entries[key] = entry
        return entry

    def _write_feed(self, site: Site, job: PageJob) -> None:
        item: Item | None = job.variables.get("item")
        path = Path(self.output_path) / job.save_as
        if item is not None:
            stream = comments_stream(item)
            things = stream.things(site, self.limit)
            if not things:
                # Most items have no comment yet: their feeds come from one template.
                empty = self._empty.feed(job.template, item.url, item.title, item.updated)
                write_if_changed(path, empty)
                return
            # An item's comments feed with no comment yet is as new as the item.
            fallback = item.updated
        else:
            stream, things, fallback = job.variables["stream"], job.variables["things"], self.newest
        entries = [self._entry(site, thing) for thing in things]
        updated = max((entry.updated for entry in entries), default=fallback)
        write_if_changed(path, RENDERERS[job.template](self._head(stream, updated), entries))

    def _head(self, stream: Stream, updated: datetime) -> FeedHead:
        return FeedHead(
            stream=stream,
            info=self.info,
            language=self.settings.get("DEFAULT_LANG", "en"),
            logo=self.info.url(self.settings.get("COMPANY_LOGO", "/favicon.ico")),
            icon=self.info.url("favicon.ico"),
            updated=updated,
        )

    def _empty_comments_feed(
        self, site: Site, fmt: str, url: str, title: str, updated: datetime
    ) -> bytes:
        """An item's comments feed with no entry, rendered (the template's slow path)."""
        item = dataclasses.replace(site.items[0], url=url, title=title)
        return RENDERERS[fmt](self._head(comments_stream(item), updated), [])

    def _write_opml(self, site: Site) -> None:
        title = f"{self.settings.get('COMPANY_NAME', '')} featured bloggers"
        owner = self.settings.get("COMPANY_NAME", "")
        data = render_opml(site.bloggers.values(), title, owner, self.newest)
        write_if_changed(Path(self.output_path) / "bloggers.opml", data)


GROUPS = ("site", "bloggers", "contests", "tags", "items")


def feed_links(context: dict[str, Any], subject: object = None) -> list[dict[str, str]]:
    """The autodiscovery links of a page: its own feeds first, in every format."""
    site: Site | None = context.get("hub")
    if site is None:
        return []
    base = site_base(context)
    links = []
    for rank, stream in enumerate(streams_about(site, subject)):
        for fmt, (extension, mime) in FORMATS.items():
            if rank > 0 and fmt == "json":
                continue  # the page's own feed in three formats, the wider ones in two
            links.append(
                {
                    "title": f"{stream.title} ({FORMAT_NAMES[fmt]})",
                    "href": f"{base}/{stream.path}{extension}",
                    "type": mime,
                }
            )
    return links


def add_feed_links(generator: Generator) -> None:
    """Give every generator's templates the feed_links(subject) function."""
    generator.env.globals["feed_links"] = functools.partial(feed_links, generator.context)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the feeds' generator."""
    return FeedsGenerator


def start_feeds(generators: list[Generator]) -> None:
    """Once the model is complete, start the feeds beside the other plugins' pages."""
    for generator in generators:
        if isinstance(generator, FeedsGenerator):
            generator.start()


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_feed_links)
    signals.all_generators_finalized.connect(start_feeds)
