"""One polite HTTP client for every feed: conditional GET, gzip, timeouts, caps, http(s) only."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from socialhub.collect.settings import CollectSettings


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


def fetch(  # noqa: PLR0911, PLR0912 - one answer per way a fetch ends
    client: httpx.Client, url: str, settings: CollectSettings, etag: str = "", modified: str = ""
) -> Fetched:
    """GET a feed, following at most a few redirects, refusing what is too large."""
    headers = {
        "Accept": "application/atom+xml, application/rss+xml, application/feed+json, "
        "application/json;q=0.9, application/xml;q=0.8, */*;q=0.5"
    }
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    current = url
    for _hop in range(settings.max_redirects + 1):
        if not current.startswith(("http://", "https://")):
            return Fetched(url, "failed", error=f"not an http(s) address: {current}")
        try:
            with client.stream("GET", current, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code == 304:
                    return Fetched(url, "not-modified", etag=etag, last_modified=modified)
                if response.status_code != 200:
                    return Fetched(url, "failed", error=f"HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > settings.max_bytes:
                    return Fetched(url, "failed", error=f"too large ({declared} bytes)")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > settings.max_bytes:
                        return Fetched(
                            url, "failed", error=f"too large (over {settings.max_bytes} bytes)"
                        )
                return Fetched(
                    url,
                    "ok",
                    bytes(body),
                    response.headers.get("content-type", ""),
                    response.headers.get("etag", ""),
                    response.headers.get("last-modified", ""),
                )
        except httpx.TimeoutException:
            return Fetched(url, "failed", error=f"timed out after {settings.timeout:g} s")
        except httpx.ConnectError as error:
            return Fetched(url, "failed", error=f"cannot connect ({_short(error)})")
        except httpx.HTTPError as error:
            return Fetched(url, "failed", error=f"{type(error).__name__}: {_short(error)}")
    return Fetched(url, "failed", error=f"more than {settings.max_redirects} redirects")


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:120] if str(error) else type(error).__name__


def make_client(settings: CollectSettings) -> httpx.Client:
    """The one client: a User-Agent naming the site, a timeout, gzip (httpx's default)."""
    return httpx.Client(
        timeout=settings.timeout,
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent.format(site=settings.site_url)},
    )
