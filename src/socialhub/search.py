"""The site's full-text search: a Pagefind index of the item pages, redone only when one changed.

Pagefind (the ``pagefind`` package, whose binary comes from ``pagefind-bin``)
reads the built HTML and writes a static index and its UI into
``output/pagefind/``; the browser then searches without asking any server. Only
item pages are given to it, so hub pages, tag pages and feeds are never results;
inside a page only the ``data-pagefind-body`` element is indexed (the theme puts
the item and its comments there, not the header or footer).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from socialhub.errors import SocialHubError
from socialhub.render import digest
from socialhub.stampcache import write_atomically

BUNDLE = "pagefind"  # the folder under the output that Pagefind's files go to


class SearchError(SocialHubError):
    """The search index could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class IndexReport:
    """What the search step did: how many pages the index holds, its size, whether redone."""

    pages: int
    bytes: int
    reindexed: bool


# The last build's search step, for the build summary (None: the search plugin did not run).
LAST: list[IndexReport] = []


def summary_line(report: IndexReport) -> str:
    """``Search index: 12 pages, 84 KB (unchanged).`` for the build summary."""
    kilobytes = max(1, round(report.bytes / 1024))
    state = "rebuilt" if report.reindexed else "unchanged"
    return f"Search index: {report.pages} pages, {kilobytes} KB ({state})."


def pagefind_version() -> str:
    """The installed Pagefind's version (part of the digest: a new Pagefind indexes again)."""
    try:
        return version("pagefind")
    except PackageNotFoundError:  # pragma: no cover - a dependency of the package
        return ""


def pages_digest(output: Path, save_as: Iterable[str]) -> str:
    """A hash of the item pages' names, sizes and modification times.

    Why not their bytes: pages are rewritten only when their bytes change
    (render.write_if_changed), so the times say the same at a fraction of the cost.
    """
    stamps = []
    for name in sorted(save_as):
        stat = (output / name).stat()
        stamps.append((name, stat.st_size, stat.st_mtime_ns))
    return digest(pagefind_version(), stamps)


def bundle_size(bundle: Path) -> int:
    """The bytes of every file in the search bundle (the index, its UI and its code)."""
    return sum(path.stat().st_size for path in bundle.rglob("*") if path.is_file())


def _state_file(cache: Path, output: Path) -> Path:
    return cache / "search" / f"{digest(str(output.resolve()))}.json"


def build_index(output: Path, pages: dict[str, str], cache: Path) -> IndexReport:
    """Index ``pages`` (URL path → file under ``output``) into output/pagefind/, if one changed.

    The digest of the indexed pages is kept under ``cache``: an unchanged site
    costs one ``stat`` per item page, not a run of Pagefind.
    """
    bundle = output / BUNDLE
    missing = [name for name in pages.values() if not (output / name).is_file()]
    if missing:
        raise SearchError(f"search: {missing[0]} was not written; the index was not made")
    state_file = _state_file(cache, output)
    wanted = pages_digest(output, pages.values())
    try:
        previous = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    entry = bundle / "pagefind-entry.json"
    if previous.get("digest") == wanted and entry.is_file():
        return IndexReport(int(previous.get("pages", 0)), bundle_size(bundle), reindexed=False)
    indexed = _run_pagefind(output, pages)
    state = {"digest": wanted, "pages": indexed}
    write_atomically(state_file, json.dumps(state).encode("utf-8"))
    return IndexReport(indexed, bundle_size(bundle), reindexed=True)


def _run_pagefind(output: Path, pages: dict[str, str]) -> int:
    """Write a fresh bundle beside the old one, then swap them: readers never see half."""
    fresh = output / f".{BUNDLE}-{os.getpid()}.new"
    old = output / f".{BUNDLE}-{os.getpid()}.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        # Why in a thread of its own: Pagefind's API is async, and a caller may already
        # run an event loop (the preview, Playwright's tests), where asyncio.run() fails.
        with ThreadPoolExecutor(max_workers=1) as pool:
            indexed = pool.submit(lambda: asyncio.run(_index(output, pages, fresh))).result()
    except SearchError:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    except Exception as error:  # why broad: the binary's failures come as many kinds
        shutil.rmtree(fresh, ignore_errors=True)
        raise SearchError(
            f"search: Pagefind failed ({type(error).__name__}: {error});"
            " reinstall it with `pip install -e .` and build again"
        ) from error
    bundle = output / BUNDLE
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
    return indexed


async def _index(output: Path, pages: dict[str, str], target: Path) -> int:
    """Give Pagefind each item page with its URL; write the bundle into ``target``."""
    # Why imported here: only a build whose item pages changed starts Pagefind.
    from pagefind.index import IndexConfig, PagefindIndex  # noqa: PLC0415

    config = IndexConfig(output_path=str(target))
    indexed = 0
    async with PagefindIndex(config=config) as index:
        for url, name in sorted(pages.items()):
            html = (output / name).read_text(encoding="utf-8")
            # Why checked here: given one page, Pagefind indexes all of it when the mark
            # is missing, and the header, footer and comment form would become results.
            if "data-pagefind-body" not in html:
                raise SearchError(
                    f"search: {name} has no data-pagefind-body element; mark the item's"
                    " content with it in its template (theme/templates/) and build again"
                )
            await index.add_html_file(content=html, url=url)
            indexed += 1
    return indexed
