"""search: the /search/ page, and the Pagefind index of the item pages once the site is written."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub import cards, search
from socialhub.model import Site
from socialhub.render import PagePlan

log = logging.getLogger(__name__)

# The model of the build under way, from all_generators_finalized to finalized.
_SITE: list[Site] = []


class SearchGenerator(Generator):
    """Writes /search/ and remembers which pages the index must cover."""

    def generate_output(self, writer: Any) -> None:
        """Write the search page (its words come from the theme, not from content)."""
        site: Site = self.context["hub"]
        plan = PagePlan("search", site, self.settings, self.output_path)
        # Why from the model, not the index: this page is written before Pagefind runs,
        # and how many parts there are follows from the number of items alone.
        merged = search.merged_folders(len(site.items), _part_size(self.settings))
        plan.add("search/index.html", "search", (merged,), search_merged=merged)
        cards.prepare(self.context, self.settings, plan)
        plan.write_with(self.get_template, self.context)


def index_items(pelican: Any) -> None:
    """Index every item page with Pagefind, once every page is written."""
    search.LAST.clear()
    if not _SITE:
        return
    site = _SITE.pop()
    pages = search.item_pages(site.items)
    output = Path(pelican.settings["OUTPUT_PATH"])
    cache = Path(pelican.settings.get("CACHE_PATH", ".cache"))
    report = search.build_index(output, pages, cache, _part_size(pelican.settings))
    search.LAST.append(report)


def _part_size(settings: dict[str, Any]) -> int:
    """SEARCH_PART_SIZE (checked with the other settings before the build began)."""
    return int(settings.get("SEARCH_PART_SIZE", search.PART_SIZE))


def keep_site(generators: list[Generator]) -> None:
    """Hand the model to the step that runs after the writers (``finalized`` has no context)."""
    _SITE.clear()
    if generators and "hub" in generators[0].context:
        _SITE.append(generators[0].context["hub"])


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the search page's generator."""
    return SearchGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(keep_site)
    signals.finalized.connect(index_items)
