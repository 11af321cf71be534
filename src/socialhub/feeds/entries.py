"""Items and comments → feed entries: absolute URLs, stable ids, authors, media."""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from urllib.parse import urlsplit

from PIL import Image as PILImage

from socialhub.model import (
    Comment,
    FeaturedPost,
    Image,
    Item,
    Post,
    Shoutout,
    Site,
    Video,
)
from socialhub.sanitize import clean_feed_html
from socialhub.text import (
    describe_characters,
    plain_text,
    shorten,
    slugify,
    xml_forbidden,
    xml_safe,
)

log = logging.getLogger(__name__)

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}


@dataclass(frozen=True)
class Media:
    """A picture or a film attached to an entry (enclosure, Media RSS, JSON attachment)."""

    url: str  # absolute; for hosted films, the page where it plays
    medium: str  # "image" or "video"
    title: str
    mime_type: str = ""  # empty for films hosted on YouTube or Vimeo
    length: int = 0  # bytes, 0 when not a file of this site
    width: int = 0
    height: int = 0
    duration: int = 0  # seconds
    thumbnail: str = ""  # absolute URL of a still

    @property
    def is_file(self) -> bool:
        """True for a file served by this site (it can be an enclosure)."""
        return bool(self.mime_type) and self.length > 0


@dataclass(frozen=True)
class Entry:
    """One entry of a feed, with everything the three formats need."""

    id: str
    title: str
    url: str
    published: datetime
    updated: datetime
    author: str
    author_url: str
    summary: str  # plain text
    content_html: str  # sanitized, URLs absolute
    tags: tuple[tuple[str, str], ...] = ()  # (slug, name)
    external_url: str = ""  # a featured post's original
    media: tuple[Media, ...] = field(default=())

    @property
    def image(self) -> Media | None:
        """The first picture, for JSON Feed's image and thumbnails."""
        for media in self.media:
            if media.medium == "image":
                return media
        return None


@dataclass(frozen=True)
class SiteInfo:
    """What entries need to know about the site: URLs, names, where files are."""

    base: str  # absolute, no trailing slash
    name: str
    company: str
    content_dir: str
    tag_authority: str  # the tag: URI authority, stable across local and live builds
    content_max_chars: int = 0  # an entry's content is cut beyond this (0: never)
    websub_hub: str = ""  # the WebSub hub every feed names (empty: none)

    def url(self, site_path: str) -> str:
        """The absolute URL of a site path."""
        return f"{self.base}/{site_path.lstrip('/')}"

    def tag_id(self, path: str) -> str:
        """A tag: URI (RFC 4151) that never changes with a title or a host."""
        return f"tag:{self.tag_authority}:/{path.strip('/')}"


def tag_authority(settings_value: str, base: str) -> str:
    """The tagging entity: the setting, or the site's host and a fixed year."""
    if settings_value:
        return settings_value
    host = urlsplit(base).hostname or "localhost"
    return f"{host},2026"


@functools.cache
def _image_size(path: str) -> tuple[int, int, int]:
    """(bytes, width, height) of a picture on disk, (0, 0, 0) when unreadable."""
    try:
        with warnings.catch_warnings():
            # Why: only the header is read here; the build refuses pictures over
            # IMAGE_MAX_PIXELS before any feed is written.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(path) as image:
                width, height = image.size
        return os.path.getsize(path), width, height
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return 0, 0, 0


def image_media(info: SiteInfo, image: Image, title: str) -> Media:
    """A picture of this site as Media: type, size in bytes, dimensions."""
    length, width, height = _image_size(os.path.join(info.content_dir, image.src.lstrip("/")))
    extension = os.path.splitext(image.src)[1].lower()
    return Media(
        url=info.url(image.src),
        medium="image",
        title=image.alt or title,
        mime_type=IMAGE_TYPES.get(extension, "image/png"),
        length=length,
        width=width,
        height=height,
    )


def video_media(info: SiteInfo, video: Video) -> Media:
    """A contest film as Media: a file of this site, or the page where it plays."""
    poster = info.url(video.poster.src)
    if video.source.provider == "file":
        path = os.path.join(info.content_dir, video.source.url.lstrip("/"))
        return Media(
            url=info.url(video.source.url),
            medium="video",
            title=video.title,
            mime_type=video.source.media_type,
            length=os.path.getsize(path) if os.path.isfile(path) else 0,
            duration=video.duration_seconds,
            thumbnail=poster,
        )
    return Media(
        url=video.source.watch_url,
        medium="video",
        title=video.title,
        duration=video.duration_seconds,
        thumbnail=poster,
    )


def _tags(item: Item) -> tuple[tuple[str, str], ...]:
    return tuple((slugify(name), name) for name in item.tags)


def _figure(media: Media, caption: str) -> str:
    text = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    size = f' width="{media.width}" height="{media.height}"' if media.width else ""
    return f'<figure><img src="{media.url}" alt="{escape(media.title)}"{size}>{text}</figure>'


def without_forbidden(entry: Entry, source: str) -> Entry:
    """The entry without characters XML 1.0 forbids, with a warning naming ``source`` if any.

    Why: the build's checks refuse such files (reading.forbidden_characters), but
    one that slips through (a new field, a decoding that makes one) must cost
    the feed a character, not the whole build.
    """
    texts = [entry.title, entry.author, entry.summary, entry.content_html]
    texts += [name for _slug, name in entry.tags] + [media.title for media in entry.media]
    found = [c for text in texts for c in xml_forbidden(text)]
    if not found:
        return entry
    log.warning(
        "%s: %s dropped from its feed entries (characters that XML forbids)",
        source,
        describe_characters(list(dict.fromkeys(found))),
    )
    return dataclasses.replace(
        entry,
        title=xml_safe(entry.title),
        author=xml_safe(entry.author),
        summary=xml_safe(entry.summary),
        content_html=xml_safe(entry.content_html),
        tags=tuple((xml_safe(slug), xml_safe(name)) for slug, name in entry.tags),
        media=tuple(dataclasses.replace(m, title=xml_safe(m.title)) for m in entry.media),
    )


def item_entry(site: Site, item: Item, info: SiteInfo) -> Entry:
    """The entry of a stream item, whatever its kind."""
    page = info.url(item.url)
    builder = _BUILDERS[type(item)]
    author, author_url, content, media, external = builder(site, item, info)
    entry = Entry(
        id=info.tag_id(f"{item.kind}/{item.slug}"),
        title=item.title,
        url=page,
        published=item.date,
        updated=item.updated,
        author=author,
        author_url=author_url,
        summary=shorten(plain_text(item.summary_html), 500),
        content_html=capped_html(clean_feed_html(content, page), info, page),
        tags=_tags(item),
        external_url=external,
        media=media,
    )
    return without_forbidden(entry, item.source_path)


_Parts = tuple[str, str, str, tuple[Media, ...], str]
_OPEN_TAG = re.compile(r"<[^>]*$")
_OPEN_ENTITY = re.compile(r"&[#A-Za-z0-9]*$")


def capped_html(html: str, info: SiteInfo, page: str) -> str:
    """Feed content cut to the site's limit, closed properly, with a link to the rest.

    Why: a feed repeats each item in every stream it is in, so one huge post
    would be copied whole into many files that readers fetch again and again.
    """
    limit = info.content_max_chars
    if limit <= 0 or len(html) <= limit:
        return html
    cut = _OPEN_ENTITY.sub("", _OPEN_TAG.sub("", html[:limit]))
    # End on a whole word when the cut falls in text.
    head, _space, tail = cut.rpartition(" ")
    if head and ">" not in tail and "<" not in tail:
        cut = head
    # nh3 (through the feed policy) closes every element the cut left open.
    closed = clean_feed_html(cut.rstrip() + " …", page)
    link = f'<p><a href="{escape(page)}">Read the rest on {escape(info.name)}</a></p>'
    return closed + link


def _post(site: Site, item: Item, info: SiteInfo) -> _Parts:
    assert isinstance(item, Post)
    media = (image_media(info, item.cover, item.title),) if item.cover else ()
    cover = _figure(media[0], "") if media else ""
    return item.author, "", cover + item.body_html, media, ""


def _featured(site: Site, item: Item, info: SiteInfo) -> _Parts:
    assert isinstance(item, FeaturedPost)
    blogger = site.blogger_of(item)
    original = escape(item.original_url)
    content = (
        f'<p>{escape(blogger.name)} wrote on <a href="{escape(blogger.blog_url)}">'
        f"{escape(blogger.blog_name)}</a>:</p>"
        f"<blockquote><p>{escape(item.excerpt)}</p></blockquote>"
        f'<p><a href="{original}">Read the whole post on {escape(blogger.blog_name)}</a></p>'
    )
    if item.editor_note_html:
        content += f"<p><strong>Editor's note:</strong></p>{item.editor_note_html}"
    return blogger.name, blogger.blog_url, content, (), item.original_url


def _shoutout(site: Site, item: Item, info: SiteInfo) -> _Parts:
    assert isinstance(item, Shoutout)
    media = tuple(image_media(info, image, item.title) for image in item.images)
    figures = "".join(
        _figure(m, image.caption) for m, image in zip(media, item.images, strict=True)
    )
    content = (
        f"<p>{escape(item.caption)}</p><p>Thanks to {escape(', '.join(item.handles))}.</p>"
        f"{figures}{item.body_html}"
        f'<p><a href="{escape(item.original_url)}">See the original post</a></p>'
    )
    return info.company, "", content, media, ""


def _video(site: Site, item: Item, info: SiteInfo) -> _Parts:
    assert isinstance(item, Video)
    contest = site.contest_of(item)
    film = video_media(info, item)
    poster = image_media(info, item.poster, f"Still from {item.title}")
    award = "" if item.award == "entry" else f" ({item.award.replace('-', ' ')})"
    content = (
        f'<p>A film by {escape(item.entrant)} for <a href="{info.url(contest.url)}">'
        f"{escape(contest.name)}</a>{escape(award)}, {escape(item.duration)} long.</p>"
        f'<p><a href="{escape(film.url)}"><img src="{poster.url}" alt="{escape(poster.title)}"'
        f' width="{poster.width}" height="{poster.height}"></a></p>{item.body_html}'
    )
    return item.entrant, "", content, (film, poster), ""


_BUILDERS: dict[type, Callable[[Site, Item, SiteInfo], _Parts]] = {
    Post: _post,
    FeaturedPost: _featured,
    Shoutout: _shoutout,
    Video: _video,
}


def comment_entry(site: Site, comment: Comment, info: SiteInfo) -> Entry:
    """The entry of a comment or a Webmention, linking to it on its item's page."""
    item = site.item(comment.item)
    assert item is not None
    page = info.url(item.url)
    if comment.source == "webmention":
        title = f"{comment.author} mentioned “{item.title}”"
    else:
        title = f"{comment.author} on “{item.title}”"
    entry = Entry(
        id=info.tag_id(f"comments/{comment.item}/{comment.id}"),
        title=title,
        url=f"{page}#{comment.anchor}",
        published=comment.date,
        updated=comment.date,
        author=comment.author,
        author_url=comment.website,
        summary=shorten(plain_text(comment.body_html), 300),
        content_html=clean_feed_html(comment.body_html, page),
        external_url=comment.source_url,
    )
    return without_forbidden(entry, comment.source_path)
