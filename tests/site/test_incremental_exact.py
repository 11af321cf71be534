"""An incremental rebuild gives exactly the site a clean build gives, and touches nothing else.

For each kind of change (one item's body, a blogger's name, a tag, a film shown
under its contest's other films, a new featured post, a newest post, a
template, a new comment) the sample content is built, changed, and built again
with the caches of the first build; then built once more from nothing into
another folder. The rebuild must hold the same files with the same bytes as the
clean build (every page that should change did), and the files it wrote must be
exactly those whose bytes changed (no other page was touched).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SAMPLE

from socialhub.build import run_build

ROOT = Path(__file__).resolve().parents[2]

Snapshot = dict[str, tuple[str, int]]


def _snapshot(output: Path) -> Snapshot:
    """Every file of a built site: its hash and its modification time."""
    return {
        str(path.relative_to(output)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in output.rglob("*")
        if path.is_file()
    }


def _build(content: Path, output: Path, theme: Path) -> int:
    """Build with the project's settings; the number of pages rendered."""
    report = run_build(
        ROOT / "pelicanconf.py",
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(output.parent / f".cache-{output.name}"),
            "THEME": str(theme),
        },
    )
    return report.rendered


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_body(content: Path, _theme: Path) -> None:
    """One company post's body."""
    _edit(content / "posts/night-mode-update.md", "brings a new night mode", "brings NIGHT MODE")


def change_blogger_name(content: Path, _theme: Path) -> None:
    """The name of a blogger with two featured posts."""
    _edit(content / "bloggers/lea-fontaine.md", "Name: Léa Fontaine", "Name: Léa Fontaine-Roux")


def add_tag(content: Path, _theme: Path) -> None:
    """A new tag on one post."""
    _edit(
        content / "posts/night-mode-update.md",
        "Tags: cameras, night mode, software",
        "Tags: cameras, night mode, software, astrophotography",
    )


def change_template(_content: Path, theme: Path) -> None:
    """The template of video pages only."""
    template = theme / "templates" / "video.html"
    text = template.read_text(encoding="utf-8")
    marker = "{% block content %}"
    assert marker in text
    template.write_text(text.replace(marker, marker + "<!-- v2 -->", 1), encoding="utf-8")


def add_comment(content: Path, _theme: Path) -> None:
    """An approved comment on a post that had none."""
    folder = content / "comments" / "conference-2026-schedule"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "c-20261101-0001.md").write_text(
        "Author: Ada Reader\nDate: 2026-11-01 10:00\nSource: form\n\n"
        "Will the *keynote* be streamed?\n",
        encoding="utf-8",
    )


def retitle_sibling_film(content: Path, _theme: Path) -> None:
    """The title of a film shown under the other films of its contest."""
    _edit(content / "videos/neon-rain.md", "Title: Neon Rain", "Title: Neon Rain at Dawn")


def add_featured_post(content: Path, _theme: Path) -> None:
    """A third featured post by a blogger (her other posts' byline cards count them)."""
    source = content / "featured/student-budget-x2.md"
    text = source.read_text(encoding="utf-8")
    header, _blank, body = text.partition("\n\n")
    lines = [
        line
        for line in header.splitlines()
        if not line.startswith(("Title:", "Original-URL:", "Date:", "Entry-Id:"))
    ]
    lines += [
        "Title: A second year on the X2",
        "Original-URL: https://campusbytes.example/second-year-x2/",
        "Date: 2026-11-02 09:00",
    ]
    (content / "featured/second-year-x2.md").write_text(
        "\n".join(lines) + "\n\n" + body, encoding="utf-8"
    )


def add_newest_post(content: Path, _theme: Path) -> None:
    """A company post newer than everything (the hub's pages shift; empty feeds are dated)."""
    (content / "posts/winter-opening-hours.md").write_text(
        "Title: Winter opening hours\nDate: 2026-12-20 09:00\nAuthor: Daniel Osei\n"
        "Tags: stores\nSummary: When the stores open over the holidays.\n\n"
        "Every store opens at ten from the 21st.\n",
        encoding="utf-8",
    )


# change → pages that must show it (a few, as a reader would look for them).
CASES: dict[str, tuple[Callable[[Path, Path], None], dict[str, str]]] = {
    "body": (change_body, {"posts/night-mode-update/index.html": "brings NIGHT MODE"}),
    "blogger name": (
        change_blogger_name,
        {
            "bloggers/lea-fontaine/index.html": "Léa Fontaine-Roux",
            "bloggers/index.html": "Léa Fontaine-Roux",
            "bloggers/lea-fontaine/student-budget-x2/index.html": "Léa Fontaine-Roux",
            "bloggers.opml": "Léa Fontaine-Roux",
        },
    ),
    "tag": (
        add_tag,
        {
            "tags/astrophotography/index.html": "Night mode 2.0",
            "feeds/tags/astrophotography.atom.xml": "Night mode 2.0",
            "posts/night-mode-update/index.html": "astrophotography",
        },
    ),
    "sibling film": (
        retitle_sibling_film,
        {
            "videos/neon-rain/index.html": "Neon Rain at Dawn",
            "videos/harbour-lights/index.html": "Neon Rain at Dawn",
            "contests/nightfall-shorts/index.html": "Neon Rain at Dawn",
        },
    ),
    "featured post": (
        add_featured_post,
        {
            "bloggers/lea-fontaine/second-year-x2/index.html": "A second year on the X2",
            "bloggers/lea-fontaine/student-budget-x2/index.html": "3 featured posts",
            "bloggers/lea-fontaine/index.html": "A second year on the X2",
            "feeds/bloggers/lea-fontaine.atom.xml": "A second year on the X2",
        },
    ),
    "newest post": (
        add_newest_post,
        {
            "posts/winter-opening-hours/index.html": "Every store opens at ten",
            "hub/index.html": "Winter opening hours",
            "feeds/all.atom.xml": "Winter opening hours",
            "tags/stores/index.html": "Winter opening hours",
        },
    ),
    "template": (change_template, {"videos/harbour-lights/index.html": "<!-- v2 -->"}),
    "comment": (
        add_comment,
        {
            "posts/conference-2026-schedule/index.html": "Will the <em>keynote</em> be streamed?",
            "posts/conference-2026-schedule/comments.atom.xml": "Ada Reader",
            "feeds/comments.rss.xml": "Ada Reader",
        },
    ),
}


@pytest.fixture
def sample_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the sample content and of the theme, to change."""
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(SAMPLE, content)
    shutil.copytree(ROOT / "theme", theme)
    return content, theme


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_rebuild_equals_a_clean_build_and_writes_only_what_changed(
    case: str, sample_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    """Rebuilt after a change: same bytes as a clean build; written files = changed files."""
    content, theme = sample_copy
    change, expected = CASES[case]
    output = tmp_path / "output"
    total = _build(content, output, theme)
    before = _snapshot(output)
    assert _build(content, output, theme) <= 8, "a rebuild with no change rendered pages again"
    assert _snapshot(output) == before, "a rebuild with no change wrote files"

    change(content, theme)
    rendered = _build(content, output, theme)
    after = _snapshot(output)
    clean = tmp_path / "clean"
    _build(content, clean, theme)
    fresh = _snapshot(clean)

    assert sorted(after) == sorted(fresh), "the rebuild left or missed files"
    differing = [name for name in fresh if after[name][0] != fresh[name][0]]
    assert not differing, f"the rebuild differs from a clean build in {differing}"
    changed = {name for name in after if before.get(name, ("", 0))[0] != after[name][0]}
    written = {name for name in after if before.get(name, ("", 0))[1] != after[name][1]}
    assert written == changed, (
        f"written but unchanged: {sorted(written - changed)}; "
        f"changed but not written: {sorted(changed - written)}"
    )
    for page, text in expected.items():
        assert page in changed, f"{page} did not change"
        assert text in (output / page).read_text(encoding="utf-8")
    if case != "template":
        assert rendered < total / 3, f"{rendered} of {total} pages rendered for one change"
