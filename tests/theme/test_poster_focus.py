"""Poster-Focus as an editor writes it, read as the CSS object-position every frame uses."""

from __future__ import annotations

import pytest

from socialhub.focus import FocusError, parse_focus


@pytest.mark.parametrize(
    ("written", "position"),
    [
        ("center", "50% 50%"),
        ("top", "50% 0%"),
        ("Bottom", "50% 100%"),
        ("left", "0% 50%"),
        ("top left", "0% 0%"),
        ("right bottom", "100% 100%"),
        ("center top", "50% 0%"),
        ("50% 20%", "50% 20%"),
        ("0% 100%", "0% 100%"),
        ("33.5% 80%", "33.5% 80%"),
        ("50%, 20%", "50% 20%"),
    ],
)
def test_a_focal_point_becomes_an_object_position(written: str, position: str) -> None:
    """Words and percentages both give x% y%, across then down."""
    assert parse_focus(written) == position


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("", "is not a focal point"),
        ("50% 20% 10%", "is not a focal point"),
        ("101% 0%", "past the picture's edge"),
        ("50px 20px", "'50px' is not a place in a picture"),
        ("top 20%", "mixes a word and a percentage"),
        ("left right", "two places on the same side"),
        ("30%", "gives one percentage"),
        ("<b>top</b>", "is not a place in a picture"),
    ],
)
def test_a_wrong_focal_point_says_what_is_wrong(written: str, says: str) -> None:
    """Each mistake gets its own message and a fix that shows the right form."""
    found = parse_focus(written)
    assert isinstance(found, FocusError)
    assert says in found.message
    assert any(example in found.fix for example in ("50% 20%", "top left", "e.g. 30% 30%"))
