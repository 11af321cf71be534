"""The sent state: what each item's Webmentions announced, kept by the maintainer.

One JSON file (setting ``WEBMENTION_SENT_FILE``), outside the output, written
atomically. Per item URL: the fingerprint of what was announced, its links, the
links still to notify for that fingerprint (``pending``), the last result per
link, and whether the item was deleted (its page is then a tombstone).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from socialhub.errors import ConfigError
from socialhub.stampcache import write_atomically

DEFAULT_FILE = "data/webmentions-sent.json"


@dataclass
class Entry:
    """What the state holds for one item URL."""

    path: str  # site path, where a tombstone is written once the item is gone
    kind: str  # the kind's label, for the tombstone's words
    fingerprint: str
    links: list[str]
    pending: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)  # link -> last result, one line
    deleted: bool = False


def state_path(settings: dict[str, Any], root: Path | None = None) -> Path:
    """Where the state file is: the setting, relative paths from ``root`` (the working folder)."""
    path = Path(str(settings.get("WEBMENTION_SENT_FILE") or DEFAULT_FILE))
    return path if path.is_absolute() else (root or Path.cwd()) / path


def load(path: Path) -> dict[str, Entry]:
    """The state, by item URL; empty when there is no file yet; ConfigError when unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {url: Entry(**entry) for url, entry in data.get("items", {}).items()}
    except FileNotFoundError:
        return {}
    except OSError as error:  # a folder, or a file we may not read
        raise ConfigError(
            f"cannot read {path} ({error.strerror or error}): "
            "set WEBMENTION_SENT_FILE to a file this user can read and write"
        ) from None
    except (ValueError, TypeError, AttributeError) as error:
        raise ConfigError(
            f"{path} is not a Webmention state file ({error}): restore it from its backup"
        ) from None


def save(path: Path, state: dict[str, Entry]) -> None:
    """Write the state atomically (a new file moved into place); ConfigError if it cannot be."""
    data = {"items": {url: asdict(state[url]) for url in sorted(state)}}
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    try:
        write_atomically(path, text.encode("utf-8"))
    except OSError as error:
        raise ConfigError(
            f"cannot write {path} ({error.strerror or error}): "
            "set WEBMENTION_SENT_FILE to a file in a folder this user can write"
        ) from None


def tombstones(state: dict[str, Entry], live_paths: set[str]) -> dict[str, Entry]:
    """The entries whose item is gone from the site: site path -> entry."""
    return {
        entry.path: entry for _url, entry in sorted(state.items()) if entry.path not in live_paths
    }
