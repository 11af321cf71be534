"""The preview in a real browser (Debian's Chromium): a failed build shows over the page, then goes.

`invoke serve` runs on a copy of the minimal site; a post is broken, the open
page reloads and shows the build's problems in an overlay (also on a page opened
while the build is broken), the overlay can be dismissed, and it goes away when
the file is fixed. The built site itself never carries it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import free_port

from socialhub.colours import contrast

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OVERLAY = "#hub-build-failure"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
]


@pytest.fixture
def preview(minimal_copy: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`invoke serve` of a copy of the minimal site on a free port: (its URL, its output)."""
    port, output = free_port(), tmp_path / "out"
    command = [sys.executable, "-m", "invoke", "serve", "--port", str(port)]
    command += ["--content", str(minimal_copy), "--output", str(output)]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/posts/first-post/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("the preview never answered") from None
                time.sleep(0.1)
        yield url, output
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """A fresh context of the session's Chromium."""
    context = chromium.new_context(viewport={"width": 1024, "height": 768})
    try:
        yield context
    finally:
        context.close()


def _hex(rgb: str) -> str:
    """'rgb(27, 27, 27)' as '#1b1b1b'."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", rgb)[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def _readable(page: Any) -> float:
    """The lowest contrast of the overlay's text on its backgrounds."""
    colours = page.evaluate(
        """selector => [selector, selector + ' h2', selector + ' pre'].map(s => {
            const style = getComputedStyle(document.querySelector(s));
            return [style.color, style.backgroundColor];
        })""",
        OVERLAY,
    )
    background = _hex(colours[0][1])
    pairs = [(colours[0][0], colours[0][1]), (colours[1][0], colours[0][1]), tuple(colours[2])]
    return min(
        contrast(_hex(text), _hex(ground) if "0, 0, 0, 0" not in ground else background)
        for text, ground in pairs
    )


def _axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "s => axe.run({include: [s]}, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})",
        OVERLAY,
    )
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]


def test_a_failed_build_shows_over_the_page_until_it_is_fixed(
    preview: tuple[str, Path], minimal_copy: Path, browser: Any
) -> None:
    """Break a post: its open page shows the problem; fix it: the page reloads without it."""
    url, output = preview
    page = browser.new_page()
    page.goto(url + "/posts/first-post/")
    assert page.locator(OVERLAY).count() == 0

    source = minimal_copy / "posts" / "first-post.md"
    good = source.read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^Date: .*$", "Date: 2026-02-30 <b>09:00</b>", good, count=1)
    source.write_text(broken, encoding="utf-8")

    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=30_000)  # the open page reloaded by itself
    assert overlay.get_attribute("role") == "alert"
    text = overlay.locator("pre").inner_text()
    assert "content/posts/first-post.md: date: '2026-02-30 <b>09:00</b>' is not a date" in text
    assert overlay.locator("b").count() == 0, "the problem lines must be text, not markup"
    assert page.get_by_role("heading", name="The site was not rebuilt").is_visible()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert _readable(page) >= 7, f"the overlay is hard to read in the {scheme} scheme"
        if AXE.is_file():
            assert _axe_violations(page) == [], scheme

    other = browser.new_page()  # opened while the build is broken
    other.goto(url + "/hub/")
    other.locator(OVERLAY).wait_for(state="visible", timeout=5_000)
    other.get_by_role("button", name="Dismiss").click()
    assert other.locator(OVERLAY).count() == 0
    other.reload()
    other.locator(OVERLAY).wait_for(state="visible", timeout=5_000)
    other.keyboard.press("Escape")
    assert other.locator(OVERLAY).count() == 0

    source.write_text(good, encoding="utf-8")
    overlay.wait_for(state="detached", timeout=30_000)
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="First post").count() >= 1
    assert page.locator(OVERLAY).count() == 0
    built = [path for path in output.rglob("*.html") if "hub-build-failure" in path.read_text()]
    assert built == [], "the overlay is the preview's: it must not be in the built site"
