"""Loading in Chromium: each picture's candidate fits its slot, and one picture comes first."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# A phone at 1.75x and a laptop at 1x, the two Lighthouse-like cases of the issue.
SCREENS = [({"width": 390, "height": 844}, 1.75), ({"width": 1366, "height": 900}, 1.0)]
# Pages whose first screen has a picture; a film file has a <video poster>, not an <img>.
FIRST_KINDS = ["hub", "post", "blogger", "follow-friday", "video-youtube", "shoutout", "contests"]
MEASURE = """image => {
  const widths = image.srcset.split(',').map(part => part.trim().split(/\\s+/));
  return {
    current: image.currentSrc,
    rendered: image.getBoundingClientRect().width,
    candidates: widths.map(([url, w]) => [new URL(url, document.baseURI).href, parseInt(w)]),
  };
}"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", ["hub", "follow-friday"])
def test_each_picture_loads_the_smallest_candidate_that_fills_its_slot(
    chromium: Any, site_url: str, kind_pages: dict[str, str], kind: str, screen: Any
) -> None:
    """currentSrc is the smallest srcset candidate at least as wide as the slot x DPR."""
    viewport, dpr = screen
    context = chromium.new_context(viewport=viewport, device_scale_factor=dpr)
    try:
        page = context.new_page()
        page.goto(site_url + kind_pages[kind])
        images = page.locator("img[srcset]")
        assert images.count() >= 3
        wrong: list[str] = []
        for index in range(images.count()):
            image = images.nth(index)
            image.scroll_into_view_if_needed()
            page.wait_for_function(
                "image => image.complete && image.currentSrc", arg=image.element_handle()
            )
            seen = image.evaluate(MEASURE)
            needed = seen["rendered"] * dpr
            widths = dict(seen["candidates"])
            fitting = sorted(w for w in widths.values() if w >= needed - 1)
            # The picture's own width is the last resort when no thumbnail is wide enough.
            best = fitting[0] if fitting else max(widths.values())
            got = widths.get(seen["current"])
            if got != best:
                wrong.append(f"{seen['current']}: {got}w for {needed:.0f}px, wanted {best}w")
        assert wrong == [], f"{kind_pages[kind]} at {viewport['width']}px x{dpr}"
    finally:
        context.close()


@pytest.mark.parametrize("kind", FIRST_KINDS)
def test_one_picture_per_page_is_fetched_first(
    chromium: Any, site_url: str, kind_pages: dict[str, str], kind: str
) -> None:
    """Exactly one image has fetchpriority=high, it is not lazy, and it is in the first screen."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(site_url + kind_pages[kind])
        first = page.locator('img[fetchpriority="high"]')
        assert first.count() == 1, kind_pages[kind]
        assert first.get_attribute("loading") is None
        top = first.evaluate("image => image.getBoundingClientRect().top")
        assert top < 844, "the picture fetched first is below the first screen"
    finally:
        context.close()
