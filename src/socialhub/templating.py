"""Jinja filters the theme uses (dates, counts); registered in pelicanconf.py."""

from __future__ import annotations

from datetime import date, datetime

from socialhub.text import slugify


def human_date(value: date | datetime) -> str:
    """A date as readers write it: 20 November 2026."""
    return f"{value.day} {value:%B %Y}"


def iso_date(value: date | datetime) -> str:
    """A machine-readable date for <time datetime=…>."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def plural(count: int, singular: str, many: str = "") -> str:
    """'1 comment', '3 comments'."""
    word = singular if count == 1 else (many or singular + "s")
    return f"{count} {word}"


JINJA_FILTERS = {
    "human_date": human_date,
    "iso_date": iso_date,
    "plural": plural,
    "slugify_tag": slugify,
}
