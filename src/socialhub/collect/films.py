"""Contest films: which contests collect from which feeds, and a film → its video file's text.

A contest names its feeds (``Collect-Feed:``) and, optionally, the hashtag or
word a film must carry (``Collect-Tag:``); a film posted between the
contest's Opens and Closes dates becomes a file in content/videos/. What the
build would refuse in a published file (no duration, no poster, no entrant)
makes the file a draft, for an editor to finish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from markdown import Markdown

from socialhub.collect.clean import CleanEntry, excerpt_of, inert
from socialhub.collect.inline import escape_markdown
from socialhub.collect.write import problems_in
from socialhub.fieldrules import field_flaw, is_placeholder
from socialhub.kinds import CONTEST, VIDEO
from socialhub.text import shorten
from socialhub.validate import SourceFile, check_file, video_source

DESCRIPTION_LENGTH = 600  # a few sentences: the film's page links to the original
# The contest fields the collector reads; problems in others are the build's to report.
_NEEDED = ("name", "opens", "closes", "collect_feed", "collect_tag")
_UTC = ZoneInfo("UTC")  # Opens and Closes are read as dates; the zone does not matter
_SAMPLE_DATE = datetime(2026, 1, 1, tzinfo=_UTC)
# Fields a film may lack: its file is then a draft, which the build leaves out and names.
_DRAFT_FIELDS = ("duration:", "entrant:", "status:")


@dataclass(frozen=True)
class Contest:
    """A contest that collects films: its slug, name, dates (inclusive), feeds and tag."""

    slug: str
    name: str
    opens: date
    closes: date
    feeds: tuple[str, ...]
    tag: str  # without '#'; "" takes every film of the feeds


def contests(content_dir: Path) -> tuple[list[Contest], list[str]]:
    """The contests of content/contests/ that name a Collect-Feed, and problems that skip one.

    Each problem is one line naming the file and the field, as the build
    prints it; a contest with one is not collected from until it is fixed.
    """
    found: list[Contest] = []
    problems: list[str] = []
    for path in sorted((content_dir / CONTEST.folder).glob("*.md")):
        shown = f"{content_dir.name}/{CONTEST.folder}/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{shown}: file: cannot be read ({type(error).__name__})")
            continue
        reader = Markdown(extensions=["meta"])
        body = reader.convert(text)
        meta = {key: value if len(value) > 1 else value[0] for key, value in reader.Meta.items()}  # type: ignore[attr-defined]
        if not meta.get("collect-feed"):
            continue
        source = SourceFile(shown, CONTEST, path.stem, meta, body)
        checked = check_file(source, lambda _path: True, _UTC)
        needed = [p for p in checked.problems if p.field.replace("-", "_") in _NEEDED]
        if needed:
            problems.extend(str(problem) for problem in needed)
            continue
        values = checked.values
        found.append(
            Contest(
                slug=path.stem,
                name=values["name"],
                opens=values["opens"].date(),
                closes=values["closes"].date(),
                feeds=values["collect_feed"],
                tag=values["collect_tag"].strip().lstrip("#"),
            )
        )
    return found, problems


def in_contest(posted: datetime, contest: Contest) -> bool:
    """True when the film was posted between the contest's Opens and Closes, both days included."""
    return contest.opens <= posted.date() <= contest.closes


def matches_tag(entry: CleanEntry, tag: str) -> bool:
    """The film carries the tag: as a hashtag, or a whole word in its title, text or tags."""
    word = tag.strip().lstrip("#")
    if not word:
        return True
    if word.casefold() in {hashtag.lstrip("#").casefold() for hashtag in entry.hashtags}:
        return True
    haystack = " ".join([entry.title, entry.text, *entry.tags])
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", haystack, re.IGNORECASE) is not None


def film_title(entry: CleanEntry) -> str:
    """The film's title as its file gets it; '' when it has none the build would take."""
    title = inert(entry.title)
    return title if title and field_flaw(VIDEO, "title", title) is None else ""


def film_refusal(entry: CleanEntry) -> str:
    """Why no video file can be written for this film; '' when one can."""
    where = entry.link or entry.id
    source = video_source(entry.video_url) if entry.video_url else None
    if source is None or source.provider == "file":
        return f"the film {where} has no YouTube, Vimeo or PeerTube address the site can play"
    if not film_title(entry):
        if not inert(entry.title):
            return f"the film {where} has no title"
        return f"the film {where} has a title the build would refuse; write its file by hand"
    # Why the whole file too: any other text of the feed that a field's rule
    # refuses is named here, rather than found by the build after writing.
    sample = Contest("x", "x", date(2026, 1, 1), date(2026, 1, 1), (), "")
    text = film_text(
        entry, sample, poster="/images/x.png", posted=_SAMPLE_DATE, trusted=False, entry_id="x"
    )
    found = [
        problem
        for problem in problems_in(text, Path("content/videos/x.md"), _UTC, VIDEO)
        if not problem.startswith(_DRAFT_FIELDS)
    ]
    if found:
        return f"the film {where}: {found[0]}; write its file by hand"
    return ""


def duration_text(seconds: int | None) -> str:
    """m:ss, or h:mm:ss from an hour; '' when unknown (None, or not a positive length)."""
    if seconds is None or seconds <= 0:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _description(entry: CleanEntry, title: str, contest: Contest) -> str:
    """The film's description, a few sentences; a plain line naming the contest when it has none."""
    text = excerpt_of(inert(entry.text), DESCRIPTION_LENGTH) if entry.text.strip() else ""
    if not text or is_placeholder(text):
        text = f"{title}, a film entered in {contest.name}."
    return escape_markdown(text)


def _plain_field(name: str, text: str) -> str:
    """``text`` made plain when the build's rules for VIDEO's field take it; else ''."""
    plain = inert(text)
    return plain if plain and field_flaw(VIDEO, name, plain) is None else ""


def film_text(
    entry: CleanEntry,
    contest: Contest,
    *,
    poster: str,
    posted: datetime,
    trusted: bool,
    entry_id: str,
    entrant: str = "",
) -> str:
    """The video file: every field of a contest video, the description below the header.

    ``posted`` is in the site's time zone; ``entrant`` is the name used when
    the feed gives no author (the channel's name, say). Published when the
    feed is trusted and nothing required is missing; otherwise a draft, whose
    empty fields the build's warning names.
    """
    title = film_title(entry)
    who = _plain_field("entrant", entry.author) or _plain_field("entrant", entrant)
    duration = duration_text(entry.duration)
    tags = [tag for tag in entry.tags if field_flaw(VIDEO, "tags", tag) is None and "," not in tag]
    complete = bool(title and who and duration and poster and entry.video_url)
    lines = [
        f"Title: {title}",
        f"Date: {posted:%Y-%m-%d %H:%M}",
        f"Entrant: {who}",
        f"Contest: {contest.slug}",
        f"Video-URL: {entry.video_url}",
        f"Poster: {poster}",
        f"Duration: {duration}",
        "Award: entry",
        f"Tags: {', '.join(shorten(tag, 40) for tag in tags)}",
        "Collected: yes",
        f"Entry-Id: {entry_id}",
        f"Status: {'published' if trusted and complete else 'draft'}",
    ]
    header = "\n".join(line.rstrip() for line in lines) + "\n"
    return f"{header}\n{_description(entry, title or 'This film', contest)}\n"
