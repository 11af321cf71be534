"""Webmention endpoint discovery, as the W3C Recommendation says (section 3.1.2).

Fetch the target (following redirects); the first HTTP ``Link`` header link with
``rel=webmention`` wins; else, for an HTML page, the first ``<link>`` or ``<a>``
element with ``rel=webmention`` and an ``href``, in document order. Relative
URLs are resolved against the final URL, query strings kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from bs4 import BeautifulSoup
from bs4.element import Tag
from requests.utils import parse_header_links

from socialhub.comments.checks import Refusal
from socialhub.comments.pinned import pinned_client

USER_AGENT = "socialhub-webmention/1 (+https://www.w3.org/TR/webmention/)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class DiscoveryError(Exception):
    """The target could not be read (network, status, address): worth trying again."""


class TargetGoneError(DiscoveryError):
    """The target answered 404 or 410: nothing to tell until the item changes."""


@dataclass(frozen=True)
class Limits:
    """How long a request may take, how much of a page is read, and which addresses."""

    timeout: float = 10.0
    max_bytes: int = 1_000_000
    allow_private: bool = False


def _is_webmention(rel: str) -> bool:
    """Whether a rel value (space-separated, any case) names webmention exactly."""
    return "webmention" in rel.lower().split()


def endpoint_from_headers(response: httpx.Response) -> str:
    """The first Link header link with rel=webmention, resolved; '' when none."""
    # Why get_list and parse_header_links, not response.links: that is a dict keyed
    # by rel, so of two links with the same rel it keeps the last, and the first wins.
    for value in response.headers.get_list("link"):
        for link in parse_header_links(value):
            if "url" in link and _is_webmention(link.get("rel", "")):
                return urljoin(str(response.url), link["url"])
    return ""


def endpoint_from_html(page_url: str, html: bytes | str) -> str:
    """The first <link> or <a> with rel=webmention and an href, resolved; '' when none."""
    soup = BeautifulSoup(html, "lxml")
    # Why find_all over both names: document order across <link> and <a>; text in
    # comments and escaped markup is no element, so it is never found.
    for element in soup.find_all(["link", "a"]):
        if not isinstance(element, Tag) or not element.has_attr("href"):
            continue
        rel: Any = element.get("rel") or []
        rels = rel if isinstance(rel, list) else str(rel).split()
        if any(_is_webmention(str(value)) for value in rels):
            return urljoin(page_url, str(element["href"]).strip())
    return ""


def discover(target: str, limits: Limits) -> str:
    """The Webmention endpoint of ``target``, '' when it has none; DiscoveryError on failure."""
    if urlsplit(target).scheme not in {"http", "https"}:
        return ""
    try:
        with (
            pinned_client(
                limits.timeout,
                limits.allow_private,
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT, "Accept": "text/html, */*;q=0.5"},
            ) as client,
            client.stream("GET", target) as response,
        ):
            if response.status_code in (404, 410):
                raise TargetGoneError(f"the page answered {response.status_code}")
            if response.status_code >= 400:
                raise DiscoveryError(f"the page answered {response.status_code}")
            found = endpoint_from_headers(response)
            if found:
                return _usable(found)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in _HTML_TYPES:
                return ""
            body = bytearray()
            # Why stop at the cap and read what came: an endpoint sits near the top of
            # a page, and a page of gigabytes must not fill the memory.
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) >= limits.max_bytes:
                    del body[limits.max_bytes :]
                    break
            found = endpoint_from_html(str(response.url), bytes(body))
            return _usable(found) if found else ""
    except Refusal as refusal:
        raise DiscoveryError(refusal.reason) from None
    except httpx.HTTPError as error:
        raise DiscoveryError(describe_http_error(error)) from None
    except (httpx.InvalidURL, ValueError) as error:
        # Why: a malformed URL (a bad port, IPv6 or IDNA name) is no httpx.HTTPError.
        raise DiscoveryError(f"the target or its endpoint is not a usable URL ({error})") from None


def _usable(endpoint: str) -> str:
    """The endpoint when a request can be made to it; DiscoveryError naming it if not."""
    # Why check here: the page chose this URL, and the POST must not raise on it.
    try:
        httpx.Request("POST", endpoint)
    except (httpx.InvalidURL, ValueError) as error:
        raise DiscoveryError(f"the endpoint {endpoint!r} is not a usable URL ({error})") from None
    return endpoint


def describe_http_error(error: httpx.HTTPError) -> str:
    """A network error in a few words (timeouts, refused connections, bad answers)."""
    if isinstance(error, httpx.TimeoutException):
        return f"no answer in time ({error or 'timeout'})"
    if isinstance(error, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect ({error})"
    return f"{type(error).__name__}: {error}"
