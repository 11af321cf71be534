"""Webmention (W3C Recommendation): check a request, verify the source links to the target.

Receiving answers 202 at once; verification fetches the source later, within
one deadline, with a size cap, at most a few redirects, and never an address of
a private network unless the configuration allows it (tests, local previews).
A source that answers 404 or 410 raises Gone (the mention is deleted), one that
cannot be read this time raises Unreachable (nothing is deleted; tried again).
The source's microformats tell a reply, a like, a repost and a bookmark from a
plain mention (``mention_type``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import mf2py
from bs4 import BeautifulSoup

from socialhub.comments.checks import Gone, Refusal, Unreachable
from socialhub.comments.config import CommentsConfig
from socialhub.comments.manifest import Manifest, Target
from socialhub.comments.pinned import pinned_client
from socialhub.comments.urls import normal_url
from socialhub.fieldrules import body_flaw, field_flaw, is_web_url, make_plain
from socialhub.kinds import COMMENT
from socialhub.sanitize import clean_text, render_comment
from socialhub.text import shorten, xml_safe

USER_AGENT = "socialhub-webmention/1.0 (+verification of a mention)"


# The h-entry properties that make a mention something more, in the order they win
# when a page has several (a reply that also likes the post is shown as the reply).
TYPES = (
    ("in-reply-to", "reply"),
    ("like-of", "like"),
    ("repost-of", "repost"),
    ("bookmark-of", "bookmark"),
)


@dataclass(frozen=True)
class Mention:
    """What verification found on the source page."""

    author: str
    author_url: str
    text: str
    mention_type: str = "mention"  # mention, reply, like, repost or bookmark
    author_photo: str = ""  # the absolute URL of the author's picture, fetched at approval


def check_request(source: str, target: str, manifest: Manifest, config: CommentsConfig) -> Target:
    """The receiving side's checks (W3C Webmention 3.2.1); Refusal (400) with the reason."""
    for name, value in (("source", source), ("target", target)):
        if not value:
            raise Refusal(f"{name} is missing: send both source and target as form fields.")
        if not is_web_url(value):
            raise Refusal(f"{name} must be an http(s) URL, without spaces.")
    flaw = field_flaw(COMMENT, "source_url", source)
    if flaw is not None:  # the source's address is written into the comment file
        raise Refusal(f"source {flaw.message}: {flaw.fix}.")
    if normal_url(source) == normal_url(target):
        raise Refusal("source and target are the same page.")
    site = urlsplit(normal_url(manifest.site_url or config.site_url))
    if urlsplit(normal_url(target)).netloc != site.netloc:
        raise Refusal("target is not a page of this site.")
    item = manifest.item_for_url(target)
    if item is None:
        raise Refusal("target is not a page that accepts mentions.")
    if not item.comments_open:
        # Why 400, not 403: the Recommendation answers 400 for a target that does not
        # take Webmentions; a closed item is one now.
        raise Refusal(f"target does not accept mentions: they are closed on “{item.title}”.")
    return item


def fetch(url: str, config: CommentsConfig) -> tuple[str, str]:
    """(final URL, HTML) of the source page; Refusal (Gone, Unreachable) on any failure."""
    final_url, body, encoding = fetch_bytes(url, config)
    return final_url, body.decode(encoding or "utf-8", "replace")


def fetch_bytes(
    url: str, config: CommentsConfig, accept: str = "text/html", what: str = "source"
) -> tuple[str, bytes, str | None]:
    """(final URL, bytes, encoding) of another site's resource; Refusal on any failure.

    One deadline (``webmention_timeout``) for the whole fetch, redirects included,
    connections only to the addresses checked for each hop (see pinned.py), and at
    most ``webmention_max_bytes``. 404 and 410 raise Gone; a network error, a
    timeout, 429 and 5xx raise Unreachable (worth another try later).
    """
    current = url
    with pinned_client(
        config.webmention_timeout,
        config.webmention_allow_private,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": accept},
    ) as client:
        for _hop in range(4):
            if not current.lower().startswith(("http://", "https://")):
                raise Refusal(f"{what} redirects to something that is not http(s)")
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    status = response.status_code
                    if status in (404, 410):
                        raise Gone(f"{what} answered HTTP {status}")
                    if status >= 500 or status == 429:
                        raise Unreachable(f"{what} answered HTTP {status}")
                    if status != 200:
                        raise Refusal(f"{what} answered HTTP {status}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > config.webmention_max_bytes:
                            raise Refusal(
                                f"{what} page is too large"
                                if what == "source"
                                else f"{what} is too large"
                            )
                    return current, bytes(body), response.encoding
            except httpx.TimeoutException as error:
                raise Unreachable(
                    f"{what} did not answer in time (at most {config.webmention_timeout:g} s)"
                ) from error
            except httpx.HTTPError as error:
                raise Unreachable(
                    f"{what} could not be fetched ({type(error).__name__})"
                ) from error
    raise Refusal(f"{what} redirects too many times")


def links_to(html: str, base: str, target: str) -> bool:
    """True when the page links to the target (a, link, img, video or audio)."""
    wanted = normal_url(target)
    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("video", "src")):
        for element in soup.find_all(tag):
            href = element.get(attribute)
            if isinstance(href, str) and normal_url(urljoin(base, href)) == wanted:
                return True
    return False


def _urls_of(values: list[Any]) -> list[str]:
    """The URLs a property names: plain values, or the url (or value) of an h-cite."""
    urls = []
    for value in values:
        if isinstance(value, str):
            urls.append(value)
        elif isinstance(value, dict):
            urls.extend(str(u) for u in value.get("properties", {}).get("url", []) if u)
            if value.get("value"):
                urls.append(str(value["value"]))
    return urls


def mention_type(props: dict[str, list[Any]], base: str, target: str) -> str:
    """reply, like, repost or bookmark when that property points at the target; else mention."""
    wanted = normal_url(target)
    for name, kind in TYPES:
        for url in _urls_of(props.get(name, [])):
            if isinstance(url, str) and normal_url(urljoin(base, url)) == wanted:
                return kind
    return "mention"


def read_mention(
    html: str, url: str, max_author_chars: int = 80, target: str = "", max_body_chars: int = 5000
) -> Mention:
    """Author, text and type from the page's h-entry (microformats2), else its title.

    Each value is made to keep the comment's field rules (fieldrules.py), as the
    build will check them; one that cannot is left empty, and the mention then
    shows the source's host or a line that names the source instead. The name is
    cut to ``max_author_chars``, the form's limit for a name. A reply keeps its
    whole text (up to ``max_body_chars``, a comment's limit), since it is shown
    among the comments; the others keep a short summary.
    """
    parsed = mf2py.parse(doc=html, url=url)
    for entry in parsed.get("items", []):
        if "h-entry" not in entry.get("type", []):
            continue
        props = entry.get("properties", {})
        author, author_url, photo = _author(props.get("author", []))
        kind = mention_type(props, url, target) if target else "mention"
        keys = ("content", "summary", "name") if kind == "reply" else ("summary", "content", "name")
        text = ""
        for key in keys:
            for value in props.get(key, []):
                text = value.get("value", "") if isinstance(value, dict) else str(value)
                if text:
                    break
            if text:
                break
        limit = max_body_chars if kind == "reply" else 600
        return Mention(
            _name(author, max_author_chars),
            _url(author_url),
            _text(text, limit),
            kind,
            photo if is_web_url(photo) else "",
        )
    title = BeautifulSoup(html, "html.parser").title
    host = urlsplit(url).hostname or url
    return Mention(host, "", _text(title.get_text()) if title else "")


def _name(text: str, limit: int) -> str:
    """A plain-text author name (never read as HTML again: mf2py has decoded it once)."""
    # Why cut and whitespace collapsed like the form's name: a page may put a whole
    # paragraph in its h-card's name, and the comment's byline is one short line.
    name = shorten(" ".join(make_plain(text).split()), limit)
    return "" if field_flaw(COMMENT, "author", name) else name


def _url(text: str) -> str:
    """The author's address when it is one the build takes as a website, else empty."""
    url = text.strip()
    return url if url and not field_flaw(COMMENT, "website", url) else ""  # checks is_web_url


def _text(text: str, limit: int = 600) -> str:
    """The mention's words as a comment body the build takes; empty when they cannot be one.

    Why xml_safe after the sanitizer too: it decodes references (``&#x1b;``) into
    the characters themselves, which XML (and so every feed) forbids.
    """
    body = shorten(xml_safe(clean_text(xml_safe(text))), limit)
    return "" if body_flaw(body, render_comment(body)) else body


def _author(values: list[Any]) -> tuple[str, str, str]:
    """(name, url, photo URL) of the entry's author h-card, or of a plain author name."""
    for value in values:
        if isinstance(value, dict):
            props = value.get("properties", {})
            name = (props.get("name") or [""])[0]
            url = (props.get("url") or [""])[0]
            photo = (props.get("photo") or [""])[0]
            if isinstance(photo, dict):  # mf2py 2 gives {"value": url, "alt": text}
                photo = photo.get("value", "")
            return str(name), str(url), str(photo).strip()
        if isinstance(value, str) and value:
            return value, "", ""
    return "", "", ""


def verify(source: str, target: str, config: CommentsConfig) -> Mention:
    """Fetch the source and check it links to the target; Refusal when it does not."""
    final_url, html = fetch(source, config)
    if not links_to(html, final_url, target):
        raise Gone("source does not link to target")
    mention = read_mention(html, final_url, config.max_author_chars, target, config.max_body_chars)
    host = urlsplit(source).hostname or source
    return replace(mention, author=mention.author or host)
