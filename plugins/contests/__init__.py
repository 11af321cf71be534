"""contests: the contests page (grouped by status), each contest with its videos, each video."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub import cards, media
from socialhub.model import Site, Video
from socialhub.render import PagePlan, item_digest, items_digest

STATUS_ORDER = ("open", "judging", "closed")


# Films of the same contest shown as cards under a film.
SIBLINGS_SHOWN = 3


class ContestsGenerator(Generator):
    """Writes /contests/, /contests/<slug>/ and /videos/<slug>/."""

    def generate_context(self) -> None:
        """Make the posters' thumbnails (``thumbs(image)`` in templates)."""
        site: Site = self.context["hub"]
        posters = [item.poster for item in site.items_of_kind("video") if isinstance(item, Video)]
        media.prepare(self.context, self.settings, posters)

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        plan = PagePlan("contests", site, self.settings, self.output_path)
        contests = sorted(site.contests.values(), key=lambda c: c.opens, reverse=True)
        groups = [
            (status, [contest for contest in contests if contest.status == status])
            for status in STATUS_ORDER
        ]
        pictures = media.thumbnailer(self.context, self.settings).stamp()
        plan.add("contests/index.html", "contests", groups=groups)
        for contest in contests:
            videos = site.videos_of(contest)
            shown = (contest, items_digest(site, videos), pictures)
            plan.add(f"{contest.url}index.html", "contest", shown, contest=contest, videos=videos)
        for item in site.items_of_kind("video"):
            assert isinstance(item, Video)
            contest = site.contest_of(item)
            # The page's "More from this contest" cards: part of what it shows.
            others = [video for video in site.videos_of(contest) if video.slug != item.slug]
            siblings = tuple(others[:SIBLINGS_SHOWN])
            shown = (item_digest(site, item), items_digest(site, siblings), pictures)
            plan.add(
                f"{item.url}index.html",
                "video",
                shown,
                item=item,
                contest=contest,
                siblings=siblings,
            )
        cards.prepare(self.context, self.settings, plan)
        plan.write_with(self.get_template, self.context)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the contests' generator."""
    return ContestsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
