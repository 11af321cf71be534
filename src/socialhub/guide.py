"""The generated parts of the editor's guide (docs/editing.md), made from the kinds table.

``invoke docs`` rewrites the text between the ``<!-- generated: … -->`` markers;
a test fails when the guide and the table disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

from socialhub.kinds import KINDS, Field, FieldType, Kind

ACCEPTS = {
    FieldType.TEXT: "one line of plain text (no HTML)",
    FieldType.MARKDOWN: "one line of Markdown (*emphasis*, [links](https://…))",
    FieldType.DATE: "a date, `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (site time zone)",
    FieldType.FRIDAY: "a date that is a Friday, `YYYY-MM-DD`",
    FieldType.URL: "an absolute `http://` or `https://` address",
    FieldType.URLS: "absolute `http://` or `https://` addresses separated by commas",
    FieldType.HANDLE: "a handle, `@name` or `@name@server`",
    FieldType.HANDLES: "handles separated by commas, each `@name` or `@name@server`",
    FieldType.LIST: "words or short phrases separated by commas",
    FieldType.LINES: "one entry per line; indent the following lines by four spaces",
    FieldType.ENUM: "one of the words listed",
    FieldType.BOOL: "`yes` or `no`",
    FieldType.INT: "a whole number, `0` or more",
    FieldType.DURATION: "`minutes:seconds` or `hours:minutes:seconds`",
    FieldType.IMAGE: "the path of a picture under `content/`, such as `/images/x.png`",
    FieldType.VIDEO: (
        "a YouTube, Vimeo or PeerTube (`https://<server>/w/<id>`) address, "
        "or a `.mp4`/`.webm` path under `content/media/`"
    ),
    FieldType.CAPTIONS: (
        "`.vtt` paths under `content/media/` named `<film>.<language>.vtt`, separated by "
        "commas, each with an optional label in brackets: `/media/x.sv.vtt (Svenska)`"
    ),
    FieldType.FOCUS: (
        "two percentages, across then down (`50% 20%`), or `top`, `center`, `bottom`, "
        "`left`, `right` or two of them (`top left`)"
    ),
    FieldType.REF: "the file name (without `.md`) of another item",
    FieldType.REFS: "file names (without `.md`) of other items, separated by commas",
}

# What each message means, with an example of it word for word; the tests check
# that every example is exactly what the build prints for such a file.
MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "content/posts/bad.md: title: missing; add a line 'Title: Our year with you' "
        "(the headline)",
        "A required field is not in the header. Add the line the message gives, with your value.",
    ),
    (
        "content/posts/bad.md: date: '2026-13-45' is not a date; write it as YYYY-MM-DD or "
        "YYYY-MM-DD HH:MM, e.g. 2026-11-20 09:00",
        "The value cannot be read as its type. Rewrite it in the form shown.",
    ),
    (
        "content/posts/bad.md: tgas: unknown field for a company post; did you mean 'Tags'?",
        "The header has a field this kind does not have, often a typo. Nothing is silently "
        "dropped: rename it as suggested, or remove it.",
    ),
    (
        "content/posts/bad.md: date: 2026-02-30 does not exist: February 2026 has 28 days; "
        "write a day from 01 to 28, e.g. 2026-02-28",
        "The date has the right form but there is no such day. Check the calendar.",
    ),
    (
        "content/posts/bad.md: title: given twice (lines 1 and 5); keep one 'Title:' line; a "
        "value of several lines continues on lines indented by four spaces",
        "A field is written on two lines of the header. Keep the one you mean.",
    ),
    (
        "content/contests/bad.md: prizes: line 6 is indented with a tab; indent each following "
        "line of 'Prizes' by four spaces (no tabs); a line that is not indented starts a new "
        "field",
        "A value of several lines (a contest's prizes) continues on lines indented by exactly "
        "four spaces or more; a tab, or fewer spaces, or none, breaks it.",
    ),
    (
        "content/posts/bad.md: file: starts with a YAML front matter block (---), which this "
        "site does not read; replace the block with this header (no --- lines), then an empty "
        "line:\n"
        "    Title: A post: the sequel\n"
        "    Date: 2026-11-10\n"
        "    Author: Mara\n"
        "    Tags: cameras, battery\n"
        "    Summary: Short.\n"
        "    Comments: no",
        'The file starts with `---` and `title: "…"` lines, as other site generators use. '
        "This site reads one format only: replace the block with the header the message "
        "shows (its lines without the indentation).",
    ),
    (
        "content/posts/bad.md: file: this looks like a contest video, not a company post "
        "(Entrant, Contest, Video-URL, Poster, Duration: fields of a contest video); move it "
        "to content/videos/",
        "The file is in the wrong folder: its fields are another kind's. Move it.",
    ),
    (
        "content/posts/My New Post.md: file: the name 'My New Post.md' is not a slug "
        "(lower-case letters, digits and hyphens), and it becomes the page's address; rename "
        "it to my-new-post.md",
        "A file name is the item's address. Rename the file as the message says.",
    ),
    (
        "content/posts/bad.md: image: 'content/images/avatars/ada.png' starts with content/, "
        "but paths start inside that folder; write /images/avatars/ada.png",
        "Paths of pictures and videos start inside `content/`. Write the path the message gives.",
    ),
    (
        "content/posts/bad.md: file: unfinished (author, summary and body still hold a TODO "
        "from invoke new), so it is left out of the site; replace each TODO with the real text",
        "A warning: the site is built without this file until every `TODO` that `invoke new` "
        "wrote is replaced.",
    ),
    (
        "content/posts/bad.md: status: draft, so it is left out of the site; set Status: "
        "published when it is ready",
        "A warning: drafts are not published. What it lists after “first fix”, if anything "
        "(which picture has no alt text, which field is missing), must be fixed before it can be.",
    ),
    (
        "content/contests/bad.md: winners: 'second-film' is a draft, left out of the site; "
        "publish content/videos/second-film.md first",
        "A file refers to a draft or an unfinished file, which is not on the site. (The "
        "comments of a draft are left out with it, and its warning counts them.)",
    ),
    (
        "content/posts/bad.md: body: missing: a company post needs the post itself, in "
        "Markdown; write it below the header, after one empty line",
        "The text below the header is empty. Leave one empty line after the header, then write.",
    ),
    (
        "content/featured/bad.md: blogger: no blogger 'ada-lense'; did you mean 'ada-lens'?",
        "A reference names an item that does not exist. Use the other file's name without `.md`.",
    ),
    (
        "content/follow-friday/bad.md: date: 2026-11-12 is a Thursday, not a Friday; #FF is "
        "posted on Fridays: use the Friday of that week, 2026-11-13",
        "#FF shout-outs are dated on Fridays. Use the date the message gives.",
    ),
    (
        "content/follow-friday/bad.md: images: the 1st image (/images/ff/ada.png) has no alt "
        "text; describe the picture between the brackets: ![what it shows](path)",
        "Every picture needs alt text, for readers who do not see it. Describe it in the brackets.",
    ),
    (
        "content/posts/bad.md: image: the image /images/nope.png does not exist; put the file "
        "at content/images/nope.png or fix the path",
        "A picture's path points at no file. Add the file under `content/` or fix the path.",
    ),
    (
        "content/contests/bad.md: winners: a contest still open has no winners yet; remove "
        "the Winners line, or set Status: closed",
        "Winners are named once a contest is closed.",
    ),
    (
        "content/videos/bad.md: award: 'winner', but the contest 'night-shorts' does not list "
        "it in its Winners; add 'bad' to Winners in content/contests/night-shorts.md, or change "
        "the Award",
        "A contest's Winners and its videos' Award must agree.",
    ),
    (
        "content/comments/first-post/c-20261104-dddd.md: reply-to: no comment "
        "'c-20261102-aaab' on this item; did you mean 'c-20261102-aaaa'?",
        "A reply names a comment that is not in the same folder.",
    ),
    (
        "content/videos/first-post.md: file: the slug 'first-post' is also used by "
        "content/posts/first-post.md; rename one of the two files: comments and feeds need "
        "each item's slug to be unique",
        "Two items have the same file name. Rename one.",
    ),
    (
        "content/posts/bad.md: file: not UTF-8 text (byte 0xe9 on line 6); re-save the file "
        "with UTF-8 encoding",
        "The file was saved in another encoding. Save it as UTF-8 in your editor.",
    ),
    (
        "content/posts/bad.md: file: saved as UTF-16 text, not UTF-8; re-save the file with "
        "UTF-8 encoding",
        'Some editors on Windows save as UTF-16 ("Unicode"). Choose UTF-8 when you save.',
    ),
    (
        "content/posts/bad.md: body: line 6 holds U+0000, a character that XML forbids, so "
        "no feed can carry the file; delete it (text copied from a web page or a collected "
        "feed can bring such characters; editors show them as ^@, ^[ or a box)",
        "An invisible control character (or a reference to one, such as `&#x1b;`) is in the "
        "field or on the line named; every feed would refuse it. Delete it; in a collected "
        "post, check the original.",
    ),
    (
        "content/posts/bad.md: file: the file is empty; start from a template: invoke new post "
        '"<title>"',
        "An empty file. Start again with `invoke new`.",
    ),
)


def _accepts(spec: Field) -> str:
    if spec.choices:
        return "one of: " + ", ".join(f"`{choice}`" for choice in spec.choices)
    return ACCEPTS[spec.type]


def _need(spec: Field) -> str:
    if spec.required:
        return "required"
    return f"optional (default `{spec.default}`)" if spec.default else "optional"


def example_file(kind: Kind) -> str:
    """A complete example file of ``kind``, every field filled with its example value."""
    lines = [f"{spec.label}: {_example_value(spec)}" for spec in kind.fields]
    text = "\n".join(lines) + "\n"
    if kind.body is not None:
        text += "\n" + kind.body.example.strip("`") + "\n"
    return text


def _example_value(spec: Field) -> str:
    if spec.type is FieldType.LINES:
        return f"{spec.example}\n    Second: Lumen Buds"
    return spec.example


def kind_reference(kind: Kind) -> str:
    """The guide's section on one kind: its folder, an example file and its fields."""
    out = [f"### {kind.label.capitalize()}", ""]
    folder = f"content/{kind.folder}/"
    if kind.name == "comment":
        folder += "<item-slug>/"
    out.append(f'Folder: `{folder}`. New file: `invoke new {kind.name} "…"`.')
    out += ["", "```markdown", example_file(kind).rstrip("\n"), "```", ""]
    out += ["| field | need | accepts | what it is |", "|---|---|---|---|"]
    for spec in kind.fields:
        out.append(f"| `{spec.label}` | {_need(spec)} | {_accepts(spec)} | {spec.help} |")
    if kind.body is not None:
        need = "required" if kind.body.required else "optional"
        out.append(f"| *below the header* | {need} | Markdown | {kind.body.help} |")
    else:
        out.append("| *below the header* | none | — | this kind has no text below its header |")
    return "\n".join(out) + "\n"


def fields_reference() -> str:
    """The generated block of the guide: every kind, in table order."""
    return "\n".join(kind_reference(kind) for kind in KINDS)


def messages_reference() -> str:
    """The generated block listing example messages and what they mean."""
    out = ["| message (example) | what it means |", "|---|---|"]
    for message, meaning in MESSAGES:
        # A message of several lines (the header to write) keeps its lines in the cell.
        shown = "<br>".join(f"`{line}`" for line in message.split("\n"))
        out.append(f"| {shown} | {meaning} |")
    return "\n".join(out) + "\n"


BLOCKS = {"fields": fields_reference, "messages": messages_reference}
_BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.DOTALL)


def regenerate(text: str) -> str:
    """The guide with every generated block rewritten from the table."""

    def replace(match: re.Match[str]) -> str:
        return match.group(1) + BLOCKS[match.group(2)]() + match.group(4)

    return _BLOCK.sub(replace, text)


def update_guide(path: Path) -> bool:
    """Rewrite the guide's generated blocks; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    new = regenerate(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text
