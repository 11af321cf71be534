"""What the search page's browser tests do as a reader: read the count, open a filter, filter."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

RESULT = ".pagefind-ui__result"
MESSAGE = ".pagefind-ui__message"


def result_paths(page: Any) -> list[str]:
    """The paths of the result links, in order."""
    links = page.locator(f"{RESULT}-link").evaluate_all("els => els.map(e => e.href)")
    return [urlsplit(href).path for href in links]


def search_for(page: Any, site_url: str, words: str) -> list[str]:
    """Open /search/?q=<words> as the header's box does; the paths of the results, in order."""
    page.goto(f"{site_url}/search/?q={quote(words)}")
    page.wait_for_selector(f"{RESULT}-link", timeout=15_000)
    page.wait_for_load_state("networkidle")
    return result_paths(page)


def result_count(page: Any) -> int:
    """The number of results Pagefind says it found ("12 results for night")."""
    return int(page.locator(MESSAGE).inner_text().split()[0])


def wait_for_count(page: Any) -> int:
    """Wait until Pagefind has said how many results it found; that number."""
    page.wait_for_function(
        f"/^[0-9]+ result/.test(document.querySelector('{MESSAGE}')?.textContent)"
    )
    return result_count(page)


def open_filter(page: Any, name: str) -> Any:
    """Open the filter block called *name* as a reader does, by its summary; the block."""
    block = page.locator(
        "details.pagefind-ui__filter-block",
        has=page.locator(".pagefind-ui__filter-name", has_text=name),
    )
    # Why a long bound: the filters come after the results, once Pagefind has read its
    # filter index; on a loaded machine that took longer than the default 30 s.
    block.locator("input[type=checkbox]").first.wait_for(state="attached", timeout=120_000)
    # Why a loop: Pagefind re-renders the block while its counts arrive, which can close a
    # block opened a moment before; a reader would click the summary again.
    for _ in range(20):
        if not block.evaluate("el => el.open"):
            block.locator("summary").click()
        try:
            block.locator("input[type=checkbox]").first.wait_for(state="visible", timeout=3_000)
            return block
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the {name!r} filter never opened")


def films_only(page: Any, total: int) -> list[str]:
    """Tick the kind filter's "Film" after a search of ``total`` results; the paths listed."""
    open_filter(page, "kind").get_by_label("Film", exact=False).first.check()
    page.wait_for_function(
        f"n => parseInt(document.querySelector('{MESSAGE}').textContent) < n", arg=total
    )
    page.wait_for_load_state("networkidle")
    return result_paths(page)
