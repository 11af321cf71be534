"""What a reader notices in a browser: the phone menu, the skip link, focus rings, form fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
]

PHONE_WIDTHS = [320, 360, 390, 414]
# Why wider ones too: the menu must hold from 320 px up, across the switch to the desktop layout.
MENU_WIDTHS = [*PHONE_WIDTHS, 480, 600, 768, 1024]
# Why a margin: the focus ring is a 3 px outline drawn 2 px outside the link's box.
RING = 5
SHOTS = [(width, scheme) for width in (320, 390, 1366) for scheme in ("light", "dark")]
SHOT_PAGES = ["hub", "bloggers", "blogger", "featured", "shoutout", "post"]

# Where the focused element is, whether every clipping ancestor shows it whole, and what is on top.
FOCUSED_BOX = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const clipped = [];
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const style = getComputedStyle(p);
    const masked = (style.maskImage || style.webkitMaskImage || 'none') !== 'none';
    if (style.overflowX !== 'visible' || style.overflowY !== 'visible' || masked) {
      const c = p.getBoundingClientRect();
      clipped.push({name: p.className || p.tagName, masked,
                    left: c.left, right: c.right, top: c.top, bottom: c.bottom});
    }
  }
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {text: el.textContent.trim(), href: el.getAttribute('href'),
          left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          width: window.innerWidth, height: window.innerHeight, clipped,
          on_top: hit === el || el.contains(hit)};
}"""


@pytest.fixture
def phone(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh context as wide as the test's phone."""
    context = chromium.new_context(viewport={"width": request.param, "height": 740})
    try:
        yield context.new_page()
    finally:
        context.close()


def _tab_to(page: Any, selector: str, limit: int = 40) -> dict[str, Any]:
    """Press Tab until an element matching the selector has focus; return its box."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return dict(page.evaluate(FOCUSED_BOX))
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("phone", MENU_WIDTHS, indirect=True, ids=lambda w: f"{w}px")
def test_every_main_menu_item_is_fully_visible_when_focused(phone: Any, site_url: str) -> None:
    """Tabbing through the main menu from 320 px up shows each item whole, ring included."""
    phone.goto(site_url + "/")
    items = phone.locator("nav.site-nav a")
    count = items.count()
    assert count == 6
    seen: list[str] = []
    box = _tab_to(phone, "nav.site-nav a")
    while True:
        name = box["text"]
        seen.append(name)
        assert box["left"] - RING >= 0, f"{name} starts off screen: {box}"
        assert box["right"] + RING <= box["width"], f"{name} ends off screen: {box}"
        assert box["top"] - RING >= 0 and box["bottom"] + RING <= box["height"], box
        for clip in box["clipped"]:
            assert not clip["masked"], f"{name} is faded by {clip['name']}"
            assert clip["left"] <= box["left"] - RING and box["right"] + RING <= clip["right"], (
                f"{name} is cut off by {clip['name']}: {box}"
            )
        assert box["on_top"], f"{name} is covered by something else"
        phone.keyboard.press("Tab")
        if not phone.evaluate("document.activeElement.matches('nav.site-nav a')"):
            break
        box = dict(phone.evaluate(FOCUSED_BOX))
    assert seen == ["Hub", "News", "Bloggers", "#FF", "Contests", "Feeds"]


@pytest.mark.parametrize("width", [320, 1366])
def test_focused_skip_link_leaves_the_logo_uncovered(
    chromium: Any, site_url: str, width: int
) -> None:
    """The skip link, once focused, is visible and overlaps neither the logo nor the site name."""
    context = chromium.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('skip-link')")
        skip = page.locator(".skip-link").bounding_box()
        assert skip is not None and skip["height"] > 10 and skip["y"] >= 0
        for part in (".brand__logo", ".brand__name"):
            other = page.locator(part).bounding_box()
            assert other is not None
            apart = (
                skip["x"] + skip["width"] <= other["x"]
                or other["x"] + other["width"] <= skip["x"]
                or skip["y"] + skip["height"] <= other["y"]
                or other["y"] + other["height"] <= skip["y"]
            )
            assert apart, f"the skip link {skip} covers {part} {other}"
    finally:
        context.close()


def test_card_title_focus_ring_outlines_the_title(chromium: Any, site_url: str) -> None:
    """A focused card title draws its ring around the title link, and the card has none."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "/")
        box = _tab_to(page, ".card__title a", limit=80)
        ring = page.evaluate(
            """() => {
              const a = document.activeElement, card = a.closest('.card');
              const own = getComputedStyle(a), after = getComputedStyle(a, '::after');
              const r = a.getBoundingClientRect(), c = card.getBoundingClientRect();
              return {style: own.outlineStyle, width: parseFloat(own.outlineWidth),
                      after: after.outlineStyle, card: getComputedStyle(card).outlineStyle,
                      title_h: r.height, card_h: c.height, title_w: r.width, card_w: c.width};
            }"""
        )
    finally:
        context.close()
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    assert ring["after"] == "none" and ring["card"] == "none", ring
    assert ring["title_h"] < ring["card_h"] / 2, f"the outlined box is the card's: {box} {ring}"


def test_comment_form_fields_fill_their_form(
    chromium: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """On desktop every text field of the comment form is as wide as the form's content box."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + kind_pages["post"])
        widths = page.evaluate(
            """() => {
              const form = document.querySelector('form.comment-form');
              const style = getComputedStyle(form);
              const inner = form.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
              return {inner, fields: Array.from(form.querySelectorAll(
                '.field input:not([type=checkbox]):not([type=radio]), .field textarea'))
                .filter(f => f.offsetParent !== null)
                .map(f => [f.name, f.getBoundingClientRect().width])};
            }"""
        )
    finally:
        context.close()
    assert widths["fields"], "the comment form has no visible text field"
    for name, width in widths["fields"]:
        assert width >= widths["inner"] - 2, f"{name} is {width}px in a {widths['inner']}px form"


def test_button_arrow_stays_with_the_last_word(
    chromium: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """At 320 px the ↗ of an outgoing button shares its line with the word before it."""
    context = chromium.new_context(viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        lines = []
        for kind in ("featured", "blogger", "shoutout"):
            page.goto(site_url + kind_pages[kind])
            lines.append(
                page.evaluate(
                    """() => {
                      const arrow = document.querySelector('a.button span[aria-hidden="true"]');
                      const label = arrow.parentElement;
                      const text = Array.from(label.childNodes).find(n => n.nodeType === 3);
                      const range = document.createRange();
                      const end = text.textContent.trimEnd().length;
                      range.setStart(text, end - 1);
                      range.setEnd(text, end);
                      const word = range.getBoundingClientRect(), a = arrow.getBoundingClientRect();
                      return [Math.abs(word.top - a.top), word.height];
                    }"""
                )
            )
    finally:
        context.close()
    for apart, height in lines:
        assert apart < height / 2, lines


def test_blogger_name_links_look_like_links(chromium: Any, site_url: str) -> None:
    """A blogger's name on the bloggers page is underlined or link-coloured, unlike a heading."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_url + "/bloggers/")
        look = page.evaluate(
            """() => {
              const a = document.querySelector('.blogger-card__name a');
              const h = getComputedStyle(a.parentElement), s = getComputedStyle(a);
              return {line: s.textDecorationLine, color: s.color, heading: h.color};
            }"""
        )
    finally:
        context.close()
    assert "underline" in look["line"] or look["color"] != look["heading"], look


@pytest.mark.parametrize("shot", SHOTS, ids=[f"{width}-{scheme}" for width, scheme in SHOTS])
def test_polish_screenshots(
    chromium: Any,
    site_url: str,
    kind_pages: dict[str, str],
    screenshots: Path,
    shot: tuple[int, str],
) -> None:
    """Screenshots with the skip link, a menu item and a card title focused (test artefacts)."""
    width, scheme = shot
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(site_url + "/")
        page.keyboard.press("Tab")
        page.screenshot(path=str(screenshots / f"polish-skip-link-{width}-{scheme}.png"))
        _tab_to(page, "nav.site-nav a[href$='/feeds/']")
        page.screenshot(path=str(screenshots / f"polish-menu-feeds-{width}-{scheme}.png"))
        _tab_to(page, ".card__title a", limit=80)
        page.screenshot(path=str(screenshots / f"polish-card-title-{width}-{scheme}.png"))
        for kind in SHOT_PAGES:
            page.goto(site_url + kind_pages[kind])
            target = screenshots / f"polish-{kind}-{width}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
    finally:
        context.close()
