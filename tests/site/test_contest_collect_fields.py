"""A contest's Collect-Feed and Collect-Tag: what `invoke build` accepts, and what it refuses.

Each case rewrites the minimal site's contest with the fields and runs the
real `invoke build` on the copy: a good value builds the site, a bad one
stops it with one line naming the file, the field and the bad URL.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from invoke import Context
from invoke.exceptions import Exit

from socialhub.kinds import CONTEST
from socialhub.text import render_markdown
from socialhub.validate import SourceFile, check_file

ROOT = Path(__file__).resolve().parents[2]
CONTEST_FILE = "contests/night-shorts.md"


def _load_tasks() -> ModuleType:
    """The project's tasks.py, whose `build` task is what `invoke build` runs."""
    spec = importlib.util.spec_from_file_location("hub_tasks_contest", ROOT / "tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TASKS = _load_tasks()


def _with_fields(content: Path, lines: str) -> None:
    """Add header lines to the minimal site's contest, after its Summary."""
    path = content / CONTEST_FILE
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "Summary: Films shot after dark.\n", f"Summary: Films shot after dark.\n{lines}"
    )
    path.write_text(text, encoding="utf-8")


def _invoke_build(content: Path, output: Path) -> int:
    """The exit status of `invoke build --content … --output …`, run in this process."""
    try:
        TASKS.build(Context(), content=str(content), output=str(output))
    except Exit as exited:
        return exited.code
    return 0


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("content/")]


GOOD = [
    ("one_feed", "Collect-Feed: https://videos.example/feeds/night.xml\n"),
    (
        "two_feeds_and_a_hashtag",
        "Collect-Feed: https://videos.example/a.xml, http://vimeo.example/b.rss?x=1\n"
        "Collect-Tag: #NightShorts\n",
    ),
    ("a_word_without_hash", "Collect-Tag: nightshorts\n"),
    ("both_empty", "Collect-Feed:\nCollect-Tag:\n"),
]


@pytest.mark.parametrize("lines", [lines for _, lines in GOOD], ids=[name for name, _ in GOOD])
def test_good_collect_fields_build(
    lines: str, minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Feeds and a tag, or none of them: the site builds and shows the contest."""
    _with_fields(minimal_copy, lines)
    output = tmp_path / "output"
    status = _invoke_build(minimal_copy, output)
    stderr = capsys.readouterr().err
    assert status == 0, stderr
    assert _errors(stderr) == []
    assert (output / "contests" / "night-shorts" / "index.html").is_file()


BAD = [
    (
        "no_scheme",
        "Collect-Feed: videos.example/feed.xml\n",
        [
            "content/contests/night-shorts.md: collect-feed: 'videos.example/feed.xml' is not "
            "an absolute http(s) URL; write each full address, separated by commas, e.g. "
            "https://videos.example/feeds/nightfall-shorts.xml",
        ],
    ),
    (
        "second_of_two_is_ftp",
        "Collect-Feed: https://videos.example/a.xml, ftp://videos.example/b.xml\n",
        [
            "content/contests/night-shorts.md: collect-feed: 'ftp://videos.example/b.xml' is "
            "not an absolute http(s) URL; write each full address, separated by commas, e.g. "
            "https://videos.example/feeds/nightfall-shorts.xml",
        ],
    ),
    (
        "a_tag_with_html",
        "Collect-Tag: <b>night</b>\n",
        [
            "content/contests/night-shorts.md: collect-tag: contains HTML; "
            "write plain text without tags"
        ],
    ),
]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [(lines, expected) for _, lines, expected in BAD],
    ids=[name for name, _, _ in BAD],
)
def test_bad_collect_fields_stop_the_build_with_one_line_each(
    lines: str,
    expected: list[str],
    minimal_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The build stops, names file, field and the bad URL, and writes no page."""
    _with_fields(minimal_copy, lines)
    output = tmp_path / "output"
    status = _invoke_build(minimal_copy, output)
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    assert status == 1, stderr
    assert _errors(stderr) == expected
    assert not (output / "index.html").exists()


def _checked(header: str) -> dict[str, object]:
    base = (
        "Name: Day Shorts\nDevice: Lumen X2\nOpens: 2026-11-01\nCloses: 2026-12-01\n"
        "Status: open\nPrizes: A phone\nSummary: Films by day.\n"
    )
    meta: dict[str, str | list[str]] = {}
    for line in (base + header).splitlines():
        key, _, value = line.partition(":")
        meta[key.lower()] = value.strip()
    source = SourceFile("content/contests/x.md", CONTEST, "x", meta, render_markdown("Rules."))
    checked = check_file(source, lambda _path: True, ZoneInfo("UTC"))
    assert [str(problem) for problem in checked.problems] == []
    return checked.values


def test_the_values_are_every_feed_in_order_and_the_tag_as_written() -> None:
    """Feeds become a tuple (commas and spaces dropped); left out, they are empty."""
    values = _checked("Collect-Feed: https://a.example/1.xml ,https://b.example/2.xml\n")
    assert values["collect_feed"] == ("https://a.example/1.xml", "https://b.example/2.xml")
    assert values["collect_tag"] == ""
    values = _checked("Collect-Tag: #DayShorts\n")
    assert values["collect_feed"] == ()
    assert values["collect_tag"] == "#DayShorts"
