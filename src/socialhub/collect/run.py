"""Collect every blogger's feed: fetch a few at a time, parse, write what is new, count."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from socialhub.collect.fetch import Fetched, fetch, make_client
from socialhub.collect.parse import parse_feed
from socialhub.collect.settings import CollectSettings
from socialhub.collect.write import Known, is_new, known_posts, matches, recent_enough, write_entry
from socialhub.headers import read_header


@dataclass
class CollectReport:
    """Lines for people, counts for the summary, and the files written."""

    lines: list[str] = field(default_factory=list)
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    written: list[Path] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The closing line of `invoke collect`."""
        return (
            f"{self.fetched} feeds fetched, {self.not_modified} not modified, {self.failed} "
            f"failed, {len(self.written)} new posts written."
        )


@dataclass(frozen=True)
class Blogger:
    """What the collector needs of a blogger file."""

    slug: str
    name: str
    feed_url: str
    words: tuple[str, ...]


def bloggers(content_dir: Path) -> list[Blogger]:
    """Every blogger with a feed URL."""
    found = []
    for path in sorted((content_dir / "bloggers").glob("*.md")):
        header = read_header(path)
        words = tuple(w.strip() for w in header.get("collect-filter", "").split(",") if w.strip())
        found.append(
            Blogger(path.stem, header.get("name", path.stem), header.get("feed-url", ""), words)
        )
    return found


def _load_cache(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_cache(path: Path, cache: dict[str, dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def collect(
    content_dir: Path, settings: CollectSettings, timezone: str = "UTC", now: datetime | None = None
) -> CollectReport:
    """Fetch every blogger's feed and write the new posts into content/featured/."""
    zone = ZoneInfo(timezone)
    now = now or datetime.now(zone)
    report = CollectReport()
    cache = _load_cache(settings.cache_path)
    people = bloggers(content_dir)
    with make_client(settings) as client, ThreadPoolExecutor(settings.concurrency) as pool:
        results = pool.map(
            lambda b: fetch(
                client,
                b.feed_url,
                settings,
                cache.get(b.feed_url, {}).get("etag", ""),
                cache.get(b.feed_url, {}).get("last_modified", ""),
            ),
            people,
        )
        fetched: list[tuple[Blogger, Fetched]] = list(zip(people, results, strict=True))
    known = known_posts(content_dir)
    taken = set(known.slugs)
    for blogger, result in fetched:
        where = f"{blogger.name} ({blogger.feed_url})"
        if result.status == "failed":
            report.failed += 1
            report.lines.append(f"FAILED {where}: {result.error}")
            continue
        if result.status == "not-modified":
            report.not_modified += 1
            continue
        parsed = parse_feed(result.body, result.content_type)
        if parsed.error:
            report.failed += 1
            report.lines.append(f"FAILED {where}: {parsed.error}")
            continue
        report.fetched += 1
        if parsed.warning:
            report.lines.append(f"warning {where}: {parsed.warning}")
        first = blogger.feed_url not in cache
        for entry in parsed.entries:
            if not (is_new(entry, known) and matches(entry, blogger.words)):
                continue
            if not recent_enough(entry, first, now, settings.max_age_days):
                continue
            path = write_entry(
                content_dir,
                entry,
                blogger=blogger.slug,
                excerpt_length=settings.excerpt_length,
                timezone=zone,
                taken=taken,
            )
            if path is None:
                report.lines.append(
                    f"skipped {where}: an entry has no http(s) link ({entry.title[:60]!r})"
                )
                continue
            known = Known(
                known.ids | {entry.id}, known.urls | {entry.link.rstrip("/")}, known.slugs
            )
            report.written.append(path)
            report.lines.append(f"new {blogger.name}: {path.name}")
        cache[blogger.feed_url] = {"etag": result.etag, "last_modified": result.last_modified}
    _save_cache(settings.cache_path, cache)
    return report
