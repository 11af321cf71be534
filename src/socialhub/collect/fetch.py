"""One polite HTTP client for every feed: conditional GET, gzip, timeouts, caps, http(s) only."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from socialhub.collect.settings import CollectSettings

ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml, "
    "application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5"
)
_DNS = ("name or service not known", "nodename nor servname", "temporary failure in name")


@dataclass(frozen=True)
class Fetched:
    """What one fetch gave: a body, 'not modified', or the reason it failed."""

    url: str
    status: str  # "ok", "not-modified" or "failed"
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    error: str = ""
    final_url: str = ""  # after redirects: the base of relative links
    code: int = 0  # the HTTP status of the last response; 0 when there was none
    retry_after: int | None = None  # seconds a 429 or 503 asked us to wait (Retry-After)
    max_age: int | None = None  # seconds a 200 or 304 may be reused (Cache-Control)


class _RefusedError(Exception):
    """A response we stop reading: too large or too slow (the message says which)."""


def _failed(url: str, error: str) -> Fetched:
    return Fetched(url, "failed", error=error)


def _short(text: str, limit: int = 120) -> str:
    """One printable line of at most ``limit`` characters (servers choose these words)."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(printable.split())[:limit]


def _seconds(text: str) -> int | None:
    """A header's number of seconds, or None.

    Why so strict: "-5", "1.5", "+3" and "²" are not delta-seconds, and a
    thousand digits would only make int() refuse them.
    """
    return int(text) if re.fullmatch(r"[0-9]{1,12}", text) else None


def _retry_after(headers: httpx.Headers) -> int | None:
    """Retry-After in seconds, from a number of seconds or an HTTP date; None when unreadable."""
    value = headers.get("retry-after", "").strip()
    if value[:1].isdigit():
        return _seconds(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" dates: RFC 5322 says UTC, just unsure of the zone
        when = when.replace(tzinfo=UTC)
    # Why the server's Date: a date is counted from the server's clock, so that
    # a skewed clock here neither drops the wait nor makes it longer.
    try:
        sent = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError, OverflowError):
        sent = datetime.now(UTC)
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    return max(0, round((when - sent).total_seconds()))


def _max_age(headers: httpx.Headers) -> int | None:
    """Cache-Control max-age in seconds (no-cache and no-store: 0); None when absent or bad."""
    directives = {}
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.partition("=")
        directives[name.strip().lower()] = value.strip().strip('"')
    if "no-cache" in directives or "no-store" in directives:
        return 0
    return _seconds(directives.get("max-age", ""))


def _describe(error: Exception, url: str, settings: CollectSettings) -> str:  # noqa: PLR0911 - one per kind of failure
    """What went wrong, in the words of the summary line."""
    text = _short(str(error))
    if isinstance(error, httpx.TimeoutException):
        return f"timed out after {settings.timeout:g} s"
    if isinstance(error, _RefusedError):
        return text
    if isinstance(error, httpx.ConnectError):
        if any(words in text.lower() for words in _DNS):
            return f"DNS lookup failed for {urlsplit(url).hostname}"
        if "refused" in text.lower():
            return "connection refused"
        return f"cannot connect ({text or type(error).__name__})"
    if isinstance(error, httpx.DecodingError):
        return f"cannot decode the response ({text})"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server broke HTTP ({text})"
    return f"{type(error).__name__}: {text}"


def _read(
    response: httpx.Response, settings: CollectSettings, deadline: float, limit: int
) -> bytes:
    """The body, decompressed, refused once over ``limit`` bytes or past the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _RefusedError(f"too large ({declared} bytes; the limit is {limit})")
    body = bytearray()
    # Why by chunks: the cap holds for what gzip expands to, and a server that
    # drips bytes slowly still meets the deadline.
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > limit:
            raise _RefusedError(f"too large (over {limit} bytes)")
        if time.monotonic() > deadline:
            raise _RefusedError(f"timed out after {settings.timeout:g} s")
    return bytes(body)


def fetch(
    client: httpx.Client,
    url: str,
    settings: CollectSettings,
    etag: str = "",
    modified: str = "",
    *,
    accept: str = ACCEPT,
    max_bytes: int | None = None,
) -> Fetched:
    """GET a feed (or, with ``accept`` and ``max_bytes``, a picture) within the caps.

    Redirects are followed a few times, to http(s) only; ``max_bytes`` replaces
    settings.max_bytes for bodies that have a cap of their own, such as images.
    """
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    deadline = time.monotonic() + settings.timeout
    current = url
    try:
        for _hop in range(settings.max_redirects + 1):
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                return _failed(url, f"not an http(s) address: {_short(current)}")
            with client.stream("GET", current, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"].strip())
                    continue
                if response.status_code == 304:
                    return Fetched(
                        url,
                        "not-modified",
                        etag=etag,
                        last_modified=modified,
                        code=304,
                        max_age=_max_age(response.headers),
                    )
                if not 200 <= response.status_code < 300:
                    reason = _short(response.reason_phrase, 40)
                    code = response.status_code
                    return Fetched(
                        url,
                        "failed",
                        error=f"HTTP {code} {reason}".strip(),
                        code=code,
                        retry_after=_retry_after(response.headers) if code in (429, 503) else None,
                    )
                limit = settings.max_bytes if max_bytes is None else max_bytes
                body = _read(response, settings, deadline, limit)
                return Fetched(
                    url,
                    "ok",
                    body,
                    response.headers.get("content-type", ""),
                    response.headers.get("etag", ""),
                    response.headers.get("last-modified", ""),
                    final_url=current,
                    code=response.status_code,
                    max_age=_max_age(response.headers) if response.status_code == 200 else None,
                )
            if time.monotonic() > deadline:
                raise _RefusedError(f"timed out after {settings.timeout:g} s")
    except (_RefusedError, httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        return _failed(url, _describe(error, current, settings))
    return _failed(url, f"too many redirects (more than {settings.max_redirects})")


def make_client(settings: CollectSettings) -> httpx.Client:
    """The one client: a User-Agent naming the site, a timeout, gzip (httpx's default)."""
    return httpx.Client(
        timeout=settings.timeout,
        follow_redirects=False,
        headers={"User-Agent": settings.agent},
        limits=httpx.Limits(max_connections=settings.concurrency * 2),
    )
