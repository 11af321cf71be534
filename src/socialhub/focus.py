"""A poster's focal point: the part of the picture a frame keeps in sight when it crops it.

An editor writes ``Poster-Focus: 50% 20%`` (across, then down) or a word
(``top``, ``center``, ``bottom``, ``left``, ``right``, or two of them such as
``top left``). The build turns it into a CSS ``object-position`` value that
every frame showing the poster uses (cards, the contests page, the film's page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CENTER = "50% 50%"
# Across (x) or down (y), and where on that axis.
_WORDS: dict[str, tuple[str, int]] = {
    "left": ("x", 0),
    "right": ("x", 100),
    "top": ("y", 0),
    "bottom": ("y", 100),
}
_PERCENT = re.compile(r"^(\d{1,3}(?:\.\d+)?)%$")
EXAMPLES = "50% 20% (across, then down, each from 0% to 100%), or top, center or bottom"


@dataclass(frozen=True)
class FocusError:
    """What is wrong with a focal point, in an editor's words."""

    message: str
    fix: str = f"write two percentages such as {EXAMPLES}"


def parse_focus(text: str) -> str | FocusError:
    """The CSS object-position of a focal point as written, or what is wrong with it."""
    words = text.lower().replace(",", " ").split()
    if not words or len(words) > 2:
        return FocusError(f"'{text}' is not a focal point")
    if all(_PERCENT.match(word) for word in words):
        return _percentages(text, words)
    return _keywords(text, words)


def _percentages(text: str, words: list[str]) -> str | FocusError:
    if len(words) == 1:
        return FocusError(
            f"'{text}' gives one percentage; a focal point needs two",
            f"add how far down it is, e.g. {words[0]} 30%",
        )
    numbers = []
    for word in words:
        match = _PERCENT.match(word)
        assert match is not None  # checked by the caller
        number = float(match[1])
        if number > 100:
            return FocusError(
                f"{word} is past the picture's edge",
                f"use percentages from 0% to 100%, such as {EXAMPLES}",
            )
        numbers.append(number)
    return " ".join(f"{number:g}%" for number in numbers)


def _keywords(text: str, words: list[str]) -> str | FocusError:
    place = {"x": 50, "y": 50}
    seen: set[str] = set()
    for word in words:
        if _PERCENT.match(word):
            return FocusError(
                f"'{text}' mixes a word and a percentage",
                f"write two percentages or one or two words, such as {EXAMPLES}",
            )
        if word in ("center", "centre", "middle"):
            continue
        if word not in _WORDS:
            return FocusError(f"'{word}' is not a place in a picture")
        axis, value = _WORDS[word]
        if axis in seen:
            return FocusError(
                f"'{text}' names two places on the same side",
                "name at most one of top/bottom and one of left/right, such as top left",
            )
        seen.add(axis)
        place[axis] = value
    return f"{place['x']}% {place['y']}%"
