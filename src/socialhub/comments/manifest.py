"""The build's manifest of commentable items, re-read whenever the build rewrites it."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Target:
    """A commentable item as the service sees it."""

    slug: str
    url: str  # site path, such as /posts/hello/
    title: str
    comments_open: bool
    comment_ids: frozenset[str]


class Manifest:
    """The items of comments-manifest.json; reloaded when the file changes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._stamp: tuple[int, int] | None = None
        self._items: dict[str, Target] = {}
        self._by_path: dict[str, Target] = {}
        self.site_url = ""
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            if stamp == self._stamp:
                return
            data = json.loads(self.path.read_text(encoding="utf-8"))
            items = {
                slug: Target(
                    slug=slug,
                    url=entry["url"],
                    title=entry["title"],
                    comments_open=bool(entry["comments_open"]),
                    comment_ids=frozenset(entry.get("comment_ids", ())),
                )
                for slug, entry in data.get("items", {}).items()
            }
            self._items = items
            self._by_path = {target.url: target for target in items.values()}
            self.site_url = data.get("site_url", "")
            self._stamp = stamp

    def item(self, slug: str) -> Target | None:
        """The item with this slug, or None."""
        self._refresh()
        return self._items.get(slug)

    def item_for_url(self, url: str) -> Target | None:
        """The item a URL of this site points at (query and fragment ignored)."""
        self._refresh()
        path = urlsplit(url).path or "/"
        if not path.endswith("/"):
            path += "/"
        return self._by_path.get(path)

    def urls(self) -> dict[str, str]:
        """Every item's slug and site path."""
        self._refresh()
        return {slug: target.url for slug, target in self._items.items()}

    def __len__(self) -> int:
        self._refresh()
        return len(self._items)
