"""The rules a field's text must keep: one set for the build and for every door into content/.

The build (``validate.py``) refuses a file whose fields break these rules; the
comment service, the Webmention verifier and the collector apply the same
functions before they accept or write anything, so that what a door accepts
the build takes. Which rules a field gets follows from its type in the kinds
table (``kinds.py``); ``field_flaw`` applies them to one field by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from socialhub.kinds import FieldType, Kind
from socialhub.text import describe_characters, xml_forbidden, xml_safe

# The scaffold's placeholder (``invoke new`` writes ``TODO: …``): a field or body
# that starts with it marks an unfinished file, which the build leaves out.
PLACEHOLDER_WORD = "TODO"

# Fields shown as typed: HTML in them would reach the page as text.
PLAIN_TYPES = (FieldType.TEXT, FieldType.LIST, FieldType.LINES)

_TAG_START = re.compile(r"<[a-zA-Z/!]")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A numeric character reference as an HTML parser reads it: the semicolon is
# optional (HTML5 decodes ``&#14`` too), and hex digits may be in either case.
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_HTML_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
# Anything a URL cannot hold as written: whitespace of any kind and control
# characters. Why not urlsplit alone: it silently drops TAB, CR and LF, so a
# URL with a TAB passed the check and became a space in the file's header.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
# What make_plain turns inert: a tag, the start of one, and the ampersand of
# anything a browser or a check could read as a reference (``&amp;``, ``&#14``).
_TAG_LIKE = re.compile(r"<([A-Za-z/!?][^<>]*)>")
_TAG_LIKE_START = re.compile(r"<(?=[A-Za-z/!?])")
_REFERENCE_START = re.compile(r"&(?=#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]*;)")
_FULLWIDTH_AMPERSAND = "\uff06"


@dataclass(frozen=True)
class Flaw:
    """What is wrong with a field's text, and how to fix it, in an editor's words."""

    message: str
    fix: str
    rule: str = ""  # which rule: one of RULES, for a door to phrase its answer


# The rules, by name: XML's characters, the placeholder, plain text, URLs, an empty body.
RULES = ("characters", "placeholder", "plain", "url", "empty")


_PLACEHOLDER_FLAW = Flaw(
    f"starts with {PLACEHOLDER_WORD}, which marks an unfinished file",
    f"do not start it with {PLACEHOLDER_WORD}",
    "placeholder",
)


def is_placeholder(text: str) -> bool:
    """True for a value that starts with the scaffold's TODO (an unfinished file)."""
    return text.startswith(PLACEHOLDER_WORD)


def visible_text(html: str) -> str:
    """The text a rendered body shows: tags and HTML comments removed, ends stripped.

    Why regular expressions and not a parser: the build runs this on every body,
    and a full parse costs a lot at 10,000 items.
    """
    return _TAGS.sub("", _HTML_COMMENTS.sub("", html)).strip()


def markup_flaw(text: str) -> Flaw | None:
    """A tag or an HTML entity in a plain field (they would show as typed), else None."""
    if "<" in text and _TAG_START.search(text):
        return Flaw("contains HTML", "write plain text without tags", "plain")
    entity = next((m for m in _ENTITY.findall(text) if unescape(m) != m), None)
    if entity is None:
        return None
    if forbidden_reference(entity):
        return Flaw(
            f"contains '{shown_reference(entity)}', a control character that XML forbids",
            "remove it",
            "characters",
        )
    return Flaw(
        f"contains the HTML entity '{entity}'",
        f"write the character itself: {unescape(entity)}",
        "plain",
    )


def forbidden_reference(reference: str) -> bool:
    """True when a numeric character reference names a character XML forbids (or none)."""
    match = _CHARACTER_REFERENCE.fullmatch(reference)
    return match is not None and _names_forbidden(match)


def forbidden_references(text: str) -> list[str]:
    """The character references in ``text`` to characters XML forbids, as they are written."""
    return [m.group() for m in _CHARACTER_REFERENCE.finditer(text) if _names_forbidden(m)]


def shown_reference(reference: str) -> str:
    """A reference as a message quotes it: cut when it runs to many digits."""
    return reference if len(reference) <= 16 else reference[:12] + "…"


def _names_forbidden(match: re.Match[str]) -> bool:
    """Whether a matched reference names a character XML forbids, or a number past Unicode."""
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip("0") or "0"
    # Why the length first: int() refuses thousands of digits (a ValueError, a 500
    # at the comment service), and past eight digits no number is a character anyway.
    if len(digits) > 8:
        return True
    code = int(digits, 16 if hexadecimal else 10)
    return code > 0x10FFFF or bool(xml_forbidden(chr(code)))


def reference_flaw(text: str) -> Flaw | None:
    """A character reference to a character XML forbids (``&#14;``, ``&#x1b;``), else None.

    Why: Markdown keeps a reference as written, and the sanitizer and the feeds
    decode it later, into a character that makes the feed writer fail.
    """
    found = forbidden_references(text)
    if not found:
        return None
    return Flaw(
        f"contains '{shown_reference(found[0])}', a control character that XML forbids",
        "remove it",
        "characters",
    )


def character_flaw(text: str) -> Flaw | None:
    """Characters XML forbids, as typed or as references, else None."""
    found = xml_forbidden(text)
    if found:
        return Flaw(
            f"contains {describe_characters(found)}, which XML forbids",
            "remove those characters",
            "characters",
        )
    return reference_flaw(text)


def is_web_url(text: str) -> bool:
    """True for an absolute http or https URL with a host, and no space or control character."""
    if _NOT_IN_URL.search(text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def field_flaw(kind: Kind, name: str, text: str) -> Flaw | None:
    """The first rule the value of ``kind``'s field ``name`` breaks, by the field's type; else None.

    The same rules the build applies to the field (``validate.check_file``),
    for a door to refuse the value before it becomes a file.
    """
    spec = kind.field(name)
    if spec is None:
        raise KeyError(f"{kind.name} has no field {name}")  # a door and the table disagree
    flaw = character_flaw(text)
    if flaw is not None:
        return flaw
    if is_placeholder(text):
        return _PLACEHOLDER_FLAW
    if spec.type in PLAIN_TYPES:
        return markup_flaw(text)
    if spec.type is FieldType.URL and text and not is_web_url(text):
        return Flaw(f"'{text}' is not an absolute http(s) URL", "write the full address", "url")
    return None


def body_flaw(markdown_text: str, html: str) -> Flaw | None:
    """The first rule a body breaks, given its Markdown and the HTML the build renders from it."""
    flaw = character_flaw(markdown_text) or character_flaw(html)
    if flaw is not None:
        return flaw
    visible = visible_text(html)
    if not visible and "<img" not in html:
        return Flaw("shows no text", "write some words", "empty")
    if is_placeholder(visible):
        return _PLACEHOLDER_FLAW
    return None


def untagged(text: str) -> str:
    """``text`` with each ``<`` that would open a tag written as a single angle quote."""
    return _TAG_LIKE_START.sub("\u2039", text)


def make_plain(text: str) -> str:
    """Decoded outside text as one line that every plain-field rule accepts.

    For texts no person can correct before they are written (a feed's titles, a
    Webmention's author): control characters go, a tag-like ``<b>`` gets single
    angle quotes instead of its brackets, and the ampersand of an entity-like
    ``&amp;`` a full-width one, so that the text reads the same and means
    nothing to a browser or a check.
    """
    text = untagged(_TAG_LIKE.sub(r"‹\1›", " ".join(xml_safe(text).split())))
    return _REFERENCE_START.sub(_FULLWIDTH_AMPERSAND, text)
