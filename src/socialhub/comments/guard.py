"""The guard in front of the queue: honeypot, and the page a request comes from (CSRF).

Two rules, one per kind of client. A browser form post must name the hub's own
page: every browser sends Origin on a POST, so ``Origin: null`` (a sandboxed
iframe, a page with ``Referrer-Policy: no-referrer`` elsewhere) or no Origin and
no Referer at all is treated as another site's. The JSON API is for scripts,
which send no Origin: it takes only ``application/json``, which a page of
another site cannot send without a CORS preflight the service never grants,
and a browser that does name its page must name the hub's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from socialhub.comments.checks import Refusal
from socialhub.comments.config import CommentsConfig

FOREIGN = "Comments can only be sent from the hub's own pages."


def origin_of(headers: Any) -> str:
    """scheme://host[:port] of the page that sent the request (Origin, else Referer), or ""."""
    origin = str(headers.get("Origin", "")).strip()
    if origin:
        return "null" if origin == "null" else origin.rstrip("/")
    referer = str(headers.get("Referer", "")).strip()
    if referer:
        try:
            parts = urlsplit(referer)
        except ValueError:  # a malformed Referer names no page at all
            return "null"
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def allowed_origins(config: CommentsConfig) -> set[str]:
    """The hub's own origins: the site's and the configured ones."""
    allowed = {o.rstrip("/") for o in config.allowed_origins}
    site = urlsplit(config.site_url)
    allowed.add(f"{site.scheme}://{site.netloc}")
    return allowed


def check_form_origin(headers: Any, config: CommentsConfig) -> None:
    """Refuse a form post that does not come from a page of the hub (CSRF)."""
    origin = origin_of(headers)
    if origin == "null" or not origin or origin not in allowed_origins(config):
        raise Refusal(FOREIGN, 403)


def check_api_origin(headers: Any, config: CommentsConfig) -> None:
    """Refuse a JSON post that is not JSON, or that a browser sent from another site's page."""
    kind = str(headers.get("Content-Type", "")).split(";")[0].strip().lower()
    if kind != "application/json":
        raise Refusal("Send the comment as JSON (Content-Type: application/json).", 415)
    origin = origin_of(headers)
    if origin and origin not in allowed_origins(config):
        raise Refusal(FOREIGN, 403)


def check_honeypot(form: Mapping[str, str]) -> None:
    """The hidden field people never fill; bots often do."""
    if form.get("homepage", "").strip():
        raise Refusal("Your comment looks automated and was not accepted.", 422)
