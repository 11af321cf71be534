"""Content metadata → typed values and a list of problems: every problem, not the first.

This module checks one file at a time against its kind (``kinds.py``);
``assemble.py`` checks the references between files.
"""

from __future__ import annotations

import calendar
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from socialhub.errors import Problem
from socialhub.fieldrules import PLAIN_TYPES, is_placeholder, is_web_url, markup_flaw, visible_text
from socialhub.focus import FocusError, parse_focus
from socialhub.kinds import KINDS, Field, FieldType, Kind, field_key
from socialhub.model import Captions, Image, VideoSource
from socialhub.reading import ReadNotes
from socialhub.text import render_markdown, slugify

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")
VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogv")
_HANDLE = re.compile(r"^@[A-Za-z0-9_][A-Za-z0-9_.-]*(@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)?$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_DURATION = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)$")
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
# PeerTube's video ids (packages/core-utils url.ts: /w/<shortUUID>, /videos/watch/<id>):
# a UUID, or its short form in Flickr's base 58 (no 0, O, I or l).
_PEERTUBE_ID = re.compile(
    r"^(?:[1-9A-HJ-NP-Za-km-z]{20,22}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)
# A captions file is <film>.<language>.vtt; the language is a BCP 47 tag (en, sv, pt-BR).
_CAPTIONS_NAME = re.compile(r"\.([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.vtt$")
_CAPTIONS_ENTRY = re.compile(r"^(?P<path>[^()]+?)\s*(?:\((?P<label>[^()]*)\))?$")
# What a player's captions menu shows when the editor gives no label: each
# language's own name, as readers look for it.
_LANGUAGE_NAMES = {
    "da": "Dansk",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fi": "Suomi",
    "fr": "Français",
    "it": "Italiano",
    "nb": "Norsk bokmål",
    "nl": "Nederlands",
    "nn": "Norsk nynorsk",
    "no": "Norsk",
    "pl": "Polski",
    "pt": "Português",
    "sv": "Svenska",
}
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$")
_ORDINALS = ("1st", "2nd", "3rd")

# The value of an optional field that is left out and has no default.
_EMPTY: dict[FieldType, Any] = {
    FieldType.LIST: (),
    FieldType.HANDLES: (),
    FieldType.LINES: (),
    FieldType.REFS: (),
    FieldType.TEXT: "",
    FieldType.MARKDOWN: "",
    FieldType.URL: "",
    FieldType.URLS: (),
    FieldType.REF: "",
    FieldType.HANDLE: "",
    FieldType.CAPTIONS: (),
}

# Why a list of strings: Markdown's meta extension gives one entry per line of a
# field, so a value written over several indented lines arrives as a list.
RawValue = str | list[str]
FileExists = Callable[[str], bool]
# The first bytes of a file under content/ by its site path, None when unreadable:
# for checks of what a file holds (a captions file's signature). Without one, only
# names are checked.
FileReader = Callable[[str], bytes | None]


@dataclass
class SourceFile:
    """One content file as read: its place, its raw header and its rendered body."""

    path: str  # as shown to editors, such as content/posts/hello.md
    kind: Kind
    slug: str
    meta: dict[str, RawValue]
    body_html: str
    parent: str = ""  # for comments: the item slug given by the folder
    rendered: dict[str, str] = field(default_factory=dict)  # Markdown fields, as HTML
    stamp: tuple[int, int] | None = None  # (mtime_ns, size) of the file, for the check cache
    notes: ReadNotes = field(default_factory=ReadNotes)  # what its raw text said


# The metadata keys under which a reader hands over pre-rendered Markdown fields,
# and what it found in the raw text (reading.ReadNotes).
RENDERED_KEY = "_rendered_markdown"
NOTES_KEY = "_read_notes"

# The message of a field or body that still holds `invoke new`'s TODO: such a
# file is unfinished, and left out of the site with a warning (assemble.py).
PLACEHOLDER = "still holds the scaffold's placeholder"


def render_markdown_fields(kind: Kind, meta: dict[str, RawValue]) -> dict[str, str]:
    """HTML of every Markdown-typed field present in a raw header."""
    rendered = {}
    for key, raw in meta.items():
        spec = kind.field(field_key(key))
        if spec is not None and spec.type is FieldType.MARKDOWN:
            rendered[spec.name] = render_markdown(_as_text(raw, spec))
    return rendered


@dataclass
class Checked:
    """A file's typed values, and the problems found in it."""

    source: SourceFile
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    read: FileReader | None = None

    def html(self, name: str) -> str:
        """A Markdown field as HTML: pre-rendered by the reader when it could."""
        if name in self.source.rendered:
            return self.source.rendered[name]
        return render_markdown(self.values.get(name, "") or "")

    def problem(self, field_name: str, message: str, fix: str = "") -> None:
        """Record a problem with this file."""
        self.problems.append(Problem(self.source.path, field_name, message, fix))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A "did you mean 'x'?" hint when a candidate is close to ``word``."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th…"""
    return _ORDINALS[number - 1] if number <= 3 else f"{number}th"


def check_file(
    source: SourceFile, exists: FileExists, timezone: ZoneInfo, read: FileReader | None = None
) -> Checked:
    """Check one file against its kind: unknown, missing and malformed fields, body."""
    checked = Checked(source, read=read)
    kind = source.kind
    notes = source.notes
    checked.problems += [replace(problem, path=source.path) for problem in notes.problems]
    if notes.fatal:
        return checked
    _check_file_name(checked)
    if not source.meta and not source.body_html.strip():
        checked.problem(
            "file",
            "the file is empty",
            f'start from a template: invoke new {kind.name} "<title>"',
        )
        return checked
    meta = {key: raw for key, raw in source.meta.items() if key.lower() not in notes.stray_keys}
    other = _kind_of_fields(kind, meta)
    if other is not None:
        unknown = [key for key in meta if kind.field(field_key(key)) is None]
        names = ", ".join(spec.label for key in unknown if (spec := other.field(field_key(key))))
        folder = f"content/{other.folder}/" + ("<item-slug>/" if other.name == "comment" else "")
        checked.problem(
            "file",
            f"this looks like a {other.label}, not a {kind.label} ({names}: "
            f"{'fields' if len(unknown) > 1 else 'a field'} of a {other.label})",
            f"move it to {folder}",
        )
        return checked
    given: dict[str, RawValue] = {}
    for key, raw in meta.items():
        name = field_key(key)
        spec = kind.field(name)
        if spec is None:
            labels = [f.label for f in kind.fields]
            hint = did_you_mean(key.capitalize(), labels) or (
                "remove it or use one of: " + ", ".join(labels)
            )
            checked.problem(key.lower(), f"unknown field for a {kind.label}", hint)
            continue
        given[name] = raw
    for spec in kind.fields:
        label = spec.label.lower()
        value_as_written = given.get(spec.name)
        text = _as_text(value_as_written, spec)
        if not text:
            if spec.required:
                checked.problem(
                    label,
                    "missing" if value_as_written is None else "is empty",
                    f"add a line '{spec.label}: {spec.example}' ({spec.help})",
                )
                continue
            if not spec.default:
                # An optional field left out or empty: its empty value, nothing to parse.
                checked.values[spec.name] = _EMPTY.get(spec.type)
                continue
            text = spec.default
        if is_placeholder(text):
            checked.problem(label, PLACEHOLDER, f"replace it: {spec.help} (e.g. {spec.example})")
            continue
        if spec.name in notes.unparsed:
            continue  # its lines are reported already; their value is unsure
        value = _parse(checked, spec, label, text, exists, timezone)
        if value is not None:
            checked.values[spec.name] = value
    _check_body(checked, exists)
    return checked


def _check_file_name(checked: Checked) -> None:
    """The file name is the item's address: lower-case letters, digits and hyphens only."""
    source = checked.source
    if _SLUG.match(source.slug):
        return
    name = source.path.rsplit("/", 1)[-1]
    slug = slugify(source.slug)
    checked.problem(
        "file",
        f"the name '{name}' is not a slug (lower-case letters, digits and hyphens), "
        "and it becomes the page's address",
        f"rename it to {slug}.md"
        if slug
        else "rename it with letters or digits, such as post-1.md",
    )


def _kind_of_fields(kind: Kind, meta: dict[str, RawValue]) -> Kind | None:
    """Another kind when every field of a header is one of its fields and not all are ours."""
    names = {field_key(key) for key in meta}
    if all(kind.field(name) is not None for name in names):
        return None
    fitting = [other for other in KINDS if other is not kind and names <= set(other.field_names)]
    if not fitting:
        return None
    # Why by required fields: the kind the file fills most completely is the likeliest.
    return max(fitting, key=lambda other: sum(f.required for f in other.fields if f.name in names))


def _as_text(raw: RawValue | None, spec: Field) -> str:
    """A raw header value as one string; lines are kept only for LINES fields."""
    if raw is None:
        return ""
    if isinstance(raw, list):
        joiner = "\n" if spec.type is FieldType.LINES else " "
        return joiner.join(line.strip() for line in raw if line.strip())
    return raw.strip()


def _split_list(text: str) -> list[str]:
    """Split a comma-separated value, dropping empty entries."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _parse(  # noqa: PLR0911, PLR0912, PLR0917 - one branch per field type reads best
    checked: Checked,
    spec: Field,
    label: str,
    text: str,
    exists: FileExists,
    timezone: ZoneInfo,
) -> Any:
    """Parse one field's text by its type; record a problem and return None if bad."""
    kind = spec.type
    if kind in PLAIN_TYPES and not _is_plain(checked, label, text):
        return None
    if kind in (FieldType.TEXT, FieldType.MARKDOWN):
        return text
    if kind in (FieldType.DATE, FieldType.FRIDAY):
        return _parse_date_field(checked, spec, label, text, timezone)
    if kind is FieldType.URL:
        if not is_web_url(text):
            checked.problem(
                label,
                f"'{text}' is not an absolute http(s) URL",
                f"write the full address, e.g. {spec.example}",
            )
            return None
        return text
    if kind is FieldType.URLS:
        return _parse_urls(checked, spec, label, text)
    if kind is FieldType.HANDLE:
        return _parse_handles(checked, label, text, spec)[0] if text else ""
    if kind is FieldType.HANDLES:
        return tuple(_parse_handles(checked, label, text, spec))
    if kind is FieldType.LIST:
        return tuple(_split_list(text))
    if kind is FieldType.LINES:
        return tuple(line.strip() for line in text.splitlines() if line.strip())
    if kind is FieldType.ENUM:
        word = text.lower()
        if word not in spec.choices:
            hint = did_you_mean(word, spec.choices)
            options = ", ".join(spec.choices)
            checked.problem(
                label,
                f"'{text}' is not one of: {options}",
                hint or f"use one of: {options}",
            )
            return None
        return word
    if kind is FieldType.BOOL:
        word = text.lower()
        if word in ("yes", "true", "on"):
            return True
        if word in ("no", "false", "off"):
            return False
        checked.problem(label, f"'{text}' is not yes or no", "write yes or no")
        return None
    if kind is FieldType.INT:
        if not text.isdigit():
            checked.problem(
                label,
                f"'{text}' is not a whole number",
                f"write digits only, e.g. {spec.example}",
            )
            return None
        return int(text)
    if kind is FieldType.DURATION:
        match = _DURATION.match(text)
        if not match:
            checked.problem(
                label,
                f"'{text}' is not a duration",
                f"write minutes:seconds or hours:minutes:seconds, e.g. {spec.example}",
            )
            return None
        hours, minutes, seconds = (int(part or 0) for part in match.groups())
        return (text, hours * 3600 + minutes * 60 + seconds)
    if kind is FieldType.IMAGE:
        return _parse_image(checked, label, text, exists)
    if kind is FieldType.VIDEO:
        return _parse_video(checked, label, text, exists)
    if kind is FieldType.CAPTIONS:
        return _parse_captions(checked, label, text, exists)
    if kind is FieldType.FOCUS:
        found = parse_focus(text)
        if isinstance(found, FocusError):
            checked.problem(label, found.message, found.fix)
            return None
        return found
    if kind is FieldType.REF:
        return _parse_slug(checked, label, text)
    if kind is FieldType.REFS:
        slugs = [_parse_slug(checked, label, part) for part in _split_list(text)]
        return tuple(slug for slug in slugs if slug)
    raise AssertionError(f"no parser for {kind}")  # the table and this code disagree


def _is_plain(checked: Checked, label: str, text: str) -> bool:
    """False, with a problem, when a plain field holds markup or an HTML entity.

    Why: plain fields reach page titles, feed titles and categories, where
    markup would show as typed; an error, as the page would be wrong.
    """
    flaw = markup_flaw(text)
    if flaw is not None:
        checked.problem(label, flaw.message, flaw.fix)
        return False
    return True


def _parse_date_field(
    checked: Checked, spec: Field, label: str, text: str, timezone: ZoneInfo
) -> datetime | None:
    """A DATE or FRIDAY field's value; None, with a problem, when it is not one."""
    parsed = parse_date(text, timezone)
    if parsed is None:
        missing = missing_day(text)
        if missing:
            checked.problem(label, missing[0], missing[1])
            return None
        checked.problem(
            label,
            f"'{text}' is not a date",
            f"write it as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. {spec.example}",
        )
        return None
    if spec.type is FieldType.FRIDAY and parsed.weekday() != 4:
        friday = parsed.date().toordinal() + (4 - parsed.weekday())
        checked.problem(
            label,
            f"{parsed:%Y-%m-%d} is a {parsed:%A}, not a Friday",
            f"#FF is posted on Fridays: use the Friday of that week, "
            f"{date.fromordinal(friday):%Y-%m-%d}",
        )
        return None
    return parsed


def parse_date(text: str, timezone: ZoneInfo) -> datetime | None:
    """A date or date-time in the site's time zone, or None when unreadable."""
    if not _DATE.match(text):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=timezone)
    except ValueError:  # the right shape but no such day, such as 2026-13-45
        return None


def missing_day(text: str) -> tuple[str, str] | None:
    """(what is wrong, the fix) for a well-formed date that does not exist, such as 2026-02-30."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups()[:3])
    if not 1 <= month <= 12:
        return None  # the form is wrong, not the day: the general message shows the form
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        month_name = calendar.month_name[month]
        return (
            f"{text[:10]} does not exist: {month_name} {year} has {days} days",
            f"write a day from 01 to {days}, e.g. {year}-{month:02d}-{days:02d}",
        )
    hour, minute = int(match[4] or 0), int(match[5] or 0)
    if hour > 23 or minute > 59:
        return (
            f"{text[11:16]} is not a time of day",
            "write hours from 00 to 23 and minutes from 00 to 59, e.g. 09:00",
        )
    return None


def _parse_urls(checked: Checked, spec: Field, label: str, text: str) -> tuple[str, ...] | None:
    """A URLS field's addresses; None, with one problem per bad address, when any is bad."""
    urls = _split_list(text)
    bad = [url for url in urls if not is_web_url(url)]
    for url in bad:
        checked.problem(
            label,
            f"'{url}' is not an absolute http(s) URL",
            f"write each full address, separated by commas, e.g. {spec.example}",
        )
    return None if bad else tuple(urls)


def _parse_handles(checked: Checked, label: str, text: str, spec: Field) -> list[str]:
    handles = []
    for handle in _split_list(text):
        if not _HANDLE.match(handle):
            checked.problem(
                label,
                f"'{handle}' is not a handle",
                f"write @name or @name@server, e.g. {spec.example.split(',')[0]}",
            )
            continue
        handles.append(handle)
    return handles


def _parse_slug(checked: Checked, label: str, text: str) -> str:
    slug = text.strip().lower()
    if not _SLUG.match(slug):
        checked.problem(
            label,
            f"'{text}' is not a slug",
            "write the other file's name without .md, lower-case words joined by hyphens",
        )
        return ""
    return slug


def site_path(text: str) -> str:
    """Normalise an editor's local path (``images/x.png``, ``{static}/images/x.png``)."""
    path = text.strip()
    for prefix in ("{static}", "{attach}", "{filename}"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
    return "/" + path.lstrip("/")


def _inside_content(checked: Checked, label: str, text: str, path: str) -> bool:
    """False, with a problem giving the path to write, for a path that starts with content/.

    Why refuse rather than accept it: in the text below the header the path is
    also the picture's address on the page, where /content/… would not exist.
    """
    if not path.startswith("/content/"):
        return True
    checked.problem(
        label,
        f"'{text}' starts with content/, but paths start inside that folder",
        f"write {path.removeprefix('/content')}",
    )
    return False


def _parse_image(checked: Checked, label: str, text: str, exists: FileExists) -> Any:
    if is_web_url(text):
        checked.problem(
            label,
            f"'{text}' is on another site",
            "save the picture under content/images/ and give its path: "
            "readers' browsers must not call other sites",
        )
        return None
    path = site_path(text)
    if not _inside_content(checked, label, text, path):
        return None
    if not path.lower().endswith(IMAGE_EXTENSIONS):
        checked.problem(
            label,
            f"'{text}' is not an image file",
            "use a .png, .jpg, .gif or .webp file under content/images/",
        )
        return None
    if not exists(path):
        checked.problem(
            label,
            f"the image {path} does not exist",
            f"put the file at content{path} or fix the path",
        )
        return None
    return Image(src=path, alt="")


def video_source(text: str) -> VideoSource | None:
    """Recognise a YouTube, Vimeo or PeerTube URL, or a local video path; None otherwise."""
    if not is_web_url(text):
        path = site_path(text)
        if path.lower().endswith(VIDEO_EXTENSIONS):
            return VideoSource(provider="file", url=path)
        return None
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    segments = [s for s in parts.path.split("/") if s]
    if host in ("youtube.com", "youtube-nocookie.com", "youtu.be"):
        return _youtube_source(text, host, parts.query, segments)
    if host in ("vimeo.com", "player.vimeo.com"):
        numbers = [s for s in segments if s.isdigit()]
        return VideoSource(provider="vimeo", url=text, video_id=numbers[-1]) if numbers else None
    return _peertube_source(text, parts.hostname or "", segments)


def _youtube_source(text: str, host: str, query: str, segments: list[str]) -> VideoSource | None:
    """A YouTube watch, embed, shorts or youtu.be URL with a well-formed video id."""
    if host == "youtu.be":
        video_id = segments[0] if len(segments) == 1 else ""
    else:
        values = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        video_id = values.get("v", "")
        if not video_id and len(segments) == 2 and segments[0] in ("embed", "shorts"):
            video_id = segments[1]
    if _YOUTUBE_ID.match(video_id):
        return VideoSource(provider="youtube", url=text, video_id=video_id)
    return None


def _peertube_source(text: str, host: str, segments: list[str]) -> VideoSource | None:
    """A PeerTube watch page on any server: /w/<shortUUID> or /videos/watch/<id>.

    Why not /w/p/…: that is a playlist, which the player cannot show as one film.
    """
    if len(segments) == 2 and segments[0] == "w":
        video_id = segments[1]
    elif len(segments) == 3 and segments[:2] == ["videos", "watch"]:
        video_id = segments[2]
    else:
        return None
    if not host or not _PEERTUBE_ID.match(video_id):
        return None
    return VideoSource(provider="peertube", url=text, video_id=video_id, host=host.lower())


def _parse_video(checked: Checked, label: str, text: str, exists: FileExists) -> Any:
    source = video_source(text)
    if source is None:
        checked.problem(
            label,
            f"'{text}' is not a YouTube, Vimeo or PeerTube video, nor a video file",
            "give a youtube.com/watch?v=…, youtu.be/…, vimeo.com/<number> URL, "
            "a PeerTube https://<server>/w/<id> URL, "
            "or a .mp4/.webm file under content/media/",
        )
        return None
    if source.provider == "file" and not _inside_content(checked, label, text, source.url):
        return None
    if source.provider == "file" and not exists(source.url):
        checked.problem(
            label,
            f"the video {source.url} does not exist",
            f"put the file at content{source.url} or fix the path",
        )
        return None
    return source


def _parse_captions(checked: Checked, label: str, text: str, exists: FileExists) -> Any:
    """Each comma-separated ``path (Label)`` as Captions; problems for the bad ones."""
    found: list[Captions] = []
    for entry in _split_list(text):
        captions = _parse_one_captions(checked, label, entry, exists)
        if captions is not None:
            found.append(captions)
    langs = [captions.lang for captions in found]
    for lang in sorted({lang for lang in langs if langs.count(lang) > 1}):
        checked.problem(
            label,
            f"two captions files are in the language '{lang}'",
            "give one file per language",
        )
    return tuple(found)


def _parse_one_captions(  # noqa: PLR0911 - one return per mistake reads best
    checked: Checked, label: str, entry: str, exists: FileExists
) -> Any:
    """One ``path (Label)`` entry: a UTF-8 WebVTT file under content/ named <film>.<lang>.vtt."""
    match = _CAPTIONS_ENTRY.match(entry)
    if match is None or is_web_url(match["path"]):
        checked.problem(
            label,
            f"'{entry}' is not the path of a captions file",
            "give a path under content/media/, then a label in brackets if you like: "
            "/media/film.sv.vtt (Svenska)",
        )
        return None
    path = site_path(match["path"])
    if not _inside_content(checked, label, match["path"], path):
        return None
    if not path.lower().endswith(".vtt"):
        checked.problem(
            label,
            f"'{match['path']}' is not a WebVTT file",
            "save the captions as WebVTT (.vtt), e.g. with Subtitle Edit or ffmpeg -i x.srt x.vtt",
        )
        return None
    name = _CAPTIONS_NAME.search(path)
    if name is None:
        checked.problem(
            label,
            f"'{match['path']}' does not say its language",
            "name the file <film>.<language>.vtt, e.g. the-last-ferry.en.vtt",
        )
        return None
    if not exists(path):
        checked.problem(
            label,
            f"the captions file {path} does not exist",
            f"put the file at content{path} or fix the path",
        )
        return None
    if checked.read is not None and not _is_webvtt(checked, label, path, checked.read(path)):
        return None
    lang = name[1]
    label_text = (match["label"] or "").strip()
    return Captions(
        src=path,
        lang=lang,
        label=label_text or _LANGUAGE_NAMES.get(lang.split("-")[0].lower(), lang),
    )


def _is_webvtt(checked: Checked, label: str, path: str, data: bytes | None) -> bool:
    """False, with a problem, when a captions file is not UTF-8 text starting WEBVTT."""
    text = None
    if data is not None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            # Why tolerate a cut at the end: only the file's first bytes are read.
            if error.start < len(data) - 3:
                checked.problem(
                    label,
                    f"the captions file {path} is not UTF-8 text",
                    "save it again as UTF-8 (your editor's Save with encoding)",
                )
                return False
            text = data[: error.start].decode("utf-8")
    if text is None:
        checked.problem(label, f"the captions file {path} cannot be read", "check the file")
        return False
    # The WebVTT signature: an optional byte order mark, WEBVTT, then a space, tab or line end.
    if not re.match(r"^\ufeff?WEBVTT(?:[ \t\r\n]|$)", text):
        checked.problem(
            label,
            f"the captions file {path} does not start with WEBVTT",
            "save it as WebVTT, not SubRip (.srt) renamed: its first line must be WEBVTT",
        )
        return False
    return True


def _check_body(checked: Checked, exists: FileExists) -> None:
    """The body must be there when the kind needs one; its images must exist."""
    source = checked.source
    body = source.kind.body
    html = source.body_html
    # Why regular expressions first: a full parse of every body costs a lot at
    # 10,000 items; only bodies with pictures need Beautiful Soup.
    visible = visible_text(html)
    has_images = "<img" in html
    has_text = bool(visible) or has_images
    if body is None:
        if has_text:
            checked.problem(
                "body",
                f"a {source.kind.label} has no body, but this file has text below its header",
                "move the text into a field (see invoke new "
                f"{source.kind.name}) or delete it; "
                "a header line without 'Field: value' also ends the header",
            )
        return
    if body.required and not has_text:
        checked.problem(
            body.role,
            f"missing: a {source.kind.label} needs {body.help}",
            "write it below the header, after one empty line",
        )
    if is_placeholder(visible):
        checked.problem(body.role, PLACEHOLDER, f"replace the TODO line with {body.help}")
        return
    images = BeautifulSoup(html, "html.parser").find_all("img") if has_images else []
    found: list[Image] = []
    for number, tag in enumerate(images, start=1):
        src = str(tag.get("src", ""))
        alt = str(tag.get("alt", "")).strip()
        place = f"the {ordinal(number)} image ({src})"
        if not alt:
            checked.problem(
                body.role,
                f"{place} has no alt text",
                "describe the picture between the brackets: ![what it shows](path)",
            )
        if is_web_url(src):
            checked.problem(
                body.role,
                f"{place} is on another site",
                "save it under content/images/: readers' browsers must not call other sites",
            )
            continue
        path = site_path(src)
        if not _inside_content(checked, body.role, src, path):
            continue
        if not exists(path):
            checked.problem(
                body.role,
                f"{place} does not exist",
                f"put the file at content{path} or fix the path",
            )
            continue
        found.append(Image(src=path, alt=alt, caption=str(tag.get("title", "")).strip()))
    if source.kind.name == "follow-friday":
        if not images and has_text:
            checked.problem(
                body.role,
                "no picture: an #FF shout-out needs at least one image",
                f"add one below the header: {body.example}",
            )
        checked.values["images"] = tuple(found)
