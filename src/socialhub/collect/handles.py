"""Who a post mentions and which hashtags it carries, from its HTML, its text and its tags.

Mastodon and Pixelfed link each mention (``<a class="u-url mention"
href="https://host/@name">@<span>name</span></a>``): the link gives the server
the text leaves out. Bluesky and plain feeds only have text: "@name@server", or
a Bluesky handle, which is a domain name ("@alice.bsky.social").
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from socialhub.validate import _HANDLE

MAX_MENTIONS = 20
MAX_HASHTAGS = 20
HASHTAG_LENGTH = 40

# "@name@server" or a dotted "@name.domain", not inside a word, a path or an e-mail address.
_TEXT_HANDLE = re.compile(
    r"(?<![\w@/.＆&:])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)"
    r"(?:@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+))?"
)
# "#Word" not inside a word, a URL fragment or an entity ("&#39;"); digits alone are no tag.
_HASHTAG = re.compile(r"(?<![\w/&＆#])#(\w+)")


def _handle(name: str, server: str) -> str:
    """ "@name@server" when it is a handle validate accepts, else ""."""
    handle = f"@{name}@{server.lower()}" if server else f"@{name}"
    return handle if _HANDLE.match(handle) else ""


def _linked(anchor_text: str, href: str) -> str:
    """A mention link's handle: its text when whole, else its name at the link's host."""
    text = anchor_text.strip()
    whole = _TEXT_HANDLE.fullmatch(text)
    if whole and whole.group(2):
        return _handle(whole.group(1), whole.group(2))
    if not whole:
        return ""
    try:
        host = urlsplit(href).hostname or ""
    except ValueError:
        return ""
    return _handle(whole.group(1), host) if host else ""


def _dedup(values: list[str], limit: int) -> tuple[str, ...]:
    """Each value once, compared without case, in the order first met."""
    kept: dict[str, str] = {}
    for value in values:
        if value and value.lower() not in kept:
            kept[value.lower()] = value
    return tuple(kept.values())[:limit]


def mentions(html: str, texts: tuple[str, ...]) -> tuple[str, ...]:
    """The handles of the mention links in ``html``, then those written in the plain ``texts``."""
    soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    for anchor in soup.find_all("a"):
        if anchor.decomposed:
            continue  # inside a mention link already taken (nested links in broken HTML)
        classes: list[str] = list(anchor.get("class") or [])
        if "mention" in classes and "hashtag" not in classes:
            found.append(_linked(anchor.get_text(), str(anchor.get("href") or "")))
            anchor.decompose()  # its "@name" must not be read again as a bare name
    for text in (soup.get_text(" "), *texts):
        for match in _TEXT_HANDLE.finditer(text):
            name, server = match.group(1), match.group(2) or ""
            # Why only with a server or a dot: a bare "@kai" names no one in particular.
            if server or "." in name:
                found.append(_handle(name, server))
    return _dedup(found, MAX_MENTIONS)


def _vimeo_tags(html: str) -> list[str]:
    """Vimeo lists a clip's tags as links to vimeo.com/tag:<word> in its description."""
    words: list[str] = []
    if "/tag:" not in html:
        return words  # most entries: no second parse of their HTML
    for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        try:
            parts = urlsplit(str(anchor["href"]))
        except ValueError:
            continue
        host = (parts.hostname or "").removeprefix("www.")
        if host == "vimeo.com" and parts.path.startswith("/tag:"):
            words.append(parts.path.removeprefix("/tag:"))
    return words


def hashtags(tags: tuple[str, ...], texts: tuple[str, ...], html: str = "") -> tuple[str, ...]:
    """The entry's one-word tags, Vimeo's tag links and the "#Word"s of its texts, each once."""
    found = [tag.strip().removeprefix("#") for tag in (*tags, *_vimeo_tags(html))]
    found = [tag for tag in found if re.fullmatch(r"\w+", tag)]
    for text in texts:
        found.extend(match.group(1) for match in _HASHTAG.finditer(text))
    words = [tag for tag in found if not tag.isdigit() and len(tag) <= HASHTAG_LENGTH]
    return _dedup(words, MAX_HASHTAGS)
