"""The `invoke mentions.*` commands: send the Webmentions of new, changed and deleted items."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from invoke import Collection, task
from invoke.exceptions import Exit

from socialhub.build import load_settings
from socialhub.errors import ConfigError

ROOT = Path.cwd()


def limits_of(settings: dict[str, Any]) -> Any:
    """The request limits from the settings; ConfigError naming a bad one."""
    from socialhub.mentions.discovery import Limits  # noqa: PLC0415 - see send_mentions

    try:
        return Limits(
            timeout=float(settings.get("WEBMENTION_TIMEOUT", 10.0)),
            max_bytes=int(settings.get("WEBMENTION_MAX_BYTES", 1_000_000)),
            allow_private=bool(settings.get("WEBMENTION_ALLOW_PRIVATE", False)),
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(
            f"WEBMENTION_TIMEOUT and WEBMENTION_MAX_BYTES must be numbers ({error})"
        ) from None


def send_mentions(
    settings: dict[str, Any], *, dry_run: bool = False, baseline: bool = False
) -> int:
    """Send from the outbox of the build in the settings' OUTPUT_PATH; the number of failures."""
    # Why imported here: every `invoke` command loads this module.
    from socialhub.mentions.outbox import read_outbox  # noqa: PLC0415
    from socialhub.mentions.run import send_all  # noqa: PLC0415
    from socialhub.mentions.state import state_path  # noqa: PLC0415

    # Why first: a build without SITEURL (a local preview) writes no outbox.
    if not settings.get("SITEURL"):
        raise ConfigError(
            "SITEURL is empty: Webmentions need the site's public address; "
            "use --settings publishconf.py"
        )
    site_url, items = read_outbox(settings)
    if not site_url.startswith(("http://", "https://")):
        raise ConfigError(f"SITEURL {site_url!r} is not an http(s) address")
    report = send_all(
        items,
        state_path(settings, ROOT),
        limits_of(settings),
        dry_run=dry_run,
        baseline=baseline,
        progress=lambda line: print(f"  {line}", flush=True),
    )
    print(report.summary)
    return report.failed


@task(
    help={
        "settings": "settings file (default publishconf.py: the site as published)",
        "dry-run": "list what would be sent; send nothing, keep the state as it is",
        "baseline": "record every item as announced without sending (a first run on an old site)",
    }
)
def send(c, settings="publishconf.py", dry_run=False, baseline=False):
    """Send a Webmention for every link of every new, changed or deleted item of the last build."""
    try:
        failed = send_mentions(load_settings(ROOT / settings), dry_run=dry_run, baseline=baseline)
    except ConfigError as error:
        raise Exit(f"No Webmention was sent: {error}", code=2) from None
    if failed:
        raise Exit(code=1)


mentions = Collection("mentions")
mentions.add_task(send)
