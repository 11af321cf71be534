"""A collected #FF post as a shout-out file: the real build publishes it, or leaves it a draft."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from written_site import build_warnings, left_out

from socialhub.collect.clean import CleanEntry
from socialhub.collect.follow_friday import (
    CAPTION_LENGTH,
    Picture,
    caption_of,
    friday_of,
    is_shout_out,
    not_friday_note,
    refusal,
    shout_out_text,
    shout_out_title,
)
from socialhub.collect.write import problems_in
from socialhub.headers import read_header
from socialhub.kinds import FOLLOW_FRIDAY

OSLO = ZoneInfo("Europe/Oslo")
WEDNESDAY = datetime(2026, 11, 18, 9, 30, tzinfo=OSLO)
FRIDAY = datetime(2026, 11, 20, 17, 0, tzinfo=OSLO)
PATH = "content/follow-friday/ff-collected.md"
HOSTILE = (
    "Thanks to @nina@photog.example for <video> tips & &amp; more [win](javascript:alert(1)) "
    "*loud* # big \x1b\u202e and <script>alert(1)</script> #FF #FollowFriday"
)


def entry(**changes: object) -> CleanEntry:
    """A cleaned #FF post; ``changes`` replace its fields."""
    values: dict[str, object] = {
        "id": "https://social.example/@lumen/991",
        "title": "",
        "link": "https://social.example/@lumen/991",
        "date": FRIDAY,
        "text": "Thanks to @nina and @tomas for a week of good questions! #FF",
        "excerpt": "",
        "tags": ("FF",),
        "mentions": ("@nina@photog.example", "@tomas@social.example"),
        "hashtags": ("FF",),
    }
    values.update(changes)
    return CleanEntry(**values)  # type: ignore[arg-type]


def pictures(content: Path, *alts: str) -> list[Picture]:
    """One saved picture under content/images/follow-friday/ per alt text."""
    folder = content / "images" / "follow-friday"
    folder.mkdir(parents=True, exist_ok=True)
    found = []
    for number, alt in enumerate(alts, start=1):
        shutil.copy(content / "images" / "ff" / "ada.png", folder / f"collected-{number}.png")
        found.append(Picture(f"/images/follow-friday/collected-{number}.png", alt))
    return found


def write(content: Path, text: str) -> Path:
    """Put a shout-out's text where the collector writes it."""
    path = content / "follow-friday" / "ff-collected.md"
    path.write_text(text, encoding="utf-8")
    return path


def page(output: Path) -> BeautifulSoup:
    """The built page of the collected shout-out."""
    html = (output / "follow-friday" / "ff-collected" / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "lxml")


def test_friday_of_is_the_friday_of_a_monday_to_sunday_week() -> None:
    """Monday 16 to Sunday 22 November 2026 all give Friday 20 November."""
    monday = date(2026, 11, 16)
    days = [friday_of(monday + timedelta(days=n)) for n in range(7)]
    assert days == [date(2026, 11, 20)] * 7
    assert friday_of(date(2026, 11, 23)) == date(2026, 11, 27)
    assert friday_of(date(2026, 12, 31)) == date(2027, 1, 1)


def test_a_shout_out_is_told_by_its_hashtags_whatever_their_case() -> None:
    """#ff, #FollowFriday or '#FF' in the settings; a longer tag or none is no shout-out."""
    tags = ("FF", "#FollowFriday")
    assert is_shout_out(entry(hashtags=("ff",)), tags)
    assert is_shout_out(entry(hashtags=("news", "FOLLOWFRIDAY")), tags)
    assert not is_shout_out(entry(hashtags=("FFX", "Friday")), tags)
    assert not is_shout_out(entry(hashtags=()), tags)
    assert not is_shout_out(entry(hashtags=("FF",)), ())


def test_the_note_names_the_day_a_post_was_not_made_on_a_friday() -> None:
    """The issue's words: a note when the post was not on a Friday; none on a Friday."""
    assert not_friday_note(WEDNESDAY) == "Posted on Wednesday 18 November."
    assert not_friday_note(FRIDAY) == ""
    assert caption_of(entry(), WEDNESDAY).endswith(" Posted on Wednesday 18 November.")
    early = entry(text="#FF for @ravi@photo.example, a day early")
    assert caption_of(early, WEDNESDAY) == (
        "#FF for @ravi@photo.example, a day early. Posted on Wednesday 18 November."
    )


def test_a_post_without_mentions_is_refused_with_a_reason() -> None:
    """The build requires a handle; no file is written, and the reason names the post."""
    reason = refusal(entry(mentions=()))
    assert "https://social.example/@lumen/991" in reason
    assert "handle" in reason
    assert refusal(entry()) == ""
    assert refusal(entry(mentions=("not a handle",))).startswith(
        "the post https://social.example/@lumen/991: handles:"
    )


def test_titles_are_never_empty_nor_a_placeholder() -> None:
    """Handles name the title; without them, the first words, or #FF alone."""
    assert shout_out_title(entry()) == "#FF: nina and tomas"
    many = tuple(f"@p{n}@social.example" for n in range(6))
    assert shout_out_title(entry(mentions=many)) == "#FF: p0, p1, p2 and 3 more"
    assert shout_out_title(entry(mentions=(), text="TODO: nothing")) == "#FF: TODO: nothing"
    assert shout_out_title(entry(mentions=(), text="", title="")) == "#FF"


def test_a_trusted_post_with_described_pictures_is_published(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """Hostile text reaches the page as typed, never as markup; the note is in the caption."""
    shots = pictures(minimal_copy, "NINA spelled in phones [on a desk]", 'TOMAS on "five" screens')
    text = shout_out_text(
        entry(text=HOSTILE), shots, posted=WEDNESDAY, trusted=True, entry_id="social:991"
    )
    path = minimal_copy / "follow-friday" / "ff-collected.md"
    assert problems_in(text, path, OSLO, FOLLOW_FRIDAY) == []
    write(minimal_copy, text)
    header = read_header(path)
    assert header["date"] == "2026-11-20"
    assert header["status"] == "published"
    assert header["collected"] == "yes"
    assert header["entry-id"] == "social:991"
    assert header["handles"] == "@nina@photog.example, @tomas@social.example"
    assert "#FF" not in header["caption"]
    assert "\u202e" not in header["caption"]  # a bidi override could make the caption lie

    output = tmp_path / "output"
    assert left_out(build_warnings(minimal_copy, output), PATH) == []
    shown = page(output)
    body = shown.select_one("main") or shown
    assert body.find("video") is None
    assert body.find("script") is None
    assert not shown.select('a[href^="javascript"]')
    words = body.get_text(" ")
    assert "[win](javascript:alert(1))" in words
    assert "Posted on Wednesday 18 November." in words
    alts = [img["alt"] for img in body.find_all("img") if "collected-" in img.get("src", "")]
    assert alts == ["NINA spelled in phones [on a desk]", 'TOMAS on "five" screens']


def test_a_picture_without_alt_text_makes_a_draft_that_the_build_names(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """Written with empty alt text: the build leaves it out, and its warning says what to fix."""
    shots = pictures(minimal_copy, "NINA spelled in phones", "")
    text = shout_out_text(entry(), shots, posted=FRIDAY, trusted=True, entry_id="social:991")
    assert "![](/images/follow-friday/collected-2.png" in text
    assert read_header(write(minimal_copy, text))["status"] == "draft"
    output = tmp_path / "output"
    [warning] = left_out(build_warnings(minimal_copy, output), PATH)
    assert "draft, so it is left out of the site" in warning
    assert "images" in warning
    assert not (output / "follow-friday" / "ff-collected").exists()


def test_an_untrusted_feed_gives_a_draft_and_no_picture_a_draft(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """Untrusted: an editor publishes it. Without pictures the build would refuse it published."""
    shots = pictures(minimal_copy, "NINA spelled in phones")
    untrusted = shout_out_text(entry(), shots, posted=FRIDAY, trusted=False, entry_id="a")
    assert read_header(write(minimal_copy, untrusted))["status"] == "draft"
    output = tmp_path / "output"
    [warning] = left_out(build_warnings(minimal_copy, output), PATH)
    assert warning.startswith(f"{PATH}: status: draft")

    bare = shout_out_text(entry(), [], posted=FRIDAY, trusted=True, entry_id="a")
    assert read_header(write(minimal_copy, bare))["status"] == "draft"
    [warning] = left_out(build_warnings(minimal_copy, tmp_path / "output-2"), PATH)
    assert "images" in warning


@pytest.mark.parametrize(
    "text",
    [
        "word " * 400 + "#FF",
        "TODO: thank everyone #FF",
        "#FF #FollowFriday",
        "&#x1b; &#14; &lt;b&gt; bold <b>x</b> #FF",
    ],
    ids=["long", "placeholder", "only_hashtags", "references"],
)
def test_any_text_gives_a_caption_the_build_publishes(
    text: str, minimal_copy: Path, tmp_path: Path
) -> None:
    """Long, TODO-like, empty once the hashtags go, or full of references: always one valid line."""
    shots = pictures(minimal_copy, "NINA spelled in phones")
    written = shout_out_text(entry(text=text), shots, posted=FRIDAY, trusted=True, entry_id="a")
    caption = read_header(write(minimal_copy, written))["caption"]
    assert caption
    assert len(caption) <= CAPTION_LENGTH
    assert not caption.startswith("TODO")
    assert left_out(build_warnings(minimal_copy, tmp_path / "output"), PATH) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400), title=st.text(max_size=80), alt=st.text(max_size=80))
@example(text="#FF", title="", alt="\x1b")  # alt text that is all control characters
def test_whatever_a_post_says_the_file_keeps_every_field_rule(
    text: str, title: str, alt: str
) -> None:
    """Published: the build's checks find nothing; a draft: only the picture without alt text."""
    picture = Picture("/images/follow-friday/x.png", alt)
    written = shout_out_text(
        entry(text=text, title=title), [picture], posted=WEDNESDAY, trusted=True, entry_id="a"
    )
    problems = problems_in(written, Path(PATH), OSLO, FOLLOW_FRIDAY)
    if read_status(written) == "published":
        assert problems == []
    else:
        assert problems == ["images: the 1st image (/images/follow-friday/x.png) has no alt text"]


def read_status(text: str) -> str:
    """The Status line of a file's text."""
    return next(line for line in text.splitlines() if line.startswith("Status: ")).split(" ")[1]
