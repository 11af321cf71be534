"""hub_items: read every content file, validate it, and put the site model in the context.

The first of our plugins: the others only read ``context["hub"]``.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import markdown
from markdown import Markdown
from pelican import signals
from pelican.generators import Generator
from pelican.readers import MarkdownReader

from socialhub import editor_html, kinds, reading, sanitize, validate
from socialhub.assemble import build_site
from socialhub.editor_html import REMOVED_KEY, Removal, clean_file
from socialhub.errors import Problem
from socialhub.kinds import KINDS, Kind, kind_for_folder
from socialhub.reading import ReadNotes, decode, inspect_header, is_editor_scratch
from socialhub.render import build_workers, digest, stable
from socialhub.sanitize import render_comment
from socialhub.stampcache import Stamp, StampCache, file_stamp
from socialhub.urls import site_base
from socialhub.validate import NOTES_KEY, RENDERED_KEY, SourceFile, render_markdown_fields

log = logging.getLogger(__name__)

# Folders under content/ that hold files copied as they are, not items.
STATIC_FOLDERS = ("images", "media")


class HubMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, keeping every header value as the editor wrote it.

    Why: Pelican turns ``Date`` and ``Tags`` into objects (and gives up on the
    whole file when a date is wrong); we want the raw text so that validation
    can say exactly what is wrong with every field at once.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._parser: Markdown | None = None  # made on the first read

    def process_metadata(self, name: str, value: Any) -> Any:
        """Keep the raw text."""
        return value

    def _parse_metadata(self, meta: dict[str, list[str]]) -> dict[str, Any]:
        """Each header value as one string, or a list of its lines.

        Why not Pelican's own: it takes the header step out of the parser (to
        render FORMATTED_FIELDS, which this site leaves to the library), so one
        parser could not read the next file. A field given twice is reported
        by ``reading.inspect_header``, with its lines, not dropped here.
        """
        return {
            key.lower(): values if len(values) > 1 else values[0] for key, values in meta.items()
        }

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Render the body; a comment's body is rendered as Markdown with HTML escaped.

        What the raw text says (its encoding, a YAML block, a field given twice,
        a wrong indent) travels in the metadata under ``NOTES_KEY``.
        """
        folder = _top_folder(source_path, self.settings["PATH"])
        kind = kind_for_folder(folder)
        with open(source_path, "rb") as handle:
            text, problem = decode(handle.read())
        if text is None:
            assert problem is not None
            return "", {NOTES_KEY: ReadNotes((problem,), fatal=True)}
        notes = ReadNotes()
        if kind is not None:
            text, notes = inspect_header(text, kind)
            if notes.fatal:
                return "", {NOTES_KEY: notes}
        # Why one instance, reset for each file (as Python-Markdown's docs say to):
        # building the parser and its extensions cost more than converting a body.
        if self._parser is None:
            self._parser = Markdown(**self.settings["MARKDOWN"])
        self._md = self._parser.reset()
        content = self._md.convert(text)
        metadata = self._parse_metadata(getattr(self._md, "Meta", {}))
        if folder == "comments":
            content = render_comment(_body_of(text) if metadata else text)
        if notes != ReadNotes():
            metadata[NOTES_KEY] = notes
        if kind is not None:
            # Why here: the reader's output is cached, so Markdown fields are
            # rendered and cleaned once per change of the file, not once per build.
            rendered = render_markdown_fields(kind, metadata)
            removed: tuple[Removal, ...] = ()
            if folder != "comments":  # a comment's HTML is escaped, then cleaned
                content, rendered, removed = clean_file(kind, text, content, rendered)
            metadata[RENDERED_KEY] = rendered
            metadata[REMOVED_KEY] = removed
        return content, metadata


def _body_of(text: str) -> str:
    """The Markdown below a metadata header (the header ends at the first empty line)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if not line.strip():
            return "\n".join(lines[number + 1 :])
    return ""


def _top_folder(path: str, content_dir: str) -> str:
    relative = os.path.relpath(path, content_dir)
    return relative.split(os.sep, 1)[0]


class HubItemsGenerator(Generator):
    """Reads content/<kind>/*.md into the model; stops the build with every problem."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Why no Pelican reader cache: it checks a float mtime with a stat of its
        # own and is not dropped when the Markdown settings or our code change;
        # ours (StampCache) is keyed on both and shares the walk's one stat.
        super().__init__(*args, readers_cache_name="", **kwargs)
        self.reader = HubMarkdownReader(self.settings)
        for extension in self.reader.file_extensions:
            self.readers.readers[extension] = self.reader

    def generate_context(self) -> None:
        """Fill ``context["hub"]`` with the site model, or raise ContentError."""
        cache_dir = Path(self.settings["CACHE_PATH"])
        use_cache = bool(self.settings.get("CACHE_CONTENT", False))
        load = use_cache and bool(self.settings.get("LOAD_CONTENT_CACHE", True))
        files = _content_files(self.path)
        reads = StampCache(
            cache_dir / "hub-read.pickle", self._read_cache_key(), load=load, shards=16
        )
        checks = StampCache(
            cache_dir / "hub-checks.pickle", self._check_cache_key(files), load=load, shards=4
        )
        sources, problems = self._read_all(files, reads)
        timezone = ZoneInfo(self.settings.get("TIMEZONE", "UTC"))
        left_out: list[Problem] = []
        try:
            basis = digest(reads.key, checks.key)
            site = build_site(
                sources,
                self._exists,
                timezone,
                problems,
                checks,
                basis=basis,
                warnings=left_out,
                read=self._read_head,
            )
        finally:
            if use_cache:
                # The read cache is keyed by path under content/, the check cache as shown.
                reads.keep_only({name for name, _stamp in files})
                checks.keep_only({source.path for source in sources})
                reads.save()
                checks.save()
            # Why also when the build stops: a draft named in an error says why.
            for notice in left_out:
                log.warning("%s", notice)
        self.context["hub"] = site
        gc.freeze()
        self.context["SITE_BASE"] = site_base(self.settings)
        log.info(
            "hub_items: %d items, %d bloggers, %d contests, %d drafts or unfinished left out",
            len(site.items),
            len(site.bloggers),
            len(site.contests),
            len(site.drafts),
        )

    def _read_cache_key(self) -> str:
        """What a file's reading depends on beyond the file: Markdown settings and our code."""
        modules = (validate, reading, kinds, sanitize, editor_html, sys.modules[__name__])
        code = [os.stat(str(module.__file__)).st_mtime_ns for module in modules]
        return digest(stable(self.settings.get("MARKDOWN")), code, markdown.__version__)

    def _check_cache_key(self, files: list[tuple[str, Stamp]]) -> str:
        """What a file's check depends on beyond the file: pictures, settings, the rules."""
        pictures = [name for name, _stamp in files if name.split("/", 1)[0] in STATIC_FOLDERS]
        # Why their stamps too: a captions file's check reads what it holds.
        captions = [(name, stamp) for name, stamp in files if name.lower().endswith(".vtt")]
        modules = (validate, reading, kinds)
        rules = [os.stat(str(module.__file__)).st_mtime_ns for module in modules]
        return digest(pictures, captions, self.settings.get("TIMEZONE"), rules)

    def _read_files(self, paths: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """Read new or changed files, on every core when there are many.

        Why in parallel: rendering Markdown is most of the cost of a cold build,
        and each file is independent. A file that fails in a worker is left out
        here and read again in this process, which reports why.
        """
        workers = build_workers(self.settings)
        if len(paths) < PARALLEL_READ_THRESHOLD or workers < 2:
            return {}
        global _POOL_READER  # noqa: PLW0603 - handed to forked workers, see _read_raw
        _POOL_READER = self.reader
        chunk = max(1, len(paths) // (workers * 8))
        read: dict[str, tuple[str, dict[str, Any]]] = {}
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for path, result in pool.imap_unordered(_read_raw, paths, chunksize=chunk):
                    if result is not None:
                        read[path] = result
        finally:
            _POOL_READER = None
        return read

    def _exists(self, site_path: str) -> bool:
        return os.path.isfile(os.path.join(self.path, site_path.lstrip("/")))

    def _read_head(self, site_path: str) -> bytes | None:
        """The first bytes of a file under content/ (enough for a signature), or None."""
        try:
            with open(os.path.join(self.path, site_path.lstrip("/")), "rb") as file:
                return file.read(4096)
        except OSError:
            return None

    def _read_all(
        self, files: list[tuple[str, Stamp]], reads: StampCache
    ) -> tuple[list[SourceFile], list[Problem]]:
        sources: list[SourceFile] = []
        problems: list[Problem] = []
        shown_root = os.path.basename(os.path.normpath(self.path))
        wanted: list[tuple[str, Stamp, Kind, str, str]] = []
        for relative, stamp in files:
            shown = f"{shown_root}/{relative}"
            parts = relative.split("/")
            kind = kind_for_folder(parts[0]) if len(parts) > 1 else None
            if parts[0] in STATIC_FOLDERS and len(parts) > 1:
                continue
            if kind is None:
                folders = ", ".join(f"{shown_root}/{k}/" for k in _kind_folders())
                problems.append(
                    Problem(
                        shown, "file", "not in a known folder", f"move it into one of {folders}"
                    )
                )
                continue
            stem, extension = os.path.splitext(parts[-1])
            if extension != ".md":
                problems.append(
                    Problem(
                        shown,
                        "file",
                        f"'{extension or parts[-1]}' files are not read in "
                        f"{shown_root}/{parts[0]}/",
                        "write items as Markdown files ending in .md; put pictures in "
                        f"{shown_root}/images/",
                    )
                )
                continue
            parent = parts[1] if kind.name == "comment" and len(parts) == 3 else ""
            wanted.append((relative, stamp, kind, stem, parent))
        cached = [reads.get(relative, stamp) for relative, stamp, *_rest in wanted]
        uncached = [
            os.path.join(self.path, want[0])
            for want, raw in zip(wanted, cached, strict=True)
            if raw is None
        ]
        fresh = self._read_files(uncached)
        warn_bytes = int(self.settings.get("BODY_WARN_BYTES", 0) or 0)
        for (relative, stamp, kind, stem, parent), kept in zip(wanted, cached, strict=True):
            shown = f"{shown_root}/{relative}"
            raw = kept
            if raw is None:
                path = os.path.join(self.path, relative)
                raw = fresh.get(path) or self.reader.read(path)
                reads.put(relative, stamp, raw)
            content, read_metadata = raw
            metadata = dict(read_metadata)
            rendered = metadata.pop(RENDERED_KEY, {})
            notes = metadata.pop(NOTES_KEY, ReadNotes())
            if kind.body is not None and 0 < warn_bytes < stamp[1]:
                log.warning("%s", _large_body(shown, kind, stamp[1], warn_bytes))
            for removal in metadata.pop(REMOVED_KEY, ()):
                # Why every build, not only when the file is read: a warning
                # must not vanish because the reading was cached.
                if removal.error:
                    problems.append(removal.problem(shown))
                else:
                    log.warning("%s", removal.problem(shown))
            sources.append(
                SourceFile(
                    shown, kind, stem, metadata, content or "", parent, rendered, stamp, notes
                )
            )
        return sources, problems


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1_000_000 else f"{count / 1e3:.0f} kB"


def _large_body(shown: str, kind: Kind, size: int, limit: int) -> Problem:
    """The warning for a file over BODY_WARN_BYTES (a problem's shape, not an error)."""
    assert kind.body is not None
    return Problem(
        shown,
        kind.body.role,
        f"the file is {_size(size)}, more than BODY_WARN_BYTES ({_size(limit)}): its page "
        "loads slowly and feeds carry only its start",
        "split it into several items, or link to large files under content/media/",
    )


# Below this many new files, starting worker processes costs more than it saves.
PARALLEL_READ_THRESHOLD = 48
_POOL_READER: HubMarkdownReader | None = None


def _read_raw(path: str) -> tuple[str, tuple[str, dict[str, Any]] | None]:
    """In a worker: read one file; None when it fails (the main process reports why)."""
    assert _POOL_READER is not None
    try:
        return path, _POOL_READER.read(path)
    except Exception:  # why broad: the sequential pass reads it again and reports it
        return path, None


def _kind_folders() -> list[str]:
    return [kind.folder for kind in KINDS]


def _content_files(root: str, prefix: str = "") -> list[tuple[str, Stamp]]:
    """Every file under root with its stamp, as sorted relative POSIX paths.

    Hidden files and editors' backups (``x.md~``, ``#x.md#``, ``x.bak``) are skipped.
    """
    found: list[tuple[str, Stamp]] = []
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith(".") or (entry.is_file() and is_editor_scratch(entry.name)):
                continue
            if entry.is_dir():
                found += _content_files(entry.path, f"{prefix}{entry.name}/")
            else:
                found.append((prefix + entry.name, file_stamp(entry.stat())))
    return found


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican our reading generator."""
    return HubItemsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
