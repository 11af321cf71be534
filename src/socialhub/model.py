"""The item model: frozen dataclasses for every kind, and the site that links them.

The model is complete before any page is written; templates, feeds and the
comment manifest read it and never change it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from socialhub.text import slugify


@dataclass(frozen=True, kw_only=True)
class Image:
    """A picture on the site: a path under content/, with its alt text."""

    src: str  # site path, such as /images/follow-friday/x.png
    alt: str
    caption: str = ""
    # The CSS object-position a cropping frame uses (a poster's Poster-Focus); empty: centred.
    focus: str = ""


@dataclass(frozen=True, kw_only=True)
class Captions:
    """A WebVTT captions file of a film on this site, shown as a <track>."""

    src: str  # site path, such as /media/the-last-ferry.en.vtt
    lang: str  # BCP 47 language tag, from the file name
    label: str  # what the player's captions menu shows


@dataclass(frozen=True, kw_only=True)
class VideoSource:
    """Where a contest video plays: YouTube, Vimeo, a PeerTube server or a file on this site."""

    provider: str  # "youtube", "vimeo", "peertube" or "file"
    url: str  # the URL the editor gave (a site path for files)
    video_id: str = ""  # provider's id; empty for files
    host: str = ""  # the PeerTube server, such as tube.example; empty for the others

    @property
    def watch_url(self) -> str:
        """The page where the video plays on its own site (the no-JS link)."""
        if self.provider == "youtube":
            return f"https://www.youtube.com/watch?v={self.video_id}"
        if self.provider == "vimeo":
            return f"https://vimeo.com/{self.video_id}"
        if self.provider == "peertube":
            return f"https://{self.host}/w/{self.video_id}"
        return self.url

    @property
    def embed_url(self) -> str:
        """The privacy-enhanced player, loaded only when the reader presses play."""
        if self.provider == "youtube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1"
        if self.provider == "vimeo":
            return f"https://player.vimeo.com/video/{self.video_id}?dnt=1&autoplay=1"
        if self.provider == "peertube":
            # Why p2p=0: PeerTube's player otherwise shares the film with other
            # viewers over WebRTC, telling them the reader's address (its embed
            # docs, support/doc/api/embeds.md); warningTitle=0 drops the P2P
            # notice that no longer applies.
            return (
                f"https://{self.host}/videos/embed/{self.video_id}?autoplay=1&p2p=0&warningTitle=0"
            )
        return self.url

    @property
    def media_type(self) -> str:
        """The MIME type of a video file (empty for hosted videos)."""
        extension = self.url.rsplit(".", 1)[-1].lower()
        return {"mp4": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}.get(extension, "")


@dataclass(frozen=True, kw_only=True)
class Item:
    """What every stream item has: it is dated, has a page, and shows in the hub."""

    kind: str
    slug: str
    source_path: str
    title: str
    date: datetime
    modified: datetime | None
    tags: tuple[str, ...]
    summary_html: str
    body_html: str
    comments_open: bool
    url: str  # site path without leading slash, such as posts/hello/

    @property
    def updated(self) -> datetime:
        """When the item last changed: its modified date, else its date."""
        return self.modified or self.date

    @property
    def image(self) -> Image | None:
        """The picture that stands for the item on cards and link previews."""
        return None


@dataclass(frozen=True, kw_only=True)
class Post(Item):
    """A company post."""

    author: str
    cover: Image | None

    @property
    def image(self) -> Image | None:
        """The post's optional cover picture."""
        return self.cover


@dataclass(frozen=True, kw_only=True)
class FeaturedPost(Item):
    """A blogger's post featured on the hub, linking back to the original."""

    blogger: str  # the blogger's slug
    original_url: str
    excerpt: str
    editor_note_html: str
    device: str
    verdict: str
    collected: bool
    entry_id: str


@dataclass(frozen=True, kw_only=True)
class Shoutout(Item):
    """An #FF (Follow Friday) thank-you with one or more pictures."""

    handles: tuple[str, ...]
    caption: str
    original_url: str
    reshares: int
    images: tuple[Image, ...]

    @property
    def image(self) -> Image | None:
        """The first picture of the shout-out."""
        return self.images[0] if self.images else None


@dataclass(frozen=True, kw_only=True)
class Video(Item):
    """A contest entry."""

    entrant: str
    contest: str  # the contest's slug
    source: VideoSource
    poster: Image
    duration: str
    duration_seconds: int
    award: str
    captions: tuple[Captions, ...] = ()

    @property
    def image(self) -> Image | None:
        """The video's poster."""
        return self.poster


@dataclass(frozen=True, kw_only=True)
class Blogger:
    """A blogger of the relations program."""

    slug: str
    source_path: str
    name: str
    blog_name: str
    blog_url: str
    feed_url: str
    avatar: Image
    handles: tuple[str, ...]
    devices: tuple[str, ...]
    member_since: date
    collect_filter: tuple[str, ...]
    bio_html: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Contest:
    """A short-film contest."""

    slug: str
    source_path: str
    name: str
    device: str
    opens: date
    closes: date
    status: str
    prizes: tuple[str, ...]
    winners: tuple[str, ...]  # video slugs
    summary_html: str
    rules_html: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Comment:
    """An approved comment or Webmention on a stream item."""

    id: str
    item: str  # the item's slug
    source_path: str
    author: str
    website: str
    date: datetime
    reply_to: str
    source: str  # "form", "webmention" or "fediverse" (a reply from Mastodon and others)
    source_url: str
    body_html: str
    mention_type: str = "mention"  # a Webmention's: mention, reply, like, repost, bookmark
    author_photo: Image | None = None  # a Webmention author's picture, fetched at approval
    staff: bool = False  # written by a moderator for the company (Staff: yes)

    @property
    def anchor(self) -> str:
        """The fragment that links to this comment on its item's page."""
        return f"comment-{self.id}"

    @property
    def is_reply(self) -> bool:
        """Whether it is shown among the comments: a form comment, a fediverse reply or a
        Webmention reply."""
        return self.source in ("form", "fediverse") or self.mention_type == "reply"

    @property
    def source_host(self) -> str:
        """The site a Webmention or fediverse reply came from (its host, without www.)."""
        host = urlsplit(self.source_url).hostname or ""
        return host.removeprefix("www.")

    @property
    def initials(self) -> str:
        """Up to two letters of the author's name, shown when there is no picture."""
        words = [word for word in self.author.split() if word[:1].isalnum()]
        letters = "".join(word[0] for word in words[:1] + words[1:][-1:])
        return letters.upper() or "?"

    @property
    def hue(self) -> int:
        """One of eight colours for the initials, the same for the same name on every build."""
        return zlib.crc32(self.author.encode("utf-8")) % 8


@dataclass(frozen=True)
class Thread:
    """A comment and the replies under it, oldest first."""

    comment: Comment
    replies: tuple[Thread, ...] = ()

    def walk(self) -> Iterator[Comment]:
        """This comment, then every reply below it, depth first."""
        yield self.comment
        for reply in self.replies:
            yield from reply.walk()


@dataclass(frozen=True)
class Tag:
    """A tag and the items that carry it, newest first."""

    name: str
    slug: str
    items: tuple[Item, ...]

    @property
    def url(self) -> str:
        """The tag's page."""
        return f"tags/{self.slug}/"


@dataclass(frozen=True)
class Site:
    """Every published item, linked: the one thing plugins share."""

    items: tuple[Item, ...]  # newest first
    bloggers: dict[str, Blogger]
    contests: dict[str, Contest]
    comments: dict[str, tuple[Comment, ...]]  # item slug -> comments, oldest first
    drafts: tuple[str, ...] = ()  # source paths of items left out as drafts
    _by_slug: dict[str, Item] = field(default_factory=dict, repr=False)
    # source path -> what identifies that file's content in this build (its stamp and
    # the keys of the caches it went through); pages are fingerprinted with these.
    identities: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    # Values derived once per build from the frozen model (page fingerprints).
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_slug.update({item.slug: item for item in self.items})

    def inputs_of(self, item: Item) -> tuple[Any, ...]:
        """Everything an item's page and card show: it, its comments, its blogger or contest."""
        related: Any = None
        if isinstance(item, FeaturedPost):
            related = self.bloggers.get(item.blogger)
        elif isinstance(item, Video):
            related = self.contests.get(item.contest)
        return (item, self.comments_of(item), related)

    def item(self, slug: str) -> Item | None:
        """The stream item with this slug, or None."""
        return self._by_slug.get(slug)

    def _grouped(self, name: str, key: Any) -> dict[str, tuple[Any, ...]]:
        """Items grouped once per build by ``key(item)`` (None leaves an item out)."""
        if ("group", name) not in self.memo:
            groups: dict[str, list[Item]] = {}
            for item in self.items:
                value = key(item)
                if value is not None:
                    groups.setdefault(value, []).append(item)
            self.memo[("group", name)] = {k: tuple(v) for k, v in groups.items()}
        return self.memo[("group", name)]

    def items_of_kind(self, kind: str) -> tuple[Item, ...]:
        """The items of one kind, newest first."""
        return self._grouped("kind", lambda item: item.kind).get(kind, ())

    def blogger_of(self, item: FeaturedPost) -> Blogger:
        """The blogger who wrote a featured post."""
        return self.bloggers[item.blogger]

    def featured_by(self, blogger: Blogger) -> tuple[FeaturedPost, ...]:
        """A blogger's featured posts, newest first."""
        by_blogger = self._grouped(
            "blogger", lambda item: item.blogger if isinstance(item, FeaturedPost) else None
        )
        return by_blogger.get(blogger.slug, ())

    def contest_of(self, video: Video) -> Contest:
        """The contest a video was entered in."""
        return self.contests[video.contest]

    def videos_of(self, contest: Contest) -> tuple[Video, ...]:
        """A contest's videos: winners, then finalists, then the rest, newest first."""
        rank = {"winner": 0, "finalist": 1, "honourable-mention": 2, "entry": 3}
        by_contest = self._grouped(
            "contest", lambda item: item.contest if isinstance(item, Video) else None
        )
        videos = by_contest.get(contest.slug, ())
        return tuple(sorted(videos, key=lambda video: rank.get(video.award, 9)))

    def comments_of(self, item: Item) -> tuple[Comment, ...]:
        """Every comment and mention on an item, oldest first."""
        return self.comments.get(item.slug, ())

    def threads_of(self, item: Item) -> tuple[Thread, ...]:
        """The comments and Webmention replies on an item, threaded, oldest first."""
        comments = [c for c in self.comments_of(item) if c.is_reply]
        ids = {comment.id for comment in comments}
        children: dict[str, list[Comment]] = {}
        for comment in comments:
            # A reply to what is not in a thread (a like, say) starts its own thread.
            parent = comment.reply_to if comment.reply_to in ids else ""
            children.setdefault(parent, []).append(comment)

        def build(comment: Comment) -> Thread:
            replies = tuple(build(reply) for reply in children.get(comment.id, []))
            return Thread(comment, replies)

        return tuple(build(comment) for comment in children.get("", []))

    def mentions_of(self, item: Item) -> tuple[Comment, ...]:
        """The plain mentions and bookmarks of an item ("Mentioned by"), oldest first."""
        return tuple(
            c
            for c in self.comments_of(item)
            if c.source == "webmention" and c.mention_type in ("mention", "bookmark")
        )

    def reactions_of(self, item: Item, mention_type: str) -> tuple[Comment, ...]:
        """The likes (or reposts) of an item, oldest first."""
        return tuple(
            c
            for c in self.comments_of(item)
            if c.source == "webmention" and c.mention_type == mention_type
        )

    def conversation_count(self, item: Item) -> int:
        """How many comments, replies and mentions an item has (likes and reposts apart)."""
        return sum(1 for c in self.comments_of(item) if c.mention_type not in ("like", "repost"))

    def tags(self) -> tuple[Tag, ...]:
        """Every tag in use, by name, each with its items newest first."""
        if ("tags", "") not in self.memo:
            self.memo[("tags", "")] = self._group_tags()
        return self.memo[("tags", "")]

    def _group_tags(self) -> tuple[Tag, ...]:
        grouped: dict[str, list[Item]] = {}
        names: dict[str, str] = {}
        for item in self.items:
            for name in item.tags:
                slug = slugify(name)
                names.setdefault(slug, name)
                grouped.setdefault(slug, []).append(item)
        return tuple(
            Tag(names[slug], slug, tuple(grouped[slug]))
            for slug in sorted(grouped, key=lambda s: names[s].lower())
        )
