"""comments: attaches approved comments and mentions to their items, threaded, for the theme.

Replies (from the form or Webmentions) are threaded; likes and reposts are
counted apart; plain mentions and bookmarks are listed as "Mentioned by".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.model import Item, Site


class PerItem(Mapping[str, Any]):
    """item slug → a value computed from the item when a template first asks for it.

    Why lazy: a rebuild renders a few pages, and threading the comments of
    10,000 items that no rendered page shows was most of this plugin's time.
    """

    def __init__(self, site: Site, compute: Callable[[Item], Any]) -> None:
        self._site = site
        self._compute = compute
        self._values: dict[str, Any] = {}

    def __getitem__(self, slug: str) -> Any:
        if slug not in self._values:
            item = self._site.item(slug)
            if item is None:
                raise KeyError(slug)
            self._values[slug] = self._compute(item)
        return self._values[slug]

    def __iter__(self) -> Iterator[str]:
        return (item.slug for item in self._site.items)

    def __len__(self) -> int:
        return len(self._site.items)


class CommentsGenerator(Generator):
    """Puts each item's comment threads, mentions and count into the context."""

    def generate_context(self) -> None:
        """Fill ``comment_threads``, ``comment_mentions``, ``comment_likes``,
        ``comment_reposts`` and ``comment_counts`` (comments, replies and mentions).
        """
        site: Site = self.context["hub"]
        self.context["comment_threads"] = PerItem(site, site.threads_of)
        self.context["comment_mentions"] = PerItem(site, site.mentions_of)
        self.context["comment_likes"] = PerItem(site, lambda item: site.reactions_of(item, "like"))
        self.context["comment_reposts"] = PerItem(
            site, lambda item: site.reactions_of(item, "repost")
        )
        self.context["comment_counts"] = PerItem(site, site.conversation_count)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the comments' generator."""
    return CommentsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
