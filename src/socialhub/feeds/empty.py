"""An item's comments feed before its first comment, filled into a template instead of rendered.

Every item advertises its comments feed (RSS, Atom, JSON Feed) so that a reader
can follow the conversation before it starts, and most items have no comment:
three quarters of a hub's feed files are these empty feeds. They differ only in
the item's address, title and date, so each format is rendered once per build
(feedgen, with placeholders) and filled in for each item: the same bytes as
rendering it, at a small part of the cost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from feedgen.util import formatRFC2822

from socialhub.feeds.jsonfeed import plain
from socialhub.feeds.write import rss_text
from socialhub.text import xml_safe

# Placeholders that no escaping changes and no real title or address holds.
TITLE = "\ue000"
URL = "zq-empty-feed-item-zq/"
DATE = datetime(1970, 1, 2, 3, 4, 5, tzinfo=UTC)
# Item addresses filled in as they are: characters every format writes unescaped.
_PLAIN_URL = re.compile(r"[A-Za-z0-9._~/-]+")


def _xml_text(text: str) -> str:
    """Text as lxml writes it in an element (what feedgen's titles go through)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


# How each format writes an item's title and date inside its feed's texts.
TITLES: dict[str, Callable[[str], str]] = {
    "rss": lambda title: _xml_text(rss_text(xml_safe(title))),
    "atom": lambda title: _xml_text(xml_safe(title)),
    "json": lambda title: json.dumps(plain(xml_safe(title)), ensure_ascii=False)[1:-1],
}
DATES: dict[str, Callable[[datetime], str]] = {
    "rss": formatRFC2822,
    "atom": lambda date: date.isoformat(),
    "json": lambda _date: "",  # an empty JSON Feed has no date
}


class EmptyFeeds:
    """Empty comments feeds of one build, from one rendering per format.

    ``render(fmt, url, title, updated)`` is the slow path: the real renderer for an
    item's empty comments feed. A placeholder that does not come through once in
    a format turns the template off for that format (every feed is then rendered).
    """

    def __init__(self, render: Callable[[str, str, str, datetime], bytes]) -> None:
        self._render = render
        self._templates: dict[str, str | None] = {}

    def _template(self, fmt: str) -> str | None:
        if fmt not in self._templates:
            text = self._render(fmt, URL, TITLE, DATE).decode("utf-8")
            date = DATES[fmt](DATE)
            usable = URL in text and TITLE in text and (not date or date in text)
            self._templates[fmt] = text if usable else None
        return self._templates[fmt]

    def feed(self, fmt: str, url: str, title: str, updated: datetime) -> bytes:
        """The empty comments feed of the item at ``url`` called ``title``, as of ``updated``."""
        template = self._template(fmt) if _PLAIN_URL.fullmatch(url) else None
        if template is None:
            return self._render(fmt, url, title, updated)
        text = template.replace(URL, url).replace(TITLE, TITLES[fmt](title))
        date = DATES[fmt](DATE)
        if date:
            text = text.replace(date, DATES[fmt](updated))
        return text.encode("utf-8")
