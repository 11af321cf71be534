"""Pagination numbered from the oldest item, so that a page keeps its items when new ones come.

A list (the hub, one kind of item, one tag) has a front page at ``<base>`` with
its newest items, and, once it holds more than one page of items, numbered pages
at ``<base>page/<k>/``: page 1 holds the oldest ``size`` items, page 2 the next
``size``, and the highest-numbered page the newest ones (it is partly filled
until enough items come). Each page lists its items newest first.

Why from the oldest: a new item lands on the front page and the highest-numbered
page, and every older page keeps its items and its bytes, so a rebuild rewrites a
handful of list pages instead of every one of them, and a link to a page keeps
showing what it showed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

FRONT = 0  # the number of the front page (the newest items), which has no number in its URL

# How many page numbers the pager shows on either side of the current page.
WINDOW = 2


@dataclass(frozen=True)
class Link:
    """One entry of a pager's row: a page (by number; FRONT for the front page) or a gap."""

    number: int | None  # None: the gap of pages left out ("…")

    @property
    def is_gap(self) -> bool:
        """True for the "…" between the shown page numbers."""
        return self.number is None


GAP = Link(None)


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list, and the way to its neighbours."""

    base: str  # site path of the front page, such as "hub/" or "tags/cameras/"
    number: int  # FRONT (0) for the front page, else 1 (the oldest items) to count
    count: int  # numbered pages of the list; 0 when the list fits on its front page
    items: Sequence[T]
    total: int

    def url(self, number: int) -> str:
        """The site path of page ``number`` of this list (FRONT: the front page)."""
        return self.base if number == FRONT else f"{self.base}page/{number}/"

    def save_as(self) -> str:
        """The output file of this page."""
        return f"{self.url(self.number)}index.html"

    @property
    def is_front(self) -> bool:
        """True on the front page, which shows the newest items."""
        return self.number == FRONT

    @property
    def newer(self) -> int | None:
        """The page with the next newer items (rel=prev), or None on the front page."""
        if self.is_front:
            return None
        return self.number + 1 if self.number < self.count else FRONT

    @property
    def older(self) -> int | None:
        """The page with the next older items (rel=next), or None at the oldest page.

        From the front page that is the page below the highest-numbered one: the
        front page already shows all of the highest-numbered page.
        """
        if self.is_front:
            return self.count - 1 if self.count > 1 else None
        return self.number - 1 if self.number > 1 else None

    @property
    def previous_url(self) -> str | None:
        """The newer page's site path (rel=prev), or None on the front page."""
        return None if self.newer is None else self.url(self.newer)

    @property
    def next_url(self) -> str | None:
        """The older page's site path (rel=next), or None on the oldest page."""
        return None if self.older is None else self.url(self.older)

    @property
    def links(self) -> tuple[Link, ...]:
        """The pager's row, newest first: the front page, a window of numbers, page 1, gaps.

        Bounded (at most 2 * WINDOW + 5 entries at any size). A numbered page's row
        depends on ``count`` only when it is within WINDOW of the top, so a new
        page leaves the rows of the older pages as they were.
        """
        if self.count == 0:
            return ()
        centre = self.count + 1 if self.is_front else self.number
        top = min(self.count, centre + WINDOW)
        bottom = max(1, centre - WINDOW)
        row = [Link(FRONT)]
        if top < self.count:
            row.append(GAP)
        row += [Link(number) for number in range(top, bottom - 1, -1)]
        if bottom > 2:
            row.append(GAP)
        if bottom > 1:
            row.append(Link(1))
        return tuple(row)

    @property
    def position(self) -> tuple[object, ...]:
        """What a page shows of its list besides its own items (part of its fingerprint).

        The front page shows how many items the list holds; a numbered page shows
        only its number, its neighbours and its pager's row, so that it keeps its
        fingerprint (and is not rendered again) when an item is added above it.
        """
        shown: tuple[object, ...] = (self.number, self.newer, self.older, self.links)
        return (*shown, self.total) if self.is_front else shown


def paginate(items: Sequence[T], size: int, base: str) -> list[Pager[T]]:
    """The front page and the numbered pages of ``items`` (newest first), ``size`` a page.

    Page ``k`` holds the items ``(k - 1) * size`` to ``k * size`` counted from the
    oldest; the front page holds the newest ``size``. A list that fits on one page
    has only its front page (an empty list too).
    """
    total = len(items)
    count = math.ceil(total / size) if total > size else 0
    pages = [Pager(base, FRONT, count, items[:size], total)]
    for number in range(1, count + 1):
        # items is newest first: the k-th page from the oldest ends k * size from its end.
        start = max(0, total - number * size)
        stop = total - (number - 1) * size
        pages.append(Pager(base, number, count, items[start:stop], total))
    return pages
