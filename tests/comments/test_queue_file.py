"""The queue file's bytes: JSON indented by one space, exactly as json.dumps writes it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from socialhub.comments import indentjson
from socialhub.comments.queue import Queue, Submission

VALUES: list[Any] = [
    {},
    [],
    {"a": [], "b": {}, "c": [{}], "d": [[], [1, 2.5, None, True, False]]},
    {"text": 'quotes " and \\ back\\slash, tab\t, line\n, NUL\x00, \x1f and \u2028'},
    {"ø": "Ærlig talt, 😀 — «sitat»", "nested": {"deeper": {"deepest": ["x"]}}},
    {"floats": [0.1, -0.0, 1e300, 1e-300, 3.0, float("nan"), float("inf"), float("-inf")]},
    {"ints": [0, -1, 2**70], "tuple": (1, "two")},
    {1: "a key that is not text", None: "neither", 2.5: "nor"},
    [True, False, None, "", " ", {"k": ""}],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_text_is_json_dumps_with_indent_one(value: Any) -> None:
    assert indentjson.dumps(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_a_value_json_refuses_is_refused_the_same_way() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        indentjson.dumps({"when": object()})


def test_a_queued_submission_keeps_the_bytes_of_earlier_queue_files(tmp_path: Path) -> None:
    """A file written now and one written by the earlier encoder are the same bytes."""
    submission = Submission(
        id="c-20261204-0badcafe",
        item="first-post",
        author="Åse «Reader»",
        body='Line one\n\n> quoted "text" \\ and 😀',
        date="2026-12-04T21:00:00+01:00",
        website="https://example.org/åse",
        client="203.0.113.7",
        extra={
            "spam": {"score": 3, "likely": False, "signals": ["no form token", "2 links"]},
            "email_hash": "ab12",
        },
    )
    path = Queue(tmp_path / "queue").put(submission)
    earlier = json.dumps(asdict(submission), ensure_ascii=False, indent=1).encode("utf-8")
    assert path.read_bytes() == earlier
    assert Submission.from_json(path.read_bytes()) == submission
