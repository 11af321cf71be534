"""follow_friday: the #FF gallery and each shout-out's page."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub import cards, media
from socialhub.model import Site
from socialhub.render import PagePlan, item_digest, items_digest


class FollowFridayGenerator(Generator):
    """Writes /follow-friday/ and /follow-friday/<slug>/."""

    def generate_context(self) -> None:
        """Make the thumbnails of every #FF picture (``thumbs(image)`` in templates)."""
        site: Site = self.context["hub"]
        images = [image for item in site.items_of_kind("follow-friday") for image in item.images]
        media.prepare(self.context, self.settings, images)

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        plan = PagePlan("follow_friday", site, self.settings, self.output_path)
        shoutouts = site.items_of_kind("follow-friday")
        pictures = media.thumbnailer(self.context, self.settings).stamp()
        shown = (items_digest(site, shoutouts), pictures)
        plan.add("follow-friday/index.html", "follow_friday", shown, shoutouts=shoutouts)
        for item in shoutouts:
            shown = (item_digest(site, item), pictures)
            plan.add(f"{item.url}index.html", "shoutout", shown, item=item)
        cards.prepare(self.context, self.settings, plan)
        plan.write_with(self.get_template, self.context)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the #FF generator."""
    return FollowFridayGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
