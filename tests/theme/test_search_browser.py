"""Searching the sample hub in Debian's Chromium: the right item first, filters, nothing remote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from search_ui import RESULT, films_only, open_filter, result_count, search_for, wait_for_count

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def page(chromium: Any, site_url: str) -> Iterator[Any]:
    """A fresh page that fails the test if anything is asked of a host other than the site."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    local = urlsplit(site_url).netloc
    outside: list[str] = []

    def answer(route: Any) -> None:
        # Why refused, not fetched: the test must not depend on the network either.
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", answer)
    page = context.new_page()
    try:
        yield page
        assert outside == [], "requests left the site"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("words", "item", "kind"),
    [
        ("unloaded", "/videos/harbour-lights/", "Film"),  # only in a comment on the film
        ("dozen", "/follow-friday/ff-kari-in-fairy-lights/", "#FF"),  # only in an #FF caption
        ("sodium", "/posts/night-mode-update/", "News"),  # only in the post's body
    ],
)
def test_a_word_finds_its_item_first(
    page: Any, site_url: str, words: str, item: str, kind: str
) -> None:
    """A word found in one place only finds that item, first, with its kind, date and picture."""
    found = search_for(page, site_url, words)
    assert found[0] == item, found
    first = page.locator(RESULT).first
    text = first.inner_text()
    assert f"Kind: {kind}" in text and "Date: " in text, text
    assert first.locator("mark").count() >= 1  # the excerpt shows the word


def test_a_word_from_a_picture_shows_its_thumbnail(page: Any, site_url: str) -> None:
    """A #FF result shows its picture, a thumbnail served by the site."""
    search_for(page, site_url, "dozen")
    image = page.locator(f"{RESULT} img").first
    image.wait_for(timeout=10_000)
    src = image.get_attribute("src") or ""
    assert src.startswith("/thumbs/") and src.endswith(".webp"), src  # not the full picture
    page.wait_for_function("document.querySelector('.pagefind-ui__result img').complete")
    assert page.evaluate("document.querySelector('.pagefind-ui__result img').naturalWidth") > 0


def test_a_filter_narrows_the_results(page: Any, site_url: str) -> None:
    """Choosing the kind "Film" keeps only films among the results of a common word."""
    everything = search_for(page, site_url, "night")
    total = wait_for_count(page)
    assert any(not url.startswith("/videos/") for url in everything), everything
    films = films_only(page, total)
    assert films and all(url.startswith("/videos/") for url in films), films
    assert 0 < result_count(page) < total


def test_the_header_box_leads_to_the_search(page: Any, site_url: str) -> None:
    """Typing in the header's box on any page and pressing Enter shows the results."""
    page.goto(f"{site_url}/hub/")
    page.get_by_label("Search the hub").fill("unloaded")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"{RESULT}-link", timeout=15_000)
    assert urlsplit(page.url).path == "/search/"
    assert urlsplit(page.locator(f"{RESULT}-link").first.get_attribute("href") or "").path == (
        "/videos/harbour-lights/"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_search_page(page: Any, site_url: str, scheme: str) -> None:
    """The search page, with results and filters shown, passes axe in both colour schemes."""
    assert AXE.is_file(), "node_modules is missing: run npm ci"
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    search_for(page, site_url, "night")
    open_filter(page, "kind")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == [], scheme
    assert len(result["passes"]) >= 10, "axe ran too few rules to be trusted"


def test_without_javascript_the_page_explains_and_links(chromium: Any, site_url: str) -> None:
    """With JavaScript off, the header's box leads to a page that says why and where to go."""
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/hub/")
        page.get_by_label("Search the hub").fill("unloaded")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=unloaded")
        assert "needs JavaScript" in page.locator("main").inner_text()
        assert page.get_by_role("link", name="tag").first.get_attribute("href") == "/tags/"
        assert page.locator("main a[href='/hub/videos/']").count() == 1
    finally:
        context.close()
