"""The theme in a real browser (Debian's Chromium): accessibility, privacy, no-JS, screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KINDS = [
    "hub",
    "hub-filter",
    "hub-page-2",
    "post",
    "bloggers",
    "blogger",
    "featured",
    "follow-friday",
    "shoutout",
    "contests",
    "contest",
    "video-youtube",
    "video-vimeo",
    "video-file",
    "tags",
    "tag",
    "feeds",
    "404",
]
PLAYERS = {"video-youtube": "www.youtube-nocookie.com", "video-vimeo": "player.vimeo.com"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
]


@pytest.fixture
def context(chromium: Any) -> Iterator[Any]:
    """A fresh browser context (no shared cache or storage), closed after the test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


def _load_everything(page: Any) -> None:
    """Scroll down the page step by step so that lazy pictures load too, then back to the top."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for top in range(0, height, 700):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(20)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_wcag_violation(
    context: Any, site_url: str, kind_pages: dict[str, str], kind: str, scheme: str
) -> None:
    """axe-core reports no WCAG 2.2 A/AA violation on a page of each kind, in each scheme."""
    assert AXE.is_file(), "node_modules is missing: run npm ci"
    page = context.new_page()
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto(site_url + kind_pages[kind])
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], f"{kind_pages[kind]} in {scheme}"
    assert len(result["passes"]) >= 10, "axe ran too few rules to be trusted"


def test_no_request_leaves_the_site(
    context: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """Loading a page of every kind requests nothing from any host but the local server."""
    hosts: dict[str, set[str]] = {}
    page = context.new_page()
    page.on(
        "request",
        lambda request: hosts.setdefault(urlsplit(request.url).netloc, set()).add(request.url),
    )
    for kind in KINDS:
        page.goto(site_url + kind_pages[kind])
        _load_everything(page)
    local = urlsplit(site_url).netloc
    assert set(hosts) == {local}, {host: sorted(urls)[:3] for host, urls in hosts.items()}
    assert any(url.endswith(".webp") for url in hosts[local]), "thumbnails were not used"


@pytest.mark.parametrize("kind", sorted(PLAYERS))
def test_play_loads_only_the_privacy_enhanced_player(
    context: Any, site_url: str, kind_pages: dict[str, str], kind: str
) -> None:
    """Pressing play swaps the poster for the player from the privacy-enhanced host only."""
    local = urlsplit(site_url).netloc
    outside: list[str] = []

    def answer(route: Any) -> None:
        # Why a stub: the test must not depend on the network; what matters is what was asked.
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.fulfill(
                status=200, content_type="text/html", body="<!DOCTYPE html><title>player</title>"
            )

    context.route("**/*", answer)
    page = context.new_page()
    page.goto(site_url + kind_pages[kind])
    _load_everything(page)
    assert outside == []
    assert page.locator("iframe").count() == 0
    page.locator("a.facade").click()
    frame = page.locator(".player iframe")
    frame.wait_for()
    page.wait_for_load_state("networkidle")
    assert {urlsplit(url).netloc for url in outside} == {PLAYERS[kind]}
    src = frame.get_attribute("src") or ""
    assert urlsplit(src).netloc == PLAYERS[kind]
    if kind == "video-vimeo":
        assert "dnt=1" in src
    assert frame.get_attribute("title")


@pytest.fixture
def no_js(chromium: Any) -> Iterator[Any]:
    """A browser context with JavaScript turned off."""
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 800}
    )
    try:
        yield context
    finally:
        context.close()


@pytest.mark.parametrize("kind", KINDS)
def test_pages_work_without_javascript(
    no_js: Any, site_url: str, kind_pages: dict[str, str], kind: str
) -> None:
    """With JavaScript off every page shows its heading, content and navigation, and links work."""
    page = no_js.new_page()
    page.goto(site_url + kind_pages[kind])
    assert page.locator("h1").first.is_visible()
    assert len(page.locator("main").inner_text().strip()) > 40
    nav = page.get_by_role("navigation", name="Main")
    assert nav.is_visible()
    nav.get_by_role("link", name="Bloggers").click()
    page.wait_for_url(f"{site_url}/bloggers/")
    assert page.locator("h1").inner_text() == "Featured bloggers"


def test_section_roots_lead_to_the_hub_filter_without_javascript(no_js: Any, site_url: str) -> None:
    """/posts/ and /videos/ on a plain static server end on the hub's filter, JavaScript off."""
    page = no_js.new_page()
    for section, heading in (("posts", "News"), ("videos", "Films")):
        page.goto(f"{site_url}/{section}/")
        page.wait_for_url(f"{site_url}/hub/{section}/")
        assert page.locator("h1").inner_text() == heading


def test_hub_filters_and_pagination_are_plain_links(no_js: Any, site_url: str) -> None:
    """The kind filter and the pages of the hub work by following links, without JavaScript."""
    page = no_js.new_page()
    page.goto(site_url + "/hub/")
    page.get_by_role("navigation", name="Show only").get_by_role("link", name="Films").click()
    page.wait_for_url(f"{site_url}/hub/videos/")
    assert page.locator(".card--video").count() > 0
    assert page.locator(".card:not(.card--video)").count() == 0
    page.goto(site_url + "/hub/")
    page.get_by_role("link", name="Older").click()
    page.wait_for_url(f"{site_url}/hub/page/2/")


def test_video_without_javascript_links_to_its_site(
    no_js: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """Without JavaScript the play button is a link to the video's own page, nothing is embedded."""
    page = no_js.new_page()
    page.goto(site_url + kind_pages["video-youtube"])
    href = page.locator("a.facade").get_attribute("href") or ""
    assert href.startswith("https://www.youtube.com/watch?v=")
    assert page.locator("iframe").count() == 0
    page.goto(site_url + kind_pages["video-file"])
    video = page.locator("video")
    assert video.get_attribute("preload") == "none"
    assert (video.get_attribute("poster") or "").startswith("/")


def test_comment_notice_shows_without_javascript(
    no_js: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """The 'awaiting moderation' notice is hidden, and shows at #comment-pending without JS."""
    page = no_js.new_page()
    page.goto(site_url + kind_pages["post"])
    assert not page.locator("#comment-pending").is_visible()
    assert page.locator("#comment-form").is_visible()
    page.goto(site_url + kind_pages["post"] + "#comment-pending")
    assert page.locator("#comment-pending").is_visible()


def test_comment_notice_and_reply_with_javascript(
    context: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """?comment=pending shows the notice; a reply link picks the comment in the form."""
    page = context.new_page()
    page.goto(site_url + kind_pages["post"] + "?comment=pending#comments")
    assert page.locator("#comment-pending").is_visible()
    reply = page.locator("a[data-reply-to]").last
    wanted = reply.get_attribute("data-reply-to")
    reply.click()
    assert page.locator("#comment-reply-to").input_value() == wanted
    assert page.evaluate("document.activeElement.id") == "comment-body"


SCREENSHOT_PAGES = ["hub", "blogger", "follow-friday", "contest", "video-youtube", "post"]


SHOTS = [(width, scheme) for width in (375, 1280) for scheme in ("light", "dark")]


@pytest.mark.parametrize("shot", SHOTS, ids=[f"{width}-{scheme}" for width, scheme in SHOTS])
def test_screenshots(
    chromium: Any,
    site_url: str,
    kind_pages: dict[str, str],
    screenshots: Path,
    shot: tuple[int, str],
) -> None:
    """Full-page screenshots of the main pages at phone and desktop widths (test artefacts)."""
    width, scheme = shot
    context = chromium.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        for kind in SCREENSHOT_PAGES:
            page.goto(site_url + kind_pages[kind])
            _load_everything(page)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{kind} scrolls sideways by {overflow}px at {width}px"
            target = screenshots / f"{kind}-{width}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 0
    finally:
        context.close()


def test_nothing_scrolls_sideways_at_320_px(
    chromium: Any, site_url: str, kind_pages: dict[str, str]
) -> None:
    """Every page kind fits a 320 px wide screen."""
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    wide = {}
    try:
        page = context.new_page()
        for kind in KINDS:
            page.goto(site_url + kind_pages[kind])
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide[kind] = overflow
    finally:
        context.close()
    assert wide == {}
