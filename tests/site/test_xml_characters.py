"""Characters XML 1.0 forbids, in any content file, are one line naming file, field and line.

Every feed is XML, and lxml refuses a whole feed for one such character: before
this check, a NUL or an ESC in one collected post failed every editor's build in
the feeds process (``ForkedPartError: ValueError: All strings must be XML
compatible``). Character references to them (``&#x1b;``) count too: Markdown keeps
them and the HTML sanitizer decodes them into the character itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from socialhub.build import build_and_report, run_build
from socialhub.feeds.entries import Entry, SiteInfo, without_forbidden
from socialhub.feeds.jsonfeed import render_json
from socialhub.feeds.streams import SITE_STREAMS
from socialhub.feeds.write import FeedHead, render_atom, render_rss
from socialhub.kinds import FEATURED, POST
from socialhub.reading import forbidden_characters

ROOT = Path(__file__).resolve().parents[2]
FEATURED_FILE = "featured/ada-reviews-x2.md"
FIX = (
    "(text copied from a web page or a collected feed can bring such characters; editors "
    "show them as ^@, ^[ or a box)"
)


def _build_lines(content: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What `invoke build` / `pelican content` print on stderr for this content."""
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / ".cache"),
    }
    failed = build_and_report(lambda: run_build(ROOT / "pelicanconf.py", overrides))
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    assert "ForkedPartError" not in stderr and "XML compatible" not in stderr
    assert failed, "the build should have stopped"
    return [line for line in stderr.splitlines() if line.startswith("content/")]


def _edit(content: Path, name: str, change: Callable[[str], str]) -> None:
    path = content / name
    path.write_bytes(change(path.read_text(encoding="utf-8")).encode("utf-8"))


def test_a_nul_in_a_collected_excerpt_is_one_line_naming_the_field(
    minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The collected featured post with a NUL: file, field, line and the fix; nothing built."""
    _edit(minimal_copy, FEATURED_FILE, lambda t: t.replace("good pictures", "good\x00 pictures"))
    lines = _build_lines(minimal_copy, tmp_path / "output", capsys)
    assert lines == [
        "content/featured/ada-reviews-x2.md: excerpt: line 5 holds U+0000, a character that "
        f"XML forbids, so no feed can carry the file; delete it {FIX}"
    ]
    assert not (tmp_path / "output" / "index.html").exists()


def test_an_escape_reference_in_a_body_is_one_line_naming_the_body(
    minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``&#x1b;`` in a post's body, and ``&#x1B`` in a featured post's Markdown note."""
    _edit(minimal_copy, "posts/first-post.md", lambda t: t + "\nAn escape: &#x1b; here.\n")
    _edit(minimal_copy, FEATURED_FILE, lambda t: t.replace("is *fair*", "is &#x1B *fair*"))
    lines = _build_lines(minimal_copy, tmp_path / "output", capsys)
    body_line = (minimal_copy / "posts/first-post.md").read_text().split("\n").index(
        "An escape: &#x1b; here."
    ) + 1
    assert lines == [
        "content/featured/ada-reviews-x2.md: editor-note: line 6 holds &#x1B, a character "
        f"that XML forbids, so no feed can carry the file; delete it {FIX}",
        f"content/posts/first-post.md: body: line {body_line} holds &#x1b;, a character that "
        f"XML forbids, so no feed can carry the file; delete it {FIX}",
    ]


def test_a_comment_with_control_characters_and_references_is_reported(
    minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Comments too: raw U+001B and U+000C, and &#14; and &#xFFFF;, on two lines of the body."""
    comment = next((minimal_copy / "comments").rglob("*.md"))
    name = comment.relative_to(minimal_copy).as_posix()
    _edit(minimal_copy, name, lambda t: t + "\nOne \x1b two \x0c.\nThree &#14; &#xFFFF;.\n")
    lines = _build_lines(minimal_copy, tmp_path / "output", capsys)
    assert len(lines) == 1
    assert lines[0].startswith(f"content/{name}: comment: lines ")
    assert "hold U+001B, U+000C, &#14;, &#xFFFF;, characters that XML forbids" in lines[0]
    assert lines[0].endswith(f"delete them {FIX}")


def test_a_title_with_a_bell_is_reported_once_not_also_as_a_bad_value(
    minimal_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain field with ``&#7;``: this line only, not also 'contains the HTML entity'."""
    _edit(minimal_copy, FEATURED_FILE, lambda t: t.replace("Ada reviews", "Ada &#7;reviews"))
    lines = _build_lines(minimal_copy, tmp_path / "output", capsys)
    assert lines == [
        "content/featured/ada-reviews-x2.md: title: line 1 holds &#7;, a character that XML "
        f"forbids, so no feed can carry the file; delete it {FIX}"
    ]


def test_a_reference_of_thousands_of_digits_is_a_problem_not_a_crash() -> None:
    """``&#`` and 5,000 digits: no such character; reported (int() alone would raise)."""
    text = "Title: x\nDate: 2026-11-10\n\nHuge &#" + "9" * 5000 + "; and &#x000001b;\n"
    (problem,) = forbidden_characters(text, POST)
    assert (problem.field, problem.message[:14]) == ("body", "line 4 holds &")
    assert problem.message.endswith(
        "&#x000001b;, characters that XML forbids, so no feed can carry the file"
    )


def test_allowed_characters_and_references_are_not_reported() -> None:
    """Tabs, newlines, CR, &#10;, &#x9;, &#233; and emoji are XML; nothing to say."""
    text = "Title: Caf\u00e9 \U0001f4f7\nDate: 2026-11-10\r\n\nTab\there &#10; &#x9; &#233;.\n"
    assert forbidden_characters(text, POST) == []


# Field lines of a featured file, and where each would be reported.
_FIELDS = [("Title", "title"), ("Excerpt", "excerpt"), ("Editor-Note", "editor-note")]
_FORBIDDEN = st.sampled_from(
    [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)]
    + ["&#0;", "&#x1b;", "&#27;", "&#xD800;", "&#xFFFE;", "&#x110000;"]
)


@settings(max_examples=150, deadline=None)
@given(
    where=st.sampled_from(_FIELDS),
    bad=_FORBIDDEN,
    before=st.text(alphabet="abc xyz.,", max_size=20),
)
def test_any_forbidden_character_in_any_field_names_that_field(
    where: tuple[str, str], bad: str, before: str
) -> None:
    """Whatever the character and whichever field, the problem names the field and its line."""
    fields = "\n".join(
        f"{label}: {before}{bad} end" if label == where[0] else f"{label}: fine"
        for label, _name in _FIELDS
    )
    problems = forbidden_characters(f"{fields}\nBlogger: ada-lens\n", FEATURED)
    number = [label for label, _name in _FIELDS].index(where[0]) + 1
    assert [(p.field, p.message.split(" holds ")[0]) for p in problems] == [
        (where[1], f"line {number}")
    ]


def _hostile_entry() -> Entry:
    when = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    return Entry(
        id="tag:hub.test,2026:/posts/x",
        title="Bell\x07 title",
        url="https://hub.test/posts/x/",
        published=when,
        updated=when,
        author="Ada\x00",
        author_url="",
        summary="Escape \x1b summary \ufffe",
        content_html="<p>Form\x0cfeed</p>",
        tags=(("cameras", "Cam\x1beras"),),
    )


def test_the_feed_writers_drop_forbidden_characters_instead_of_failing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The last line of defence: an entry that slips through costs characters, not the build."""
    info = SiteInfo("https://hub.test", "Hub", "Co", "/nonexistent", "hub.test,2026")
    head = FeedHead(SITE_STREAMS[0], info, "en", "", "", datetime.now(UTC))
    entry = without_forbidden(_hostile_entry(), "content/posts/x.md")
    assert "content/posts/x.md: U+0007, U+0000, U+001B, U+FFFE, U+000C dropped" in caplog.text
    for render in (render_rss, render_atom):
        tree = etree.fromstring(render(head, [entry]))
        texts = " ".join(tree.itertext())
        assert "Bell title" in texts and "Escape  summary" in texts
    assert json.loads(render_json(head, [entry]))["items"][0]["title"] == "Bell title"
