"""Webmention (W3C Recommendation): check a request, verify the source links to the target.

Receiving answers 202 at once; verification fetches the source later, within
one deadline, with a size cap, at most a few redirects, and never an address of
a private network unless the configuration allows it (tests, local previews).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import mf2py
from bs4 import BeautifulSoup

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig
from socialhub.comments.manifest import Manifest, Target
from socialhub.comments.pinned import pinned_client
from socialhub.fieldrules import body_flaw, field_flaw, is_web_url, make_plain
from socialhub.kinds import COMMENT
from socialhub.sanitize import clean_text, render_comment
from socialhub.text import shorten, xml_safe

USER_AGENT = "socialhub-webmention/1.0 (+verification of a mention)"


@dataclass(frozen=True)
class Mention:
    """What verification found on the source page."""

    author: str
    author_url: str
    text: str


def check_request(source: str, target: str, manifest: Manifest, config: CommentsConfig) -> Target:
    """The receiving side's checks: URLs, target on this site, source not the target."""
    if not is_web_url(source) or not is_web_url(target):
        raise Refusal("source and target must both be http(s) URLs.")
    flaw = field_flaw(COMMENT, "source_url", source)
    if flaw is not None:  # the source's address is written into the comment file
        raise Refusal(f"source {flaw.message}: {flaw.fix}.")
    if urldefrag(source)[0] == urldefrag(target)[0]:
        raise Refusal("source and target are the same page.")
    site = urlsplit(manifest.site_url or config.site_url)
    if urlsplit(target).netloc != site.netloc:
        raise Refusal("target is not a page of this site.")
    item = manifest.item_for_url(target)
    if item is None:
        raise Refusal("target is not a page that accepts mentions.")
    if not item.comments_open:
        raise Refusal(f"Mentions are closed on “{item.title}”.", 403)
    return item


def fetch(url: str, config: CommentsConfig) -> tuple[str, str]:
    """(final URL, HTML) of the source page; Refusal on any failure.

    One deadline (``webmention_timeout``) for the whole fetch, redirects included,
    and connections only to the addresses checked for each hop (see pinned.py).
    """
    current = url
    with pinned_client(
        config.webmention_timeout,
        config.webmention_allow_private,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "text/html"},
    ) as client:
        for _hop in range(4):
            if not current.startswith(("http://", "https://")):
                raise Refusal("source redirects to something that is not http(s)")
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code != 200:
                        raise Refusal(f"source answered HTTP {response.status_code}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > config.webmention_max_bytes:
                            raise Refusal("source page is too large")
                    return current, body.decode(response.encoding or "utf-8", "replace")
            except httpx.TimeoutException as error:
                raise Refusal(
                    f"source did not answer in time (at most {config.webmention_timeout:g} s)"
                ) from error
            except httpx.HTTPError as error:
                raise Refusal(f"source could not be fetched ({type(error).__name__})") from error
    raise Refusal("source redirects too many times")


def links_to(html: str, base: str, target: str) -> bool:
    """True when the page links to the target (a, link, img, video or audio)."""
    wanted = urldefrag(target)[0].rstrip("/")
    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("video", "src")):
        for element in soup.find_all(tag):
            href = element.get(attribute)
            if isinstance(href, str) and urldefrag(urljoin(base, href))[0].rstrip("/") == wanted:
                return True
    return False


def read_mention(html: str, url: str, max_author_chars: int = 80) -> Mention:
    """Author and text from the page's h-entry (microformats2), else its title.

    Each value is made to keep the comment's field rules (fieldrules.py), as the
    build will check them; one that cannot is left empty, and the mention then
    shows the source's host or a line that names the source instead. The name is
    cut to ``max_author_chars``, the form's limit for a name.
    """
    parsed = mf2py.parse(doc=html, url=url)
    for entry in parsed.get("items", []):
        if "h-entry" not in entry.get("type", []):
            continue
        props = entry.get("properties", {})
        author, author_url = _author(props.get("author", []))
        text = ""
        for key in ("summary", "content", "name"):
            for value in props.get(key, []):
                text = value.get("value", "") if isinstance(value, dict) else str(value)
                if text:
                    break
            if text:
                break
        return Mention(_name(author, max_author_chars), _url(author_url), _text(text))
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


def _text(text: str) -> str:
    """The mention's words as a comment body the build takes; empty when they cannot be one.

    Why xml_safe after the sanitizer too: it decodes references (``&#x1b;``) into
    the characters themselves, which XML (and so every feed) forbids.
    """
    body = shorten(xml_safe(clean_text(xml_safe(text))), 600)
    return "" if body_flaw(body, render_comment(body)) else body


def _author(values: list) -> tuple[str, str]:
    for value in values:
        if isinstance(value, dict):
            props = value.get("properties", {})
            name = (props.get("name") or [""])[0]
            url = (props.get("url") or [""])[0]
            return str(name), str(url)
        if isinstance(value, str) and value:
            return value, ""
    return "", ""


def verify(source: str, target: str, config: CommentsConfig) -> Mention:
    """Fetch the source and check it links to the target; Refusal when it does not."""
    final_url, html = fetch(source, config)
    if not links_to(html, final_url, target):
        raise Refusal("source does not link to target")
    mention = read_mention(html, final_url, config.max_author_chars)
    host = urlsplit(source).hostname or source
    return Mention(mention.author or host, mention.author_url, mention.text)
