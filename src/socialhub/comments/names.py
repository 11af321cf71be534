"""The names the comment service turns into paths: comment ids and item slugs.

Every boundary checks them here (a submission, a queue file read back, an approval,
a comment file written), so that no name from a reader, a queue file or a command
line can point a path outside its folder.
"""

from __future__ import annotations

import re
from pathlib import Path

# What new_id makes (c-YYYYMMDD-8 hex digits), with room for the shorter ids of old files.
_COMMENT_ID = re.compile(r"c-\d{8}-[0-9a-z]{4,16}")
# The build's rule for a content file name, which is an item's slug.
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LONGEST_SLUG = 200


class BadName(ValueError):  # noqa: N818 - the name is bad, not the code
    """A comment id or item slug that is not one, in a sentence naming what it is."""


def is_comment_id(text: str) -> bool:
    """Whether ``text`` is a comment id such as c-20261124-1a2b3c4d."""
    return bool(_COMMENT_ID.fullmatch(text))


def is_item_slug(text: str) -> bool:
    """Whether ``text`` is an item slug such as first-post (no dot, slash or capital)."""
    return len(text) <= _LONGEST_SLUG and bool(_SLUG.fullmatch(text))


def comment_id(text: str, what: str = "comment id") -> str:
    """``text`` if it is a comment id; otherwise BadName naming ``what``."""
    if not is_comment_id(text):
        raise BadName(f"{what} {text!r} is not a comment id (c-YYYYMMDD-xxxxxxxx)")
    return text


def item_slug(text: str, what: str = "item") -> str:
    """``text`` if it is an item slug; otherwise BadName naming ``what``."""
    if not is_item_slug(text):
        raise BadName(f"{what} {text!r} is not an item slug (lower-case letters, digits, '-')")
    return text


def inside(folder: Path, *parts: str) -> Path:
    """``folder``/``parts``, refused when it resolves anywhere but under ``folder``."""
    # Why resolve as well as check the names: a symbolic link planted in the folder
    # would lead out of it with names that are each fine.
    root = Path(folder).resolve()
    path = root.joinpath(*parts).resolve()
    if path == root or not path.is_relative_to(root):
        raise BadName(f"{'/'.join(parts)!r} leads outside {folder}")
    return Path(folder).joinpath(*parts)
