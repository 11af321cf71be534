"""Absolute URLs: feeds, the sitemap and link previews need them even in a local build."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Why a fallback: a local build has SITEURL = "" (links are root-relative), but a
# feed, a sitemap or an Open Graph tag must carry absolute URLs; they point at
# the preview server then.
LOCAL_PREVIEW_URL = "http://127.0.0.1:8000"


def site_base(settings: Mapping[str, Any]) -> str:
    """The site's absolute base URL without a trailing slash."""
    base = str(settings.get("SITEURL") or settings.get("LOCAL_PREVIEW_URL") or LOCAL_PREVIEW_URL)
    return base.rstrip("/")


def absolute(settings: Mapping[str, Any], site_path: str) -> str:
    """The absolute URL of a site path such as ``posts/hello/`` or ``/images/x.png``."""
    return f"{site_base(settings)}/{site_path.lstrip('/')}"
