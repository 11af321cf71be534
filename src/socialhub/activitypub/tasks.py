"""The `invoke fediverse.*` commands: the key pair; tell followers of new items, deliver."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from invoke import Collection, task
from invoke.exceptions import Exit

from socialhub.build import load_settings
from socialhub.errors import ConfigError

ROOT = Path.cwd()


def make_keys(settings_file: Path, *, rotate: bool = False) -> str:
    """Make (or with ``rotate`` replace) the key pair of these settings; a summary to print."""
    from socialhub.activitypub.config import fediverse_config  # noqa: PLC0415 - see mentions
    from socialhub.activitypub.keys import PRIVATE_FILE, create_keys  # noqa: PLC0415

    settings = load_settings(settings_file)
    fed = fediverse_config(settings, root=ROOT)
    if fed is None:
        raise ConfigError(
            f"{settings_file.name}: ACTIVITYPUB_ACCOUNT is empty; set it to the hub's "
            "account, for example 'hub@hub.example.com'"
        )
    existed = (fed.keys_dir / PRIVATE_FILE).exists()
    create_keys(fed.keys_dir, rotate=rotate)
    if rotate and existed:
        done = "Made a new key (the old one is kept as *.pem.old)"
        then = "Now rebuild and publish, so that the actor document carries the new key."
    elif existed:
        done, then = "The hub already has a key (--rotate replaces it)", ""
    else:
        done, then = "Made the hub's key", "Back up the folder; never commit it."
    lines = [
        f"{done}: {fed.keys_dir / PRIVATE_FILE}",
        f"  key id: {fed.key_id}",
        f"  account: @{fed.account}",
    ]
    return "\n".join([*lines, f"  {then}"] if then else lines)


def deliver_fediverse(
    settings: dict[str, Any],
    root: Path,
    *,
    retry_only: bool = False,
    progress: Callable[[str], None] = print,
) -> int:
    """Announce the last build's new, changed and deleted items, send what is due; failures."""
    # Why imported here: every `invoke` command loads this module.
    from socialhub.activitypub.announce import announce, objects_path  # noqa: PLC0415
    from socialhub.activitypub.config import fediverse_config  # noqa: PLC0415
    from socialhub.activitypub.deliver import deliver_due  # noqa: PLC0415
    from socialhub.activitypub.deliveryqueue import DeliveryQueue  # noqa: PLC0415
    from socialhub.activitypub.keys import load_keys  # noqa: PLC0415
    from socialhub.comments.config import load_config  # noqa: PLC0415

    config = fediverse_config(settings, root)
    if config is None:
        print("Fediverse: ACTIVITYPUB_ACCOUNT is not set; nothing to deliver.")
        return 0
    if not settings.get("SITEURL"):
        raise ConfigError(
            "SITEURL is empty: followers' servers need the site's public address to check "
            "the hub's signatures; use --settings publishconf.py"
        )
    keys = load_keys(config.keys_dir)
    service = load_config(settings, root=root)
    state_dir = service.state_dir
    parts = []
    if not retry_only:
        announced = announce(
            objects_path(settings), state_dir, actor_url=config.actor_url, progress=progress
        )
        parts.append(announced.summary)
    report = deliver_due(
        state_dir,
        keys,
        config.key_id,
        # The comment service's switch: True only in tests and local previews.
        allow_private=service.webmention_allow_private,
        progress=progress,
    )
    parts.append(report.summary)
    waiting = len(DeliveryQueue(state_dir).jobs())
    if waiting:
        parts.append(f"{waiting} waiting for a retry")
    print("Fediverse: " + "; ".join(parts) + ".", flush=True)
    return report.failed


@task(
    help={
        "settings": "settings file (default publishconf.py: the site as published)",
        "rotate": "replace the key pair (keeps the old one as *.pem.old)",
    }
)
def keys(c, settings="publishconf.py", rotate=False):
    """Make the hub's fediverse key pair once (or replace it with --rotate); print its key id."""
    try:
        print(make_keys(ROOT / settings, rotate=rotate))
    except ConfigError as error:
        raise Exit(f"No key was made: {error}", code=2) from None


@task(
    help={
        "settings": "settings file (default publishconf.py: the site as published)",
        "retry-only": "only send what is due in the queue (the timer's retries); announce nothing",
    }
)
def deliver(c, settings="publishconf.py", retry_only=False):
    """Send followers a Create, Update or Delete for each new, changed or deleted item; retry."""
    try:
        failed = deliver_fediverse(
            load_settings(ROOT / settings),
            ROOT,
            retry_only=retry_only,
            progress=lambda line: print(f"  {line}", flush=True),
        )
    except ConfigError as error:
        raise Exit(f"Nothing was delivered: {error}", code=2) from None
    except OSError as error:  # the state folder: full, gone or not ours
        raise Exit(
            f"Delivery stopped: {error.filename or ''} {error.strerror or error}; what was not "
            "sent stays queued",
            code=2,
        ) from None
    if failed:
        raise Exit(code=1)


fediverse = Collection("fediverse")
fediverse.add_task(keys)
fediverse.add_task(deliver)
