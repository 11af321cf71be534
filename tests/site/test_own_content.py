"""The hub's own content/ builds with the project's settings, whatever it holds.

Nothing here asserts what content/ contains: the tests that do build the sample
under tests/data/sites/sample/. To check the links and the HTML of your own
site, run `invoke build` then `invoke check`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.mark.skipif(
    not any(CONTENT.rglob("*.md")), reason="this checkout has no content/ of its own"
)
def test_the_hubs_own_content_builds(build: Callable[..., Path]) -> None:
    """content/ builds without a content error, into a site with a home page and a hub."""
    output = build(CONTENT)
    assert (output / "index.html").is_file()
    assert (output / "hub" / "index.html").is_file()
