"""fediverse: the hub's ActivityPub actor as static files, when ACTIVITYPUB_ACCOUNT is set.

WebFinger, the actor with its public key, the outbox of the latest items, one
object file per item, and every item's object in the build's cache folder for
``invoke fediverse.deliver``: socialhub.activitypub.documents writes them all.
The key pair is made on the first build, so a fresh checkout's preview has an actor.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from socialhub.activitypub.config import fediverse_config
from socialhub.activitypub.documents import write_documents
from socialhub.activitypub.keys import load_or_create_keys
from socialhub.feeds.entries import SiteInfo, tag_authority
from socialhub.model import Site
from socialhub.urls import site_base

log = logging.getLogger(__name__)


def _site_info(settings: dict[str, Any]) -> SiteInfo:
    """The feeds' facts about the site: an object's content is the item's feed content."""
    base = site_base(settings)
    return SiteInfo(
        base=base,
        name=settings["SITENAME"],
        company=settings.get("COMPANY_NAME", settings["SITENAME"]),
        content_dir=settings["PATH"],
        tag_authority=tag_authority(settings.get("FEED_TAG_AUTHORITY", ""), base),
        content_max_chars=int(settings.get("FEED_CONTENT_MAX_CHARS", 0) or 0),
    )


class FediverseGenerator(Generator):
    """Writes WebFinger, the actor, the outbox and the items' objects."""

    def generate_output(self, writer: Any) -> None:
        """Write the documents when the hub has an account; nothing otherwise."""
        fed = fediverse_config(self.settings, root=Path.cwd())
        if fed is None:
            return
        site: Site = self.context["hub"]
        keys = load_or_create_keys(fed.keys_dir)
        count = write_documents(site, self.settings, fed, keys, _site_info(self.settings))
        log.info("fediverse: @%s with %d items", fed.account, count)


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican the fediverse documents' generator."""
    return FediverseGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
