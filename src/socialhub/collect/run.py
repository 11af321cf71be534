"""Collect every blogger's feed: fetch a few at a time, parse, write what is new, count."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from socialhub.collect.clean import CleanEntry, clean_entry, inert, plain_title, refusal
from socialhub.collect.fetch import Fetched, fetch, make_client
from socialhub.collect.parse import parse_feed
from socialhub.collect.settings import CollectSettings
from socialhub.collect.write import (
    Known,
    cut_off,
    featured_text,
    file_date,
    is_new,
    known_posts,
    matches,
    problems_in,
    recent_enough,
    unique_slug,
    write_entry,
)
from socialhub.headers import read_header
from socialhub.kinds import BLOGGER, FEATURED


@dataclass
class CollectReport:
    """Lines for people, counts for the summary, and the files written."""

    lines: list[str] = field(default_factory=list)
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    written: list[Path] = field(default_factory=list)
    held_back: int = 0  # new posts over a cap, left for the next runs
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when no feed failed."""
        return self.failed == 0

    @property
    def summary(self) -> str:
        """The closing line of `invoke collect`."""
        verb = "would be written (dry run)" if self.dry_run else "written"
        held = f", {self.held_back} held back for the next runs" if self.held_back else ""
        return (
            f"{self.fetched} feeds fetched, {self.not_modified} not modified, {self.failed} "
            f"failed, {len(self.written)} new posts {verb}{held}."
        )

    def fail(self, where: str, what: str) -> None:
        """Count a feed that could not be collected, in one line."""
        self.failed += 1
        self.lines.append(f"FAILED {where}: {what}")


@dataclass(frozen=True)
class Blogger:
    """What the collector needs of a blogger file."""

    slug: str
    name: str
    feed_url: str
    words: tuple[str, ...]

    @property
    def where(self) -> str:
        """Who and which feed, for the summary's lines."""
        return f"{self.name} ({self.feed_url or 'no Feed-URL'})"


def bloggers(content_dir: Path, report: CollectReport) -> list[Blogger]:
    """Every blogger with a feed URL; an unreadable file or a missing URL is a failed line."""
    found = []
    for path in sorted((content_dir / BLOGGER.folder).glob("*.md")):
        try:
            header = read_header(path)
        except (OSError, UnicodeDecodeError) as error:
            report.fail(f"{path.stem} ({path})", f"cannot read the file ({type(error).__name__})")
            continue
        words = tuple(w.strip() for w in header.get("collect-filter", "").split(",") if w.strip())
        person = Blogger(
            path.stem, header.get("name") or path.stem, header.get("feed-url", ""), words
        )
        if not person.feed_url:
            report.fail(person.where, f"add a Feed-URL to {path}")
            continue
        found.append(person)
    return found


Cache = dict[str, dict[str, str]]


def _load_cache(path: Path) -> Cache:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: every feed is fetched in full
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        url: {key: value for key, value in state.items() if isinstance(value, str)}
        for url, state in data.items()
        if isinstance(state, dict)
    }


def _save_cache(path: Path, cache: Cache) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(cache, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _fetch_all(people: list[Blogger], settings: CollectSettings, cache: Cache) -> list[Fetched]:
    """Fetch every feed, ``settings.concurrency`` at a time, through one client."""

    def one(person: Blogger) -> Fetched:
        seen = cache.get(person.feed_url, {})
        etag, modified = seen.get("etag", ""), seen.get("last_modified", "")
        try:
            return fetch(client, person.feed_url, settings, etag, modified)
        except Exception as error:  # why so broad: one bad feed never stops the rest
            return Fetched(person.feed_url, "failed", error=f"{type(error).__name__}: {error}")

    client: httpx.Client
    with make_client(settings) as client, ThreadPoolExecutor(settings.concurrency) as pool:
        return list(pool.map(one, people))


@dataclass
class _Found:
    """One feed's new entries, newest first, before the caps decide which are written."""

    person: Blogger
    result: Fetched
    since: datetime | None
    entries: list[CleanEntry]
    taken: list[CleanEntry] = field(default_factory=list)


@dataclass
class _Run:
    """One collection's shared state, so that each feed is handled by one small method."""

    content_dir: Path
    settings: CollectSettings
    zone: ZoneInfo
    now: datetime
    dry_run: bool
    cache: Cache
    known: Known
    report: CollectReport

    def feed(self, person: Blogger, result: Fetched) -> _Found | None:
        """Parse one fetched feed; its new entries, newest first (None when it gave none)."""
        if result.status == "failed":
            self.report.fail(person.where, result.error)
            return None
        if result.status == "not-modified":
            self.report.not_modified += 1
            return None
        parsed = parse_feed(result.body, result.content_type)
        if parsed.error:
            self.report.fail(person.where, parsed.error)
            return None
        if parsed.warning:
            self.report.lines.append(f"warning {person.where}: {parsed.warning}")
        since = self.since(person.feed_url)
        base = result.final_url or person.feed_url
        new: list[CleanEntry] = []
        seen = Known()  # the same post twice in one feed is one post
        for raw in parsed.entries:
            entry = clean_entry(raw, base, self.settings.excerpt_length)
            if entry is None:
                title = plain_title(raw.title)[:60]
                self.report.lines.append(
                    f"skipped {person.where}: an entry has no http(s) link ({title!r})"
                )
                continue
            refused = refusal(entry)
            if refused:
                self.report.lines.append(f"skipped {person.where}: {refused}")
                continue
            if (
                is_new(entry, self.known)
                and is_new(entry, seen)
                and matches(entry, person.words)
                and recent_enough(entry, since)
            ):
                seen.add(entry)
                new.append(entry)
        self.report.fetched += 1
        # Why sorted here: feeds list entries in any order, and the caps keep the newest.
        new.sort(key=self.newness, reverse=True)
        return _Found(person, result, since, new)

    def newness(self, entry: CleanEntry) -> datetime:
        """The date an entry is filed under (undated or future: now), to order them."""
        return file_date(entry, self.now, self.zone)

    def take(self, found: list[_Found]) -> None:
        """Choose what is written: the newest of each feed up to its cap, then of the run."""
        per_feed = self.settings.max_new_per_feed
        candidates = [(entry, one) for one in found for entry in one.entries[:per_feed]]
        candidates.sort(key=lambda pair: self.newness(pair[0]), reverse=True)
        for entry, one in candidates[: self.settings.max_new_per_run]:
            one.taken.append(entry)

    def finish(self, one: _Found) -> None:
        """Write a feed's chosen entries, say what was held back, and remember the feed."""
        for entry in one.taken:
            # Why again: another blogger's feed may have carried the same post this run.
            if is_new(entry, self.known):
                self.write(one.person, entry)
        held = len(one.entries) - len(one.taken)
        if held:
            self.report.held_back += held
            self.report.lines.append(f"held back {one.person.where}: {self.held(one, held)}")
        result = one.result
        self.cache[one.person.feed_url] = {
            # Why forgotten when posts were held back: a 304 next time would hide them.
            "etag": "" if held else result.etag,
            "last_modified": "" if held else result.last_modified,
            "since": one.since.isoformat() if one.since else "",
        }

    def held(self, one: _Found, count: int) -> str:
        """Why a feed's new posts were held back, in the settings' names."""
        settings = self.settings
        over_feed = max(0, len(one.entries) - settings.max_new_per_feed)
        reasons = []
        if over_feed:
            reasons.append(
                f"{over_feed} over COLLECT_MAX_NEW_PER_FEED ({settings.max_new_per_feed})"
            )
        if count > over_feed:
            reasons.append(
                f"{count - over_feed} over COLLECT_MAX_NEW_PER_RUN ({settings.max_new_per_run})"
            )
        return (
            f"{count} new posts not written ({', '.join(reasons)}); "
            "the next runs take them, newest first"
        )

    def since(self, feed_url: str) -> datetime | None:
        """The cut-off of the feed's first collection, kept so that later runs keep to it."""
        state = self.cache.get(feed_url)
        if state is not None and "since" in state:
            try:
                since = datetime.fromisoformat(state["since"]) if state["since"] else None
            except ValueError:  # an edited cache: start again from the setting
                pass
            else:
                return since if since is None or since.tzinfo else since.replace(tzinfo=UTC)
        return cut_off(self.now, self.settings.max_age_days)

    def write(self, person: Blogger, entry: CleanEntry) -> None:
        """Write one entry (or, in a dry run, say which file it would be)."""
        text = featured_text(entry, person.slug, file_date(entry, self.now, self.zone))
        if self.dry_run:
            slug = unique_slug(entry, person.slug, self.known.slugs)
            self.known.slugs.add(slug)
            self.known.add(entry)
            path = self.content_dir / FEATURED.folder / f"{slug}.md"
            self.report.lines.append(f"new {person.name}: {path.name} (dry run: not written)")
        else:
            path = write_entry(self.content_dir, entry, person.slug, text, self.known)
            self.report.lines.append(f"new {person.name}: {path.name}")
        self.report.written.append(path)
        for problem in problems_in(text, path, self.zone):
            self.report.lines.append(f"warning {path}: {problem}; fix it before building")


def collect(
    content_dir: Path,
    settings: CollectSettings,
    timezone: str = "UTC",
    now: datetime | None = None,
    *,
    dry_run: bool = False,
) -> CollectReport:
    """Fetch every blogger's feed and write the new posts into content/featured/."""
    zone = ZoneInfo(timezone)
    now = now or datetime.now(zone)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    report = CollectReport(dry_run=dry_run)
    cache = _load_cache(settings.cache_path)
    people = bloggers(content_dir, report)
    results = _fetch_all(people, settings, cache)
    known = known_posts(content_dir)
    for unreadable in known.unreadable:
        report.lines.append(
            f"warning {unreadable}: cannot read it; its post may be collected again"
        )
    run = _Run(content_dir, settings, zone, now, dry_run, cache, known, report)
    found: list[_Found] = []
    for person, result in zip(people, results, strict=True):
        try:
            one = run.feed(person, result)
        except Exception as error:  # why so broad: one bad feed never stops the rest
            report.fail(person.where, f"cannot use the feed ({type(error).__name__}: {error})")
        else:
            if one is not None:
                found.append(one)
    # Why caps: one feed with thousands of recent posts would otherwise become
    # thousands of files for an editor to review in one go.
    run.take(found)
    for one in found:
        try:
            run.finish(one)
        except Exception as error:  # why so broad: one bad feed never stops the rest
            report.fail(
                one.person.where, f"cannot write its posts ({type(error).__name__}: {error})"
            )
    if not dry_run:
        try:
            _save_cache(settings.cache_path, cache)
        except OSError as error:  # the posts are written; only the next run costs more
            report.lines.append(f"warning {settings.cache_path}: cannot save the cache ({error})")
    # Why: servers choose some of these words; a terminal must not run their escape codes.
    report.lines = [inert(line)[:400] for line in report.lines]
    return report
