"""The kinds of item and their fields: one declarative table.

Everything that needs to know what a field is (validation, the scaffold, the
editor's guide) reads this table, so that a field is declared exactly once.
Field names are spelled in content files with capitals and hyphens
(``Blog-Name:``); internally they are snake case (``blog_name``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum


class FieldType(Enum):
    """What a field accepts; each has one parser in ``validate.py``."""

    TEXT = "text"  # one line of plain text
    MARKDOWN = "markdown"  # one paragraph of Markdown (rendered by the build)
    DATE = "date"  # YYYY-MM-DD or YYYY-MM-DD HH:MM
    FRIDAY = "friday"  # a date that falls on a Friday
    URL = "url"  # an absolute http(s) URL
    URLS = "urls"  # a comma-separated list of absolute http(s) URLs
    HANDLE = "handle"  # @name or @name@server
    HANDLES = "handles"  # a comma-separated list of handles
    LIST = "list"  # a comma-separated list of short texts
    LINES = "lines"  # one entry per line (continuation lines indented)
    ENUM = "enum"  # one of a fixed set of words
    BOOL = "bool"  # yes or no
    INT = "int"  # a whole number, zero or more
    DURATION = "duration"  # m:ss or h:mm:ss
    IMAGE = "image"  # a path under content/, such as /images/avatars/x.png
    VIDEO = "video"  # a YouTube, Vimeo or PeerTube URL, or a path to a video file
    CAPTIONS = "captions"  # comma-separated WebVTT paths, <name>.<lang>.vtt, each "(Label)"
    FOCUS = "focus"  # a picture's focal point: "50% 20%", or top, center, bottom, left, right
    REF = "ref"  # the slug of another item
    REFS = "refs"  # a comma-separated list of slugs of other items


@dataclass(frozen=True)
class Field:
    """One metadata field of a kind of item."""

    name: str
    type: FieldType
    help: str
    example: str
    required: bool = False
    default: str | None = None
    choices: tuple[str, ...] = ()
    ref_kind: str | None = None

    @property
    def label(self) -> str:
        """The field's name as an editor writes it in a file header."""
        return _label(self.name)


@functools.cache
def _label(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("_")).replace("Url", "URL")


@dataclass(frozen=True)
class Body:
    """What the Markdown below the header is for in a kind of item."""

    role: str
    help: str
    example: str
    required: bool = True


@dataclass(frozen=True)
class Kind:
    """A kind of item: its folder under content/, its fields, its body."""

    name: str
    folder: str
    label: str
    fields: tuple[Field, ...]
    body: Body | None
    stream: bool  # stream items are dated and shown in the hub
    commentable: bool = False
    title_field: str = "title"
    hub_slug: str = ""  # the /hub/<hub_slug>/ filter and the feed name
    plural: str = ""

    def field(self, name: str) -> Field | None:
        """The field called ``name`` (snake case), or None."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    @property
    def field_names(self) -> tuple[str, ...]:
        """The snake-case names of every field, in table order."""
        return tuple(f.name for f in self.fields)


_STATUS = Field(
    "status",
    FieldType.ENUM,
    "draft keeps the item out of the built site; published shows it",
    "published",
    default="published",
    choices=("published", "draft"),
)
_TAGS = Field(
    "tags",
    FieldType.LIST,
    "topics, separated by commas; each gets a page under /tags/",
    "cameras, battery",
    default="",
)
# As FEATURED declares them: how invoke collect recognises the files it wrote.
_COLLECTED = Field(
    "collected",
    FieldType.BOOL,
    "yes when invoke collect wrote the file",
    "no",
    default="no",
)


def _entry_id(where: str, example: str) -> Field:
    """The Entry-Id field: how invoke collect recognises a file it wrote before."""
    return Field(
        "entry_id",
        FieldType.TEXT,
        f"the entry's id in {where} (set by invoke collect)",
        example,
        default="",
    )


_COMMENTS = Field(
    "comments",
    FieldType.BOOL,
    "yes lets readers comment; no closes comments on this item",
    "yes",
    default="yes",
)

POST = Kind(
    name="post",
    folder="posts",
    label="company post",
    plural="company posts",
    stream=True,
    commentable=True,
    hub_slug="posts",
    fields=(
        Field("title", FieldType.TEXT, "the headline", "Our year with you", True),
        Field(
            "date",
            FieldType.DATE,
            "when it is published",
            "2026-11-20 09:00",
            True,
        ),
        Field("author", FieldType.TEXT, "who wrote it", "Mara Lindqvist", True),
        _TAGS,
        Field(
            "summary",
            FieldType.MARKDOWN,
            "one or two sentences shown on cards and in feeds",
            "What we learnt from a year of listening.",
            True,
        ),
        Field(
            "image",
            FieldType.IMAGE,
            "an optional picture for the card and link previews",
            "/images/posts/year.png",
        ),
        Field("modified", FieldType.DATE, "when it was last changed", "2026-11-21"),
        _COMMENTS,
        _STATUS,
    ),
    body=Body("body", "the post itself, in Markdown", "Write the post here."),
)

BLOGGER = Kind(
    name="blogger",
    folder="bloggers",
    label="blogger",
    plural="bloggers",
    stream=False,
    title_field="name",
    fields=(
        Field("name", FieldType.TEXT, "the blogger's name", "Nina Okafor", True),
        Field("blog_name", FieldType.TEXT, "the blog's name", "Pocket Lens", True),
        Field(
            "blog_url",
            FieldType.URL,
            "the blog's home page",
            "https://pocketlens.example/",
            True,
        ),
        Field(
            "feed_url",
            FieldType.URL,
            "the blog's RSS or Atom feed, read by invoke collect",
            "https://pocketlens.example/feed.xml",
            True,
        ),
        Field(
            "avatar",
            FieldType.IMAGE,
            "a square picture under content/images/",
            "/images/avatars/nina-okafor.png",
            True,
        ),
        Field(
            "handles",
            FieldType.HANDLES,
            "social handles, separated by commas",
            "@ninaokafor, @nina@photog.example",
            default="",
        ),
        Field(
            "devices",
            FieldType.LIST,
            "devices on loan, separated by commas",
            "Lumen X2, Lumen Buds",
            default="",
        ),
        Field(
            "member_since",
            FieldType.DATE,
            "when they joined the program",
            "2024-03-01",
            True,
        ),
        Field(
            "collect_filter",
            FieldType.LIST,
            "words or tags a collected post must mention; empty keeps every post",
            "Lumen, Lumen Mobile",
            default="",
        ),
        Field(
            "collect_trusted",
            FieldType.BOOL,
            "yes publishes collected posts at once; no writes them as drafts to review",
            "no",
            default="no",
        ),
    ),
    body=Body("bio", "a short bio, in Markdown", "Writes about phone cameras."),
)

FEATURED = Kind(
    name="featured",
    folder="featured",
    label="featured blogger post",
    plural="featured blogger posts",
    stream=True,
    commentable=True,
    hub_slug="bloggers",
    fields=(
        Field("title", FieldType.TEXT, "the post's title", "Two weeks with the X2", True),
        Field(
            "blogger",
            FieldType.REF,
            "the blogger's slug (their file name in content/bloggers/)",
            "nina-okafor",
            True,
            ref_kind="blogger",
        ),
        Field(
            "original_url",
            FieldType.URL,
            "the post on the blogger's own site",
            "https://pocketlens.example/2026/x2-review/",
            True,
        ),
        Field("date", FieldType.DATE, "when the blogger published it", "2026-11-18", True),
        Field(
            "excerpt",
            FieldType.TEXT,
            "a few sentences quoted from the post, as plain text",
            "The night mode surprised me.",
            True,
        ),
        Field(
            "editor_note",
            FieldType.MARKDOWN,
            "what the editor wants readers to know about it",
            "Nina found the battery weak; we agree.",
            default="",
        ),
        Field("device", FieldType.TEXT, "the device the post covers", "Lumen X2", default=""),
        Field(
            "verdict",
            FieldType.ENUM,
            "how the post judges the device",
            "mixed",
            default="mixed",
            choices=("praise", "mixed", "criticism"),
        ),
        _TAGS,
        Field(
            "collected",
            FieldType.BOOL,
            "yes when invoke collect wrote the file",
            "no",
            default="no",
        ),
        Field(
            "entry_id",
            FieldType.TEXT,
            "the entry's id in the blogger's feed (set by invoke collect)",
            "tag:pocketlens.example,2026:x2",
            default="",
        ),
        _COMMENTS,
        _STATUS,
    ),
    body=None,
)

FOLLOW_FRIDAY = Kind(
    name="follow-friday",
    folder="follow-friday",
    label="#FF shout-out",
    plural="#FF shout-outs",
    stream=True,
    commentable=True,
    hub_slug="follow-friday",
    fields=(
        Field("title", FieldType.TEXT, "a short title", "#FF: spelled in phones", True),
        Field(
            "date",
            FieldType.FRIDAY,
            "the Friday it was posted",
            "2026-11-20",
            True,
        ),
        Field(
            "handles",
            FieldType.HANDLES,
            "the people thanked, separated by commas",
            "@ninaokafor, @tomas@social.example",
            True,
        ),
        Field(
            "caption",
            FieldType.TEXT,
            "a caption for the whole shout-out",
            "Thank you for a week of good questions!",
            True,
        ),
        Field(
            "original_url",
            FieldType.URL,
            "the post on the social network",
            "https://social.example/@lumenmobile/1234",
            True,
        ),
        Field("reshares", FieldType.INT, "how many times it was reshared", "12", default="0"),
        _TAGS,
        _COLLECTED,
        _entry_id("the social account's feed", "https://social.example/@lumenmobile/1234"),
        _COMMENTS,
        _STATUS,
    ),
    body=Body(
        "images",
        "one or more Markdown images, each with alt text and a caption: "
        '`![what the picture shows](/images/follow-friday/x.png "caption")`',
        "![The name NINA spelled with twelve phones on a desk]"
        '(/images/follow-friday/example.png "Nina, in phones")',
    ),
)

CONTEST = Kind(
    name="contest",
    folder="contests",
    label="contest",
    plural="contests",
    stream=False,
    title_field="name",
    fields=(
        Field("name", FieldType.TEXT, "the contest's name", "Nightfall Shorts", True),
        Field("device", FieldType.TEXT, "the phone entries are shot on", "Lumen X2", True),
        Field("opens", FieldType.DATE, "when entries open", "2026-09-01", True),
        Field("closes", FieldType.DATE, "when entries close", "2026-10-31", True),
        Field(
            "status",
            FieldType.ENUM,
            "where the contest stands",
            "open",
            True,
            choices=("open", "judging", "closed"),
        ),
        Field(
            "prizes",
            FieldType.LINES,
            "one prize per line (indent the following lines by four spaces)",
            "First: a Lumen X2 Pro",
            True,
        ),
        Field(
            "winners",
            FieldType.REFS,
            "slugs of the winning videos, separated by commas (when closed)",
            "harbour-lights",
            default="",
            ref_kind="video",
        ),
        Field(
            "summary",
            FieldType.MARKDOWN,
            "one sentence shown on the contests page",
            "Short films shot after dark.",
            True,
        ),
        Field(
            "collect_feed",
            FieldType.URLS,
            "the video feeds (a channel's or a playlist's) invoke collect reads films from",
            "https://videos.example/feeds/nightfall-shorts.xml",
            default="",
        ),
        Field(
            "collect_tag",
            FieldType.TEXT,
            "the hashtag or word a collected film must carry (with or without #)",
            "#NightfallShorts",
            default="",
        ),
    ),
    body=Body("rules", "the rules, in Markdown", "1. Shoot on a Lumen phone."),
)

VIDEO = Kind(
    name="video",
    folder="videos",
    label="contest video",
    plural="contest videos",
    stream=True,
    commentable=True,
    hub_slug="videos",
    fields=(
        Field("title", FieldType.TEXT, "the film's title", "Harbour Lights", True),
        Field("date", FieldType.DATE, "when it was entered", "2026-10-12", True),
        Field("entrant", FieldType.TEXT, "who made it", "Ida Brandt", True),
        Field(
            "contest",
            FieldType.REF,
            "the contest's slug (its file name in content/contests/)",
            "nightfall-shorts",
            True,
            ref_kind="contest",
        ),
        Field(
            "video_url",
            FieldType.VIDEO,
            "a YouTube, Vimeo or PeerTube URL, or a video file under content/media/",
            "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
            True,
        ),
        Field(
            "poster",
            FieldType.IMAGE,
            "a still from the film under content/images/",
            "/images/posters/harbour-lights.png",
            True,
        ),
        Field(
            "poster_focus",
            FieldType.FOCUS,
            "the part of the poster that must stay in sight where a frame crops it "
            "(the title printed in it, a face): across then down, or a word",
            "50% 80%",
            default="center",
        ),
        Field(
            "captions",
            FieldType.CAPTIONS,
            "WebVTT captions of a film file, each named <film>.<language>.vtt under "
            "content/media/, separated by commas; the first is shown by default; "
            "a label in brackets after a path names it in the player",
            "/media/harbour-lights.en.vtt, /media/harbour-lights.sv.vtt (Svenska)",
        ),
        Field("duration", FieldType.DURATION, "how long it runs", "3:25", True),
        Field(
            "award",
            FieldType.ENUM,
            "what the jury gave it",
            "entry",
            default="entry",
            choices=("winner", "finalist", "honourable-mention", "entry"),
        ),
        _TAGS,
        _COLLECTED,
        _entry_id("the video platform's feed", "yt:video:aqz-KE-bpKQ"),
        _COMMENTS,
        _STATUS,
    ),
    body=Body("description", "what the film is about, in Markdown", "A night walk."),
)

COMMENT = Kind(
    name="comment",
    folder="comments",
    label="comment",
    plural="comments",
    stream=False,
    title_field="author",
    fields=(
        Field("author", FieldType.TEXT, "the commenter's name", "Sam Reader", True),
        Field("website", FieldType.URL, "the commenter's site", "https://sam.example/", default=""),
        Field("date", FieldType.DATE, "when it was posted", "2026-11-21 18:30", True),
        Field(
            "reply_to",
            FieldType.REF,
            "the id of the comment this answers, in the same folder",
            "c-20261121-aaaa",
            default="",
            ref_kind="comment",
        ),
        Field(
            "source",
            FieldType.ENUM,
            "where it came from",
            "form",
            default="form",
            choices=("form", "webmention", "fediverse"),
        ),
        Field(
            "source_url",
            FieldType.URL,
            "for a Webmention, the page that links here; for a fediverse reply, its note",
            "https://otherblog.example/post/",
            default="",
        ),
        Field(
            "mention_type",
            FieldType.ENUM,
            "for a Webmention, what the page is (from its microformats): a reply is shown "
            "among the comments, likes and reposts as counts with names, the others "
            "under “Mentioned by”",
            "reply",
            default="mention",
            choices=("mention", "reply", "like", "repost", "bookmark"),
        ),
        Field(
            "author_photo",
            FieldType.IMAGE,
            "for a Webmention, the author's picture, fetched and made small at approval "
            "(without it, the author's initials)",
            "/images/mentions/1a2b3c4d5e6f7a8b.jpg",
            default="",
        ),
        Field(
            "staff",
            FieldType.BOOL,
            "yes for a reply written by a moderator for the company (shown with a badge)",
            "yes",
            default="no",
        ),
    ),
    body=Body("comment", "the comment, in Markdown", "Great write-up!"),
)

KINDS: tuple[Kind, ...] = (POST, BLOGGER, FEATURED, FOLLOW_FRIDAY, CONTEST, VIDEO, COMMENT)
KINDS_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
KINDS_BY_FOLDER: dict[str, Kind] = {kind.folder: kind for kind in KINDS}
STREAM_KINDS: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind.stream)


def kind_for_folder(folder: str) -> Kind | None:
    """The kind whose files live in ``content/<folder>/``, or None."""
    return KINDS_BY_FOLDER.get(folder)


def field_key(label: str) -> str:
    """Turn a header key as written (``Blog-Name``) into a field name."""
    return label.strip().lower().replace("-", "_")
