"""The guard in front of the queue: request size, honeypot, origin, rate limit per client."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig


class RateLimiter:
    """At most ``count`` accepted submissions per client within ``seconds`` (per worker process)."""

    def __init__(self, count: int, seconds: int) -> None:
        self.count = count
        self.seconds = seconds
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        """Record one accepted submission of ``client``; False (nothing recorded) over the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] > self.seconds:
                times.popleft()
            if len(times) >= self.count:
                return False
            times.append(now)
            if len(self._seen) > 10_000:  # forget idle clients, keep memory bounded
                for key in [k for k, v in self._seen.items() if not v]:
                    del self._seen[key]
            return True


def origin_of(headers: Any) -> str:
    """scheme://host[:port] of the page that sent the request (Origin, else Referer)."""
    origin = headers.get("Origin", "")
    if origin and origin != "null":
        return origin.rstrip("/")
    referer = headers.get("Referer", "")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def check_origin(headers: Any, config: CommentsConfig) -> None:
    """Refuse a browser request from a page of another site (CSRF)."""
    origin = origin_of(headers)
    allowed = {o.rstrip("/") for o in config.allowed_origins}
    site = urlsplit(config.site_url)
    allowed.add(f"{site.scheme}://{site.netloc}")
    if origin and origin not in allowed:
        raise Refusal("Comments can only be sent from the hub's own pages.", 403)


def check_honeypot(form: Mapping[str, str]) -> None:
    """The hidden field people never fill; bots often do."""
    if form.get("homepage", "").strip():
        raise Refusal("Your comment looks automated and was not accepted.", 422)
