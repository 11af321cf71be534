"""The editor's guide is generated from the kinds table and must never drift from it."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from socialhub.guide import example_file, regenerate
from socialhub.kinds import KINDS, Kind
from socialhub.text import render_markdown
from socialhub.validate import SourceFile, check_file

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "editing.md"


def test_generated_blocks_match_the_kinds_table() -> None:
    """Regenerating the guide changes nothing (run `invoke docs` after changing kinds.py)."""
    text = GUIDE.read_text(encoding="utf-8")
    assert regenerate(text) == text, "docs/editing.md is stale: run invoke docs"


def test_every_field_of_every_kind_is_in_the_guide() -> None:
    """Each field appears, by the name editors write, in its kind's table."""
    text = GUIDE.read_text(encoding="utf-8")
    for kind in KINDS:
        section = text.split(f"### {kind.label.capitalize()}\n", 1)[1].split("\n### ", 1)[0]
        for spec in kind.fields:
            assert f"| `{spec.label}` |" in section, (kind.name, spec.label)


def _parse_example(kind: Kind) -> SourceFile:
    header, _, body = example_file(kind).partition("\n\n")
    meta: dict[str, str | list[str]] = {}
    key = ""
    for line in header.splitlines():
        if line.startswith("    "):
            previous = meta[key]
            meta[key] = [*(previous if isinstance(previous, list) else [previous]), line.strip()]
            continue
        key, _, value = line.partition(": ")
        meta[key.lower()] = value
        key = key.lower()
    return SourceFile(
        f"content/{kind.folder}/example.md",
        kind,
        "example",
        meta,
        render_markdown(body),
        parent="an-item",
    )


@pytest.mark.parametrize("kind", KINDS, ids=[kind.name for kind in KINDS])
def test_each_example_file_is_valid(kind: Kind) -> None:
    """The guide's complete example of each kind passes the checks of its fields."""
    checked = check_file(_parse_example(kind), lambda _path: True, ZoneInfo("Europe/Oslo"))
    assert [str(problem) for problem in checked.problems] == []
