"""The site's full-text search: Pagefind indexes of the item pages, in parts redone as they change.

Pagefind (the ``pagefind`` package, whose binary comes from ``pagefind-bin``,
run as ``python -m pagefind``) reads the built HTML and writes a static index
and its UI into ``output/pagefind/``; the browser then searches without asking
any server. Only item pages carry ``data-pagefind-body``, so hub pages, tag
pages and feeds are never results; inside a page only that element is indexed
(the theme puts the item and its comments there, not the header or footer).

Why in parts: one Pagefind run over every page, for one changed item, took most
of a 42 s CPU rebuild and 1.5 GiB of memory at 20,000 items. The items, oldest first, are cut into
parts of ``SEARCH_PART_SIZE`` pages, each its own bundle (``pagefind/`` for the
first, ``pagefind-2/``, ``pagefind-3/``... for the others) that the search page
merges in the browser: a new item lands in the last part, a changed one
re-indexes only its own part.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from socialhub.errors import SocialHubError
from socialhub.model import Item
from socialhub.render import digest
from socialhub.stampcache import write_atomically

BUNDLE = "pagefind"  # the folder under the output that the first part's bundle goes to
PART_SIZE = 2_000  # item pages per part unless SEARCH_PART_SIZE says otherwise
_PART_FOLDER = re.compile(rf"{BUNDLE}-([0-9]+)")


class SearchError(SocialHubError):
    """The search index could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class IndexReport:
    """What the search step did: pages and parts of the index, its size, how many parts redone."""

    pages: int
    bytes: int
    parts: int = 1
    parts_reindexed: int = 0

    @property
    def reindexed(self) -> bool:
        """Whether Pagefind ran for any part."""
        return self.parts_reindexed > 0


# The last build's search step, for the build summary (None: the search plugin did not run).
LAST: list[IndexReport] = []


def summary_line(report: IndexReport) -> str:
    """``Search index: 12 pages in 1 part, 84 KB (unchanged).`` for the build summary."""
    kilobytes = max(1, round(report.bytes / 1024))
    parts = f"{report.parts} part" + ("" if report.parts == 1 else "s")
    if not report.reindexed:
        state = "unchanged"
    elif report.parts_reindexed == report.parts:
        state = "rebuilt"
    else:
        state = f"{report.parts_reindexed} of {parts} rebuilt"
    return f"Search index: {report.pages} pages in {parts}, {kilobytes} KB ({state})."


def item_pages(items: Iterable[Item]) -> dict[str, str]:
    """URL path → page file of every item, oldest first (date, then URL): the order parts cut."""
    ordered = sorted(items, key=lambda item: (item.date, item.url))
    return {f"/{item.url}": f"{item.url}index.html" for item in ordered}


def part_count(pages: int, part_size: int) -> int:
    """How many parts ``pages`` item pages make (none for none)."""
    return -(-pages // part_size)


def part_folder(number: int) -> str:
    """The folder under the output of part ``number`` (from 1): ``pagefind``, ``pagefind-2``..."""
    return BUNDLE if number == 1 else f"{BUNDLE}-{number}"


def merged_folders(pages: int, part_size: int) -> list[str]:
    """The folders of the parts the search page merges into the first: all but ``pagefind``."""
    return [part_folder(number) for number in range(2, part_count(pages, part_size) + 1)]


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


def _state_file(cache: Path, output: Path, number: int) -> Path:
    return cache / "search" / f"{digest(str(output.resolve()))}-{number}.json"


def build_index(
    output: Path, pages: Mapping[str, str], cache: Path, part_size: int = PART_SIZE
) -> IndexReport:
    """Index ``pages`` (URL path → file under ``output``, oldest first) in parts, as needed.

    Each part's digest is kept under ``cache``: an unchanged part costs one
    ``stat`` per item page, not a run of Pagefind.
    """
    missing = [name for name in pages.values() if not (output / name).is_file()]
    if missing:
        raise SearchError(f"search: {missing[0]} was not written; the index was not made")
    entries = list(pages.items())
    count = part_count(len(entries), part_size)
    indexed = size = reindexed = 0
    for number in range(1, count + 1):
        part = dict(entries[(number - 1) * part_size : number * part_size])
        part_pages, part_bytes, redone = _build_part(output, number, part, cache)
        indexed += part_pages
        size += part_bytes
        reindexed += redone
    _remove_parts_after(output, cache, count)
    return IndexReport(indexed, size, parts=count, parts_reindexed=reindexed)


def _remove_parts_after(output: Path, cache: Path, count: int) -> None:
    """Delete the bundles, digests and kept copies of parts beyond ``count`` (the site shrank)."""
    stale = [output / BUNDLE] if count == 0 else []
    for path in output.glob(f"{BUNDLE}-*"):
        match = _PART_FOLDER.fullmatch(path.name)
        if match and int(match.group(1)) > count:
            stale.append(path)
    state = _state_file(cache, output, 0)
    prefix = state.name.rsplit("-", 1)[0]
    # The state of the one whole index that came before parts: never read again.
    stale += [state.parent / f"{prefix}.json", state.parent / f"{prefix}.bundle"]
    for path in state.parent.glob(f"{prefix}-*"):
        number = path.name[len(prefix) + 1 :].split(".", 1)[0]
        if number.isdigit() and int(number) > count:
            stale.append(path)
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _build_part(
    output: Path, number: int, pages: dict[str, str], cache: Path
) -> tuple[int, int, bool]:
    """Part ``number``'s bundle in place: kept, restored from its copy, or indexed anew.

    Returns the pages it holds, its bytes and whether Pagefind ran.
    """
    folder = part_folder(number)
    bundle = output / folder
    state_file = _state_file(cache, output, number)
    wanted = pages_digest(output, pages.values())
    try:
        previous = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    entry = bundle / "pagefind-entry.json"
    if previous.get("digest") == wanted and entry.is_file() and "bytes" in previous:
        return int(previous.get("pages", 0)), int(previous["bytes"]), False
    content = content_digest(output, pages.values())
    kept = state_file.with_suffix(".bundle")
    if previous.get("content") == content and (kept / "pagefind-entry.json").is_file():
        # Why a kept copy: Pagefind writes some files in no fixed order, so indexing
        # the same pages again gives other bytes, and every publish (a fresh output
        # folder) would upload a changed index; the same pages get the same index.
        _swap_in(
            output,
            folder,
            lambda target: shutil.copytree(kept, target, copy_function=_link_or_copy),
        )
        indexed = int(previous.get("pages", 0))
        reindexed = False
    else:
        indexed = _run_pagefind(output, folder, pages)
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(bundle, kept, copy_function=_link_or_copy)
        reindexed = True
    size = bundle_size(bundle)
    state = {"digest": wanted, "content": content, "pages": indexed, "bytes": size}
    write_atomically(state_file, json.dumps(state).encode("utf-8"))
    return indexed, size, reindexed


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


def _swap_in(output: Path, folder: str, make: Callable[[Path], object]) -> None:
    """Make a bundle beside the old one with ``make``, then swap them: never half an index."""
    fresh = output / f".{folder}-{os.getpid()}.new"
    old = output / f".{folder}-{os.getpid()}.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        make(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    bundle = output / folder
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)


def _run_pagefind(output: Path, folder: str, pages: dict[str, str]) -> int:
    """Index one part's pages into a fresh bundle beside the old one, then swap them."""
    for name in pages.values():
        # Why checked first: when no page carries the mark, Pagefind indexes every page
        # whole, and the hub pages, the header and the comment form would become results.
        if "data-pagefind-body" not in (output / name).read_text(encoding="utf-8"):
            raise SearchError(
                f"search: {name} has no data-pagefind-body element; mark the item's"
                " content with it in its template (theme/templates/) and build again"
            )
    counted: list[int] = []

    def index_into(target: Path) -> None:
        with _page_tree(output, folder, pages.values()) as tree:
            indexed = _index(tree, target, item_glob(pages.values()))
        if indexed != len(pages):
            raise SearchError(
                f"search: Pagefind indexed {indexed} pages but the part has {len(pages)}"
                " items; only the item templates may carry data-pagefind-body"
            )
        counted.append(indexed)

    _swap_in(output, folder, index_into)
    return counted[0]


@contextmanager
def _page_tree(output: Path, folder: str, names: Iterable[str]) -> Iterator[Path]:
    """A temporary folder holding just ``names`` (hard links), at their paths under ``output``.

    Why a tree of its own: Pagefind indexes a folder, and a part must hold only its
    own pages; the same relative paths give the same URLs as the site's.
    """
    tree = output / f".{folder}-{os.getpid()}.pages"
    shutil.rmtree(tree, ignore_errors=True)
    try:
        for name in names:
            target = tree / name
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(str(output / name), str(target))
        yield tree
    finally:
        shutil.rmtree(tree, ignore_errors=True)


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


def _index(site: Path, target: Path, glob: str = "") -> int:
    """Run Pagefind's command line over ``site``, writing the bundle into ``target``.

    Why the command line and not the package's Python API: the API answers each
    call after a poll of its service, 0.1 s per page (3.6 s for the sample's 36
    pages), where the command line indexes the whole site in 0.1 s. Pages without
    data-pagefind-body (hub, tags, bloggers, search) are skipped by Pagefind itself.
    """
    command = [*pagefind_command(), "--site", str(site)]
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
