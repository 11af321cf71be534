"""A collected #FF post → the text of a shout-out file (content/follow-friday/), or why not.

Every text the file gets passes the field rules the build applies
(``fieldrules``), so that the build never refuses what the collector wrote:
a text that would break one is replaced by a plain one made from the handles.
What the build would still leave out (a picture without alt text, an
untrusted feed) is written as a draft, for an editor to finish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from socialhub.collect.clean import CleanEntry, inert
from socialhub.collect.inline import image_markdown
from socialhub.collect.write import problems_in
from socialhub.fieldrules import field_flaw
from socialhub.kinds import FOLLOW_FRIDAY
from socialhub.text import shorten

FRIDAY = 4  # date.weekday() of a Friday
TITLE_NAMES = 3  # handles named in a title; the others are counted
TITLE_LENGTH = 90
CAPTION_LENGTH = 280
TAGS = "follow friday"
_UTC = ZoneInfo("UTC")  # for checking a text: its dates are written as dates, not times
_A_FRIDAY = datetime(2026, 11, 20, tzinfo=_UTC)  # any Friday: refusal checks the texts, not dates

# Why spelled out: strftime's %A and %B follow the machine's locale, and the
# note must read the same on every machine that runs the collector.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# The hashtags that end a post (``… thank you! #FF #FollowFriday``).
_TRAILING_HASHTAGS = re.compile(r"(?:\s*#[^\s#]+)+\s*$")


@dataclass(frozen=True)
class Picture:
    """A picture of the post, saved under content/: its site path, and its alt text."""

    site_path: str  # such as /images/follow-friday/2026-11-20-nina.png
    alt: str  # "" when the source gave none


def is_shout_out(entry: CleanEntry, tags: tuple[str, ...]) -> bool:
    """True when one of the post's hashtags is one of ``tags`` (case-insensitive, '#' optional)."""
    wanted = {tag.strip().lstrip("#").casefold() for tag in tags if tag.strip().lstrip("#")}
    return any(hashtag.lstrip("#").casefold() in wanted for hashtag in entry.hashtags)


def friday_of(day: date) -> date:
    """The Friday of the week (Monday to Sunday) that ``day`` is in."""
    return day + timedelta(days=FRIDAY - day.weekday())


def not_friday_note(posted: datetime) -> str:
    """'Posted on Wednesday 18 November.' for a post not made on a Friday; '' for one that was."""
    if posted.weekday() == FRIDAY:
        return ""
    return f"Posted on {_DAYS[posted.weekday()]} {posted.day} {_MONTHS[posted.month - 1]}."


def refusal(entry: CleanEntry) -> str:
    """Why no shout-out file can be written for this post; '' when one can.

    Why so little is refused: every text is made to fit its field, and what
    the build would leave out is written as a draft. But the people thanked are
    what a shout-out is, and the build requires at least one handle.
    """
    where = entry.link or entry.id
    if not entry.mentions:
        return f"the post {where} mentions no one, and a shout-out needs at least one handle"
    text = shout_out_text(entry, [], posted=_A_FRIDAY, trusted=False, entry_id=entry.id or "x")
    found = [
        problem
        for problem in problems_in(text, Path("content/follow-friday/x.md"), _UTC, FOLLOW_FRIDAY)
        if not problem.startswith(("images:", "status:"))
    ]
    if found:
        return f"the post {where}: {found[0]}; write its file by hand"
    return ""


def handles_of(entry: CleanEntry) -> tuple[str, ...]:
    """The post's mentions, each once, in the order the post gives them."""
    return tuple(dict.fromkeys(entry.mentions))


def _names(handles: tuple[str, ...]) -> str:
    """'nina', 'nina and tomas', 'nina, tomas and lea', 'nina, tomas, lea and 2 more'."""
    names = [handle.lstrip("@").split("@", 1)[0] for handle in handles]
    shown, more = names[:TITLE_NAMES], len(names) - TITLE_NAMES
    if more > 0:
        return f"{', '.join(shown)} and {more} more"
    if len(shown) > 1:
        return f"{', '.join(shown[:-1])} and {shown[-1]}"
    return "".join(shown)


def _fit(name: str, text: str, fallback: str) -> str:
    """``text`` made plain, when the build's rules for the field take it; else ``fallback``."""
    plain = inert(text)
    if plain and field_flaw(FOLLOW_FRIDAY, name, plain) is None:
        return plain
    return fallback


def shout_out_title(entry: CleanEntry) -> str:
    """'#FF: nina and tomas' from the handles; else the post's first words; never empty."""
    if entry.mentions:
        return _fit("title", shorten(f"#FF: {_names(handles_of(entry))}", TITLE_LENGTH), "#FF")
    words = shorten(inert(entry.title or entry.text), TITLE_LENGTH - 5)
    return _fit("title", f"#FF: {words}" if words else "", "#FF")


def caption_of(entry: CleanEntry, posted: datetime) -> str:
    """The post's words without the hashtags that end it, and the note when not on a Friday."""
    names = _names(handles_of(entry)) or "the people we follow"
    fallback = f"Follow Friday: {names}."
    words = _TRAILING_HASHTAGS.sub("", inert(entry.text)).strip()
    caption = _fit("caption", shorten(words, CAPTION_LENGTH), fallback)
    note = not_friday_note(posted)
    if not note:
        return caption
    # Why a full stop: the note is a sentence of its own after the post's words.
    ends = caption.rstrip()[-1:] in (".", "!", "?", "…")
    return f"{caption}{'' if ends else '.'} {note}"


def shout_out_text(
    entry: CleanEntry,
    pictures: list[Picture],
    *,
    posted: datetime,
    trusted: bool,
    entry_id: str,
) -> str:
    """The shout-out file: header, then one Markdown image per picture.

    Published only when the feed is trusted and every picture has alt text;
    a picture without it is written with empty alt text, so that the build
    names it in the draft's warning, for an editor to describe.
    """
    title = shout_out_title(entry)
    # Why the alt texts as written: one of control characters only is empty in the file.
    alts = [inert(picture.alt) for picture in pictures]
    publishable = trusted and bool(pictures) and all(alts)
    lines = [
        f"Title: {title}",
        f"Date: {friday_of(posted.date()):%Y-%m-%d}",
        f"Handles: {', '.join(handles_of(entry))}",
        f"Caption: {caption_of(entry, posted)}",
        f"Original-URL: {entry.link}",
        f"Tags: {TAGS}",
        "Collected: yes",
        f"Entry-Id: {entry_id}",
        f"Status: {'published' if publishable else 'draft'}",
    ]
    text = "\n".join(line.rstrip() for line in lines) + "\n"
    caption = title.removeprefix("#FF: ")
    images = [
        image_markdown(
            picture.site_path,
            alt,
            caption if len(pictures) == 1 else f"{caption} ({number} of {len(pictures)})",
        )
        for number, (picture, alt) in enumerate(zip(pictures, alts, strict=True), start=1)
    ]
    if images:
        text += "\n" + "\n\n".join(images) + "\n"
    return text
