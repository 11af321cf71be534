"""The film on this site shows its captions in a real browser, and axe sees them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FILM = "/videos/the-last-ferry/"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_the_film_has_a_showing_english_caption_track_that_axe_accepts(
    chromium: Any, site_url: str
) -> None:
    """Chromium lists one English captions track, shown by default; axe's video-caption passes."""
    assert AXE.is_file(), "node_modules is missing: run npm ci"
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + FILM)
        tracks = page.evaluate(
            "Array.from(document.querySelector('video').textTracks)"
            ".map(t => [t.kind, t.language, t.label, t.mode])"
        )
        assert tracks == [["captions", "en", "English", "showing"]]
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'rule', values: ['video-caption']}})"
        )
        assert [rule["id"] for rule in result["passes"]] == ["video-caption"]
        assert result["incomplete"] == []
        assert result["violations"] == []
    finally:
        context.close()
