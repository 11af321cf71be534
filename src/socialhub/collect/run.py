"""Collect every source: fetch a few at a time, parse, judge each entry, write what is new, count.

Three kinds of source feed one run: bloggers' feeds become featured posts, the #FF
feeds become shout-outs with their pictures, the contests' feeds become films with
their posters. Each entry is judged once (new, already collected, merged with the
same thing from elsewhere, filtered, too old, outside the contest's dates, or
refused with a reason), so that nothing vanishes without a count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from socialhub.collect.clean import CleanEntry, clean_entry, inert, plain_title, refusal
from socialhub.collect.dedup import Known, known_items
from socialhub.collect.fetch import Fetched, fetch, make_client
from socialhub.collect.films import Contest, contests, film_refusal, in_contest, matches_tag
from socialhub.collect.follow_friday import is_shout_out, not_friday_note
from socialhub.collect.follow_friday import refusal as shout_out_refusal
from socialhub.collect.health import SourceState, load_states, record, save_states, waiting
from socialhub.collect.parse import parse_feed
from socialhub.collect.settings import CollectSettings
from socialhub.collect.sources import (
    Source,
    blogger_sources,
    contest_sources,
    every_source,
    follow_friday_sources,
)
from socialhub.collect.write import cut_off, file_date, matches, recent_enough
from socialhub.collect.writers import Writer
from socialhub.headers import read_header
from socialhub.kinds import FEATURED, FOLLOW_FRIDAY, VIDEO

LINE_LENGTH = 400
# What each kind of source makes, for the summary.
_MADE = {FEATURED.name: "featured post", FOLLOW_FRIDAY.name: "#FF shout-out", VIDEO.name: "film"}
# Why these verdicts are counted per source: an editor asking "where did that
# post go?" must find it in a count, never in silence.
VERDICTS = ("new", "known", "merged", "filtered", "too_old", "outside_dates", "skipped")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class CollectReport:
    """Lines for people, counts for the summary, and the files written."""

    lines: list[str] = field(default_factory=list)
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    waiting: int = 0
    written: list[Path] = field(default_factory=list)
    made: Counter[str] = field(default_factory=Counter)  # files written, per kind
    drafts: int = 0  # of the files written, those written as drafts
    counts: Counter[str] = field(default_factory=Counter)  # verdicts, all sources together
    held_back: int = 0  # new entries over a cap, left for the next runs
    drafts_waiting: int = 0  # collected drafts in content/, this run's and earlier ones
    dry_run: bool = False
    progress: Callable[[str], None] | None = None  # called with each line as it is said

    @property
    def ok(self) -> bool:
        """True when no feed failed."""
        return self.failed == 0

    def say(self, line: str) -> None:
        """Keep a line (inert: servers choose some of its words) and show it at once."""
        line = inert(line)[:LINE_LENGTH]
        self.lines.append(line)
        if self.progress is not None:
            self.progress(line)

    def show(self, line: str) -> None:
        """Show a progress line (which source is being worked on) without keeping it."""
        if self.progress is not None:
            self.progress(inert(line)[:LINE_LENGTH])

    @property
    def summary(self) -> str:
        """The closing line of `invoke collect`."""
        verb = "would be written (dry run)" if self.dry_run else "written"
        parts = [
            f"{self.fetched} feeds fetched, {self.not_modified} not modified, "
            f"{self.failed} failed" + (f", {self.waiting} waiting" if self.waiting else ""),
        ]
        made = ", ".join(
            _plural(self.made[kind], word) for kind, word in _MADE.items() if self.made[kind]
        )
        drafts = (
            f"; {self.drafts} as {'a draft' if self.drafts == 1 else 'drafts'}"
            if self.drafts
            else ""
        )
        detail = f" ({made}{drafts})" if made else ""
        parts.append(f"{_plural(len(self.written), 'new item')} {verb}{detail}")
        for key, words in (
            ("merged", "merged with the same from another source"),
            ("filtered", "skipped by a filter"),
            ("too_old", "skipped by age"),
            ("outside_dates", "outside their contest's dates"),
            ("skipped", "refused (see above)"),
        ):
            if self.counts[key]:
                parts.append(f"{self.counts[key]} {words}")
        if self.held_back:
            parts.append(f"{self.held_back} held back for the next runs")
        parts.append(f"{_plural(self.drafts_waiting, 'collected draft')} waiting for review")
        return "; ".join(parts) + "."

    def fail(self, where: str, what: str) -> None:
        """Count a feed that could not be collected, in one line."""
        self.failed += 1
        self.say(f"FAILED {where}: {what}")


@dataclass
class Candidate:
    """A new entry of one source, with the date it is filed under."""

    entry: CleanEntry
    source: Source
    posted: datetime  # in the site's zone
    contest: Contest | None = None


@dataclass
class _Found:
    """One source's judged entries, newest first, before the caps decide which are written."""

    source: Source
    result: Fetched
    since: datetime | None
    candidates: list[Candidate]
    counts: Counter[str]
    taken: list[Candidate] = field(default_factory=list)


@dataclass
class _Run:
    """One collection's shared state, so that each step is one small method."""

    content_dir: Path
    settings: CollectSettings
    zone: ZoneInfo
    now: datetime
    states: dict[str, SourceState]
    known: Known
    report: CollectReport
    contests: dict[str, Contest]
    writer: Writer

    def fetched(self, source: Source, result: Fetched) -> _Found | None:
        """Remember how the fetch went, then read the feed; one bad feed never stops the rest."""
        state = self.states.setdefault(source.key, SourceState())
        line = record(state, result, self.now, self.settings)
        if line:
            self.report.say(f"{line} ({source.where})")
        try:
            return self.feed(source, result)
        except Exception as error:  # why so broad: one bad feed never stops the rest
            self.report.fail(source.where, f"cannot use the feed ({type(error).__name__}: {error})")
            return None

    def feed(self, source: Source, result: Fetched) -> _Found | None:
        """Parse one fetched feed and judge its entries (None when it gave none)."""
        if result.status == "failed":
            self.report.fail(source.where, result.error)
            return None
        if result.status == "not-modified":
            self.report.not_modified += 1
            self.report.show(f"not modified {source.where}")
            return None
        parsed = parse_feed(result.body, result.content_type)
        if parsed.error:
            self.report.fail(source.where, parsed.error)
            return None
        if parsed.warning:
            self.report.say(f"warning {source.where}: {parsed.warning}")
        since = self.since(source)
        base = result.final_url or source.url
        counts: Counter[str] = Counter()
        candidates: list[Candidate] = []
        seen = Known()  # the same entry twice in one feed is one entry
        for raw in parsed.entries:
            entry = clean_entry(raw, base, self.settings.excerpt_length)
            if entry is None:
                counts["skipped"] += 1
                title = plain_title(raw.title)[:60]
                self.report.say(f"skipped {source.where}: an entry has no http(s) link ({title!r})")
                continue
            if seen.same_as(entry, source.kind):
                continue
            seen.add(entry, source.kind, source.where)
            verdict, candidate = self.judge(source, entry, since)
            counts[verdict] += 1
            if candidate is not None:
                candidates.append(candidate)
        self.report.fetched += 1
        # Why sorted here: feeds list entries in any order, and the caps keep the newest.
        candidates.sort(key=lambda one: one.posted, reverse=True)
        return _Found(source, result, since, candidates, counts)

    def judge(  # noqa: PLR0911 - one return per verdict
        self, source: Source, entry: CleanEntry, since: datetime | None
    ) -> tuple[str, Candidate | None]:
        """The verdict on one entry, and the candidate to write when it is new."""
        posted = file_date(entry, self.now, self.zone)
        contest = self.contests.get(source.owner) if source.kind == VIDEO.name else None
        if source.kind == FOLLOW_FRIDAY.name:
            if not is_shout_out(entry, source.words):
                return "filtered", None
        elif source.kind == VIDEO.name:
            if not matches_tag(entry, source.words[0] if source.words else ""):
                return "filtered", None
        elif not matches(entry, source.words):
            return "filtered", None
        if source.kind == VIDEO.name:
            if contest is None or not in_contest(posted, contest):
                return "outside_dates", None
        elif not recent_enough(entry, since):
            return "too_old", None
        # Why refusals first: whether an entry can be written does not depend on what
        # other sources brought, so the verdict on it is the same on every run.
        refused = self.refusal(source, entry)
        if refused:
            self.report.say(f"skipped {source.where}: {refused}")
            return "skipped", None
        same = self.known.same_as(entry, source.kind)
        if same:
            return self.merged(source, entry, same)
        return "new", Candidate(entry, source, posted, contest)

    def merged(self, source: Source, entry: CleanEntry, same: str) -> tuple[str, None]:
        """An entry already collected from this source ('known'), or from another ('merged')."""
        if entry.id in self.states.setdefault(source.key, SourceState()).merged:
            return "merged", None  # said on the run that merged it
        # Why the address and id mean "known": that is this very entry, collected before;
        # a title and date alike, or a file of this run, mean the same thing from elsewhere.
        if not same.startswith("the same title") and " this run" not in same:
            return "known", None
        self.say_merged(source, entry, same)
        return "merged", None

    def say_merged(self, source: Source, entry: CleanEntry, same: str) -> None:
        """Say once, not on every run, which entry a merged one was taken for."""
        state = self.states.setdefault(source.key, SourceState())
        if entry.id not in state.merged:
            state.merged.append(entry.id)
            self.report.say(f"merged {source.where}: {shorten_title(entry)} is {same}")

    def refusal(self, source: Source, entry: CleanEntry) -> str:
        """Why an entry cannot be written as its kind's file ('' when it can)."""
        if source.kind == FOLLOW_FRIDAY.name:
            return shout_out_refusal(entry)
        if source.kind == VIDEO.name:
            return film_refusal(entry)
        return refusal(entry)

    def take(self, found: list[_Found]) -> None:
        """Choose what is written: the newest of each feed up to its cap, then of the run."""
        per_feed = self.settings.max_new_per_feed
        candidates = [(one, c) for one in found for c in one.candidates[:per_feed]]
        candidates.sort(key=lambda pair: pair[1].posted, reverse=True)
        for one, candidate in candidates[: self.settings.max_new_per_run]:
            one.taken.append(candidate)

    def finish(self, one: _Found) -> None:
        """Write a source's chosen entries, say what was held back, and remember the source."""
        for candidate in one.taken:
            # Why again: another source may have brought the same entry this run.
            same = self.known.same_as(candidate.entry, candidate.source.kind)
            if same:
                one.counts["new"] -= 1
                one.counts["merged"] += 1
                self.say_merged(one.source, candidate.entry, same)
                continue
            if candidate.source.kind == FOLLOW_FRIDAY.name:
                note = not_friday_note(candidate.posted)
                if note:
                    self.report.say(f"note {one.source.where}: {note}")
            self.writer.write(candidate)
        held = len(one.candidates) - len(one.taken)
        if held:
            self.report.held_back += held
            self.report.say(f"held back {one.source.where}: {self.held(one, held)}")
        state = self.states.setdefault(one.source.key, SourceState())
        if held:
            # Why forgotten when entries were held back: a 304 next time would hide them.
            state.etag = state.last_modified = ""
        state.since = one.since.isoformat() if one.since else "none"
        state.counts = {key: one.counts[key] for key in VERDICTS}
        self.report.counts.update(one.counts)
        self.report.show(f"done {one.source.where}: {_tally(one.counts)}")

    def held(self, one: _Found, count: int) -> str:
        """Why a source's new entries were held back, in the settings' names."""
        settings = self.settings
        over_feed = max(0, len(one.candidates) - settings.max_new_per_feed)
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

    def since(self, source: Source) -> datetime | None:
        """The cut-off of the feed's first collection, kept so that later runs keep to it."""
        state = self.states.get(source.key)
        kept = state.since if state is not None else ""
        if kept == "none":
            return None
        if kept:
            try:
                since = datetime.fromisoformat(kept)
            except ValueError:  # an edited file: start again from the setting
                pass
            else:
                return since if since.tzinfo else since.replace(tzinfo=UTC)
        return cut_off(self.now, self.settings.max_age_days)


def shorten_title(entry: CleanEntry) -> str:
    """An entry's title for a line, quoted."""
    return repr(entry.title[:60] or entry.link)


def _tally(counts: Counter[str]) -> str:
    """A source's verdicts in words: '12 entries: 2 new, 9 already collected, 1 filtered'."""
    words = {
        "new": "new",
        "known": "already collected",
        "merged": "merged",
        "filtered": "filtered",
        "too_old": "too old",
        "outside_dates": "outside the contest's dates",
        "skipped": "refused",
    }
    total = sum(counts[key] for key in VERDICTS)
    parts = [f"{counts[key]} {words[key]}" for key in VERDICTS if counts[key]]
    return f"{_plural(total, 'entry').replace('entrys', 'entries')}" + (
        f": {', '.join(parts)}" if parts else ""
    )


def gather(
    content_dir: Path, settings: CollectSettings, report: CollectReport
) -> tuple[list[Source], dict[str, Contest]]:
    """Every source of the run, and the contests by slug; problems become FAILED lines."""
    bloggers, problems = blogger_sources(content_dir)
    for where, what in problems:
        report.fail(where, what)
    found, contest_problems = contests(content_dir)
    for line in contest_problems:
        report.say(f"warning {line}")
    sources, lines = every_source(
        [*bloggers, *follow_friday_sources(settings), *contest_sources(found)]
    )
    for line in lines:
        report.say(line)
    return sources, {contest.slug: contest for contest in found}


def _fetch_all(
    sources: list[Source],
    client: httpx.Client,
    settings: CollectSettings,
    states: dict[str, SourceState],
    report: CollectReport,
) -> list[Fetched]:
    """Fetch every due source, ``settings.concurrency`` at a time; a line as each one ends."""

    def one(source: Source) -> Fetched:
        state = states.get(source.key) or SourceState()
        try:
            return fetch(client, source.url, settings, state.etag, state.last_modified)
        except Exception as error:  # why so broad: one bad feed never stops the rest
            return Fetched(source.url, "failed", error=f"{type(error).__name__}: {error}")

    results: dict[int, Fetched] = {}
    with ThreadPoolExecutor(settings.concurrency) as pool:
        futures = {pool.submit(one, source): number for number, source in enumerate(sources)}
        for done, future in enumerate(as_completed(futures), start=1):
            number = futures[future]
            results[number] = result = future.result()
            what = {"ok": f"{len(result.body)} bytes", "not-modified": "not modified"}
            report.show(
                f"fetched [{done}/{len(sources)}] {sources[number].where}: "
                f"{what.get(result.status, 'failed')}"
            )
    return [results[number] for number in range(len(sources))]


def collected_drafts(content_dir: Path) -> int:
    """How many collected files in content/ are drafts, waiting for an editor."""
    count = 0
    for kind in (FEATURED, FOLLOW_FRIDAY, VIDEO):
        for path in (content_dir / kind.folder).glob("*.md"):
            try:
                header = read_header(path)
            except (OSError, UnicodeDecodeError):
                continue
            if header.get("collected", "").lower() == "yes" and header.get("status") == "draft":
                count += 1
    return count


def _due(
    sources: list[Source],
    states: dict[str, SourceState],
    now: datetime,
    report: CollectReport,
    *,
    force: bool,
) -> list[Source]:
    """The sources to fetch now; the others are resting, and a line says until when."""
    due = []
    for source in sources:
        why = "" if force else waiting(states.get(source.key) or SourceState(), now)
        if why:
            report.waiting += 1
            report.say(f"waiting {source.where}: {why}")
        else:
            due.append(source)
    return due


def collect(
    content_dir: Path,
    settings: CollectSettings,
    timezone: str = "UTC",
    now: datetime | None = None,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> CollectReport:
    """Fetch every source and write what is new: featured posts, #FF shout-outs, films."""
    zone = ZoneInfo(timezone)
    now = now or datetime.now(zone)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    report = CollectReport(dry_run=dry_run, progress=progress)
    states = load_states(settings.cache_path)
    sources, contest_by_slug = gather(content_dir, settings, report)
    due = _due(sources, states, now, report, force=force)
    known = known_items(content_dir, zone)
    for unreadable in known.unreadable:
        report.say(f"warning {unreadable}: cannot read it; its item may be collected again")
    with make_client(settings) as client:
        results = _fetch_all(due, client, settings, states, report)
        writer = Writer(content_dir, settings, zone, client, known, report, dry_run=dry_run)
        run = _Run(content_dir, settings, zone, now, states, known, report, contest_by_slug, writer)
        found = [one for one in map(run.fetched, due, results) if one is not None]
        # Why caps: one feed with thousands of recent entries would otherwise become
        # thousands of files for an editor to review in one go.
        run.take(found)
        for one in found:
            try:
                run.finish(one)
            except Exception as error:  # why so broad: one bad feed never stops the rest
                report.fail(
                    one.source.where, f"cannot write its entries ({type(error).__name__}: {error})"
                )
    report.drafts_waiting = collected_drafts(content_dir) + (report.drafts if dry_run else 0)
    if not dry_run:
        try:
            save_states(settings.cache_path, states)
        except OSError as error:  # the files are written; only the next run costs more
            report.say(f"warning {settings.cache_path}: cannot save the sources' state ({error})")
    return report


def status(content_dir: Path, settings: CollectSettings, now: datetime | None = None) -> str:
    """The table of `invoke collect --status`: every source and its health."""
    from socialhub.collect.health import status_table  # noqa: PLC0415 - only this command

    report = CollectReport()
    sources, _contests = gather(content_dir, settings, report)
    states = load_states(settings.cache_path)
    table = status_table(
        [(source, states.get(source.key)) for source in sources], now or datetime.now().astimezone()
    )
    return "\n".join([*report.lines, table])
