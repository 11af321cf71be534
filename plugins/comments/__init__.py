"""comments: attaches approved comments and mentions to their items, threaded, for the theme."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.model import Site


class CommentsGenerator(Generator):
    """Puts each item's comment threads, mentions and count into the context."""

    def generate_context(self) -> None:
        """Fill ``comment_threads``, ``comment_mentions`` and ``comment_counts``."""
        site: Site = self.context["hub"]
        self.context["comment_threads"] = {item.slug: site.threads_of(item) for item in site.items}
        self.context["comment_mentions"] = {
            item.slug: site.mentions_of(item) for item in site.items
        }
        self.context["comment_counts"] = {
            item.slug: len(site.comments_of(item)) for item in site.items
        }


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the comments' generator."""
    return CommentsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
