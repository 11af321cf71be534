"""bloggers: the bloggers directory, each blogger's page, each featured post's page."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.model import FeaturedPost, Site


class BloggersGenerator(Generator):
    """Writes /bloggers/, /bloggers/<slug>/ and /bloggers/<blogger>/<slug>/."""

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        bloggers = sorted(site.bloggers.values(), key=lambda b: b.name.lower())
        self._write(writer, "bloggers/index.html", "bloggers", bloggers=bloggers)
        for blogger in bloggers:
            self._write(writer, f"{blogger.url}index.html", "blogger", blogger=blogger)
        for item in site.items_of_kind("featured"):
            assert isinstance(item, FeaturedPost)
            self._write(
                writer,
                f"{item.url}index.html",
                "featured",
                item=item,
                blogger=site.blogger_of(item),
            )

    def _write(self, writer: Any, save_as: str, template: str, **variables: Any) -> None:
        writer.write_file(
            save_as, self.get_template(template), self.context, relative_urls=False, **variables
        )


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the bloggers' generator."""
    return BloggersGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
