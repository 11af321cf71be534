"""follow_friday: the #FF gallery and each shout-out's page."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.model import Site


class FollowFridayGenerator(Generator):
    """Writes /follow-friday/ and /follow-friday/<slug>/."""

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        shoutouts = site.items_of_kind("follow-friday")
        self._write(writer, "follow-friday/index.html", "follow_friday", shoutouts=shoutouts)
        for item in shoutouts:
            self._write(writer, f"{item.url}index.html", "shoutout", item=item)

    def _write(self, writer: Any, save_as: str, template: str, **variables: Any) -> None:
        writer.write_file(
            save_as, self.get_template(template), self.context, relative_urls=False, **variables
        )


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the #FF generator."""
    return FollowFridayGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
