"""Checks for the door tests: nothing on a built page or in a feed can run; every feed is whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from bs4 import BeautifulSoup
from lxml import etree

from socialhub.text import xml_forbidden

# Elements that run, load, submit or restyle: none may come from a comment, a
# mention or a collected post (the theme's own script and form are set aside).
ACTIVE_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
        "svg", "math", "style", "link", "meta", "form", "input", "button", "textarea",
        "select", "video", "audio", "img", "source",
    }
)  # fmt: skip
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset")
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
ATOM = "{http://www.w3.org/2005/Atom}"


def active_parts(html: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """What in an HTML fragment could run or load: elements, handlers, script links."""
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        if element.name in ACTIVE_TAGS - allowed:
            found.append(f"<{element.name}>")
        for attribute, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on") or attribute.lower() == "style":
                found.append(f"{element.name} {attribute}={text!r}")
            squeezed = "".join(text.split()).lower()
            if attribute.lower() in URL_ATTRIBUTES and squeezed.startswith(SCRIPT_SCHEMES):
                found.append(f"{element.name} {attribute}={text!r}")
    return found


def page_parts(page: Path, selectors: tuple[str, ...]) -> list[str]:
    """What could run in the parts of a built page chosen by CSS selectors (the theme's not)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    found = []
    for selector in selectors:
        for part in soup.select(selector):
            found += active_parts(str(part))
    return found


def feed_contents(output: Path) -> Iterator[tuple[str, str]]:
    """(feed file, an entry's HTML) for every entry of every feed; each feed must parse."""
    for path in sorted((output / "feeds").rglob("*")):
        if path.suffix not in (".xml", ".json"):
            continue
        data = path.read_bytes()
        assert not xml_forbidden(data.decode("utf-8")), path
        name = str(path.relative_to(output))
        if path.suffix == ".json":
            for item in json.loads(data)["items"]:
                yield name, item.get("content_html", "")
            continue
        root = etree.fromstring(data)  # strict: a forbidden character fails here
        for content in root.iter(f"{ATOM}content", "description"):
            yield name, content.text or ""


def feed_parts(output: Path) -> list[str]:
    """What could run in any feed entry of a built site (pictures of the site are allowed)."""
    found = []
    for name, html in feed_contents(output):
        found += [f"{name}: {part}" for part in active_parts(html, frozenset({"img"}))]
    return found
