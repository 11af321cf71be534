"""The site's full-text search: a Pagefind index of the item pages, redone only when one changed.

Pagefind (the ``pagefind`` package, whose binary comes from ``pagefind-bin``,
run as ``python -m pagefind``) reads the built HTML and writes a static index
and its UI into ``output/pagefind/``; the browser then searches without asking
any server. Only item pages carry ``data-pagefind-body``, so hub pages, tag
pages and feeds are never results; inside a page only that element is indexed
(the theme puts the item and its comments there, not the header or footer).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
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
    if not pages:
        # Pagefind refuses a site with nothing to index; a hub with no items has no index.
        shutil.rmtree(bundle, ignore_errors=True)
        return IndexReport(0, 0, reindexed=False)
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
    content = content_digest(output, pages.values())
    kept = state_file.with_suffix(".bundle")
    if previous.get("content") == content and (kept / "pagefind-entry.json").is_file():
        # Why a kept copy: Pagefind writes some files in no fixed order, so indexing
        # the same pages again gives other bytes, and every publish (a fresh output
        # folder) would upload a changed index; the same pages get the same index.
        _swap_in(output, lambda target: shutil.copytree(kept, target, copy_function=_link_or_copy))
        indexed = int(previous.get("pages", 0))
        reindexed = False
    else:
        indexed = _run_pagefind(output, pages)
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(bundle, kept, copy_function=_link_or_copy)
        reindexed = True
    state = {"digest": wanted, "content": content, "pages": indexed}
    write_atomically(state_file, json.dumps(state).encode("utf-8"))
    return IndexReport(indexed, bundle_size(bundle), reindexed=reindexed)


def _link_or_copy(source: str, target: str) -> None:
    """A hard link to ``source`` at ``target``, or a copy on a file system without links.

    Why a link: Pagefind's files are written once and never changed in place (a new
    index is a new folder), so the kept copy and the published one can share them.
    """
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def content_digest(output: Path, save_as: Iterable[str]) -> str:
    """A hash of the item pages' bytes (asked only when their times say they changed)."""
    return digest(
        pagefind_version(),
        [
            (name, hashlib.blake2b((output / name).read_bytes(), digest_size=16).hexdigest())
            for name in sorted(save_as)
        ],
    )


def _swap_in(output: Path, make: Callable[[Path], object]) -> None:
    """Make a bundle beside the old one with ``make``, then swap them: never half an index."""
    fresh = output / f".{BUNDLE}-{os.getpid()}.new"
    old = output / f".{BUNDLE}-{os.getpid()}.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        make(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    bundle = output / BUNDLE
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)


def _run_pagefind(output: Path, pages: dict[str, str]) -> int:
    """Write a fresh bundle beside the old one, then swap them: readers never see half."""
    for name in sorted(pages.values()):
        # Why checked first: when no page carries the mark, Pagefind indexes every page
        # whole, and the hub pages, the header and the comment form would become results.
        if "data-pagefind-body" not in (output / name).read_text(encoding="utf-8"):
            raise SearchError(
                f"search: {name} has no data-pagefind-body element; mark the item's"
                " content with it in its template (theme/templates/) and build again"
            )
    counted: list[int] = []

    def index_into(target: Path) -> None:
        indexed = _index(output, target, item_glob(pages.values()))
        if indexed != len(pages):
            raise SearchError(
                f"search: Pagefind indexed {indexed} pages but the site has {len(pages)}"
                " items; only the item templates may carry data-pagefind-body"
            )
        counted.append(indexed)

    _swap_in(output, index_into)
    return counted[0]


def item_glob(pages: Iterable[str]) -> str:
    """Pagefind's ``--glob`` for the item pages' folders (``{posts,videos}/**/*.html``), or "".

    Why: Pagefind reads every HTML file it is given, and item pages are a fifth of a
    hub's pages; hub, tag and blogger pages have no data-pagefind-body anyway.
    """
    folders = sorted({name.split("/", 1)[0] for name in pages})
    if not folders or not all(re.fullmatch(r"[A-Za-z0-9_-]+", f) for f in folders):
        return ""  # a page at the top, or a folder name the glob would misread: read all
    if any("/" not in name for name in pages):
        return ""
    joined = folders[0] if len(folders) == 1 else "{" + ",".join(folders) + "}"
    return f"{joined}/**/*.html"


def pagefind_command() -> list[str]:
    """How to run Pagefind: its binary (from pagefind-bin) or, without it, ``python -m pagefind``.

    Why the binary itself: ``python -m pagefind`` starts Python only to find it.
    """
    try:
        from pagefind_bin import get_executable  # noqa: PLC0415 - only when indexing

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def _index(output: Path, target: Path, glob: str = "") -> int:
    """Run Pagefind's command line over the site, writing the bundle into ``target``.

    Why the command line and not the package's Python API: the API answers each
    call after a poll of its service, 0.1 s per page (3.6 s for the sample's 36
    pages), where the command line indexes the whole site in 0.1 s. Pages without
    data-pagefind-body (hub, tags, bloggers, search) are skipped by Pagefind itself.
    """
    command = [*pagefind_command(), "--site", str(output)]
    command += ["--output-path", str(target.resolve()), "--quiet"]
    if glob:
        command += ["--glob", glob]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchError(f"search: Pagefind could not run ({error}); build again") from error
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["no message"]
        raise SearchError(
            f"search: Pagefind failed ({lines[-1]}); if it is missing, reinstall the"
            " site with `pip install -e .` and build again"
        )
    entry = json.loads((target / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())
