"""Each source's health: failures, back-off, Retry-After, max-age, the state file, the table."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from feed_server import NOW, FeedServer
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from socialhub.collect.fetch import Fetched, fetch, make_client
from socialhub.collect.health import (
    SourceState,
    load_states,
    record,
    save_states,
    status_table,
    waiting,
)
from socialhub.collect.settings import CollectSettings
from socialhub.collect.sources import Source

URL = "https://blog.example/feed.xml"
HOUR = 3600


def failed(code: int = 500, retry_after: int | None = None) -> Fetched:
    """A failed fetch as fetch() reports it."""
    return Fetched(URL, "failed", error=f"HTTP {code} Oops", code=code, retry_after=retry_after)


def ok(max_age: int | None = None) -> Fetched:
    """A 200 with validators."""
    return Fetched(URL, "ok", b"<rss/>", etag='"v2"', last_modified="x", code=200, max_age=max_age)


def wait_of(state: SourceState, now: datetime) -> float:
    """Seconds from now until the source is due (0 when it is due)."""
    if not state.next_fetch:
        return 0
    return (datetime.fromisoformat(state.next_fetch) - now).total_seconds()


# --- the policy ---------------------------------------------------------------------------


def test_repeated_failures_back_off_from_one_hour_doubling_to_three_days() -> None:
    """Failures 1 and 2 are retried at once; from the 3rd: 1 h, 2 h, 4 h ... 3 days at most."""
    state, settings = SourceState(), CollectSettings()
    waits, lines = [], []
    for _ in range(12):
        lines.append(record(state, failed(), NOW, settings))
        waits.append(wait_of(state, NOW) / HOUR)
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 64, 72, 72, 72]
    assert state.failures == 12
    assert lines[:2] == ["", ""]
    assert lines[2] == "backing off: 3 failures in a row; next try in 1 h (2026-11-24 13:00 UTC)"
    assert lines[6] == "backing off: 7 failures in a row; next try in 16 h (2026-11-25 04:00 UTC)"
    assert lines[11] == "backing off: 12 failures in a row; next try in 3 d (2026-11-27 12:00 UTC)"
    assert state.wait_reason == "back-off after 12 failures"
    assert state.last_error == "HTTP 500 Oops"
    assert state.last_error_at == "2026-11-24T12:00:00+00:00"


def test_the_back_off_follows_the_settings() -> None:
    """COLLECT_BACKOFF_START and COLLECT_BACKOFF_MAX bound the rest."""
    state, settings = SourceState(), CollectSettings(backoff_start=60, backoff_max=200)
    waits = []
    for _ in range(6):
        record(state, failed(), NOW, settings)
        waits.append(wait_of(state, NOW))
    assert waits == [0, 0, 60, 120, 200, 200]


def test_a_huge_failure_count_from_an_edited_file_is_still_bounded() -> None:
    """An absurd count rests the source three days, not forever (nor an overflow)."""
    state = SourceState(failures=10**30)
    record(state, failed(), NOW, CollectSettings())
    assert wait_of(state, NOW) == 3 * 86400


def test_a_huge_backoff_setting_waits_a_year_at_most() -> None:
    """COLLECT_BACKOFF_MAX of a million years is a long wait, not an overflow."""
    state, settings = SourceState(failures=50), CollectSettings(backoff_max=10**15)
    record(state, failed(429, retry_after=10**14), NOW, settings)
    assert wait_of(state, NOW) == 366 * 86400


@pytest.mark.parametrize("success", [ok(), Fetched(URL, "not-modified", code=304)], ids=str)
def test_a_success_ends_the_failures_and_says_so_after_a_back_off(success: Fetched) -> None:
    """A 200 or a 304 resets the count; ending a back-off is one line, the last error stays."""
    state, settings = SourceState(), CollectSettings()
    for _ in range(4):
        record(state, failed(), NOW, settings)
    later = NOW + timedelta(hours=3)
    assert record(state, success, later, settings) == "back to normal after 4 failures in a row"
    assert (state.failures, state.next_fetch, state.wait_reason) == (0, "", "")
    assert state.last_success == "2026-11-24T15:00:00+00:00"
    assert state.last_error == "HTTP 500 Oops"  # history, shown in the table
    assert waiting(state, later) == ""


def test_one_or_two_failures_end_without_a_line() -> None:
    """Nothing was announced, so nothing is said when it passes."""
    state, settings = SourceState(), CollectSettings()
    record(state, failed(), NOW, settings)
    assert record(state, ok(), NOW, settings) == ""
    assert state.failures == 0


def test_a_200_takes_its_validators_and_a_304_keeps_the_old_ones() -> None:
    """What earned the 304 is still what to send next time."""
    state, settings = SourceState(etag='"v1"', last_modified="old"), CollectSettings()
    record(state, Fetched(URL, "not-modified", code=304), NOW, settings)
    assert (state.etag, state.last_modified) == ('"v1"', "old")
    record(state, ok(), NOW, settings)
    assert (state.etag, state.last_modified) == ('"v2"', "x")


@pytest.mark.parametrize("code", [429, 503])
def test_retry_after_is_honoured_and_counts_as_one_failure(code: int) -> None:
    """A server asking us to wait is waited for, and its count does not grow into a back-off."""
    state, settings = SourceState(), CollectSettings()
    for _ in range(5):
        line = record(state, failed(code, retry_after=120), NOW, settings)
    assert line == f"waiting: HTTP {code} asks to retry in 2 min; next try at 2026-11-24 12:02 UTC"
    assert state.failures == 1
    assert wait_of(state, NOW) == 120
    assert state.wait_reason == "Retry-After"
    assert waiting(state, NOW) == "waiting until 2026-11-24 12:02 UTC, 2 min from now (Retry-After)"
    assert waiting(state, NOW + timedelta(seconds=120)) == ""


def test_retry_after_keeps_an_earlier_count_without_raising_it() -> None:
    """Four real failures, then a 429: still four, and the server's wait is the one kept."""
    state, settings = SourceState(), CollectSettings()
    for _ in range(4):
        record(state, failed(), NOW, settings)
    record(state, failed(429, retry_after=30), NOW, settings)
    assert state.failures == 4
    assert wait_of(state, NOW) == 30


def test_a_year_of_retry_after_is_cut_to_the_longest_back_off() -> None:
    """A silly Retry-After cannot stop a source for longer than COLLECT_BACKOFF_MAX."""
    state = SourceState()
    record(state, failed(429, retry_after=365 * 86400), NOW, CollectSettings())
    assert wait_of(state, NOW) == 3 * 86400


def test_a_429_without_retry_after_rests_the_source_one_back_off_step() -> None:
    """Too many requests, no word on how long: an hour, counted once."""
    state, settings = SourceState(), CollectSettings()
    line = record(state, failed(429), NOW, settings)
    assert wait_of(state, NOW) == HOUR
    assert state.failures == 1
    assert line == (
        "waiting: HTTP 429 does not say how long to wait; next try at 2026-11-24 13:00 UTC"
    )


def test_a_503_without_retry_after_is_an_ordinary_failure() -> None:
    """Only a stated wait makes a 503 different from any other error."""
    state, settings = SourceState(), CollectSettings()
    for _ in range(3):
        record(state, failed(503), NOW, settings)
    assert (state.failures, wait_of(state, NOW)) == (3, HOUR)


def test_retry_after_zero_leaves_the_source_due() -> None:
    """'Retry-After: 0' means now."""
    state = SourceState()
    assert record(state, failed(503, retry_after=0), NOW, CollectSettings()) == ""
    assert waiting(state, NOW) == ""


def test_max_age_delays_the_next_fetch_and_says_so_once() -> None:
    """A fresh feed is not asked again before its max-age; the line comes when the wait starts."""
    state, settings = SourceState(), CollectSettings()
    first = record(state, ok(max_age=600), NOW, settings)
    assert first == (
        "waiting: the server says the feed stays fresh for 10 min, until 2026-11-24 12:10 UTC"
    )
    assert (wait_of(state, NOW), state.wait_reason) == (600, "Cache-Control max-age")
    assert "Cache-Control max-age" in waiting(state, NOW)
    assert record(state, ok(max_age=600), NOW + timedelta(minutes=10), settings) == ""
    assert record(state, ok(max_age=0), NOW, settings) == ""
    assert (state.next_fetch, state.wait_reason) == ("", "")


def test_a_silly_max_age_is_cut_to_a_day() -> None:
    """A year of max-age would stop a source for a year."""
    state = SourceState()
    record(state, ok(max_age=365 * 86400), NOW, CollectSettings())
    assert wait_of(state, NOW) == 86400


def test_times_are_kept_in_utc_whatever_the_site_zone() -> None:
    """The file holds aware times in UTC, so that changing TIMEZONE changes nothing."""
    state, settings = SourceState(), CollectSettings()
    paris = NOW.astimezone(ZoneInfo("Europe/Paris"))
    for _ in range(3):
        record(state, failed(), paris, settings)
    assert state.last_error_at == "2026-11-24T12:00:00+00:00"
    assert state.next_fetch == "2026-11-24T13:00:00+00:00"
    assert waiting(state, paris.replace(tzinfo=None) + timedelta(hours=2)) == ""  # naive: UTC


@pytest.mark.parametrize("written", ["", "tomorrow", "2026-13-40T00:00:00"])
def test_an_unreadable_next_fetch_is_due(written: str) -> None:
    """An edited file never stops a source."""
    assert waiting(SourceState(next_fetch=written), NOW) == ""


def test_errors_are_kept_as_one_inert_line() -> None:
    """A server's words in the file and the table carry no escape codes nor line breaks."""
    state = SourceState()
    hostile = Fetched(URL, "failed", error="boom\x1b[2J\nnext <b>x</b>" + "y" * 500, code=0)
    record(state, hostile, NOW, CollectSettings())
    assert "\x1b" not in state.last_error and "\n" not in state.last_error
    assert len(state.last_error) <= 200


# --- the state file ---------------------------------------------------------------------------


def test_states_survive_a_round_trip(tmp_path: Path) -> None:
    """What is saved is what is loaded, and nothing is left beside the file."""
    path = tmp_path / "cache" / "http.json"
    states = {URL: SourceState(etag='"v1"', failures=3, counts={"new": 2, "too_old": 5})}
    record(states[URL], failed(), NOW, CollectSettings())
    save_states(path, states)
    assert load_states(path) == states
    assert [p.name for p in path.parent.iterdir()] == ["http.json"]


def test_the_older_http_json_is_read(tmp_path: Path) -> None:
    """The file of earlier versions (validators and the first cut-off) keeps its values."""
    path = tmp_path / "http.json"
    old = {URL: {"etag": '"v1"', "last_modified": "Mon, 16 Nov 2026 10:00:00 GMT", "since": ""}}
    path.write_text(json.dumps(old), encoding="utf-8")
    state = load_states(path)[URL]
    assert state == SourceState('"v1"', "Mon, 16 Nov 2026 10:00:00 GMT", "")
    assert waiting(state, NOW) == ""


@pytest.mark.parametrize(
    "damage", ["{not json", "[1, 2]", '"text"', "\xff\xfe", "", '{"URL": 5}'], ids=repr
)
def test_a_damaged_state_file_is_empty(tmp_path: Path, damage: str) -> None:
    """A file that is not an object of objects starts every source afresh."""
    path = tmp_path / "http.json"
    path.write_bytes(damage.replace("URL", URL).encode("latin-1"))
    assert load_states(path) == {}


def test_a_missing_state_file_is_empty(tmp_path: Path) -> None:
    """The first run has no file."""
    assert load_states(tmp_path / "nowhere" / "http.json") == {}


def test_wrong_values_take_their_defaults(tmp_path: Path) -> None:
    """A value of the wrong type is dropped, the others are kept."""
    path = tmp_path / "http.json"
    wrong = {"etag": 5, "failures": "3", "counts": {"new": -1, "merged": True, "filtered": 4}}
    path.write_text(json.dumps({URL: {**wrong, "last_error": "HTTP 500"}}), encoding="utf-8")
    state = load_states(path)[URL]
    assert state == SourceState(last_error="HTTP 500", counts={"filtered": 4})


def test_a_failed_save_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Atomic: a crash while saving leaves the previous states, and no temporary file."""
    path = tmp_path / "http.json"
    save_states(path, {URL: SourceState(etag='"v1"')})

    def broken(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        save_states(path, {URL: SourceState(etag='"v2"')})
    monkeypatch.undo()
    assert load_states(path)[URL].etag == '"v1"'
    assert [p.name for p in tmp_path.iterdir()] == ["http.json"]


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
        max_leaves=20,
    )
)
def test_any_json_loads_without_an_error(data: object) -> None:
    """Whatever JSON the file holds, the states load, and every source is usable."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "http.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        for state in load_states(path).values():
            waiting(state, NOW)
            record(state, failed(), NOW, CollectSettings())
            assert isinstance(state.failures, int)


# --- the table ---------------------------------------------------------------------------


def blocks(table: str) -> dict[str, list[str]]:
    """The table's blocks by source name: the row's cells, then the lines under it."""
    lines = table.splitlines()
    assert lines[0].split() == ["SOURCE", "KIND", "LAST", "SUCCESS", "FAILURES", "NEXT", "FETCH"]
    found = {}
    for block in "\n".join(lines[2:]).split("\n\n")[:-1]:
        row, *rest = block.splitlines()
        cells = re.split(r" {2,}", row.strip())
        found[cells[0]] = [*cells[1:], *(line.strip() for line in rest)]
    return found


def test_the_status_table_shows_every_source() -> None:
    """Never fetched, healthy, waiting and failing: each source's row says which."""
    long_url = "https://videos.example/feeds/" + "contest-winter-light/" * 6 + "feed.xml"
    healthy = SourceState(last_success="2026-11-24T11:00:00+00:00")
    healthy.counts = {"new": 2, "merged": 0, "filtered": 3, "too_old": 1, "skipped": 0}
    failing = SourceState(last_success="2026-11-20T08:30:00+00:00")
    for _ in range(3):
        record(failing, failed(), NOW - timedelta(minutes=30), CollectSettings())
    rows: list[tuple[Source, SourceState | None]] = [
        (Source("https://lea.example/feed.xml", "featured", "lea", "Léa Fontaine", True), healthy),
        (Source("https://social.example/@co.rss", "follow-friday", "", "#FF feed", True), None),
        (Source(long_url, "video", "winter", "contest Winter Light", True), failing),
    ]
    table = status_table(rows, NOW)
    assert all(len(line) <= 100 for line in table.splitlines())
    found = blocks(table)
    assert found["Léa Fontaine"] == [
        "featured",
        "2026-11-24 11:00",
        "0",
        "due",
        "https://lea.example/feed.xml",
        "last run: 2 new, 0 merged, 3 filtered, 1 too old, 0 skipped",
    ]
    assert found["#FF feed"] == [
        "follow-friday",
        "never",
        "0",
        "due",
        "https://social.example/@co.rss",
    ]
    video = found["contest Winter Light"]
    assert video[:4] == ["video", "2026-11-20 08:30", "3", "2026-11-24 12:30"]
    assert "".join(video[4:6]) == long_url  # wrapped onto two lines of its own
    assert video[6:] == [
        "last error 2026-11-24 11:30: HTTP 500 Oops",
        "waiting until 2026-11-24 12:30 UTC, 30 min from now (back-off after 3 failures)",
    ]
    assert table.splitlines()[-1] == (
        "3 sources, 1 failing, 1 waiting; times in UTC (now 2026-11-24 12:00)"
    )


def test_the_status_table_runs_no_escape_codes_and_keeps_its_columns() -> None:
    """A name or error from a feed cannot clear the terminal, break a line or widen a column."""
    name = "\x1b[2JEvil\nName " + "界" * 40
    state = SourceState(last_error="\x1b]8;;http://x\x07click\x1b]8;;\x07" + "e" * 300, failures=1)
    table = status_table([(Source(URL + "?\x1b[31m", "featured", "e", name, True), state)], NOW)
    assert "\x1b" not in table and "\x07" not in table
    row = table.splitlines()[2]
    assert row.startswith("[2JEvil Name 界") and "…  featured" in row
    assert all(len(line) <= 100 for line in table.splitlines())


# --- fetch() reads the headers -------------------------------------------------------------------


def get(feeds: FeedServer, path: str, settings: CollectSettings) -> Fetched:
    """One fetch from the local server."""
    with make_client(settings) as client:
        return fetch(client, feeds.url(path), settings)


def test_a_429_with_retry_after_seconds(feeds: FeedServer, settings: CollectSettings) -> None:
    """The status and the seconds come back with the failure."""
    result = get(feeds, "reply/429?Retry-After=120", settings)
    assert (result.status, result.code, result.retry_after) == ("failed", 429, 120)
    assert result.error == "HTTP 429 Too Many Requests"


def test_a_503_with_an_http_date(feeds: FeedServer, settings: CollectSettings) -> None:
    """A date is turned into seconds from the server's own clock."""
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    result = get(feeds, f"reply/503?Retry-After={when}", settings)
    assert (result.status, result.code) == ("failed", 503)
    assert result.retry_after is not None and 117 <= result.retry_after <= 121


def test_a_200_with_max_age(feeds: FeedServer, settings: CollectSettings) -> None:
    """The feed, and how long it stays fresh."""
    result = get(feeds, "reply/200?Cache-Control=public, max-age=600", settings)
    assert (result.status, result.code, result.max_age, result.retry_after) == (
        "ok",
        200,
        600,
        None,
    )
    assert b"<rss" in result.body


def test_a_304_with_max_age(feeds: FeedServer, settings: CollectSettings) -> None:
    """'Not modified' may say how long, too."""
    result = get(feeds, "reply/304?Cache-Control=max-age=60", settings)
    assert (result.status, result.code, result.max_age) == ("not-modified", 304, 60)


def test_other_statuses_and_no_response(feeds: FeedServer, settings: CollectSettings) -> None:
    """A 404's Retry-After means nothing; a refused connection has no status at all."""
    result = get(feeds, "reply/404?Retry-After=60&Cache-Control=max-age=60", settings)
    assert (result.code, result.retry_after, result.max_age) == (404, None, None)
    with make_client(settings) as client:
        closed = fetch(client, "http://127.0.0.1:9/feed.xml", replace(settings, timeout=0.5))
    assert (closed.status, closed.code) == ("failed", 0)


def test_a_fetched_429_rests_the_source(feeds: FeedServer, settings: CollectSettings) -> None:
    """fetch() and record() together: the source waits as the server asked."""
    state = SourceState()
    line = record(state, get(feeds, "reply/429?Retry-After=90", settings), NOW, settings)
    assert line.startswith("waiting: HTTP 429 asks to retry in 2 min")
    assert "Retry-After" in waiting(state, NOW)


def mocked(headers: dict[str, str], status: int = 200) -> Fetched:
    """fetch() of a response with these headers, through httpx's mock transport."""

    def answer(_request: httpx.Request) -> httpx.Response:
        # Why bytes: a server may send any bytes, and httpx reads them as UTF-8 when it can.
        raw = [(name.encode(), value.encode()) for name, value in headers.items()]
        return httpx.Response(status, headers=raw, content=b"<rss/>")

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        return fetch(client, URL, CollectSettings())


def test_an_http_date_counts_from_the_servers_clock_not_ours() -> None:
    """A server whose clock is years off still gets the five minutes it asked for."""
    result = mocked(
        {"Date": "Wed, 01 Jan 2020 00:00:00 GMT", "Retry-After": "Wed, 01 Jan 2020 00:05:00 GMT"},
        429,
    )
    assert result.retry_after == 300
    past = mocked(
        {"Date": "Wed, 01 Jan 2020 00:05:00 GMT", "Retry-After": "Wed, 01 Jan 2020 00:00:00 GMT"},
        503,
    )
    assert past.retry_after == 0


@pytest.mark.parametrize(
    "value", ["soon", "-5", "1.5", "", "²", "9" * 5000, "Wed, 99 Oct 2015 07:28:00 GMT"]
)
def test_an_unreadable_retry_after_is_none(value: str) -> None:
    """Words the server got wrong are ignored, never an error."""
    result = mocked({"Retry-After": value}, 429)
    assert (result.status, result.code, result.retry_after) == ("failed", 429, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('public, max-age="300"', 300),
        ("MAX-AGE=300, must-revalidate", 300),
        ("no-cache, max-age=300", 0),
        ("no-store", 0),
        ("max-age=abc", None),
        ("max-age=-1", None),
        ("max-age=²", None),
        ("max-age=" + "9" * 5000, None),
        ("private", None),
    ],
)
def test_cache_control_forms(value: str, expected: int | None) -> None:
    """Quoted, upper-case, no-cache and no-store, and nonsense."""
    result = mocked({"Cache-Control": value})
    assert (result.status, result.max_age) == ("ok", expected)
