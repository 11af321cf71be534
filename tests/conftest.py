"""Shared fixtures: real builds of the sample hub and of small test sites (tests/data/sites/)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, CHROMIUM_ARGS, SAMPLE, build_site

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MINIMAL = DATA / "sites" / "minimal" / "content"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (never a browser Playwright downloads)."""
    # Why imported here: only browser tests pay for starting Playwright.
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample hub (tests/data/sites/sample/content/) built once for the whole session."""
    return build_site(SAMPLE, tmp_path_factory.mktemp("sample") / "output")


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A fresh copy of the sample content, to edit."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def minimal_copy(tmp_path: Path) -> Path:
    """A fresh copy of the minimal test site's content, to break on purpose."""
    target = tmp_path / "content"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture
def build(tmp_path: Path) -> Callable[..., Path]:
    """Build a content folder into tmp_path/output."""

    def run(content: Path, **settings: object) -> Path:
        return build_site(content, tmp_path / "output", **settings)

    return run
