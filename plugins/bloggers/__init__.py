"""bloggers: the bloggers directory, each blogger's page, each featured post's page."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub import cards, media
from socialhub.model import FeaturedPost, Site
from socialhub.render import PagePlan, item_digest, items_digest


class BloggersGenerator(Generator):
    """Writes /bloggers/, /bloggers/<slug>/ and /bloggers/<blogger>/<slug>/."""

    def generate_context(self) -> None:
        """Make the avatars' thumbnails (``thumbs(image)`` in templates)."""
        site: Site = self.context["hub"]
        avatars = [blogger.avatar for blogger in site.bloggers.values()]
        media.prepare(self.context, self.settings, avatars, media.AVATAR_WIDTHS)

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        plan = PagePlan("bloggers", site, self.settings, self.output_path)
        bloggers = sorted(site.bloggers.values(), key=lambda b: b.name.lower())
        pictures = media.thumbnailer(self.context, self.settings).stamp()
        plan.add("bloggers/index.html", "bloggers", bloggers=bloggers)
        for blogger in bloggers:
            shown = (blogger, items_digest(site, site.featured_by(blogger)), pictures)
            plan.add(f"{blogger.url}index.html", "blogger", shown, blogger=blogger)
        for item in site.items_of_kind("featured"):
            assert isinstance(item, FeaturedPost)
            blogger = site.blogger_of(item)
            # The byline card counts the blogger's posts on the hub.
            posts = len(site.featured_by(blogger))
            shown = (item_digest(site, item), posts, pictures)
            plan.add(
                f"{item.url}index.html",
                "featured",
                shown,
                item=item,
                blogger=blogger,
                blogger_posts=posts,
            )
        cards.prepare(self.context, self.settings, plan)
        plan.write_with(self.get_template, self.context)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the bloggers' generator."""
    return BloggersGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
