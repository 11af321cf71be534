"""Small text helpers: slugs, Markdown for editors' fields, plain text."""

from __future__ import annotations

import re

import lxml.html
import markdown
from anyascii import anyascii
from bs4 import BeautifulSoup
from lxml import etree

# Elements whose text is not visible text (as Beautiful Soup's get_text leaves them out).
_NOT_TEXT = ("script", "style", "template")
_MARKDOWN_EXTENSIONS = ["markdown.extensions.extra", "markdown.extensions.sane_lists"]


def slugify(text: str) -> str:
    """A URL slug: lower-case ASCII words joined by hyphens (``Første frost`` → ``forste-frost``).

    Why a transliteration table (anyascii) and not Unicode decomposition: NFKD
    only strips accents, so ``ø``, ``ß``, ``æ`` and ``ł`` would vanish from the
    word instead of becoming ``o``, ``ss``, ``ae`` and ``l``.
    """
    words = re.findall(r"[a-z0-9]+", anyascii(text).lower())
    return "-".join(words)


# Why one shared instance: building a Markdown object costs more than converting
# a short field with it, and there is one per item.
_MARKDOWN = markdown.Markdown(extensions=_MARKDOWN_EXTENSIONS, output_format="html")


def render_markdown(text: str) -> str:
    """Render an editor's Markdown (trusted: it is committed to the repo) to HTML."""
    if not text.strip():
        return ""
    return _MARKDOWN.reset().convert(text)


def counted(count: int, noun: str) -> str:
    """``1 page``, ``2 pages``: a count with its noun (plural by an s)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Why a table of XML 1.0's forbidden characters and not a sanitizer option: lxml
# (under feedgen) refuses a whole feed for one of them, and nh3 keeps them, so
# every door (the build's reading, the comment service, the collector) needs
# the same test. XML 1.0 allows TAB, LF, CR, U+0020 to U+D7FF, U+E000 to U+FFFD and
# the planes above; everything else, surrogates included, is forbidden.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_forbidden(text: str) -> list[str]:
    """The characters of ``text`` that XML 1.0 forbids, each once, in order of first use."""
    return list(dict.fromkeys(_XML_FORBIDDEN.findall(text)))


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (control characters, surrogates)."""
    return _XML_FORBIDDEN.sub("", text)


def describe_characters(characters: list[str]) -> str:
    """``U+0000, U+001B``: code points named the way an editor can search for them."""
    return ", ".join(f"U+{ord(character):04X}" for character in characters)


def plain_text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not html:
        return ""
    try:
        # Why lxml: six times faster than Beautiful Soup, and the sitemap asks it for
        # every film on every build (feeds and structured data for each page written).
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        for hidden in root.iter(*_NOT_TEXT):
            for child in list(hidden):
                hidden.remove(child)  # what is inside a script is not text, even tags
            hidden.text = None  # its tail, the text after it, stays
        text = " ".join(root.itertext())
    except (etree.LxmlError, ValueError):
        # Text lxml refuses (control characters, say) still has its words.
        text = BeautifulSoup(html, "html.parser").get_text(" ")
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """Cut plain text at a word boundary so it is at most ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"
