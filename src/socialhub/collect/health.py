"""Each source's health between runs: validators, successes, failures, waits and back-off."""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from socialhub.collect.clean import inert
from socialhub.collect.fetch import Fetched
from socialhub.collect.settings import CollectSettings
from socialhub.collect.sources import Source

COUNTS = ("new", "merged", "filtered", "too_old", "skipped", "drafts")  # the table's order
MAX_AGE_CAP = 86400  # seconds; why: a silly max-age must not stop a source for a year
RETRIED = 2  # failures 1 and 2 are retried on the next run; the 3rd starts the back-off
ERROR_LENGTH = 200  # characters of the last error kept in the file
MERGED_KEPT = 500  # ids of merged entries remembered per source (a feed lists fewer)
WIDTH = 100  # the terminal the status table is written for
_RATE_LIMITED = (429, 503)  # the statuses whose Retry-After is honoured
_COLUMNS = (30, 13, 16, 8, 16)  # source, kind, last success, failures, next fetch


@dataclass
class SourceState:
    """What the collector remembers of one source URL between runs."""

    etag: str = ""
    last_modified: str = ""
    since: str = ""  # the cut-off of the first collection: ISO time, "none", or "" (not yet)
    last_success: str = ""  # ISO time of the last 200 or 304
    last_error: str = ""  # one line
    last_error_at: str = ""  # ISO time
    failures: int = 0  # consecutive
    next_fetch: str = ""  # ISO time before which the source is not fetched ("" = now)
    wait_reason: str = ""  # "Retry-After", "Cache-Control max-age", "back-off after 3 failures"
    counts: dict[str, int] = field(default_factory=dict)  # last run's, by the names in COUNTS
    merged: list[str] = field(default_factory=list)  # ids of entries already said to be merged


def _is_count(value: object) -> bool:
    """A whole number of things (JSON's true and false are not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _state(data: dict[str, Any]) -> SourceState:
    """One source's state from the file; a value of the wrong type is left at its default."""
    state = SourceState()
    for name in (f.name for f in fields(SourceState)):
        value = data.get(name)
        if name == "counts":
            if isinstance(value, dict):
                state.counts = {k: v for k, v in value.items() if _is_count(v)}
        elif name == "merged":
            if isinstance(value, list):
                state.merged = [item for item in value if isinstance(item, str)][-MERGED_KEPT:]
        elif name == "failures":
            if isinstance(value, int) and _is_count(value):
                state.failures = value
        elif isinstance(value, str):
            setattr(state, name, value)
    return state


def load_states(path: Path) -> dict[str, SourceState]:
    """Every source's state from the file (also the older ETag-only http.json); damaged: {}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing or damaged: every source is fetched in full
        return {}
    if not isinstance(data, dict):
        return {}
    # Why the same shape as the older file (one object per URL): its etag,
    # last_modified and since read as they are, and the rest takes its defaults.
    return {url: _state(value) for url, value in data.items() if isinstance(value, dict)}


def save_states(path: Path, states: dict[str, SourceState]) -> None:
    """Write every source's state at once (a crash leaves the old file); OSError if it cannot."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {url: asdict(state) for url, state in states.items()}, indent=1, sort_keys=True
    )
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _utc(moment: datetime) -> datetime:
    """An aware time in UTC (a naive one is taken to be UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="seconds")


def _parsed(text: str) -> datetime | None:
    """An ISO time from the file, or None when empty or edited into something else."""
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        return None


def _clock(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%d %H:%M")


def span(seconds: float) -> str:
    """A duration for people: "45 s", "5 min", "4 h", "1.5 h", "2 d 16 h"."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600, 1):g} h"
    days, rest = divmod(seconds, 86400)
    hours = round(rest / 3600)
    return f"{days} d {hours} h" if hours else f"{days} d"


def backoff(failures: int, settings: CollectSettings) -> int:
    """Seconds a source rests after this many consecutive failures (0 for the first two)."""
    if failures <= RETRIED:
        return 0
    # Why the exponent is capped: an edited file's huge count must not build a huge number.
    doubling = min(failures - RETRIED - 1, 40)
    return min(settings.backoff_start * 2**doubling, settings.backoff_max)


def waiting(state: SourceState, now: datetime) -> str:
    """Why and until when a source is not fetched now, in one line; "" when it is due."""
    until = _parsed(state.next_fetch)
    if until is None or _utc(now) >= until:
        return ""
    left = (until - _utc(now)).total_seconds()
    reason = inert(state.wait_reason)[:60] or "asked to wait"
    return f"waiting until {_clock(until)} UTC, {span(left)} from now ({reason})"


def _wait(state: SourceState, now: datetime, seconds: int, reason: str) -> str:
    """Set a wait of ``seconds`` from now; the time it ends, for the line that says so."""
    # Why a year at most: a huge COLLECT_BACKOFF_MAX would overflow the date, not just wait.
    until = now + timedelta(seconds=min(seconds, 366 * 86400))
    state.next_fetch, state.wait_reason = _iso(until), reason
    return f"{_clock(until)} UTC"


def _no_wait(state: SourceState) -> None:
    state.next_fetch = state.wait_reason = ""


def _succeeded(state: SourceState, result: Fetched, now: datetime) -> str:
    """A 200 or a 304: the failures end, and a max-age may ask for a rest."""
    ended, before = state.failures, state.wait_reason
    state.failures, state.last_success = 0, _iso(now)
    if result.status == "ok":  # a 304 leaves the validators that earned it
        state.etag, state.last_modified = result.etag, result.last_modified
    fresh = min(result.max_age or 0, MAX_AGE_CAP)
    if not fresh:
        _no_wait(state)
        return f"back to normal after {ended} failures in a row" if ended > RETRIED else ""
    until = _wait(state, now, fresh, "Cache-Control max-age")
    if ended > RETRIED:
        return f"back to normal after {ended} failures in a row; fresh until {until}"
    if before != state.wait_reason:
        return f"waiting: the server says the feed stays fresh for {span(fresh)}, until {until}"
    return ""


def _rate_limited(
    state: SourceState, result: Fetched, now: datetime, settings: CollectSettings
) -> str:
    """A 429, or a 503 with Retry-After: wait as asked, counting it as one failure at most."""
    # Why not one more failure each time: a server asking us to slow down is
    # alive, and its own wait, not a growing back-off, says when to come back.
    state.failures = max(state.failures, 1)
    if result.retry_after is not None:
        seconds, reason = min(result.retry_after, settings.backoff_max), "Retry-After"
        asked = f"asks to retry in {span(seconds)}"
    else:  # a 429 that does not say how long: rest as after repeated failures
        seconds = min(
            max(settings.backoff_start, backoff(state.failures, settings)), settings.backoff_max
        )
        reason, asked = "HTTP 429 without Retry-After", "does not say how long to wait"
    if not seconds:  # "Retry-After: 0": the next run may try again
        _no_wait(state)
        return ""
    until = _wait(state, now, seconds, reason)
    return f"waiting: HTTP {result.code} {asked}; next try at {until}"


def record(state: SourceState, result: Fetched, now: datetime, settings: CollectSettings) -> str:
    """Update a source's state after a fetch; a line to print when a wait starts or changes.

    A 200 also takes the response's ETag and Last-Modified (the caller clears
    them when it must fetch in full next time); the counts are the caller's.
    """
    now = _utc(now)
    if result.status in ("ok", "not-modified"):
        return _succeeded(state, result, now)
    state.last_error = inert(result.error)[:ERROR_LENGTH] or "failed"
    state.last_error_at = _iso(now)
    if result.code == 429 or (result.code in _RATE_LIMITED and result.retry_after is not None):
        return _rate_limited(state, result, now, settings)
    state.failures += 1
    seconds = backoff(state.failures, settings)
    if not seconds:
        _no_wait(state)
        return ""
    until = _wait(state, now, seconds, f"back-off after {state.failures} failures")
    return f"backing off: {state.failures} failures in a row; next try in {span(seconds)} ({until})"


def _width(text: str) -> int:
    """Columns a terminal gives the text (wide East Asian characters take two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _fit(text: str, width: int) -> str:
    """The text cut (with "…") and padded to exactly ``width`` columns."""
    if _width(text) > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _width(text))


def _line(cells: list[str]) -> str:
    """One row of the table's columns, two spaces apart."""
    return "  ".join(
        _fit(cell, width) for cell, width in zip(cells, _COLUMNS, strict=True)
    ).rstrip()


def _wrapped(url: str, width: int) -> list[str]:
    """A URL in lines of ``width``, cut after a "/", "?" or "&" where one is near the end."""
    lines = []
    while len(url) > width:
        cut = max(url.rfind(mark, width // 2, width) for mark in "/?&") + 1 or width
        lines.append(url[:cut])
        url = url[cut:]
    return [*lines, url] if url else lines


def _counts(counts: dict[str, int]) -> str:
    """Last run's counts in the table's order, then any others the file holds."""
    names = [n for n in COUNTS if n in counts] + sorted(set(counts) - set(COUNTS))
    return ", ".join(f"{counts[n]} {n.replace('_', ' ')}" for n in names)


def _block(source: Source, state: SourceState | None, now: datetime) -> list[str]:
    """One source: its row, then its URL, last run, last error and wait on their own lines."""
    state = state or SourceState()
    success = _parsed(state.last_success)
    due = waiting(state, now)
    until = _parsed(state.next_fetch)
    row = [
        inert(source.name) or "(no name)",
        inert(source.kind),
        _clock(success) if success else "never",
        str(state.failures),
        _clock(until) if due and until else "due",
    ]
    lines = [_line(row)]
    lines += [f"  {part}" for part in _wrapped(inert(source.url), WIDTH - 2)] or ["  (no URL)"]
    if state.counts:
        lines.append(f"  last run: {_counts(state.counts)}")
    if state.last_error:
        error_at = _parsed(state.last_error_at)
        at = f" {_clock(error_at)}" if error_at else ""
        lines.append(f"  last error{at}: {inert(state.last_error)}")
    if due:
        lines.append(f"  {due}")
    return [_fit(line, WIDTH).rstrip() for line in lines]


def status_table(rows: list[tuple[Source, SourceState | None]], now: datetime) -> str:
    """Every source's health as plain text for a 100-column terminal, one block per source."""
    now = _utc(now)
    head = _line(["SOURCE", "KIND", "LAST SUCCESS", "FAILURES", "NEXT FETCH"])
    lines = [head, "-" * _width(head)]
    for source, state in rows:
        lines += _block(source, state, now)
        lines.append("")
    failing = sum(1 for _, state in rows if state and state.failures)
    resting = sum(1 for _, state in rows if state and waiting(state, now))
    lines.append(
        f"{len(rows)} sources, {failing} failing, {resting} waiting; "
        f"times in UTC (now {_clock(now)})"
    )
    return "\n".join(lines) + "\n"
