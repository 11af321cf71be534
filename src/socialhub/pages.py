"""Pagination of lists of items into pages at /<base>/, /<base>/page/2/, …"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Pager(Generic[T]):
    """One page of a paginated list, and the way to its neighbours."""

    base: str  # site path of page 1, such as "hub/" or "" for the home page
    number: int
    count: int
    items: Sequence[T]
    total: int

    def url(self, number: int) -> str:
        """The site path of page ``number`` of this list."""
        return self.base if number == 1 else f"{self.base}page/{number}/"

    def save_as(self) -> str:
        """The output file of this page."""
        return f"{self.url(self.number)}index.html"

    @property
    def previous_url(self) -> str | None:
        """The previous page's site path, or None on page 1."""
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """The next page's site path, or None on the last page."""
        return self.url(self.number + 1) if self.number < self.count else None

    @property
    def position(self) -> tuple[int, int, int]:
        """What a page shows of its list besides its own items: page, pages, items in all.

        Part of every list page's fingerprint: an item added or removed on a later
        page changes the count in the heading ("16 items") of the earlier ones.
        """
        return (self.number, self.count, self.total)

    @property
    def numbers(self) -> range:
        """Every page number, for the numbered links."""
        return range(1, self.count + 1)


def paginate(items: Sequence[T], size: int, base: str) -> list[Pager[T]]:
    """Split items into pages of ``size``; an empty list still gets one (empty) page."""
    count = max(1, math.ceil(len(items) / size))
    return [
        Pager(base, number, count, items[(number - 1) * size : number * size], len(items))
        for number in range(1, count + 1)
    ]
