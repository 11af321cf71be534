"""The queue file's bytes: JSON indented by one space, as every earlier queue file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from socialhub.comments.queue import Queue, Submission


def test_a_queued_submission_keeps_the_bytes_of_earlier_queue_files(tmp_path: Path) -> None:
    """A file written now has the bytes of json.dumps(indent=1), as earlier files did."""
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
