"""contests: the contests page (grouped by status), each contest with its videos, each video."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.model import Site, Video

STATUS_ORDER = ("open", "judging", "closed")


class ContestsGenerator(Generator):
    """Writes /contests/, /contests/<slug>/ and /videos/<slug>/."""

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        contests = sorted(site.contests.values(), key=lambda c: c.opens, reverse=True)
        groups = [
            (status, [contest for contest in contests if contest.status == status])
            for status in STATUS_ORDER
        ]
        self._write(writer, "contests/index.html", "contests", groups=groups)
        for contest in contests:
            self._write(
                writer,
                f"{contest.url}index.html",
                "contest",
                contest=contest,
                videos=site.videos_of(contest),
            )
        for item in site.items_of_kind("video"):
            assert isinstance(item, Video)
            self._write(
                writer, f"{item.url}index.html", "video", item=item, contest=site.contest_of(item)
            )

    def _write(self, writer: Any, save_as: str, template: str, **variables: Any) -> None:
        writer.write_file(
            save_as, self.get_template(template), self.context, relative_urls=False, **variables
        )


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the contests' generator."""
    return ContestsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
