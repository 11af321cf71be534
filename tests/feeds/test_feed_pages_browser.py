"""Feed pages in Debian's Chromium: the Copy button copies, no-JS selects, axe finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import served

from socialhub.urls import LOCAL_PREVIEW_URL

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["/feeds/hub/", "/feeds/blogroll/"]


@pytest.fixture(scope="module")
def site_url(sample_output: Path) -> Iterator[str]:
    """The sample hub on a local HTTP server (127.0.0.1, a free port)."""
    with served(sample_output) as url:
        yield url


def test_copy_button_copies_the_feed_address(chromium: Any, site_url: str) -> None:
    """With JavaScript, Copy puts the feed's address on the clipboard and says so."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
        page = context.new_page()
        page.goto(f"{site_url}/feeds/hub/")
        page.get_by_role("button", name="Copy Atom address").click(timeout=60_000)
        status = page.locator('[data-copy-status="feed-atom"]')
        status.filter(has_text="Copied").wait_for(timeout=60_000)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"{LOCAL_PREVIEW_URL}/feeds/hub.atom.xml"
    finally:
        context.close()


def test_without_javascript_the_address_is_selectable_text(chromium: Any, site_url: str) -> None:
    """JavaScript off: no dead Copy button; the address field selects its whole text."""
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(f"{site_url}/feeds/hub/")
        assert not page.get_by_role("button", name="Copy Atom address").is_visible()
        field = page.get_by_label("Atom address")
        assert field.is_visible() and field.is_editable() is False
        field.click()
        page.keyboard.press("Control+A")
        selected = field.evaluate("f => f.value.slice(f.selectionStart, f.selectionEnd)")
        assert selected == f"{LOCAL_PREVIEW_URL}/feeds/hub.atom.xml"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_wcag_violation(chromium: Any, site_url: str, path: str, scheme: str) -> None:
    """axe-core: no WCAG 2.2 A/AA violation on the feed pages, light and dark."""
    assert AXE.is_file(), "node_modules is missing: run npm ci"
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.goto(site_url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [f"{v['id']}: {v['help']}" for v in result["violations"]]
        assert violations == [], f"{path} in {scheme}"
        assert len(result["passes"]) >= 10
    finally:
        context.close()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_scrolls_sideways_on_a_phone(chromium: Any, site_url: str, path: str) -> None:
    """At 320 px the long feed addresses wrap or scroll inside their field, not the page."""
    context = chromium.new_context(viewport={"width": 320, "height": 700})
    try:
        page = context.new_page()
        page.goto(site_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide"
    finally:
        context.close()
