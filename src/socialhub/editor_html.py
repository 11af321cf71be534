"""What the editor policy (``sanitize.py``) removes from a file, by field and line.

The cleaning itself is nh3's; this module walks the same HTML with the same
policy tables to say what goes, so that nothing is dropped without a word,
and finds the line of the file where the editor wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from socialhub.errors import Problem
from socialhub.kinds import Kind, field_key
from socialhub.sanitize import (
    EDITOR_ATTRIBUTES,
    EDITOR_DROPPED_WITH_CONTENT,
    EDITOR_STYLE_PROPERTIES,
    EDITOR_TAGS,
    EDITOR_URL_SCHEMES,
    clean_editor_html,
    is_local_url,
    loads_elsewhere,
    srcset_urls,
)

# The metadata key under which the reader hands over what cleaning removed.
REMOVED_KEY = "_removed_html"

_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "formaction"})
_MEDIA_TAGS = frozenset({"video", "audio", "source", "track"})
_VOID = frozenset({"embed", "img", "br", "hr", "input", "link", "meta", "source", "track", "wbr"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_SCRIPTS = "scripts do not run on the hub; write it in Markdown without scripts"
_EMBED = (
    "an embed loads another site before the reader asks; "
    "link to it instead: [what it is](https://…)"
)
_ELSEWHERE = (
    "readers' browsers must not call other sites; save the file under content/images/ "
    "or content/media/ and give its path"
)
_FORMS = "forms do not work on the hub's pages; link to the form instead"
_STYLE = "the theme styles every page; remove the style"
_TAG_FIXES = {
    "script": _SCRIPTS,
    "noscript": _SCRIPTS,
    "style": _STYLE,
    "link": _ELSEWHERE,
    "meta": "remove it: a page's head is the theme's",
    "base": "remove it: a page's head is the theme's",
    "iframe": _EMBED,
    "object": _EMBED,
    "embed": _EMBED,
    "applet": _EMBED,
    "frame": _EMBED,
    "frameset": _EMBED,
    "form": _FORMS,
    "input": _FORMS,
    "button": _FORMS,
    "select": _FORMS,
    "textarea": _FORMS,
}


@dataclass(frozen=True)
class Removal:
    """One thing the policy takes out of a field, and where the editor wrote it."""

    field: str  # as in problems: title, summary, body…
    what: str  # "<script>", "the onclick handler on <p>"
    fix: str
    lines: tuple[int, ...] = ()  # 1-based lines of the file, when found
    error: bool = False  # the page would be wrong without it: the build stops

    def problem(self, path: str) -> Problem:
        """The one-line message of this removal for the file at ``path``."""
        if not self.lines:
            where = ""
        elif len(self.lines) == 1:
            where = f"line {self.lines[0]}: "
        else:
            shown = ", ".join(str(n) for n in self.lines[:5])
            more = ", …" if len(self.lines) > 5 else ""
            where = f"lines {shown}{more}: "
        verb = "" if self.error else "removed "
        return Problem(path, self.field, f"{where}{verb}{self.what}", self.fix)


@dataclass(frozen=True)
class _Found:
    what: str
    needle: str  # text to look for in the file, to find the line
    fix: str
    error: bool = False
    drop_element: bool = False


class _Walker(HTMLParser):
    """Every tag and attribute of an HTML fragment that the editor policy removes."""

    def __init__(self, *, body: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.body = body
        self.found: list[_Found] = []
        # Inside an element removed with its content (an <svg>, an <object>), its
        # children go with it: one warning, not one per child.
        self.dropped = ""
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Judge one element by the policy's tables."""
        if self.depth:
            self.depth += tag == self.dropped
            return
        if tag in EDITOR_DROPPED_WITH_CONTENT and tag not in _VOID:
            self.dropped, self.depth = tag, 1
        self._judge(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed element has no content to skip."""
        if not self.depth:
            self._judge(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        """Leave a removed element's content."""
        if self.depth and tag == self.dropped:
            self.depth -= 1

    def _judge(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in EDITOR_TAGS:
            fix = _TAG_FIXES.get(tag) or (
                f"write it in Markdown: the hub's pages do not use <{tag}>"
                if tag not in EDITOR_DROPPED_WITH_CONTENT
                else _SCRIPTS
            )
            if tag in ("svg", "math"):
                fix = "save it as a picture under content/images/ and show it with ![…](path)"
            self.found.append(_Found(f"<{tag}>", f"<{tag}", fix))
            return
        allowed = EDITOR_ATTRIBUTES.get(tag, set()) | EDITOR_ATTRIBUTES["*"]
        for name, raw in attrs:
            self._attribute(tag, name, raw or "", allowed)

    def _attribute(self, tag: str, name: str, value: str, allowed: set[str]) -> None:
        if name.startswith("on"):
            self.found.append(_Found(f"the {name} handler on <{tag}>", name, _SCRIPTS))
            return
        if name not in allowed:
            fix = _STYLE if name == "style" else f"remove {name}=…: the hub's pages do not use it"
            self.found.append(_Found(f"the {name} attribute on <{tag}>", name, fix))
            return
        if name == "style":
            properties = {p.split(":", 1)[0].strip().lower() for p in value.split(";")}
            extra = sorted(p for p in properties - EDITOR_STYLE_PROPERTIES if p)
            if extra:
                what = f"the style {', '.join(extra)} on <{tag}>"
                self.found.append(_Found(what, extra[0], _STYLE))
            return
        if name in _URL_ATTRIBUTES:
            # Why without control characters and spaces: browsers ignore them in a
            # scheme, so "java\tscript:" is still a script.
            compact = re.sub(r"[\x00-\x20]", "", value)
            scheme = _SCHEME.match(compact)
            if scheme and scheme.group(1).lower() not in EDITOR_URL_SCHEMES:
                word = scheme.group(1).lower()
                fix = (
                    _SCRIPTS
                    if word in ("javascript", "vbscript")
                    else ("give an http, https or mailto address, or a path on this site")
                )
                what = f"the {word}: link" if name == "href" else f"the {word}: address"
                self.found.append(_Found(f"{what} on <{tag}>", f"{word}:", fix))
                return
        if loads_elsewhere(tag, name, value):
            self._elsewhere(tag, name, value)

    def _elsewhere(self, tag: str, name: str, value: str) -> None:
        urls = srcset_urls(value) if name == "srcset" else [value.strip()]
        remote = next(url for url in urls if not is_local_url(url))
        host = urlsplit(remote if "//" in remote else f"//{remote}").hostname or remote
        if tag == "img" and name == "src":
            if self.body:
                return  # validation refuses it with an error of its own
            what = f"the picture {remote} is on another site"
            fix = "save it under content/images/: readers' browsers must not call other sites"
            self.found.append(_Found(what, remote, fix, error=True))
            return
        media = tag in _MEDIA_TAGS
        what = f"<{tag}> loading from {host}" if media else f"the {name} from {host} on <{tag}>"
        self.found.append(_Found(what, remote, _ELSEWHERE, drop_element=media))


class _Lines:
    """Finds the line of a file where a removed thing was written, in reading order."""

    def __init__(self, text: str) -> None:
        self.lower = [line.lower() for line in text.splitlines()]
        self.after: dict[str, int] = {}  # needle → the index of the line it was last found on

    def find(self, needle: str, start: int) -> int | None:
        """The 1-based line of the next ``needle`` at or after index ``start``; None if absent."""
        wanted = needle.lower()
        first = max(start, self.after.get(wanted, start - 1) + 1)
        for index in range(first, len(self.lower)):
            if wanted in self.lower[index]:
                self.after[wanted] = index
                return index + 1
        return None


def _walk(html: str, *, body: bool) -> list[_Found]:
    walker = _Walker(body=body)
    walker.feed(html)
    walker.close()
    return walker.found


def _without_remote_media(html: str) -> str:
    """The fragment without the films and sounds that would load from another host.

    Why whole elements: a <source> or <track> without its address is not valid HTML.
    """
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(list(_MEDIA_TAGS)):
        attributes = element.attrs.items()
        if any(loads_elsewhere(element.name, name, str(value)) for name, value in attributes):
            element.decompose()
    return str(soup)


def _clean(
    html: str,
    field: str,
    start: int,
    lines: _Lines,
    removals: dict[tuple[str, str], Removal],
    *,
    body: bool,
) -> str:
    found = _walk(html, body=body)
    for item in found:
        line = lines.find(item.needle, start)
        key = (field, item.what)
        known = removals.get(key)
        numbers = (known.lines if known else ()) + ((line,) if line else ())
        removals[key] = Removal(field, item.what, item.fix, numbers, item.error)
    if any(item.drop_element for item in found):
        html = _without_remote_media(html)
    return clean_editor_html(html, body=body)


def _header_lines(text: str) -> tuple[dict[str, int], int]:
    """Each header field's first line index, and the index where the body starts."""
    starts: dict[str, int] = {}
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            return starts, index + 1
        if ":" in line and not line[:1].isspace():
            starts.setdefault(field_key(line.split(":", 1)[0].strip()), index)
    return starts, 0


def clean_file(
    kind: Kind, text: str, body_html: str, rendered: dict[str, str]
) -> tuple[str, dict[str, str], tuple[Removal, ...]]:
    """A file's body and Markdown fields through the editor policy, and what was removed.

    ``text`` is the file as written (for line numbers), ``rendered`` the HTML of
    its Markdown fields by field name.
    """
    lines = _Lines(text)
    starts, body_start = _header_lines(text)
    removals: dict[tuple[str, str], Removal] = {}
    fields = {}
    for name, html in rendered.items():
        spec = kind.field(name)
        label = spec.label.lower() if spec is not None else name
        fields[name] = _clean(html, label, starts.get(name, 0), lines, removals, body=False)
    role = kind.body.role if kind.body is not None else "body"
    body = _clean(body_html, role, body_start, lines, removals, body=True)
    return body, fields, tuple(removals.values())
