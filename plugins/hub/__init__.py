"""hub: the hub (all items, per kind, paginated), posts, tags, 404, privacy, sitemap, robots.

It also writes the manifest of commentable items that the comment service reads.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator
from PIL import Image as PILImage

from socialhub import cards, media, structured
from socialhub.colours import brand_problems
from socialhub.comments.config import manifest_location
from socialhub.headings import JINJA_FILTERS as HEADING_FILTERS
from socialhub.kinds import STREAM_KINDS
from socialhub.model import Site
from socialhub.pages import paginate
from socialhub.render import PagePlan, item_digest, items_digest, keep_outputs, write_if_changed
from socialhub.sitemap import sitemap_files
from socialhub.staticfiles import published
from socialhub.urls import absolute
from socialhub.widgets import altcha_files

log = logging.getLogger(__name__)

# The hub's filters: /hub/<slug>/ shows one kind of item.
HUB_FILTERS = tuple((kind.hub_slug, kind.name, kind.plural.capitalize()) for kind in STREAM_KINDS)
# Section roots above item pages that have no list of their own: each gets a small page
# sending readers to the hub's filter (deploy/nginx-hub.conf answers the same with a 301).
# Not in the sitemap: they are not pages, only addresses readers type.
SECTION_REDIRECTS = (("posts/", "hub/posts/", "News"), ("videos/", "hub/videos/", "Films"))


class HubGenerator(Generator):
    """Writes the pages that list items: the hub, its filters, tags; and site-wide files."""

    def generate_context(self) -> None:
        """Share the hub's filters; make the thumbnails of the pictures on cards."""
        self.context["hub_filters"] = HUB_FILTERS
        for problem in brand_problems(self.settings.get("BRAND_COLORS", {})):
            log.warning("hub: %s", problem)
        site: Site = self.context["hub"]
        images = [item.image for item in site.items if item.image is not None]
        media.prepare(self.context, self.settings, images)
        avatars = [blogger.avatar for blogger in site.bloggers.values()]
        media.prepare(self.context, self.settings, avatars, media.AVATAR_WIDTHS)
        # No thumbnails for pictures inside bodies, but each is decoded once (and
        # remembered) so that a damaged or oversized one is an error, not a broken page.
        media.prepare(self.context, self.settings, media.body_images(site), ())

    def generate_output(self, writer: Any) -> None:
        """Write every page of this plugin."""
        site: Site = self.context["hub"]
        size = int(self.settings.get("HUB_PAGE_SIZE", 12))
        plan = PagePlan("hub", site, self.settings, self.output_path)
        pictures = media.thumbnailer(self.context, self.settings).stamp()
        for pager in paginate(site.items, size, "hub/"):
            shown = (items_digest(site, pager.items), pager.position, pictures)
            plan.add(pager.save_as(), "hub", shown, pager=pager, hub_filter="")
            if pager.is_front:
                # Why twice: "/" and "/hub/" are both the hub's front page; the
                # canonical link of "/" points at "/hub/".
                plan.add("index.html", "hub", shown, pager=pager, hub_filter="")
        for hub_slug, kind, _label in HUB_FILTERS:
            for pager in paginate(site.items_of_kind(kind), size, f"hub/{hub_slug}/"):
                shown = (items_digest(site, pager.items), pager.position, hub_slug, pictures)
                plan.add(pager.save_as(), "hub", shown, pager=pager, hub_filter=hub_slug)
        for item in site.items_of_kind("post"):
            shown = (item_digest(site, item), pictures)
            plan.add(f"{item.url}index.html", "post", shown, item=item)
        tags = site.tags()
        plan.add("tags/index.html", "tags", tags=tags)
        for tag in tags:
            for pager in paginate(tag.items, size, tag.url):
                shown = (tag.name, items_digest(site, pager.items), pager.position, pictures)
                plan.add(pager.save_as(), "tag", shown, tag=tag, pager=pager)
        plan.add("404.html", "404")
        plan.add("privacy/index.html", "privacy")  # what is kept, from the comment settings
        for section, target, label in SECTION_REDIRECTS:
            plan.add(f"{section}index.html", "redirect", redirect_to=target, label=label)
        cards.prepare(self.context, self.settings, plan)
        plan.write_with(self.get_template, self.context)
        self._write_favicon()
        self._copy_theme_static()
        self._write_sitemap(site)
        self._write_text("robots.txt", self._robots())
        self._write_manifest(site)

    def _copy_theme_static(self) -> None:
        """theme/static/ to output/theme/ (CSS minified), writing only files whose bytes differ."""
        static = Path(self.theme) / "static"
        target = Path(self.output_path) / "theme"
        copied = []
        for source in sorted(static.rglob("*")) if static.is_dir() else []:
            if source.is_file() and not source.name.startswith("."):
                relative = source.relative_to(static)
                write_if_changed(target / relative, published(source.name, source.read_bytes()))
                copied.append(f"theme/{relative.as_posix()}")
        for save_as, data in altcha_files(self.settings).items():
            write_if_changed(Path(self.output_path) / save_as, data)
            copied.append(save_as)
        keep_outputs(self.settings, "theme-static", copied)

    def _write_text(self, save_as: str, text: str) -> None:
        path = Path(self.output_path) / save_as
        write_if_changed(path, text.encode("utf-8"), atomic=True)

    def _write_manifest(self, site: Site) -> None:
        """The commentable items, for the comment service: beside the output, not published."""
        text = json.dumps(comments_manifest(site, self.settings), sort_keys=True)
        write_if_changed(manifest_location(self.settings), text.encode("utf-8"), atomic=True)
        # Earlier builds wrote it into the output, where it would go on being published.
        Path(self.output_path, "comments-manifest.json").unlink(missing_ok=True)

    def _write_favicon(self) -> None:
        """favicon.ico from the company logo (a setting), redone only when the logo changes."""
        logo = os.path.join(self.path, str(self.settings.get("COMPANY_LOGO", "")).lstrip("/"))
        if not os.path.isfile(logo):
            log.warning("hub: COMPANY_LOGO %s does not exist; no favicon written", logo)
            return
        target = os.path.join(self.output_path, "favicon.ico")
        if os.path.exists(target) and os.path.getmtime(target) >= os.path.getmtime(logo):
            return
        os.makedirs(self.output_path, exist_ok=True)
        with PILImage.open(logo) as image:
            image.convert("RGBA").save(target, sizes=[(16, 16), (32, 32), (48, 48)])

    def _robots(self) -> str:
        return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(self.settings, 'sitemap.xml')}\n"

    def _write_sitemap(self, site: Site) -> None:
        files = sitemap_files(site, self.settings)
        for save_as, data in files.items():
            write_if_changed(Path(self.output_path) / save_as, data, atomic=True)
        # Why recorded: a hub that shrinks below 50,000 URLs must lose its old parts.
        keep_outputs(self.settings, "sitemaps", list(files))


def comments_manifest(site: Site, settings: dict[str, Any]) -> dict[str, Any]:
    """What the comment service needs to know: every commentable item and its comments."""
    items = {
        item.slug: {
            "url": f"/{item.url}",
            "title": item.title,
            "kind": item.kind,
            "comments_open": item.comments_open,
            "comment_ids": [comment.id for comment in site.comments_of(item)],
        }
        for item in site.items
    }
    return {"site_url": settings.get("SITEURL", ""), "items": items}


def add_theme_helpers(generator: Generator) -> None:
    """Give every template ``thumbs(image)``, ``structured_data()``, the social cards, filters."""
    generator.env.globals["thumbs"] = media.lookup(generator.context)
    generator.env.globals["structured_data"] = structured.template_function(
        generator.context, generator.settings, generator.env.globals["thumbs"]
    )
    generator.env.globals["social_card"] = cards.lookup(generator.context)
    generator.env.globals["shared_picture"] = cards.picture_lookup(generator.context)
    generator.env.filters.update(HEADING_FILTERS)


def drop_unused_thumbnails(generators: list[Generator]) -> None:
    """Once every plugin has asked for its pictures, delete the thumbnails no page shows."""
    thumbnailer = generators[0].context.get(media.CONTEXT_KEY) if generators else None
    if isinstance(thumbnailer, media.Thumbnailer):
        thumbnailer.drop_unused()


def keep_static_files(generator: Generator) -> None:
    """Delete the copies of pictures and media whose source is gone from content/."""
    keep_outputs(generator.settings, "static", [sc.save_as for sc in generator.staticfiles])


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the hub's generator."""
    return HubGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_theme_helpers)
    signals.all_generators_finalized.connect(drop_unused_thumbnails)
    signals.static_generator_finalized.connect(keep_static_files)
