"""The collector's settings (COLLECT_* in pelicanconf.py), with defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from socialhub.errors import ConfigError


@dataclass(frozen=True)
class CollectSettings:
    """How the collector fetches and what it keeps."""

    excerpt_length: int = 300  # characters of plain text at most
    max_age_days: int = 90  # a first collection of a feed keeps no older entries
    timeout: float = 10.0  # seconds for one feed
    max_bytes: int = 5 * 1024 * 1024  # a larger response is refused
    max_redirects: int = 5
    concurrency: int = 4  # feeds fetched at once
    user_agent: str = "socialhub-collector/1.0 (+{site})"
    cache_path: Path = Path(".cache/collect/http.json")
    site_url: str = "http://127.0.0.1:8000"


def load_settings(settings: Mapping[str, Any], root: Path | None = None) -> CollectSettings:
    """COLLECT_* settings over the defaults; every unknown key or bad value named."""
    known = {f.name: f for f in fields(CollectSettings)}
    values: dict[str, Any] = {}
    problems = []
    for key, value in settings.items():
        if not key.startswith("COLLECT_"):
            continue
        name = key.removeprefix("COLLECT_").lower()
        if name not in known:
            problems.append(f"{key}: unknown setting; known: {', '.join(sorted(known))}")
            continue
        default = getattr(CollectSettings, name)
        try:
            values[name] = Path(value) if isinstance(default, Path) else type(default)(value)
        except (TypeError, ValueError):
            problems.append(f"{key}: {value!r} is not a {type(default).__name__}")
    if problems:
        raise ConfigError("bad collector settings:\n" + "\n".join(problems))
    site = settings.get("SITEURL") or settings.get("LOCAL_PREVIEW_URL")
    if site:
        values.setdefault("site_url", str(site))
    result = CollectSettings(**values)
    if root is not None and not result.cache_path.is_absolute():
        result = CollectSettings(**{**result.__dict__, "cache_path": root / result.cache_path})
    return result
