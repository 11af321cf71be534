"""What feedparser flattens or drops, read from the feed's XML: Media RSS, enclosures, yt:, itunes:.

Why our own reading: feedparser merges every ``media:description`` of an entry
into one, so Mastodon's alt text of each picture (a ``media:description`` inside
each ``media:content``) is lost, and it keeps no ``yt:videoId`` or running time
of a PeerTube file. lxml reads the same bytes, safely: no network, no DTD, no
entity expansion, no huge trees.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

_MEDIA = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
_ATOM = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
_RSS1 = "http://purl.org/rss/1.0/"
_YT = "http://www.youtube.com/xml/schemas/2015"
_DC = "http://purl.org/dc/elements/1.1/"
_ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
_CLOCK = re.compile(r"^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})$")
_RSS_AUTHOR = re.compile(r"^\S+@\S+\s*\((.+)\)$")
_MAX_SECONDS = 7 * 24 * 3600  # a week: longer is a broken feed, not a film


class Found(NamedTuple):
    """A picture or video as the feed gives it (parse.Media's fields)."""

    url: str
    medium: str
    type: str
    alt: str  # HTML
    duration: int | None


@dataclass(frozen=True)
class Extras:
    """One entry's media and the facts around them, as written in the feed."""

    media: tuple[Found, ...] = ()
    thumbnail: str = ""
    author: str = ""  # HTML
    video_id: str = ""
    duration: int | None = None
    player: str = ""


def read_extras(body: bytes) -> list[Extras] | None:
    """The extras of every entry in document order; None when lxml cannot read the XML."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    return [_extras(element) for element in root.iter() if _is_entry(element)]


def seconds(text: str) -> int | None:
    """A running time in seconds from "115", "115.4", "3:05" or "0:03:05"; None if not one."""
    text = text.strip()
    clock = _CLOCK.match(text)
    if clock:
        hours, minutes, secs = (int(part or 0) for part in clock.groups())
        value = hours * 3600 + minutes * 60 + secs
    else:
        try:
            value = int(float(text))
        except (ValueError, OverflowError):
            return None
    return value if 0 < value <= _MAX_SECONDS else None


def medium_of(medium: str, mime: str) -> str:
    """The medium a feed names, else the one its MIME type implies; "" when neither says."""
    for value in (medium.strip().lower(), mime.strip().lower().split("/", 1)[0]):
        if value in ("image", "video", "audio"):
            return value
    return ""


def _split(element: etree._Element) -> tuple[str, str]:
    """The namespace and local name of an element; ("", "") for a comment or an instruction.

    Why not etree.QName: a recovered broken feed has elements named like
    "javascript:x", which QName refuses with an error.
    """
    tag = element.tag
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _namespace(element: etree._Element) -> str:
    return _split(element)[0]


def _local(element: etree._Element) -> str:
    return _split(element)[1]


def _is(element: etree._Element, namespaces: tuple[str, ...] | str, name: str) -> bool:
    spaces = (namespaces,) if isinstance(namespaces, str) else namespaces
    return _local(element) == name and _namespace(element) in spaces


def _is_entry(element: etree._Element) -> bool:
    name, space = _local(element), _namespace(element)
    return (name == "item" and space in ("", _RSS1)) or (name == "entry" and space in _ATOM)


def _text(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _as_html(element: etree._Element) -> str:
    """Media RSS texts are plain unless type="html": escaped, so that all is HTML."""
    text = _text(element)
    return text if element.get("type", "plain") == "html" else html.escape(text, quote=False)


def _child(
    element: etree._Element, namespaces: tuple[str, ...] | str, name: str
) -> etree._Element | None:
    return next((c for c in element if _is(c, namespaces, name)), None)


def _alt(content: etree._Element) -> str:
    """A picture's description: its own media:description, else its own media:title.

    Why not its group's: a media:group's description is the video's (YouTube's
    whole film description), not what one picture shows.
    """
    for name in ("description", "title"):
        found = _child(content, _MEDIA, name)
        if found is not None and _text(found):
            return _as_html(found)
    return ""


def _media(entry: etree._Element) -> tuple[Found, ...]:
    found: dict[str, Found] = {}
    for element in entry.iter():
        url, mime, medium, alt, duration = "", "", "", "", None
        if _is(element, _MEDIA, "content"):
            url, mime = element.get("url", ""), element.get("type", "")
            medium, alt = element.get("medium", ""), _alt(element)
            duration = seconds(element.get("duration", ""))
        elif _is(element, "", "enclosure"):
            url, mime = element.get("url", ""), element.get("type", "")
        elif _is(element, _ATOM, "link") and element.get("rel") == "enclosure":
            url, mime = element.get("href", ""), element.get("type", "")
        url = url.strip()
        # Why by URL: Mastodon writes an audio file twice, as enclosure and media:content.
        if url and url not in found:
            found[url] = Found(url, medium_of(medium, mime), mime.strip(), alt, duration)
    return tuple(found.values())


def _thumbnail(entry: etree._Element) -> str:
    """The entry's own or its group's media:thumbnail, then one inside a media:content."""
    near = [entry, *(c for c in entry if _is(c, _MEDIA, "group"))]
    for holder in near:
        thumb = _child(holder, _MEDIA, "thumbnail")
        if thumb is not None and thumb.get("url", "").strip():
            return thumb.get("url", "").strip()
    for element in entry.iter():
        if _is(element, _MEDIA, "thumbnail") and element.get("url", "").strip():
            return element.get("url", "").strip()
    image = _child(entry, _ITUNES, "image")
    return (image.get("href", "") if image is not None else "").strip()


def _author(entry: etree._Element) -> str:
    """The author's name (Atom), else media:credit (Vimeo), else dc:creator (PeerTube)."""
    author = next((c for space in _ATOM for c in entry if _is(c, space, "author")), None)
    if author is not None:
        name = next((c for c in author if _local(c) == "name"), None)
        if _text(name):
            return html.escape(_text(name), quote=False)
    credits = [e for e in entry.iter() if _is(e, _MEDIA, "credit") and _text(e)]
    credits.sort(key=lambda e: e.get("role", "") != "author")
    if credits:
        return html.escape(_text(credits[0]), quote=False)
    creator = _text(_child(entry, _DC, "creator"))
    if creator:
        return html.escape(creator, quote=False)
    # RSS 2.0's <author> is "email (Name)"; only the name is for showing.
    written = _text(_child(entry, "", "author"))
    named = _RSS_AUTHOR.match(written)
    return html.escape(named.group(1).strip() if named else written, quote=False)


def _duration(entry: etree._Element, media: tuple[Found, ...]) -> int | None:
    for item in media:
        if item.duration:
            return item.duration
    for element in entry.iter():
        if _is(element, _MEDIA, "content") and seconds(element.get("duration", "")):
            return seconds(element.get("duration", ""))  # a url-less one (Vimeo)
        if _is(element, _YT, "duration") and seconds(element.get("seconds", "")):
            return seconds(element.get("seconds", ""))
    itunes = _child(entry, _ITUNES, "duration")
    return seconds(_text(itunes)) if itunes is not None else None


def _extras(entry: etree._Element) -> Extras:
    media = _media(entry)
    player = next((e.get("url", "").strip() for e in entry.iter() if _is(e, _MEDIA, "player")), "")
    return Extras(
        media=media,
        thumbnail=_thumbnail(entry),
        author=_author(entry),
        video_id=_text(_child(entry, _YT, "videoId")),
        duration=_duration(entry, media),
        player=player,
    )
