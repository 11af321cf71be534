"""The table of streams: every feed the site writes, and what goes in it.

One entry of ``SITE_STREAMS`` (or one family in ``streams``) is one feed in all
three formats; adding a stream is adding a line here.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import overload

from socialhub.kinds import KINDS_BY_NAME
from socialhub.model import Blogger, Comment, Contest, FeaturedPost, Item, Site, Tag, Video

Pick = Callable[[Site], Iterable[Item | Comment]]


@dataclass(frozen=True)
class Stream:
    """One feed: where it is published, what it is called, what it holds."""

    path: str  # site path without the format's extension, e.g. "feeds/all"
    title: str
    description: str
    page: str  # site path of the page the feed follows (rel="alternate")
    pick: Pick
    group: str  # how the feeds page groups it

    def things(self, site: Site, limit: int | None = None) -> list[Item | Comment]:
        """What the stream holds, newest first; only the newest ``limit`` when given."""
        picked = self.pick(site)
        if limit is not None:
            # Why: the whole hub's stream has every item and comment; a feed shows 50.
            return heapq.nlargest(limit, picked, key=_date_of)
        return sorted(picked, key=_date_of, reverse=True)


def _date_of(thing: Item | Comment) -> datetime:
    return thing.date


def _all_comments(site: Site) -> list[Comment]:
    return [comment for item in site.items for comment in site.comments_of(item)]


def _everything(site: Site) -> list[Item | Comment]:
    return [*site.items, *_all_comments(site)]


SITE_STREAMS: tuple[Stream, ...] = (
    Stream(
        "feeds/all",
        "Everything",
        "Every item of the hub and every comment and mention, newest first.",
        "hub/",
        _everything,
        "site",
    ),
    Stream(
        "feeds/hub",
        "The hub",
        "Every item of the hub: news, featured blogger posts, #FF and films.",
        "hub/",
        lambda site: site.items,
        "site",
    ),
    Stream(
        "feeds/posts",
        "Company news",
        "Our own posts.",
        "hub/posts/",
        lambda site: site.items_of_kind("post"),
        "site",
    ),
    Stream(
        "feeds/bloggers",
        "Featured blogger posts",
        "Posts by the bloggers of our program, good and bad, linking to the originals.",
        "bloggers/",
        lambda site: site.items_of_kind("featured"),
        "site",
    ),
    Stream(
        "feeds/follow-friday",
        "#FF shout-outs",
        "Our Friday thank-you pictures.",
        "follow-friday/",
        lambda site: site.items_of_kind("follow-friday"),
        "site",
    ),
    Stream(
        "feeds/videos",
        "Contest films",
        "Every short film entered in our contests.",
        "contests/",
        lambda site: site.items_of_kind("video"),
        "site",
    ),
    Stream(
        "feeds/comments",
        "Comments",
        "Every approved comment and Webmention, on every item.",
        "hub/",
        _all_comments,
        "site",
    ),
)


def _of_blogger(slug: str) -> Pick:
    return lambda site: site.featured_by(site.bloggers[slug])


def _of_contest(slug: str) -> Pick:
    return lambda site: site.videos_of(site.contests[slug])


def _of_tag(tag: Tag) -> Pick:
    return lambda _site: tag.items


def _comments_on(slug: str) -> Pick:
    def pick(site: Site) -> tuple[Comment, ...]:
        item = site.item(slug)
        return site.comments_of(item) if item else ()

    return pick


def blogger_stream(blogger: Blogger) -> Stream:
    """The featured posts of one blogger."""
    return Stream(
        f"feeds/bloggers/{blogger.slug}",
        f"{blogger.name} ({blogger.blog_name})",
        f"Posts by {blogger.name} featured on the hub.",
        blogger.url,
        _of_blogger(blogger.slug),
        "bloggers",
    )


def contest_stream(contest: Contest) -> Stream:
    """The films of one contest."""
    return Stream(
        f"feeds/contests/{contest.slug}",
        f"{contest.name} films",
        f"Films entered in {contest.name}.",
        contest.url,
        _of_contest(contest.slug),
        "contests",
    )


def tag_stream(tag: Tag) -> Stream:
    """Everything with one tag."""
    return Stream(
        f"feeds/tags/{tag.slug}",
        f"Tagged “{tag.name}”",
        f"Everything on the hub tagged {tag.name}.",
        tag.url,
        _of_tag(tag),
        "tags",
    )


def comments_path(item: Item) -> str:
    """Where an item's comments feed is published, without the format's extension."""
    return f"{item.url}comments"


def comments_stream(item: Item) -> Stream:
    """The comments and mentions of one item, published beside it."""
    return Stream(
        comments_path(item),
        f"Comments on “{item.title}”",
        f"Comments and mentions of “{item.title}”.",
        item.url,
        _comments_on(item.slug),
        "items",
    )


def site_streams(site: Site) -> list[Stream]:
    """The table above, then one stream per blogger, contest and tag."""
    return [
        *SITE_STREAMS,
        *(blogger_stream(blogger) for blogger in site.bloggers.values()),
        *(contest_stream(contest) for contest in site.contests.values()),
        *(tag_stream(tag) for tag in site.tags()),
    ]


class ItemStreams(Sequence[Stream]):
    """The comments stream of every item, made when asked for (there is one per item)."""

    def __init__(self, items: Sequence[Item]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Stream: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Stream]: ...
    def __getitem__(self, index: int | slice) -> Stream | Sequence[Stream]:
        if isinstance(index, slice):
            return [comments_stream(item) for item in self._items[index]]
        return comments_stream(self._items[index])


def streams_about(site: Site, subject: object) -> list[Stream]:
    """The streams a page is about, most specific first (its autodiscovery links)."""
    by_path = {stream.path: stream for stream in SITE_STREAMS}
    if isinstance(subject, Stream):
        # A feed page: a reader given its address finds that very feed.
        return [subject]
    if isinstance(subject, FeaturedPost):
        found = [comments_stream(subject), blogger_stream(site.bloggers[subject.blogger])]
    elif isinstance(subject, Video):
        found = [comments_stream(subject), contest_stream(site.contests[subject.contest])]
    elif isinstance(subject, Item):
        found = [comments_stream(subject)]
    elif isinstance(subject, Blogger):
        return [blogger_stream(subject), by_path["feeds/bloggers"]]
    elif isinstance(subject, Contest):
        return [contest_stream(subject), by_path["feeds/videos"]]
    elif isinstance(subject, Tag):
        return [tag_stream(subject)]
    else:
        return [by_path["feeds/hub"], by_path["feeds/all"]]
    # The stream of the item's kind is named like its hub filter: feeds/<hub_slug>.
    return [*found, by_path[f"feeds/{KINDS_BY_NAME[subject.kind].hub_slug}"]]
