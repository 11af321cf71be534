"""hub_items: read every content file, validate it, and put the site model in the context.

The first of our plugins: the others only read ``context["hub"]``.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from typing import Any
from zoneinfo import ZoneInfo

from markdown import Markdown
from pelican import signals
from pelican.generators import Generator
from pelican.readers import MarkdownReader
from pelican.utils import pelican_open

from socialhub import kinds, validate
from socialhub.assemble import CheckCache, build_site
from socialhub.errors import Problem
from socialhub.kinds import KINDS, kind_for_folder
from socialhub.render import digest
from socialhub.sanitize import render_comment
from socialhub.urls import site_base
from socialhub.validate import RENDERED_KEY, SourceFile, render_markdown_fields

log = logging.getLogger(__name__)

# Folders under content/ that hold files copied as they are, not items.
STATIC_FOLDERS = ("images", "media")


class HubMarkdownReader(MarkdownReader):
    """Pelican's Markdown reader, keeping every header value as the editor wrote it.

    Why: Pelican turns ``Date`` and ``Tags`` into objects (and gives up on the
    whole file when a date is wrong); we want the raw text so that validation
    can say exactly what is wrong with every field at once.
    """

    def process_metadata(self, name: str, value: Any) -> Any:
        """Keep the raw text."""
        return value

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Render the body; a comment's body is rendered as Markdown with HTML escaped."""
        self._source_path = source_path
        self._md = Markdown(**self.settings["MARKDOWN"])
        with pelican_open(source_path) as text:
            content = self._md.convert(text)
        metadata = self._parse_metadata(getattr(self._md, "Meta", {}))
        folder = _top_folder(source_path, self.settings["PATH"])
        if folder == "comments":
            content = render_comment(_body_of(text) if metadata else text)
        kind = kind_for_folder(folder)
        if kind is not None:
            # Why here: the reader's output is cached, so Markdown fields are
            # rendered once per change of the file, not once per build.
            metadata[RENDERED_KEY] = render_markdown_fields(kind, metadata)
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


class RawContent:
    """What Pelican's ``Readers.read_file`` gives back to us: content and raw metadata."""

    def __init__(self, content: str, metadata: dict[str, Any], **_: Any) -> None:
        self.content = content or ""
        self.metadata = metadata


class HubItemsGenerator(Generator):
    """Reads content/<kind>/*.md into the model; stops the build with every problem."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, readers_cache_name="hub", **kwargs)
        reader = HubMarkdownReader(self.settings)
        for extension in reader.file_extensions:
            self.readers.readers[extension] = reader

    def generate_context(self) -> None:
        """Fill ``context["hub"]`` with the site model, or raise ContentError."""
        sources, problems = self._read_all()
        timezone = ZoneInfo(self.settings.get("TIMEZONE", "UTC"))
        cache = self._load_check_cache()
        try:
            site = build_site(sources, self._exists, timezone, problems, cache)
        finally:
            self._save_check_cache(cache)
        self.context["hub"] = site
        self.context["SITE_BASE"] = site_base(self.settings)
        self.readers.save_cache()
        log.info(
            "hub_items: %d items, %d bloggers, %d contests, %d drafts left out",
            len(site.items),
            len(site.bloggers),
            len(site.contests),
            len(site.drafts),
        )

    def _read_uncached_in_parallel(self, files: list[str]) -> None:
        """Fill the reader's cache for new or changed files, on every core.

        Why: rendering Markdown is most of the cost of a cold build, and each
        file is independent; the sequential pass that follows then finds every
        file in the cache.
        """
        paths = [
            os.path.join(self.path, relative)
            for relative in files
            if relative.endswith(".md") and relative.split("/")[0] not in STATIC_FOLDERS
        ]
        uncached = [p for p in paths if self.readers.get_cached_data(p, None) is None]
        workers = min(os.cpu_count() or 1, int(self.settings.get("HUB_BUILD_WORKERS", 0) or 99))
        if len(uncached) < PARALLEL_READ_THRESHOLD or workers < 2:
            return
        global _POOL_READER  # noqa: PLW0603 - handed to forked workers, see _read_raw
        _POOL_READER = self.readers.readers["md"]
        chunk = max(1, len(uncached) // (workers * 8))
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for path, result in pool.imap_unordered(_read_raw, uncached, chunksize=chunk):
                if result is not None:
                    self.readers.cache_data(path, result)
        _POOL_READER = None

    def _read(self, relative: str) -> RawContent:
        """A file through Pelican's readers; straight from their cache when it is there.

        Why the shortcut: ``read_file`` also merges default and path metadata
        (none in this site) and scans for empty alt texts (validation does),
        which at 10,000 files costs most of a rebuild.
        """
        cached = self.readers.get_cached_data(os.path.join(self.path, relative), None)
        if cached is not None:
            content, metadata = cached
            return RawContent(content, dict(metadata))
        return self.readers.read_file(self.path, relative, content_class=RawContent)

    def _check_cache_path(self) -> str:
        return os.path.join(self.settings["CACHE_PATH"], "hub-checks.pickle")

    def _check_cache_key(self) -> str:
        """What a file's check depends on beyond the file: pictures, settings, the rules."""
        files = []
        for folder in STATIC_FOLDERS:
            root = os.path.join(self.path, folder)
            for relative in _content_files(root) if os.path.isdir(root) else []:
                files.append(f"{folder}/{relative}")
        rules = [os.stat(str(module.__file__)).st_mtime_ns for module in (validate, kinds)]
        return digest(sorted(files), self.settings.get("TIMEZONE"), rules)

    def _load_check_cache(self) -> CheckCache:
        self._cache_key = self._check_cache_key()
        try:
            with open(self._check_cache_path(), "rb") as handle:
                key, cache = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, ValueError, AttributeError):
            return {}
        return cache if key == self._cache_key else {}

    def _save_check_cache(self, cache: CheckCache) -> None:
        if not self.settings.get("CACHE_CONTENT", False):
            return
        os.makedirs(self.settings["CACHE_PATH"], exist_ok=True)
        temporary = self._check_cache_path() + ".tmp"
        with open(temporary, "wb") as handle:
            pickle.dump((self._cache_key, cache), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self._check_cache_path())

    def _exists(self, site_path: str) -> bool:
        return os.path.isfile(os.path.join(self.path, site_path.lstrip("/")))

    def _read_all(self) -> tuple[list[SourceFile], list[Problem]]:
        sources: list[SourceFile] = []
        problems: list[Problem] = []
        shown_root = os.path.basename(os.path.normpath(self.path))
        files = _content_files(self.path)
        self._read_uncached_in_parallel(files)
        for relative in files:
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
            try:
                raw = self._read(relative)
            except UnicodeDecodeError as error:
                problems.append(
                    Problem(
                        shown,
                        "file",
                        f"not UTF-8 text (byte 0x{error.object[error.start]:02x} on line "
                        f"{_line_of(error.object, error.start)})",
                        "re-save the file with UTF-8 encoding",
                    )
                )
                continue
            metadata = {k: v for k, v in raw.metadata.items() if k != "reader"}
            rendered = metadata.pop(RENDERED_KEY, {})
            status = os.stat(os.path.join(self.path, relative))
            stamp = (status.st_mtime_ns, status.st_size)
            sources.append(
                SourceFile(shown, kind, stem, metadata, raw.content, parent, rendered, stamp)
            )
        return sources, problems


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


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _kind_folders() -> list[str]:
    return [kind.folder for kind in KINDS]


def _content_files(root: str, prefix: str = "") -> list[str]:
    """Every file under root, as sorted relative POSIX paths; hidden files skipped."""
    found: list[str] = []
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.startswith("."):
                continue
            if entry.is_dir():
                found += _content_files(entry.path, f"{prefix}{entry.name}/")
            else:
                found.append(prefix + entry.name)
    return found


def get_generators(_pelican: Any) -> type[Generator]:
    """Give Pelican our reading generator."""
    return HubItemsGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.get_generators.connect(get_generators)
