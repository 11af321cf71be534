"""One hub item as an ActivityPub object, the way Mastodon shows it.

Which type for which kind (Mastodon shows a ``Note`` whole in the timeline, and an
``Article`` as its title, its summary and a link to read it on the hub):

- company posts and featured blogger posts are ``Article``: long texts with a
  title, which a reader opens on the hub;
- #FF shout-outs and contest videos are ``Note``: a picture or a film and a line,
  shown whole with their pictures inline.

An ``Article`` carries ``name`` (the title) and ``summary`` (the item's summary as
plain text). A ``Note`` has its title as the first paragraph of its content and no
``summary``: Mastodon shows a Note's summary as a content warning that hides the post.

The content is the item's feed content (socialhub.feeds.entries): the same HTML,
cleaned by the feed policy of socialhub.sanitize, with every link absolute.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from socialhub.activitypub.config import FediverseConfig
from socialhub.feeds.entries import Media, SiteInfo, item_entry
from socialhub.model import FeaturedPost, Item, Post, Shoutout, Site, Video
from socialhub.text import slugify

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
# Terms Mastodon uses that the ActivityStreams context does not define.
EXTRA_TERMS = {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}
ARTICLE_KINDS: tuple[type[Item], ...] = (Post, FeaturedPost)
NOTE_KINDS: tuple[type[Item], ...] = (Shoutout, Video)


def object_type(item: Item) -> str:
    """``Article`` for long items with a title, ``Note`` for pictures and films."""
    return "Article" if isinstance(item, ARTICLE_KINDS) else "Note"


def iso(moment: datetime) -> str:
    """An ActivityStreams date: ISO 8601 in UTC with a Z, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def hashtag_name(tag: str) -> str:
    """A tag as a hashtag Mastodon links: ``#`` and its letters and digits, no spaces."""
    return "#" + "".join(character for character in tag if character.isalnum() or character == "_")


def _attachment(media: Media) -> dict[str, Any]:
    """A picture of the item (an #FF image, a video's poster), described by its alt text."""
    attachment: dict[str, Any] = {
        "type": "Image",
        "mediaType": media.mime_type or "image/png",
        "url": media.url,
        "name": media.title,
    }
    if media.width:
        attachment["width"] = media.width
        attachment["height"] = media.height
    return attachment


def item_object(site: Site, item: Item, info: SiteInfo, fed: FediverseConfig) -> dict[str, Any]:
    """The item as an Article or a Note; its id is the item page's absolute URL."""
    entry = item_entry(site, item, info)
    kind = object_type(item)
    content = entry.content_html
    obj: dict[str, Any] = {"id": entry.url, "type": kind}
    if kind == "Article":
        obj["name"] = entry.title
        if entry.summary:
            obj["summary"] = entry.summary
    else:
        content = f"<p><strong>{escape(entry.title)}</strong></p>{content}"
    tags = [
        {"type": "Hashtag", "href": info.url(f"tags/{slugify(tag)}/"), "name": hashtag_name(tag)}
        for tag in item.tags
        if slugify(tag) and hashtag_name(tag) != "#"
    ]
    obj.update(
        {
            "url": entry.url,
            "attributedTo": fed.actor_url,
            "published": iso(entry.published),
            "content": content,
            "mediaType": "text/html",
            "to": [PUBLIC],
            "cc": [fed.followers_url],
            "sensitive": False,
            "attachment": [_attachment(m) for m in entry.media if m.medium == "image"],
            "tag": tags,
        }
    )
    if entry.updated != entry.published:
        obj["updated"] = iso(entry.updated)
    if entry.external_url:
        # Why: the original post is what a featured item is about; Mastodon shows a
        # link attachment's preview when there is no picture.
        obj["attachment"].append(
            {"type": "Link", "href": entry.external_url, "mediaType": "text/html"}
        )
    return obj


def fingerprint(obj: dict[str, Any]) -> str:
    """What changes when anything a follower sees of the object changes (hex, 32 digits)."""
    shown = json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(shown).hexdigest()[:32]


def create_activity(obj: dict[str, Any]) -> dict[str, Any]:
    """The ``Create`` of an object; its id is stable (the object's id + ``#create``)."""
    return {
        "id": f"{obj['id']}#create",
        "type": "Create",
        "actor": obj["attributedTo"],
        "published": obj["published"],
        "to": obj["to"],
        "cc": obj["cc"],
        "object": obj,
    }


def with_context(document: dict[str, Any]) -> dict[str, Any]:
    """A document as published on its own: the @context first."""
    return {"@context": [AS_CONTEXT, EXTRA_TERMS], **document}
