"""Every item's ActivityPub object kept between builds: an unchanged item costs a hash and a stat.

An item's object is a function of its file, its blogger's or contest's file,
the pictures it shows (their sizes are in the object), the site's facts
(SiteInfo), the fediverse settings and the code. Each build hashes those per
item; an item whose hash and object file (its mtime and size) are as the last
build left them is not made again, not encoded, and its file is not read.

The record, beside the objects' file for the delivery
(``fediverse-objects-<hash>.state.pickle``), holds for each object file its
digest and stamp, the order of the items, and the stamps of the delivery file
and of the outbox. The delivery file holds one entry per line, so that a build
after one change copies the other entries' bytes instead of encoding them again.
A missing or damaged record, or a delivery file that is not as it was left, makes
every object again: a cache, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import socialhub
from socialhub.activitypub.config import FediverseConfig
from socialhub.feeds.entries import SiteInfo
from socialhub.model import FeaturedPost, Item, Site, Video
from socialhub.render import code_stamp, digest, identity
from socialhub.sitemap import item_pictures
from socialhub.stampcache import Stamp, file_stamp, read_pickle, write_atomically

# Bump when the objects or the files' format change in a way the code stamp may miss
# (an installed package keeps its files' times).
FORMAT_VERSION = 1
CODE_FOLDER = Path(socialhub.__file__).parent


@dataclass
class ObjectState:
    """What the last build wrote: each object file's digest and stamp, and the shared files."""

    basis: str = ""
    files: dict[str, tuple[str, Stamp]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # object files, in the delivery file's order
    delivery: Stamp | None = None
    outbox: tuple[str, Stamp] | None = None
    # False: no record (a first build, a deleted cache): stale object files are found by a walk.
    recorded: bool = field(default=False, compare=False)


def state_path(delivery_file: Path) -> Path:
    """The record kept beside the delivery file (same name, ``.state.pickle``)."""
    return delivery_file.with_suffix(".state.pickle")


def load_state(path: Path) -> ObjectState:
    """The last build's record; an empty one when it is missing, damaged or of other code."""
    data = read_pickle(path)
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        return ObjectState()
    try:
        return ObjectState(
            basis=str(data["basis"]),
            files=dict(data["files"]),
            order=list(data["order"]),
            delivery=data["delivery"],
            outbox=data["outbox"],
            recorded=True,
        )
    except (KeyError, TypeError, ValueError):
        return ObjectState()


def save_state(path: Path, state: ObjectState) -> None:
    """Write the record atomically (a crash leaves the last good one)."""
    data = {
        "version": FORMAT_VERSION,
        "basis": state.basis,
        "files": state.files,
        "order": state.order,
        "delivery": state.delivery,
        "outbox": state.outbox,
    }
    write_atomically(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def basis(info: SiteInfo, fed: FediverseConfig) -> str:
    """What every object depends on beyond its item: the site's facts, the account, the code."""
    return digest(FORMAT_VERSION, info, fed, code_stamp([CODE_FOLDER]))


def item_digests(site: Site, items: Sequence[Item], info: SiteInfo, common: str) -> list[str]:
    """Each item's digest: its file, its blogger's or contest's, its pictures' stamps, the basis."""
    found = []
    for item in items:
        related: Any = None
        if isinstance(item, FeaturedPost):
            related = site.bloggers.get(item.blogger)
        elif isinstance(item, Video):
            related = site.contests.get(item.contest)
        parts = [common, identity(site, item), identity(site, related) if related else "-"]
        # The pictures whose sizes the object carries: the same as the sitemap lists.
        for src in item_pictures(item):
            stamp = file_stamp_or_none(os.path.join(info.content_dir, src.lstrip("/")))
            parts.append(f"{src}:{stamp}")
        joined = "\x00".join(parts).encode("utf-8", "surrogatepass")
        found.append(hashlib.blake2b(joined, digest_size=16).hexdigest())
    return found


def file_stamp_or_none(path: str | Path) -> Stamp | None:
    """A file's stamp, or None when it is not there."""
    try:
        return file_stamp(os.stat(path))
    except OSError:
        return None


def entry_line(obj: dict[str, Any], fingerprint: str) -> bytes:
    """One object's entry of the delivery file, on one line (JSON escapes every newline)."""
    entry = {"id": obj["id"], "fingerprint": fingerprint, "object": obj}
    return json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8")


def delivery_bytes(actor_url: str, lines: Sequence[bytes]) -> bytes:
    """The delivery file: the actor, then every entry on its own line (still one JSON document)."""
    head = b'{"actor": ' + json.dumps(actor_url).encode("utf-8") + b', "objects": [\n'
    return head + b",\n".join(lines) + b"\n]}\n"


def delivery_lines(data: bytes, count: int) -> list[bytes] | None:
    """The ``count`` entry lines of a delivery file, or None when it does not hold that many."""
    if count == 0:
        return []
    parts = data.split(b"\n")
    # [head, entry,, entry,, ..., entry, "]}", ""]
    lines = parts[1:-2]
    if len(lines) != count or parts[-2:] != [b"]}", b""]:
        return None
    return [line[:-1] if line.endswith(b",") else line for line in lines]
