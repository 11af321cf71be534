"""Write many pages fast: skip the ones whose inputs did not change, render the rest on every core.

Pelican's content cache saves only the reading; every page is still rendered
again. Here each page carries a fingerprint of everything it shows (its model
objects, the theme, the settings); a page whose fingerprint matches the last
build's and whose file is still there is not rendered again. Pages that the
last build wrote and this one does not are deleted, so a removed item leaves no
stale page behind.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from os.path import isfile
from pathlib import Path
from typing import Any

from socialhub.model import Blogger, Comment, Contest, Item, Site
from socialhub.stampcache import read_pickle, write_atomically

log = logging.getLogger(__name__)

# Below this many pages to render, worker processes cost more than they save: a
# pool of two forked workers costs about 0.1 s of CPU and 0.2 s before the first
# page, and a page renders in 2 to 3 ms.
PARALLEL_THRESHOLD = 128


@dataclass(slots=True)
class PageJob:
    """One page to write: where, with which template and variables, and what it shows."""

    save_as: str
    template: str
    variables: dict[str, Any]
    inputs: Sequence[Any] | None = None  # None: always render (site-wide pages)
    fingerprint: str = field(default="", init=False)


@dataclass
class RenderReport:
    """What one call of ``write_pages`` did."""

    rendered: int = 0
    skipped: int = 0
    deleted: int = 0


def digest(*parts: Any) -> str:
    """A short stable hash of the ``repr`` of frozen model objects and plain values."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(repr(part).encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.hexdigest()


def identity(site: Site, thing: Item | Blogger | Contest | Comment) -> str:
    """What identifies a model object's content: its file's identity when known, else a hash.

    Why not always the hash: the ``repr`` of 10,000 frozen dataclasses costs a
    quarter of a rebuild, and each object is a function of its one file (with the
    settings, code and cache keys that are in every page's stamp).
    """
    known = site.identities.get(thing.source_path)
    return known if known is not None else digest(thing)


def item_digest(site: Site, item: Item) -> str:
    """The digest of everything an item shows, computed once per build."""
    key = ("item", item.slug)
    found = site.memo.get(key)
    if found is None:
        item_, comments, related = site.inputs_of(item)
        parts = [identity(site, item_), *[identity(site, comment) for comment in comments]]
        parts.append(identity(site, related) if related is not None else "-")
        joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
        found = site.memo[key] = hashlib.blake2b(joined, digest_size=16).hexdigest()
    return found


def items_digest(site: Site, items: Iterable[Item]) -> str:
    """One digest for a list of items (a hub page, a tag page, a blogger's posts)."""
    joined = "".join([item_digest(site, item) for item in items])
    return hashlib.blake2b(joined.encode("ascii"), digest_size=16).hexdigest()


def code_stamp(folders: Iterable[Path]) -> str:
    """A hash of every file's path, size and mtime under ``folders`` (theme, plugins, code)."""
    entries = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            # Why: Python writes compiled files (through temporary names) when any
            # process imports the code; they are not inputs of a page.
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in files:
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(root, name)
                status = os.stat(path)
                entries.append((path, status.st_size, status.st_mtime_ns))
    return digest(sorted(entries))


def stable(value: Any) -> Any:
    """A value with a repr that is the same in every build (no object addresses)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(key): stable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [stable(item) for item in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return getattr(value, "__qualname__", type(value).__qualname__)


# Settings that say how to build, not what to build: no page shows them.
BUILD_ONLY_SETTINGS = frozenset(
    {"HUB_BUILD_WORKERS", "CACHE_CONTENT", "LOAD_CONTENT_CACHE", "CACHE_PATH"}
)


def settings_stamp(settings: dict[str, Any]) -> str:
    """A hash of the settings that can change a page (functions by name, not by address)."""
    return digest(
        {
            key: stable(value)
            for key, value in sorted(settings.items())
            if key.isupper() and key not in BUILD_ONLY_SETTINGS
        }
    )


def _load_state(path: Path) -> dict[str, str]:
    data = read_pickle(path)
    return data if isinstance(data, dict) else {}


def _save_state(path: Path, state: dict[str, str]) -> None:
    write_atomically(path, pickle.dumps(state, pickle.HIGHEST_PROTOCOL))


def build_workers(settings: dict[str, Any]) -> int:
    """How many processes read and render: HUB_BUILD_WORKERS, or every core when it is 0."""
    return int(settings.get("HUB_BUILD_WORKERS", 0) or 0) or os.cpu_count() or 1


def _inside(folder: str, save_as: str) -> Path:
    """``folder/save_as``, refusing a path that would leave the folder."""
    path = os.path.normpath(os.path.join(folder, save_as))
    if not path.startswith(os.path.join(folder, "")):
        raise ValueError(f"a page would be written outside {folder}: {save_as}")
    return Path(path)


def write_if_changed(path: Path, data: bytes, *, atomic: bool = False) -> bool:
    """Write ``data`` to ``path`` unless the file already holds exactly that; True if written.

    ``atomic`` writes a temporary file and moves it into place, for files that a
    running program reads (the comment service's manifest).
    """
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    if atomic:
        write_atomically(path, data)
    else:
        path.write_bytes(data)
    return True


# Pages rendered and skipped in this process's current build (read by build.py).
TOTALS = RenderReport()

# The jobs and the render function, handed to forked workers by inheritance.
_JOBS: Sequence[PageJob] = ()
_RENDER: Callable[[PageJob], None] | None = None


def _render_index(index: int) -> int:
    assert _RENDER is not None
    _RENDER(_JOBS[index])
    return index


def _pages_to_render(
    jobs: Sequence[PageJob], previous: dict[str, str], output_folder: str, stamp: str
) -> list[int]:
    """Fingerprint every job; the indexes of those that changed or whose file is gone."""
    seen: set[str] = set()
    todo: list[int] = []
    for index, job in enumerate(jobs):
        if job.save_as in seen:
            raise ValueError(f"two pages would be written to {job.save_as}")
        seen.add(job.save_as)
        if job.inputs is not None:
            # One repr and one hash per page: this runs for every page of every build.
            text = f"{stamp}\x00{job.template}\x00{job.inputs!r}".encode("utf-8", "surrogatepass")
            job.fingerprint = hashlib.blake2b(text, digest_size=16).hexdigest()
        unchanged = job.fingerprint and previous.get(job.save_as) == job.fingerprint
        if not (unchanged and isfile(output_folder + job.save_as)):
            todo.append(index)
    return todo


def _render_all(
    jobs: Sequence[PageJob], todo: list[int], render: Callable[[PageJob], None], workers: int
) -> None:
    """Render the jobs at ``todo``, on ``workers`` forked processes when there are many."""
    global _JOBS, _RENDER  # why global: forked workers inherit them, see _render_index
    if len(todo) >= PARALLEL_THRESHOLD and workers > 1:
        _JOBS, _RENDER = jobs, render
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for _ in pool.imap_unordered(_render_index, todo, chunksize=8):
                    pass
        finally:
            _JOBS, _RENDER = (), None
    else:
        for index in todo:
            render(jobs[index])


def write_pages(
    jobs: Sequence[PageJob],
    render: Callable[[PageJob], None],
    output_path: Path,
    state_path: Path,
    stamp: str,
    *,
    workers: int = 1,
) -> RenderReport:
    """Render the jobs whose fingerprint changed (on ``workers`` processes), delete stale pages."""
    previous = _load_state(state_path)
    todo = _pages_to_render(jobs, previous, os.path.join(str(output_path), ""), stamp)
    _render_all(jobs, todo, render, workers)
    report = RenderReport(rendered=len(todo), skipped=len(jobs) - len(todo))
    TOTALS.rendered += report.rendered
    TOTALS.skipped += report.skipped
    state = {job.save_as: job.fingerprint for job in jobs}
    report.deleted = delete_stale(output_path, set(previous) - set(state))
    if state != previous:
        _save_state(state_path, state)
    return report


def delete_stale(output_path: Path, names: Iterable[str]) -> int:
    """Delete these files of an earlier build, and the folders they leave empty; how many files.

    Why the folders: the preview would list an empty ``posts/<slug>/`` folder, and
    a clean build has none.
    """
    deleted = 0
    root = output_path.resolve()
    for name in sorted(names):
        target = output_path / name
        if not target.is_file():
            continue
        target.unlink()
        deleted += 1
        folder = target.parent.resolve()
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent
    return deleted


def _state_path(settings: dict[str, Any], output_path: Path, name: str) -> Path:
    """Where the files that ``name`` wrote into ``output_path`` are recorded between builds."""
    cache = Path(settings.get("CACHE_PATH", ".cache"))
    return cache / "pages" / f"{digest(str(output_path.resolve()))}-{name}.pickle"


def keep_outputs(settings: dict[str, Any], name: str, produced: Iterable[str]) -> int:
    """Record the files ``name`` wrote in this build; delete those of the last build it did not.

    For outputs that are not page jobs (static copies, the theme's files): the
    same rule as pages, so that a removed source leaves nothing behind.
    """
    output_path = Path(settings["OUTPUT_PATH"])
    state_path = _state_path(settings, output_path, name)
    previous = _load_state(state_path)
    state = dict.fromkeys(produced, "")
    deleted = delete_stale(output_path, set(previous) - set(state))
    if state != previous:
        _save_state(state_path, state)
    return deleted


class PagePlan:
    """The pages one plugin writes in a build: add them, then write them all at once."""

    def __init__(self, name: str, site: Site, settings: dict[str, Any], output_path: str) -> None:
        self.name = name
        self.site = site
        self.settings = settings
        self.output_path = Path(output_path)
        self.jobs: list[PageJob] = []

    def add(
        self, save_as: str, template: str, inputs: Sequence[Any] | None = None, **variables: Any
    ) -> None:
        """Plan one page; ``inputs`` lists what it shows (None: render it every time)."""
        self.jobs.append(PageJob(save_as, template, variables, inputs))

    def stamp(self) -> str:
        """What every page depends on: the theme, the plugins, the library, the settings."""
        key = ("stamp", "")
        if key not in self.site.memo:
            folders = [Path(self.settings["THEME"]), Path(__file__).parent]
            folders += [Path(path) for path in self.settings.get("PLUGIN_PATHS", [])]
            self.site.memo[key] = digest(code_stamp(folders), settings_stamp(self.settings))
        return self.site.memo[key]

    def write_with(self, get_template: Callable[[str], Any], context: Any) -> None:
        """Write the plan with a generator's templates and context, as Pelican's writer does.

        Why not ``writer.write_file``: it writes every page it renders, and a page
        whose fingerprint changed often comes out the same (a comment count on a
        card that is not shown); a file is written only when its bytes differ, so
        its time stamp, rsync and the preview's reload see only real changes.
        """
        output = os.path.abspath(self.output_path)

        def render(job: PageJob) -> None:
            local = context.copy()
            local["localsiteurl"] = local.get("localsiteurl")
            local["output_file"] = job.save_as
            local.update(job.variables)
            html = get_template(job.template).render(local)
            write_if_changed(_inside(output, job.save_as), html.encode("utf-8"))

        report = self.write(render)
        log.info("%s: %d pages rendered, %d unchanged", self.name, report.rendered, report.skipped)

    def write(self, render: Callable[[PageJob], None]) -> RenderReport:
        """Render what changed, skip the rest, delete this plugin's stale pages."""
        state = _state_path(self.settings, self.output_path, self.name)
        return write_pages(
            self.jobs,
            render,
            self.output_path,
            state,
            self.stamp(),
            workers=build_workers(self.settings),
        )
