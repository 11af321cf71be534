"""Jinja filters the theme uses (dates, counts); registered in pelicanconf.py."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import pass_context

from socialhub.text import slugify


def human_date(value: date | datetime) -> str:
    """A date as readers write it: 20 November 2026."""
    return f"{value.day} {value:%B %Y}"


def iso_date(value: date | datetime) -> str:
    """A machine-readable date for <time datetime=…>."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


@pass_context
def iso_datetime(context: Any, value: date | datetime) -> str:
    """A full datetime with seconds and offset, for microformats' dt-published and the like.

    Why not iso_date: consumers of microformats (bridges, readers) expect RFC 3339
    with an offset; a bare date (a contest's opening day) is its midnight in TIMEZONE.
    """
    try:
        zone = ZoneInfo(str(context.get("TIMEZONE") or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, tzinfo=zone)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.isoformat(timespec="seconds")


def plural(count: int, singular: str, many: str = "") -> str:
    """'1 comment', '3 comments'."""
    word = singular if count == 1 else (many or singular + "s")
    return f"{count} {word}"


JINJA_FILTERS = {
    "human_date": human_date,
    "iso_date": iso_date,
    "iso_datetime": iso_datetime,
    "plural": plural,
    "slugify_tag": slugify,
}
