"""mentions: the outbox `invoke mentions.send` reads, and a tombstone for every deleted item.

From the sent state (``WEBMENTION_SENT_FILE``, kept by the maintainer), every item
that was announced but is no longer in the site gets a small page at its old
URL: the Webmentions sent about it then find a page that no longer links to
them. Tombstones are not items: no feed, search index or sitemap lists them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.errors import ConfigError
from socialhub.mentions import state as sent_state
from socialhub.mentions.outbox import outbox_json, outbox_path
from socialhub.model import Site
from socialhub.render import write_if_changed

log = logging.getLogger(__name__)

# Every tombstone carries this, so that a restored item's page replaces it.
MARKER = b'data-tombstone="'
STATE_KEY = "webmentions_sent"  # the sent state, in Pelican's context for this build


def _entries(settings: dict[str, Any]) -> dict[str, sent_state.Entry]:
    """The sent state, or nothing (with a warning) when it cannot be read."""
    try:
        return sent_state.load(sent_state.state_path(settings))
    except ConfigError as error:
        log.warning("mentions: %s; no tombstone written", error)
        return {}


class MentionsGenerator(Generator):
    """Writes the outbox and the tombstones."""

    def generate_output(self, writer: Any) -> None:
        """Write the outbox (in the cache folder) and a page for every deleted item."""
        site: Site = self.context["hub"]
        output = Path(self.output_path)
        # Why only with SITEURL: mentions name the public address, so a local preview
        # sends none, and its rebuilds need not read every item's links (seconds on a
        # big hub).
        if self.settings.get("SITEURL"):
            outbox = outbox_path(self.settings)
            write_if_changed(outbox, outbox_json(site, self.settings).encode("utf-8"), atomic=True)
        live = {item.url for item in site.items}
        template = self.get_template("tombstone")
        entries = self.context.get(STATE_KEY)
        if entries is None:  # not read yet by clear_restored
            entries = _entries(self.settings)
        for path, entry in sent_state.tombstones(entries, live).items():
            target = output / path / "index.html"
            if not target.resolve().is_relative_to(output.resolve()):
                continue
            # Why not over another page: the address may now belong to a page that is not an item.
            if target.exists() and MARKER not in target.read_bytes():
                continue
            local = dict(self.context, output_file=f"{path}index.html", kind=entry.kind, path=path)
            write_if_changed(target, template.render(local).encode("utf-8"))


def clear_restored(generators: list[Generator]) -> None:
    """Delete the tombstone of an item that is back, before its own page is planned.

    Why before: a page whose inputs did not change is not written again, so the
    tombstone at its address would stay.
    """
    if not generators or "hub" not in generators[0].context:
        return
    site: Site = generators[0].context["hub"]
    settings = generators[0].settings
    output = Path(settings["OUTPUT_PATH"])
    live = {item.url for item in site.items}
    entries = _entries(settings)
    # Read once per build: the generator's tombstones use the same state.
    generators[0].context[STATE_KEY] = entries
    for entry in entries.values():
        page = output / entry.path / "index.html"
        if entry.path in live and page.is_file() and MARKER in page.read_bytes():
            os.remove(page)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the tombstones' generator."""
    return MentionsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(clear_restored)
