"""Contest films: which contests collect, which films belong, and files the real build takes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from written_site import build_warnings, left_out

from socialhub.collect.clean import CleanEntry
from socialhub.collect.films import (
    Contest,
    contests,
    duration_text,
    film_refusal,
    film_text,
    in_contest,
    matches_tag,
)
from socialhub.collect.write import problems_in
from socialhub.headers import read_header
from socialhub.kinds import VIDEO

OSLO = ZoneInfo("Europe/Oslo")
POSTED = datetime(2026, 9, 20, 21, 15, tzinfo=OSLO)
PATH = "content/videos/collected-film.md"
POSTER = "/images/posters/first-film.png"  # in the minimal site
NIGHT = Contest("night-shorts", "Night Shorts", date(2026, 9, 1), date(2026, 10, 1), (), "")
HOSTILE = (
    "A <video> about lamps & &amp; moths. [win](javascript:alert(1)) *loud* # big "
    "<script>alert(1)</script> {: onclick=x} | a | b | \u202e done."
)


def film(**changes: object) -> CleanEntry:
    """A cleaned film entry from a video platform; ``changes`` replace its fields."""
    values: dict[str, object] = {
        "id": "yt:video:aqz-KE-bpKQ",
        "title": "Moth and Lamp",
        "link": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "date": POSTED,
        "text": "A moth circles a lamp on a frozen balcony. Shot on an X2. #NightShorts",
        "excerpt": "",
        "tags": ("night", "NightShorts"),
        "author": "Ida Brandt",
        "hashtags": ("NightShorts",),
        "video_url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        "duration": 125,
    }
    values.update(changes)
    return CleanEntry(**values)  # type: ignore[arg-type]


def write(content: Path, text: str) -> Path:
    """Put a film's text where the collector writes it."""
    path = content / "videos" / "collected-film.md"
    path.write_text(text, encoding="utf-8")
    return path


def with_collect_fields(content: Path, lines: str) -> None:
    """Give the minimal site's contest some header lines, after its Summary."""
    path = content / "contests" / "night-shorts.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "Summary: Films shot after dark.\n", f"Summary: Films shot after dark.\n{lines}"
        )
    )


def test_contests_lists_those_that_name_a_feed_with_their_tag_without_hash(
    minimal_copy: Path,
) -> None:
    """Feeds in order, dates as dates, the tag without '#'."""
    assert contests(minimal_copy) == ([], [])
    with_collect_fields(
        minimal_copy,
        "Collect-Feed: https://videos.example/a.xml, https://videos.example/b.xml\n"
        "Collect-Tag: #NightShorts\n",
    )
    found, problems = contests(minimal_copy)
    assert problems == []
    assert found == [
        Contest(
            "night-shorts",
            "Night Shorts",
            date(2026, 9, 1),
            date(2026, 10, 1),
            ("https://videos.example/a.xml", "https://videos.example/b.xml"),
            "NightShorts",
        )
    ]


def test_a_contest_with_a_bad_feed_is_skipped_with_the_builds_line(minimal_copy: Path) -> None:
    """One line naming the file, the field and the bad URL; no contest to collect for."""
    with_collect_fields(minimal_copy, "Collect-Feed: https://videos.example/a.xml, ftp://x/b\n")
    assert contests(minimal_copy) == (
        [],
        [
            "content/contests/night-shorts.md: collect-feed: 'ftp://x/b' is not an absolute "
            "http(s) URL; write each full address, separated by commas, e.g. "
            "https://videos.example/feeds/nightfall-shorts.xml"
        ],
    )


def test_the_contest_dates_are_both_included() -> None:
    """Opens and Closes count; the day before and the day after do not."""
    assert in_contest(datetime(2026, 9, 1, 0, 0, tzinfo=OSLO), NIGHT)
    assert in_contest(datetime(2026, 10, 1, 23, 59, tzinfo=OSLO), NIGHT)
    assert not in_contest(datetime(2026, 8, 31, 23, 59, tzinfo=OSLO), NIGHT)
    assert not in_contest(datetime(2026, 10, 2, 0, 0, tzinfo=OSLO), NIGHT)


def test_the_tag_matches_a_hashtag_or_a_whole_word_in_any_case() -> None:
    """'#NightShorts', 'nightshorts', a word of the title; a longer word does not count."""
    bare = film(hashtags=(), tags=(), text="", title="Moth and Lamp")
    assert matches_tag(film(), "#nightshorts")
    assert matches_tag(film(hashtags=(), tags=(), text="For #NightShorts."), "NightShorts")
    assert matches_tag(bare, "lamp")
    assert not matches_tag(bare, "lam")
    assert not matches_tag(film(hashtags=("NightShortsX",), tags=(), text=""), "NightShorts")
    assert matches_tag(bare, "")
    assert matches_tag(bare, "#")


def test_films_the_site_cannot_play_or_name_are_refused_with_a_reason() -> None:
    """No YouTube, Vimeo or PeerTube address, a local path, another host; no title."""
    assert film_refusal(film()) == ""
    assert film_refusal(film(video_url="https://vimeo.com/123456")) == ""
    for url in ("", "/media/x.webm", "https://videos.example/watch/1"):
        assert "no YouTube, Vimeo or PeerTube address" in film_refusal(film(video_url=url)), url
    assert film_refusal(film(title="")).endswith("has no title")
    assert "would refuse" in film_refusal(film(title="TODO: name it"))


def test_durations_are_written_as_the_field_reads_them() -> None:
    """m:ss under an hour, h:mm:ss from one; unknown or zero is empty."""
    assert duration_text(5) == "0:05"
    assert duration_text(125) == "2:05"
    assert duration_text(3725) == "1:02:05"
    assert duration_text(None) == ""
    assert duration_text(0) == ""


def test_a_trusted_complete_film_is_published_with_its_text_as_typed(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """Every field right; hostile text shows as typed and is never markup."""
    text = film_text(
        film(text=HOSTILE), NIGHT, poster=POSTER, posted=POSTED, trusted=True, entry_id="yt:1"
    )
    path = write(minimal_copy, text)
    assert problems_in(text, path, OSLO, VIDEO) == []
    header = read_header(path)
    assert header["date"] == "2026-09-20 21:15"
    assert header["duration"] == "2:05"
    assert header["entrant"] == "Ida Brandt"
    assert header["contest"] == "night-shorts"
    assert header["status"] == "published"
    assert header["collected"] == "yes"

    output = tmp_path / "output"
    assert left_out(build_warnings(minimal_copy, output), PATH) == []
    html = (output / "videos" / "collected-film" / "index.html").read_text(encoding="utf-8")
    main = BeautifulSoup(html, "lxml").select_one("main")
    assert main is not None
    assert main.find("script") is None
    assert main.find("table") is None
    assert not main.select('a[href^="javascript"]')
    assert not main.select("[onclick]")
    words = main.get_text(" ")
    assert "[win](javascript:alert(1)) *loud* # big" in words
    assert "\u202e" not in words


@pytest.mark.parametrize(
    ("changes", "poster", "first_fix"),
    [
        ({"duration": None}, POSTER, "duration"),
        ({"author": ""}, POSTER, "entrant"),
        ({}, "", "poster"),
    ],
    ids=["no_duration", "no_entrant", "no_poster"],
)
def test_a_film_missing_a_required_field_is_a_draft_the_build_names(
    changes: dict[str, object], poster: str, first_fix: str, minimal_copy: Path, tmp_path: Path
) -> None:
    """An empty required field would stop the build; as a draft it is left out, and named."""
    text = film_text(
        film(**changes), NIGHT, poster=poster, posted=POSTED, trusted=True, entry_id="yt:1"
    )
    assert read_header(write(minimal_copy, text))["status"] == "draft"
    output = tmp_path / "output"
    [warning] = left_out(build_warnings(minimal_copy, output), PATH)
    assert "draft, so it is left out of the site" in warning
    assert first_fix in warning
    assert not (output / "videos" / "collected-film").exists()


def test_the_feeds_name_stands_in_for_a_missing_author_and_untrusted_is_a_draft(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """The channel's name as entrant; an untrusted feed's film waits for an editor."""
    text = film_text(
        film(author=""),
        NIGHT,
        poster=POSTER,
        posted=POSTED,
        trusted=True,
        entry_id="yt:1",
        entrant="Ida's channel",
    )
    assert read_header(write(minimal_copy, text))["entrant"] == "Ida's channel"
    assert left_out(build_warnings(minimal_copy, tmp_path / "output"), PATH) == []

    untrusted = film_text(
        film(), NIGHT, poster=POSTER, posted=POSTED, trusted=False, entry_id="yt:1"
    )
    write(minimal_copy, untrusted)
    [warning] = left_out(build_warnings(minimal_copy, tmp_path / "output-2"), PATH)
    assert warning.startswith(f"{PATH}: status: draft")


@pytest.mark.parametrize(
    "description",
    ["", "TODO: describe", "word " * 500, "<video src=x></video>"],
    ids=["none", "placeholder", "long", "only_markup"],
)
def test_any_description_gives_a_body_the_build_publishes(
    description: str, minimal_copy: Path, tmp_path: Path
) -> None:
    """None, TODO-like, long or markup only: a few plain sentences, or one naming the contest."""
    text = film_text(
        film(text=description), NIGHT, poster=POSTER, posted=POSTED, trusted=True, entry_id="a"
    )
    body = text.split("\n\n", 1)[1]
    assert body.strip()
    assert len(body) < 1000
    write(minimal_copy, text)
    assert left_out(build_warnings(minimal_copy, tmp_path / "output"), PATH) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(max_size=80),
    text=st.text(max_size=400),
    author=st.text(max_size=40),
    tags=st.lists(st.text(max_size=20), max_size=4),
)
def test_a_film_that_is_not_refused_has_a_file_the_build_takes(
    title: str, text: str, author: str, tags: list[str]
) -> None:
    """Whatever the feed says: refused with a reason, or a file whose fields keep every rule."""
    entry = film(title=title, text=text, author=author, tags=tuple(tags))
    if film_refusal(entry):
        return
    written = film_text(entry, NIGHT, poster=POSTER, posted=POSTED, trusted=True, entry_id="a")
    problems = problems_in(written, Path(PATH), OSLO, VIDEO)
    if "Status: published" in written:
        assert problems == []
    else:
        assert problems == ["entrant: is empty"]
