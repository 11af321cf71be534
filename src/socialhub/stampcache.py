"""Values computed from files, kept between builds while each file and one key stay the same.

A file is known by its stamp, ``(mtime_ns, size)``, taken once per build with
the folder walk. The key says what else the values depend on (settings, the
code that computed them); a different key, a damaged file or a missing one
starts an empty cache, never an error. The cache is kept in shards, and a
shard is rewritten only when one of its entries changed, atomically, so that a
crash mid-write leaves the last good one: after one edit a rebuild writes a
sixteenth of the rendered Markdown of the whole site, not all of it.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path
from typing import Any

Stamp = tuple[int, int]


def file_stamp(status: os.stat_result) -> Stamp:
    """A file's stamp from its ``stat``: nanosecond mtime and size."""
    return (status.st_mtime_ns, status.st_size)


def read_pickle(path: Path) -> Any | None:
    """What a cache file holds; None when it is missing or damaged (a cache, never an error)."""
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, ValueError, TypeError, AttributeError):
        return None


def write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside ``path``, then move it into place (readers never see half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        # Why: a full disk or an interruption must not leave a half file beside it.
        temporary.unlink(missing_ok=True)
        raise


class StampCache:
    """name → (stamp, value), kept in ``shards`` pickle files named after ``path``."""

    def __init__(self, path: Path, key: str, *, load: bool = True, shards: int = 1) -> None:
        self.path = path
        self.key = key
        self.shards = shards
        self._entries: list[dict[str, tuple[Stamp, Any]]] = [
            self._load(number) if load else {} for number in range(shards)
        ]
        self._changed: set[int] = set()

    def _file(self, number: int) -> Path:
        return self.path if self.shards == 1 else self.path.with_suffix(f".{number:02d}.pickle")

    def _shard(self, name: str) -> int:
        # Why crc32: Python's hash() of a string changes from one process to the next.
        return zlib.crc32(name.encode("utf-8", "surrogatepass")) % self.shards

    def _load(self, number: int) -> dict[str, tuple[Stamp, Any]]:
        found = read_pickle(self._file(number))
        if isinstance(found, tuple) and len(found) == 2 and found[0] == self.key:
            entries = found[1]
            return entries if isinstance(entries, dict) else {}
        return {}

    def get(self, name: str, stamp: Stamp) -> Any | None:
        """The value kept for ``name`` if its file still has ``stamp``; else None."""
        found = self._entries[self._shard(name)].get(name)
        if found is not None and found[0] == stamp:
            return found[1]
        return None

    def put(self, name: str, stamp: Stamp, value: Any) -> None:
        """Keep ``value`` for ``name`` at ``stamp``."""
        number = self._shard(name)
        self._entries[number][name] = (stamp, value)
        self._changed.add(number)

    def keep_only(self, names: set[str]) -> None:
        """Forget the files that are gone, so the cache does not grow for ever."""
        for number, entries in enumerate(self._entries):
            gone = [name for name in entries if name not in names]
            for name in gone:
                del entries[name]
            if gone:
                self._changed.add(number)

    def save(self) -> None:
        """Write the shards that changed (each to a temporary file, then moved into place)."""
        for number in sorted(self._changed):
            data = (self.key, self._entries[number])
            write_atomically(self._file(number), pickle.dumps(data, pickle.HIGHEST_PROTOCOL))
        self._changed.clear()
