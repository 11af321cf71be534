"""The scaffold: a new content file for any kind, every field present and explained."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from socialhub.errors import SocialHubError
from socialhub.kinds import Field, FieldType, Kind
from socialhub.text import slugify

PLACEHOLDER = "TODO"


def next_friday(today: date) -> date:
    """Today when it is a Friday, else the coming Friday."""
    return today + timedelta(days=(4 - today.weekday()) % 7)


def _value(spec: Field, kind: Kind, title: str, today: date) -> str:
    if spec.name == kind.title_field:
        return title
    if spec.type is FieldType.FRIDAY:
        return f"{next_friday(today):%Y-%m-%d}"
    if spec.type is FieldType.DATE and spec.required:
        return f"{today:%Y-%m-%d}"
    if spec.required:
        return f"{PLACEHOLDER}: {spec.help} (e.g. {spec.example})"
    return spec.default or ""


def _describe(spec: Field) -> str:
    need = "required" if spec.required else f"optional, default '{spec.default or ''}'"
    accepts = spec.type.value
    if spec.choices:
        accepts = "one of " + ", ".join(spec.choices)
    return f"  {spec.label} ({need}; {accepts}): {spec.help}. Example: {spec.example}"


def scaffold_text(kind: Kind, title: str, today: date) -> str:
    """The text of a new file: a header with every field, a body placeholder, a guide."""
    lines = [f"{spec.label}: {_value(spec, kind, title, today)}".rstrip() for spec in kind.fields]
    lines.append("")
    if kind.body is not None:
        lines += [f"{PLACEHOLDER}: {kind.body.help}.", ""]
    if kind.name != "comment":
        # Why an HTML comment: Markdown keeps it out of the page, and a header
        # cannot hold comments (any other line ends Pelican's metadata block).
        lines.append("<!-- A guide to this file's fields (you may delete this note):")
        lines += [_describe(spec) for spec in kind.fields]
        if kind.body is not None:
            lines.append(f"  Below the header ({kind.body.role}): {kind.body.help}.")
        else:
            lines.append(f"  A {kind.label} has no text below the header.")
        lines.append("  Until every TODO is replaced, the build leaves this file out (a warning).")
        lines.append("-->")
    return "\n".join(lines) + "\n"


def new_item(content_dir: Path, kind: Kind, title: str, today: date, item: str = "") -> Path:
    """Write a new file for ``kind`` at a slug derived from ``title``; never overwrite."""
    slug = slugify(title)
    if not slug:
        raise SocialHubError(f"'{title}' gives an empty file name; use letters or digits")
    folder = content_dir / kind.folder
    if kind.name == "comment":
        if not item:
            raise SocialHubError("a comment needs the item it is about: --item <item-slug>")
        folder = folder / item
        slug = f"c-{today:%Y%m%d}-{slug}"
    path = folder / f"{slug}.md"
    if path.exists():
        raise SocialHubError(f"{path} already exists; choose another title or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(scaffold_text(kind, title, today))
    return path
