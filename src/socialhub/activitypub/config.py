"""The fediverse settings and the addresses they give, shared by the build and the service.

One account per hub (``ACTIVITYPUB_ACCOUNT = "hub@hub.example.com"``); everything else
follows from it and from the site's address, so that the static documents the build
writes and the requests the service signs always name the same actor and key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialhub.errors import ConfigError
from socialhub.urls import site_base

# The preview's address: the site's own when SITEURL is empty (as in pelicanconf.py).
PREVIEW_URL = "http://127.0.0.1:8000"
ACCOUNT_PATTERN = re.compile(r"^@?(?P<user>[A-Za-z0-9_.-]+)@(?P<domain>[A-Za-z0-9.-]+(:\d+)?)$")

ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
JRD_JSON = "application/jrd+json"


@dataclass(frozen=True)
class FediverseConfig:
    """The hub's account and every address derived from it."""

    user: str
    domain: str
    base_url: str
    keys_dir: Path

    @property
    def account(self) -> str:
        """The account as people type it, without the leading @: user@domain."""
        return f"{self.user}@{self.domain}"

    @property
    def resource(self) -> str:
        """The WebFinger resource that names the account."""
        return f"acct:{self.account}"

    @property
    def actor_url(self) -> str:
        """The actor document's address (a static file written by the build)."""
        return f"{self.base_url}/fediverse/actor.json"

    @property
    def key_id(self) -> str:
        """The id of the actor's public key, as signatures name it."""
        return f"{self.actor_url}#main-key"

    @property
    def outbox_url(self) -> str:
        """The outbox collection (a static file written by the build)."""
        return f"{self.base_url}/fediverse/outbox.json"

    @property
    def inbox_url(self) -> str:
        """The inbox, answered by the comment service; also the shared inbox."""
        return f"{self.base_url}/inbox"

    @property
    def followers_url(self) -> str:
        """The followers collection, answered by the comment service (a count only)."""
        return f"{self.base_url}/fediverse/followers"


def fediverse_config(
    settings: Mapping[str, Any], root: Path | None = None
) -> FediverseConfig | None:
    """The hub's fediverse settings, or None when ``ACTIVITYPUB_ACCOUNT`` is not set."""
    account = str(settings.get("ACTIVITYPUB_ACCOUNT") or "").strip()
    if not account:
        return None
    match = ACCOUNT_PATTERN.match(account)
    if match is None:
        raise ConfigError(
            f"ACTIVITYPUB_ACCOUNT = {account!r} is not an account: write it as "
            "user@domain, for example 'hub@hub.example.com'"
        )
    # The same base as every other absolute URL of the build (LOCAL_PREVIEW_URL when local).
    base_url = site_base(settings)
    keys_dir = Path(str(settings.get("ACTIVITYPUB_KEYS_DIR") or "var/activitypub"))
    if root is not None and not keys_dir.is_absolute():
        keys_dir = root / keys_dir
    return FediverseConfig(
        user=match["user"], domain=match["domain"], base_url=base_url, keys_dir=keys_dir
    )
