"""JSON with an indent of one space, byte for byte as ``json.dumps(value, indent=1)`` makes it.

Why not json.dumps: with an indent it falls back to the pure-Python encoder, which
walked every field of a queue file one generator at a time and cost a tenth of a
comment's CPU. Here the structure (objects and arrays, a handful per file) is laid
out in Python and every string goes through the C escaper json itself uses, so the
queue files keep exactly the bytes every reader (and every moderator's eye) knows.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring  # the C escaper when _json is there, as json's
from typing import Any

INDENT = " "


class _Unusual(Exception):  # noqa: N818 - a signal to fall back, never raised to callers
    """A value this module does not lay out itself (json.dumps then does all of it)."""


def dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=1)``, the same text, faster."""
    try:
        return _encode(value, 0)
    except _Unusual:
        # Keys that are not text, subclasses, values json refuses: json says what it says.
        return json.dumps(value, ensure_ascii=False, indent=1)


def _encode(value: Any, level: int) -> str:  # noqa: PLR0911 - one answer per JSON type
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    if kind is dict:
        return _object(value, level)
    if kind is list or kind is tuple:
        return _array(value, level)
    raise _Unusual


def _float(value: float) -> str:
    """As json writes a float (allow_nan, its default, included)."""
    if math.isnan(value):
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


def _object(value: dict[Any, Any], level: int) -> str:
    if not value:
        return "{}"
    inner = "\n" + INDENT * (level + 1)
    parts = []
    for key, item in value.items():
        if type(key) is not str:
            raise _Unusual
        parts.append(f"{encode_basestring(key)}: {_encode(item, level + 1)}")
    return "{" + inner + ("," + inner).join(parts) + "\n" + INDENT * level + "}"


def _array(value: list[Any] | tuple[Any, ...], level: int) -> str:
    if not value:
        return "[]"
    inner = "\n" + INDENT * (level + 1)
    parts = [_encode(item, level + 1) for item in value]
    return "[" + inner + ("," + inner).join(parts) + "\n" + INDENT * level + "]"
