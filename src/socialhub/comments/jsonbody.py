"""Read the JSON API's body: one flat object of text fields, its nesting bounded before parsing.

Why a scan before json.loads: the parser recurses once per level, and a body of
a few thousand ``[`` ended in a RecursionError (a 500) before any check ran.
Counting brackets outside strings costs one regular expression and a loop over
the brackets alone, and the request size is already bounded by the service.
"""

from __future__ import annotations

import json
import re

from socialhub.comments.checks import Refusal

# A comment is one object of strings; a little slack for clients that send null or numbers.
MAX_DEPTH = 4
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)  # no nested quantifier: linear time
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """How deeply brackets nest outside JSON strings (an over-estimate for broken JSON)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING.sub('""', text)):
        depth = depth + 1 if bracket in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
    return deepest


def _has_surrogate(text: str) -> bool:
    """True when a string holds a lone surrogate (JSON's \\ud800), which UTF-8 cannot store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_fields(text: str) -> dict[str, str]:
    """The fields of a JSON comment as text; Refusal (400) naming what is wrong."""
    if nesting_depth(text) > MAX_DEPTH:
        raise Refusal(
            f"The JSON body is nested too deeply (at most {MAX_DEPTH} levels); "
            "send one object of text fields."
        )
    try:
        data = json.loads(text or "{}")
    except (ValueError, RecursionError) as error:  # RecursionError: never, after the scan
        raise Refusal("The request body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise Refusal("Send a JSON object with item, author, body.")
    fields: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, (dict, list)):
            raise Refusal(f"The field {shown(key)} must be text, not a list or an object.")
        text_value = value if isinstance(value, str) else json.dumps(value)
        if _has_surrogate(key) or _has_surrogate(text_value):
            raise Refusal(f"The field {shown(key)} holds text that is not valid Unicode.")
        fields[key] = text_value
    return fields


def shown(key: str) -> str:
    """A field name as it can be printed in a sentence: quoted, short, always encodable."""
    safe = key.encode("utf-8", "replace").decode("utf-8")
    return json.dumps(safe[:40], ensure_ascii=True)
