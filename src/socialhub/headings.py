"""Headings in rendered Markdown, fitted under the page's own headings.

An editor may start a body with ``###`` or ``#``; on the page the title is the
only ``h1`` and a body's headings must come just below the heading it sits
under, or the outline skips levels (which the HTML checker reports as an error).
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_LEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def rebase_headings(html: str, top: int = 2) -> str:
    """Shift every heading so that the highest one in ``html`` becomes ``h<top>`` (at most h6)."""
    levels = [int(match.group(2)) for match in _HEADING.finditer(html)]
    if not levels:
        return html
    shift = top - min(levels)
    if shift == 0:
        return html
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)


def split_heading(html: str) -> tuple[str, str]:
    """The text of a heading that opens ``html`` (or "") and the HTML after it."""
    match = _LEADING.match(html)
    if match is None:
        return "", html
    title = _TAG.sub("", match.group(2)).strip()
    return title, html[match.end() :]


JINJA_FILTERS = {"rebase_headings": rebase_headings, "split_heading": split_heading}
