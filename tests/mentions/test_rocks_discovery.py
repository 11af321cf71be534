"""Endpoint discovery against the 23 discovery cases of webmention.rocks, on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rocks_server import EXPECTED, Rocks, rocks_server

from socialhub.mentions.discovery import Limits, discover
from socialhub.mentions.sender import SENT, send

LOOPBACK = Limits(timeout=10, max_bytes=1_000_000, allow_private=True)
SOURCE = "https://hub.example/posts/hello/"


@pytest.fixture(scope="module")
def rocks() -> Iterator[Rocks]:
    """The suite, served once for these tests."""
    with rocks_server() as served:
        yield served


@pytest.mark.parametrize("number", range(1, 24))
def test_discovery_case(rocks: Rocks, number: int) -> None:
    """The endpoint found is the case's, and the Webmention arrives there, source and target."""
    target = f"{rocks.base}/test/{number}" + ("/page" if number == 23 else "")
    found = discover(target, LOOPBACK)
    expected = EXPECTED[number].format(key=rocks.last_key)
    assert found == f"{rocks.base}{expected}"
    before = len(rocks.posts)
    result = send(SOURCE, target, LOOPBACK)
    assert result.status == SENT, result.detail
    arrived = rocks.posts[before:]
    assert len(arrived) == 1
    path, form = arrived[0]
    assert path == EXPECTED[number].format(key=rocks.last_key)
    assert form == {"source": [SOURCE], "target": [target]}


def test_loopback_is_refused_without_the_setting(rocks: Rocks) -> None:
    """In production a page on a private address is never read, and nothing is posted."""
    before = len(rocks.posts)
    result = send(SOURCE, f"{rocks.base}/test/1", Limits(timeout=5, allow_private=False))
    assert result.status == "failed"
    assert "not on the public internet" in result.detail
    assert len(rocks.posts) == before
