"""What a content file's bytes and header lines say before Markdown reads them.

Markdown's meta extension is forgiving in ways that publish wrong pages: it
joins a field given twice, reads a YAML block's quotes and brackets as text,
and ends the header silently at a badly indented line. This module looks at
the raw text first and says what is wrong, by line, in the editor's terms.
"""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from socialhub.errors import Problem
from socialhub.fieldrules import forbidden_references, shown_reference
from socialhub.kinds import Field, FieldType, Kind, field_key
from socialhub.text import describe_characters, xml_forbidden

# The meta extension's own patterns (markdown/extensions/meta.py): a header line
# may be indented by up to three spaces; a continuation line by four or more.
_FIELD_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_CONTINUATION = re.compile(r"^[ ]{4,}(?P<value>.*)")
_YAML_FENCE = re.compile(r"^-{3}\s*$")
_YAML_END = re.compile(r"^(-{3}|\.{3})\s*$")
_INDENT = re.compile(r"^[ \t]+")

# Editors' backup, swap and merge files: never content, never reported.
_SCRATCH_SUFFIXES = ("~", ".bak", ".orig", ".rej", ".swp", ".swo", ".tmp")

UTF8_FIX = "re-save the file with UTF-8 encoding"


@dataclass(frozen=True)
class ReadNotes:
    """What the raw text says: problems (path left empty), and how the checks should use it."""

    problems: tuple[Problem, ...] = ()
    fatal: bool = False  # nothing else can be read from the file
    unparsed: frozenset[str] = field(default_factory=frozenset)  # fields whose value is unsure
    stray_keys: frozenset[str] = frozenset()  # meta keys that are really continuation lines


def is_editor_scratch(name: str) -> bool:
    """True for an editor's backup, swap, lock or merge file (``x.md~``, ``#x.md#``, ``x.bak``)."""
    if name.startswith(".") or (name.startswith("#") and name.endswith("#")):
        return True
    return name.lower().endswith(_SCRATCH_SUFFIXES)


def decode(data: bytes) -> tuple[str | None, Problem | None]:
    """The text of a file that must be UTF-8 (a UTF-8 byte order mark is dropped), or a problem."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    encoding = _wide_encoding(data)
    if encoding:
        return None, Problem("", "file", f"saved as {encoding} text, not UTF-8", UTF8_FIX)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\x00" in data:
            return None, Problem("", "file", "not a text file (it holds NUL bytes)", UTF8_FIX)
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not UTF-8 text (byte 0x{data[error.start]:02x} on line {line})"
        return None, Problem("", "file", message, UTF8_FIX)
    # Why text with a few NULs is read: a collected post can carry one, and the
    # XML check (forbidden_characters) names its field and line; a file mostly
    # of NULs is something else saved under a .md name.
    if data.count(0) * 10 > len(data):
        return None, Problem("", "file", "not a text file (it holds NUL bytes)", UTF8_FIX)
    return text, None


def _wide_encoding(data: bytes) -> str:
    """'UTF-16' or 'UTF-32' when the bytes are in one of them, with or without a BOM; else ''."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return ""
    # Without a BOM: text in a Latin script has NULs beside almost every letter,
    # always on the same side (three of every four bytes in UTF-32), and UTF-8
    # text has none at all.
    if _mostly_nul(sample, 4, (1, 2, 3)) or _mostly_nul(sample, 4, (0, 1, 2)):
        return "UTF-32"
    if _mostly_nul(sample, 2, (1,)) or _mostly_nul(sample, 2, (0,)):
        return "UTF-16"
    return ""


def _mostly_nul(sample: bytes, width: int, places: tuple[int, ...]) -> bool:
    """True when the bytes at ``places`` of every ``width`` are mostly NUL, and the rest not."""
    share = {
        place: sample[place::width].count(0) / len(sample[place::width]) for place in range(width)
    }
    return all(share[p] >= 0.6 for p in places) and all(
        share[p] <= 0.1 for p in range(width) if p not in places
    )


def inspect_header(text: str, kind: Kind) -> tuple[str, ReadNotes]:
    """Check the header's lines; return the text for Markdown to read, and what was found.

    The text returned differs only where a continuation line was indented
    wrongly: it is read as the continuation the editor meant, so that the one
    indent problem is not followed by a list of fields that seem missing.
    """
    lines = text.splitlines()
    if lines and _YAML_FENCE.match(lines[0]):
        return "", ReadNotes((_yaml_problem(lines, kind),), fatal=True)
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    twice: dict[str, list[int]] = {}
    stray: set[str] = set()
    unparsed: set[str] = set()
    current = ""  # the field the previous line belongs to
    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip():
            break
        matched = _FIELD_LINE.match(line)
        known = matched is not None and _is_field(matched["key"], kind)
        spec = kind.field(current) if current else None
        wrong = _misindented(line, spec) if current and not known else ""
        if wrong:
            problems.append(_indent_problem(spec, current, number, wrong))
            unparsed.add(current)
            if matched:
                stray.add(matched["key"].lower())
            lines[index] = "    " + line.strip()
            continue
        if matched is None:
            if _CONTINUATION.match(line) and current:
                continue
            break  # the header ends here; the body checks report text where none belongs
        name = field_key(matched["key"])
        if name in first_line:
            twice.setdefault(name, [first_line[name]]).append(number)
        else:
            first_line[name] = number
        current = name
    for name, numbers in twice.items():
        spec = kind.field(name)
        label = spec.label if spec is not None else name
        where = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
        problems.append(
            Problem(
                "",
                label.lower(),
                f"given {_times(len(numbers))} (lines {where})",
                f"keep one '{label}:' line; a value of several lines continues on lines "
                "indented by four spaces",
            )
        )
        unparsed.add(name)
    forbidden = forbidden_characters(text, kind)
    problems += forbidden
    # Why unparsed: such a field's value is reported here; the field checks would
    # only add a second, less helpful line about the same characters.
    unparsed |= {field_key(problem.field) for problem in forbidden}
    normalised = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    return normalised, ReadNotes(tuple(problems), False, frozenset(unparsed), frozenset(stray))


def forbidden_characters(text: str, kind: Kind) -> list[Problem]:
    """A problem per field (or body) holding characters XML 1.0 forbids or references to them.

    Why at reading: every feed is XML, and lxml refuses a whole feed for one
    such character, so the build would fail far from the file; here it names
    the file, the field and the line instead.
    """
    if "&#" not in text and not xml_forbidden(text):
        return []  # the common case, in one pass: most files have neither
    found: dict[str, tuple[list[int], list[str]]] = {}
    role = kind.body.role if kind.body is not None else "body"
    where = role
    in_header = True
    # Why split on newlines only: splitlines() also breaks at U+000C and U+001C-U+001E,
    # which are among the characters looked for.
    for number, line in enumerate(text.split("\n"), start=1):
        if in_header:
            matched = _FIELD_LINE.match(line)
            if not line.strip():
                in_header = False
                where = role
            elif matched is not None:
                spec = kind.field(field_key(matched["key"]))
                where = spec.label.lower() if spec is not None else matched["key"].lower()
            elif not (_CONTINUATION.match(line) and where != role):
                in_header = False  # the header ends at a line that is not a field's
                where = role
        # Why references too: Markdown passes ``&#x1b;`` through and every HTML
        # parser (nh3's, Beautiful Soup's) decodes it into U+001B.
        characters = xml_forbidden(line) + forbidden_references(line)
        if characters:
            lines, named = found.setdefault(where, ([], []))
            lines.append(number)
            named += [c for c in characters if c not in named]
    return [_forbidden_problem(where, lines, named) for where, (lines, named) in found.items()]


def _forbidden_problem(where: str, lines: list[int], named: list[str]) -> Problem:
    """'line 5 holds U+001B, a character that XML forbids…; delete it'."""
    shown = ", ".join(
        shown_reference(c) if c.startswith("&#") else describe_characters([c]) for c in named
    )
    place = f"line {lines[0]} holds" if len(lines) == 1 else f"lines {_listed(lines)} hold"
    one = len(named) == 1
    return Problem(
        "",
        where,
        f"{place} {shown}, {'a character' if one else 'characters'} that XML forbids, "
        "so no feed can carry the file",
        f"delete {'it' if one else 'them'} (text copied from a web page or a collected feed "
        "can bring such characters; editors show them as ^@, ^[ or a box)",
    )


def _listed(numbers: list[int]) -> str:
    """'3, 4 and 9'; only the first five, then 'and N more'."""
    shown = [str(n) for n in numbers[:5]]
    if len(numbers) > 5:
        return ", ".join(shown) + f" and {len(numbers) - 5} more"
    return ", ".join(shown[:-1]) + f" and {shown[-1]}"


def _misindented(line: str, spec: Field | None) -> str:
    """How a line meant to continue the field ``spec`` is wrongly indented; '' when it is not."""
    indent = _INDENT.match(line)
    if indent and not _CONTINUATION.match(line):
        return _describe(indent.group())  # indented, but not by four spaces
    if not indent and spec is not None and spec.type is FieldType.LINES:
        return "not indented"  # after a field of several lines, its next line
    return ""


def _is_field(key: str, kind: Kind) -> bool:
    """A field of the kind, or close enough to one to be a misspelling (reported as such)."""
    if kind.field(field_key(key)) is not None:
        return True
    names = [spec.name for spec in kind.fields]
    return bool(difflib.get_close_matches(field_key(key), names, n=1, cutoff=0.6))


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times"


def _describe(indent: str) -> str:
    if "\t" in indent:
        return "indented with a tab"
    spaces = len(indent)
    return f"indented by {spaces} space{'s' if spaces > 1 else ''}"


def _indent_problem(spec: Any, name: str, number: int, how: str) -> Problem:
    label = spec.label if spec is not None else name
    return Problem(
        "",
        label.lower(),
        f"line {number} is {how}",
        f"indent each following line of '{label}' by four spaces (no tabs); "
        "a line that is not indented starts a new field",
    )


_WRITE_A_HEADER = (
    "write a header of 'Field: value' lines instead (no --- lines), then an empty line"
)


def _yaml_problem(lines: list[str], kind: Kind) -> Problem:
    """The one problem of a file that starts with YAML front matter: the header to write."""
    message = "starts with a YAML front matter block (---), which this site does not read"
    end = next((i for i in range(1, len(lines)) if _YAML_END.match(lines[i])), None)
    if end is None:
        return Problem(
            "",
            "file",
            f"{message}, and the block has no closing --- line",
            _WRITE_A_HEADER,
        )
    block = "\n".join(lines[1:end])
    try:
        # Why BaseLoader: every value stays the text the editor wrote (a date such as
        # 2026-02-30 is not turned into an error here, nor 09:00 into minutes).
        loaded = yaml.load(block, Loader=yaml.BaseLoader) if block.strip() else {}
    except yaml.YAMLError as error:
        # Where the unreadable part starts (an unclosed quote's line), and what YAML says.
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        said = ", ".join(
            str(part)
            for part in (getattr(error, "context", None), getattr(error, "problem", None))
            if part
        )
        where = f" (line {mark.line + 2}: {said})" if mark else ""
        return Problem(
            "",
            "file",
            f"{message}, and it is not valid YAML{where}",
            _WRITE_A_HEADER,
        )
    if not isinstance(loaded, dict) or not loaded:
        return Problem(
            "",
            "file",
            message,
            _WRITE_A_HEADER,
        )
    header = "".join(f"\n    {line}" for line in pelican_header(loaded, kind))
    return Problem(
        "",
        "file",
        message,
        "replace the block with this header (no --- lines), then an empty line:" + header,
    )


# YAML's words for yes and no, as a header writes them.
_YAML_BOOLS = {
    word: answer
    for words, answer in ((("true", "yes", "on", "y"), "yes"), (("false", "no", "off", "n"), "no"))
    for word in words
}


def pelican_header(values: dict[Any, Any], kind: Kind) -> list[str]:
    """YAML front matter's values as the lines of a header: ``Tags: a, b`` for ``[a, b]``."""
    lines: list[str] = []
    for key, value in values.items():
        spec = kind.field(field_key(str(key)))
        label = spec.label if spec is not None else str(key).strip().capitalize()
        several = spec is not None and spec.type is FieldType.LINES
        parts = _header_values(value, several)
        if spec is not None and spec.type is FieldType.BOOL:
            parts = [_YAML_BOOLS.get(part.lower(), part) for part in parts]
        lines.append(f"{label}: {parts[0]}".rstrip())
        lines += [f"    {part}" for part in parts[1:]]
    return lines


def _header_values(value: Any, several: bool) -> list[str]:
    """One value as header text: one string, or one per line for a field of several lines."""
    if isinstance(value, list | tuple):
        texts = [_scalar(item) for item in value]
        if several:
            return texts or [""]
        return [", ".join(texts)]
    if isinstance(value, dict):
        return [", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in value.items())]
    text = _scalar(value)
    if several:
        return [line.strip() for line in text.splitlines() if line.strip()] or [""]
    return [" ".join(text.split())]


def _scalar(value: Any) -> str:
    """A value of YAML's BaseLoader (text, or None for an empty one) as header text."""
    return "" if value is None else str(value)
