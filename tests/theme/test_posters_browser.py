"""Posters in Chromium: no play button or badge over a poster's title, no title cropped away.

Screenshots of the main pages at 320, 390 and 1366 px, light and dark, are written
to test-artifacts/screenshots/ (posters-<page>-<width>-<scheme>.png) to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTHS = (320, 390, 1366)
SCHEMES = ("light", "dark")
SHOTS = [(width, scheme) for width in WIDTHS for scheme in SCHEMES]
SHOT_IDS = [f"{width}-{scheme}" for width, scheme in SHOTS]
PAGES = ("hub", "featured", "follow-friday", "video-youtube", "contests", "feeds")
# Where each sample poster (tests/data/sites/sample/content/images/posters/) prints its
# title and byline, as fractions of the picture: left, top, right, bottom. Measured on
# the pictures: white text in the dark strip along the bottom, from the left edge.
TITLES = {
    "breath-clouds": (0.04, 0.84, 0.33, 0.97),
    "first-frost": (0.04, 0.84, 0.25, 0.97),
    "harbour-lights": (0.04, 0.84, 0.35, 0.97),
    "moth-and-lamp": (0.04, 0.84, 0.36, 0.97),
    "neon-rain": (0.04, 0.84, 0.26, 0.97),
    "snow-on-the-quay": (0.04, 0.84, 0.41, 0.97),
    "the-last-ferry": (0.04, 0.84, 0.33, 0.97),
    "tram-at-midnight": (0.04, 0.84, 0.39, 0.97),
}
# Each shown poster: its frame (the img box, clipped by its rounded parent), where the
# picture is drawn inside it (object-fit and object-position resolved), and the boxes
# of what is laid over it (the play button, the film's length).
POSTERS = """() => {
  const posters = [];
  for (const img of document.querySelectorAll(
      '.card--video .card__media img, .contest-card__media img, .facade img')) {
    const frame = img.getBoundingClientRect();
    if (!frame.width || !img.naturalWidth) continue;
    const style = getComputedStyle(img);
    const fit = style.objectFit;
    const scale = fit === 'contain'
      ? Math.min(frame.width / img.naturalWidth, frame.height / img.naturalHeight)
      : Math.max(frame.width / img.naturalWidth, frame.height / img.naturalHeight);
    const drawn = [img.naturalWidth * scale, img.naturalHeight * scale];
    const [px, py] = style.objectPosition.split(' ').map((part, axis) => part.endsWith('%')
      ? (frame[axis ? 'height' : 'width'] - drawn[axis]) * parseFloat(part) / 100
      : parseFloat(part));
    const holder = img.closest('.card__media, .contest-card__media, .facade');
    const laid = '.card__play, .card__duration, .facade__button, .facade__duration';
    const over = [...holder.querySelectorAll(laid)].map(el => {
      const r = el.getBoundingClientRect();
      return {name: el.className, box: [r.left, r.top, r.right, r.bottom]}; });
    posters.push({
      src: img.currentSrc,
      frame: [frame.left, frame.top, frame.right, frame.bottom],
      picture: [frame.left + px, frame.top + py,
                frame.left + px + drawn[0], frame.top + py + drawn[1]],
      position: style.objectPosition,
      over,
    });
  }
  return posters;
}"""


def _poster_name(src: str) -> str:
    """The sample poster a picture (or one of its thumbnails) was made from."""
    for name in TITLES:
        if name in src.rsplit("/", 1)[-1]:
            return name
    raise AssertionError(f"{src} is not one of the sample posters")


def _region(picture: list[float], fractions: tuple[float, ...]) -> list[float]:
    """A box given in fractions of a picture, in page pixels."""
    left, top, right, bottom = picture
    width, height = right - left, bottom - top
    x0, y0, x1, y1 = fractions
    return [left + x0 * width, top + y0 * height, left + x1 * width, top + y1 * height]


def _overlap(a: list[float], b: list[float]) -> bool:
    """True when two boxes share more than a pixel's sliver."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


def _inside(inner: list[float], outer: list[float]) -> bool:
    """True when ``inner`` lies within ``outer`` (half a pixel of rounding allowed)."""
    return (
        inner[0] >= outer[0] - 0.5
        and inner[1] >= outer[1] - 0.5
        and inner[2] <= outer[2] + 0.5
        and inner[3] <= outer[3] + 0.5
    )


def _focus_point(poster: dict[str, Any]) -> list[float]:
    """The poster's focal point in page pixels, from its object-position percentages."""
    left, top, right, bottom = poster["picture"]
    fx, fy = (float(part.rstrip("%")) / 100 for part in poster["position"].split())
    x, y = left + fx * (right - left), top + fy * (bottom - top)
    return [x, y, x, y]


@pytest.mark.parametrize("shot", SHOTS, ids=SHOT_IDS)
@pytest.mark.parametrize("kind", ["hub", "video-youtube", "contests", "contest"])
def test_nothing_covers_or_crops_a_posters_title(
    chromium: Any, site_url: str, kind_pages: dict[str, str], kind: str, shot: tuple[int, str]
) -> None:
    """The play button and the length badge miss the title; the title and focus stay in frame."""
    width, scheme = shot
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        page.goto(site_url + kind_pages[kind])
        # Lazy pictures load once near the screen: scroll each in, then wait for all.
        for image in page.locator("img").all():
            image.scroll_into_view_if_needed()
        page.wait_for_function(
            "[...document.images].every(image => image.complete && image.naturalWidth)",
            timeout=60_000,
        )
        posters = page.evaluate(POSTERS)
        assert posters, f"no poster on {kind_pages[kind]}"
        wrong: list[str] = []
        for poster in posters:
            name = _poster_name(poster["src"])
            title = _region(poster["picture"], TITLES[name])
            if not _inside(title, poster["frame"]):
                wrong.append(f"{name}: the frame crops its title")
            if not _inside(_focus_point(poster), poster["frame"]):
                wrong.append(f"{name}: the frame crops its focal point {poster['position']}")
            for laid in poster["over"]:
                if _overlap(laid["box"], title):
                    wrong.append(f"{name}: {laid['name']} covers its title")
        assert wrong == [], f"{kind_pages[kind]} at {width}px, {scheme}"
        if kind != "contests":  # its posters stand for a contest, with nothing laid over them
            names = {laid["name"] for poster in posters for laid in poster["over"]}
            assert names & {"card__play", "facade__button"}, "no play button was measured"
    finally:
        context.close()


@pytest.mark.parametrize("shot", SHOTS, ids=SHOT_IDS)
def test_screenshots_of_the_main_pages(
    chromium: Any,
    site_url: str,
    kind_pages: dict[str, str],
    screenshots: Path,
    shot: tuple[int, str],
) -> None:
    """A full-page screenshot of each main page, every picture loaded."""
    width, scheme = shot
    context = chromium.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        for kind in PAGES:
            page.goto(site_url + kind_pages[kind])
            for image in page.locator("img").all():
                image.scroll_into_view_if_needed()
            page.wait_for_function(
                "[...document.images].every(image => image.complete)", timeout=60_000
            )
            page.evaluate("window.scrollTo(0, 0)")
            target = screenshots / f"posters-{kind}-{width}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000, f"{target.name} is blank"
    finally:
        context.close()


def test_the_play_button_is_a_big_enough_part_of_a_named_link(chromium: Any, site_url: str) -> None:
    """Pressing a card's play button follows the film's link, named by the film's title."""
    context = chromium.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "/hub/videos/")
        button = page.locator(".card--video .card__play").first
        box = button.bounding_box()
        assert box is not None
        assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.2 target size (minimum)
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        link = page.evaluate(
            "([x, y]) => { const a = document.elementFromPoint(x, y).closest('a');"
            " return a && {href: a.href, name: a.textContent.trim()}; }",
            list(centre),
        )
        card = button.locator("xpath=ancestor::article")
        title = card.locator(".card__title a")
        assert link is not None, "the play button leads nowhere"
        assert link["href"] == title.evaluate("a => a.href")
        assert link["name"] == title.inner_text().strip() != ""
    finally:
        context.close()
