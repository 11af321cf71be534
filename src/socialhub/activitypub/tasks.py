"""The `invoke fediverse.*` commands: the hub's key pair (and, with the delivery, deliver)."""

from __future__ import annotations

from pathlib import Path

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


fediverse = Collection("fediverse")
fediverse.add_task(keys)
