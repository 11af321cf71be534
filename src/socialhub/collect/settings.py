"""The collector's settings (COLLECT_* in pelicanconf.py), with defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from socialhub.errors import ConfigError
from socialhub.fieldrules import is_web_url


@dataclass(frozen=True)
class FollowFridayFeed:
    """One #FF source: a feed of the company's own account (trusted) or of a hashtag (not)."""

    url: str
    trusted: bool = True  # True: shout-outs are written published; False: as drafts to review


@dataclass(frozen=True)
class CollectSettings:
    """How the collector fetches and what it keeps."""

    excerpt_length: int = 300  # characters of plain text at most
    max_age_days: int = 90  # a first collection of a feed keeps no older entries (0: no limit)
    timeout: float = 10.0  # seconds for one feed, redirects and body included
    max_bytes: int = 5 * 1024 * 1024  # a larger response (after gzip) is refused
    max_redirects: int = 5
    concurrency: int = 4  # feeds fetched at once
    max_new_per_feed: int = 10  # new posts written from one feed in one run, newest first
    max_new_per_run: int = 50  # new posts written in one run, all feeds together
    user_agent: str = "socialhub-collector/1.0 (+{site})"  # {site}: the site's URL
    cache_path: Path = Path(".cache/collect/http.json")  # ETag and Last-Modified per feed
    site_url: str = "http://127.0.0.1:8000"
    follow_friday_feeds: tuple[FollowFridayFeed, ...] = ()  # where #FF pictures are posted
    follow_friday_tags: tuple[str, ...] = ("FF", "FollowFriday")  # hashtags of a shout-out
    max_image_bytes: int = 10 * 1024 * 1024  # a larger picture or poster is refused
    max_image_pixels: int = 40_000_000  # a picture that decodes larger is refused
    backoff_start: int = 3600  # seconds a failing source rests after repeated failures...
    backoff_max: int = 3 * 86400  # ...doubling each time up to this

    @property
    def agent(self) -> str:
        """The User-Agent header, naming the site."""
        return self.user_agent.replace("{site}", self.site_url)


# The smallest sensible value of each number (why: a zero timeout or cap fails every feed).
_MINIMUM: dict[str, float] = {
    "excerpt_length": 20,
    "max_age_days": 0,
    "timeout": 0.01,
    "max_bytes": 1024,
    "max_redirects": 0,
    "concurrency": 1,
    "max_new_per_feed": 1,
    "max_new_per_run": 1,
    "max_image_bytes": 1024,
    "max_image_pixels": 1,
    "backoff_start": 1,
    "backoff_max": 1,
}


def _follow_friday_feeds(value: Any) -> tuple[FollowFridayFeed, ...]:
    """COLLECT_FOLLOW_FRIDAY_FEEDS: URLs, or {"url": ..., "trusted": False} for a hashtag feed."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError('write a list: ["https://social.example/@company.rss", ...]')
    feeds = []
    for given in value:
        entry = {"url": given} if isinstance(given, str) else given
        if not isinstance(entry, dict) or set(entry) - {"url", "trusted"}:
            raise ValueError(f"{entry!r} is neither a URL nor {{'url': ..., 'trusted': False}}")
        url, trusted = entry.get("url"), entry.get("trusted", True)
        if not isinstance(url, str) or not is_web_url(url):
            raise ValueError(f"{url!r} is not an absolute http(s) URL")
        if not isinstance(trusted, bool):
            raise ValueError(f"'trusted' of {url} is {trusted!r}, not True or False")
        feeds.append(FollowFridayFeed(url, trusted))
    return tuple(feeds)


def _words(value: Any) -> tuple[str, ...]:
    """A list of hashtags or words, without their '#'."""
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError('write a list, e.g. ["FF", "FollowFriday"]')
    words = tuple(str(word).strip().lstrip("#") for word in value if str(word).strip())
    if not words:
        raise ValueError("name at least one hashtag")
    return words


def _convert(name: str, value: Any) -> Any:
    """One setting's value as its default's type; ValueError naming what is wrong."""
    if name == "follow_friday_feeds":
        return _follow_friday_feeds(value)
    if name == "follow_friday_tags":
        return _words(value)
    default = getattr(CollectSettings, name)
    if isinstance(default, Path):
        return Path(str(value))
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{value!r} is not a {type(default).__name__}")
    converted = type(default)(value)
    if isinstance(converted, int | float) and converted < _MINIMUM.get(name, 0):
        raise ValueError(f"{value!r} is below the minimum, {_MINIMUM[name]:g}")
    return converted


def load_settings(settings: Mapping[str, Any], root: Path | None = None) -> CollectSettings:
    """COLLECT_* settings over the defaults; every unknown key or bad value named."""
    known = {f.name for f in fields(CollectSettings)}
    values: dict[str, Any] = {}
    problems = []
    for key, value in settings.items():
        if not key.startswith("COLLECT_"):
            continue
        name = key.removeprefix("COLLECT_").lower()
        if name not in known:
            names = ", ".join(f"COLLECT_{n.upper()}" for n in sorted(known))
            problems.append(f"{key}: unknown setting; known: {names}")
            continue
        try:
            values[name] = _convert(name, value)
        except (TypeError, ValueError) as error:
            problems.append(f"{key}: {error}")
    if problems:
        raise ConfigError("bad collector settings:\n" + "\n".join(problems))
    site = settings.get("SITEURL") or settings.get("LOCAL_PREVIEW_URL")
    if site:
        values.setdefault("site_url", str(site))
    result = CollectSettings(**values)
    if root is not None and not result.cache_path.is_absolute():
        result = replace(result, cache_path=root / result.cache_path)
    return result
