"""follow_friday: the #FF gallery and each shout-out's page."""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.model import Site
from socialhub.render import PageJob, PagePlan, item_digest, items_digest

log = logging.getLogger(__name__)


class FollowFridayGenerator(Generator):
    """Writes /follow-friday/ and /follow-friday/<slug>/."""

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        plan = PagePlan("follow_friday", site, self.settings, self.output_path)
        shoutouts = site.items_of_kind("follow-friday")
        shown = (items_digest(site, shoutouts),)
        plan.add("follow-friday/index.html", "follow_friday", shown, shoutouts=shoutouts)
        for item in shoutouts:
            plan.add(f"{item.url}index.html", "shoutout", (item_digest(site, item),), item=item)
        report = plan.write(lambda job: self._render(writer, job))
        log.info("follow_friday: %d pages rendered, %d unchanged", report.rendered, report.skipped)

    def _render(self, writer: Any, job: PageJob) -> None:
        template = self.get_template(job.template)
        writer.write_file(job.save_as, template, self.context, relative_urls=False, **job.variables)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the #FF generator."""
    return FollowFridayGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
