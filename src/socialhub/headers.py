"""Read a content file's header without Pelican: `Key: value` lines up to the first empty line."""

from __future__ import annotations

from pathlib import Path


def read_header(path: Path) -> dict[str, str]:
    """Lower-case keys and their values; continuation lines (indented) are joined by newlines."""
    header: dict[str, str] = {}
    key = ""
    with open(path, encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip():
                break
            if line.startswith(("    ", "\t")) and key:
                header[key] += "\n" + line.strip()
                continue
            name, colon, value = line.partition(":")
            if not colon:
                break
            key = name.strip().lower()
            header[key] = value.strip()
    return header
