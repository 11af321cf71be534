"""Hostile HTML in editors' files: cleaned, reported, and nothing of it runs or loads.

One site with a script, a frame, handlers, javascript: links and loads from
other hosts in every kind of editor's file is built for real; every page and
every feed is parsed and searched, and the warnings are checked line by line.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag

from socialhub.build import BuildReport, run_build

ROOT = Path(__file__).resolve().parents[2]

SITE = "http://127.0.0.1:8000"  # LOCAL_PREVIEW_URL: absolute URLs of a local build
COMMENT_SERVICE = "http://127.0.0.1:8001"  # the theme's comment form posts there

HOSTILE_POST = """\
Title: Fish & chips: 5 < 6 "always"
Date: 2026-11-05
Author: Mara
Tags: Q&A, Cameras
Summary: Short <script>alert(1)</script> and [a trick](javascript:alert(2)).

Hello.

<script>alert("x")</script>

<p onclick="alert(3)">Click me</p>

<iframe src="https://evil.example/embed/abc"></iframe>

[bad link](JavaScript:alert(1)) and [a good link](https://other.example/)

<video src="https://evil.example/film.mp4" controls></video>

<span style="background: url(https://evil.example/p.gif)">styled</span>

<form action="https://evil.example/"><input name="x"></form>

<img src="/images/ff/ada.png" srcset="https://evil.example/big.png 2x" alt="Ada">

<link rel="stylesheet" href="https://evil.example/x.css">
"""

# Formatting an editor may use: all of it must reach the page, without a warning.
FORMATTED_POST = """\
Title: Formatting
Date: 2026-11-06
Author: Mara
Summary: Everything *allowed*.

## A heading

| Phone | Price |
|:------|------:|
| X2    | 499   |

<figure><img src="/images/ff/ada.png" alt="Ada"><figcaption>Ada</figcaption></figure>

<details><summary>More</summary><p>Hidden <kbd>Ctrl</kbd>.</p></details>

    code block

A footnote[^1] and [another site](https://other.example/page).

<video src="/media/film.mp4" poster="/images/posters/first-film.png" controls></video>

[^1]: The note.
"""


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The minimal site with hostile HTML in every kind of editor's file, built once."""
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(ROOT / "tests" / "data" / "sites" / "minimal" / "content", content)
    (content / "posts" / "hostile.md").write_text(HOSTILE_POST, encoding="utf-8")
    (content / "posts" / "formatting.md").write_text(FORMATTED_POST, encoding="utf-8")
    (content / "media").mkdir()
    (content / "media" / "film.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    _append(content / "bloggers" / "ada-lens.md", '\n<b onmouseover="alert(4)">Bold</b>\n')
    _append(
        content / "contests" / "night-shorts.md",
        '\n<object data="https://evil.example/x.swf"><param name="a" value="b">'
        '<embed src="https://evil.example/x.swf"></object>\n',
    )
    _append(
        content / "videos" / "first-film.md",
        '\n<audio src="https://evil.example/a.mp3" controls></audio>\n\n'
        '<embed src="https://evil.example/x">\n\n<p onclick="alert(7)">After.</p>\n',
    )
    featured = content / "featured" / "ada-reviews-x2.md"
    featured.write_text(
        featured.read_text(encoding="utf-8").replace(
            "Editor-Note: Ada is *fair*.",
            'Editor-Note: Ada is <a href="https://ada.example/" onclick="alert(5)">fair</a>.',
        ),
        encoding="utf-8",
    )
    _append(
        content / "follow-friday" / "ff-ada.md",
        '\n<details ontoggle="alert(6)"><summary>Who</summary>Ada.</details>\n\n'
        "<style>body { background: url(https://evil.example/x.gif) }</style>\n",
    )
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / ".cache"),
    }
    report = run_build(ROOT / "pelicanconf.py", overrides)
    return root / "output", report


SCRIPTS = "scripts do not run on the hub; write it in Markdown without scripts"
ELSEWHERE = (
    "readers' browsers must not call other sites; save the file under content/images/ "
    "or content/media/ and give its path"
)
EMBED = (
    "an embed loads another site before the reader asks; link to it instead: "
    "[what it is](https://…)"
)
STYLE = "the theme styles every page; remove the style"
FORMS = "forms do not work on the hub's pages; link to the form instead"
EXPECTED_WARNINGS = [
    "content/bloggers/ada-lens.md: bio: line 13: removed the onmouseover handler on <b>; "
    f"{SCRIPTS}",
    f"content/contests/night-shorts.md: rules: line 13: removed <object>; {EMBED}",
    "content/featured/ada-reviews-x2.md: editor-note: line 6: removed the onclick handler on "
    f"<a>; {SCRIPTS}",
    f"content/follow-friday/ff-ada.md: images: line 10: removed the ontoggle handler on <details>; "
    f"{SCRIPTS}",
    f"content/follow-friday/ff-ada.md: images: line 12: removed <style>; {STYLE}",
    f"content/posts/hostile.md: body: line 9: removed <script>; {SCRIPTS}",
    f"content/posts/hostile.md: body: line 11: removed the onclick handler on <p>; {SCRIPTS}",
    f"content/posts/hostile.md: body: line 13: removed <iframe>; {EMBED}",
    f"content/posts/hostile.md: body: line 15: removed the javascript: link on <a>; {SCRIPTS}",
    f"content/posts/hostile.md: body: line 17: removed <video> loading from evil.example; "
    f"{ELSEWHERE}",
    f"content/posts/hostile.md: body: line 19: removed the style attribute on <span>; {STYLE}",
    f"content/posts/hostile.md: body: line 21: removed <form>; {FORMS}",
    f"content/posts/hostile.md: body: line 21: removed <input>; {FORMS}",
    "content/posts/hostile.md: body: line 23: removed the srcset from evil.example on <img>; "
    f"{ELSEWHERE}",
    f"content/posts/hostile.md: body: line 25: removed <link>; {ELSEWHERE}",
    f"content/posts/hostile.md: summary: line 5: removed <script>; {SCRIPTS}",
    f"content/posts/hostile.md: summary: line 5: removed the javascript: link on <a>; {SCRIPTS}",
    "content/videos/first-film.md: description: line 12: removed <audio> loading from "
    f"evil.example; {ELSEWHERE}",
    f"content/videos/first-film.md: description: line 14: removed <embed>; {EMBED}",
    "content/videos/first-film.md: description: line 16: removed the onclick handler on <p>; "
    f"{SCRIPTS}",
]


def test_every_removal_is_a_warning_naming_file_field_and_line(
    hostile: tuple[Path, BuildReport],
) -> None:
    """One warning per removed thing, with its line; the formatting post gives none."""
    _output, report = hostile
    warnings = sorted(line for line in report.warnings if line.startswith("content/"))
    assert warnings == sorted(EXPECTED_WARNINGS)


def test_a_rebuild_from_the_cache_warns_the_same(hostile: tuple[Path, BuildReport]) -> None:
    """The warnings come back on every build, not only when a file is read again."""
    output, _report = hostile
    root = output.parent
    overrides = {
        "PATH": str(root / "content"),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(root / ".cache"),
    }
    again = run_build(ROOT / "pelicanconf.py", overrides)
    assert again.unchanged > again.rendered  # read and checked from the caches
    warnings = sorted(line for line in again.warnings if line.startswith("content/"))
    assert warnings == sorted(EXPECTED_WARNINGS)


def _pages(output: Path) -> Iterator[tuple[Path, BeautifulSoup]]:
    for page in sorted(output.rglob("*.html")):
        yield page, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


def _local(url: str, base: str = "") -> bool:
    """A URL of this site: a path (not //host), or under ``base`` when one is given."""
    text = url.strip()
    if base and text.startswith(base + "/"):
        return True
    return not text.startswith("//") and ":" not in text.split("/", 1)[0]


LOADING_LINKS = {"stylesheet", "icon", "apple-touch-icon", "preload", "prefetch", "manifest"}


def _loaded(element: Tag, attribute: str, text: str) -> list[str]:
    """The URLs an attribute makes the browser fetch (or send a form to)."""
    if attribute in ("src", "poster", "data"):
        return [text]
    if attribute == "srcset":
        return [part.split()[0] for part in text.split(",") if part.split()]
    if attribute == "href" and element.name == "link":
        return [text] if LOADING_LINKS & set(element.get("rel") or []) else []
    if attribute == "style":
        return re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
    if attribute == "action" and not text.startswith(COMMENT_SERVICE + "/"):
        return [text]
    return []


def _active_things(soup: BeautifulSoup | Tag, base: str = "") -> list[str]:
    """Everything in a document that would run or load from another host."""
    found: list[str] = []
    for element in soup.find_all(True):
        name = element.name
        if name in ("iframe", "object", "embed", "frame", "applet", "base"):
            found.append(f"<{name}>")
        # Why structured data is allowed: a browser never runs it, and with no "<"
        # in it nothing can end the element early.
        data = element.get("type") == "application/ld+json" and "<" not in element.get_text()
        if name == "script" and (element.string or "").strip() and not data:
            found.append("an inline <script>")
        if name == "style":
            urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", element.get_text())
            found += [f"{url} in <style>" for url in urls if not _local(url, base)]
        for attribute, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            compact = re.sub(r"[\x00-\x20]", "", text).lower()
            if attribute.startswith("on"):
                found.append(f"{attribute} on <{name}>")
            if compact.startswith(("javascript:", "vbscript:", "data:text")):
                found.append(f"{compact[:20]} in {attribute} on <{name}>")
            urls = _loaded(element, attribute, text)
            found += [f"{url} in {attribute} on <{name}>" for url in urls if not _local(url, base)]
    return found


def test_no_page_runs_or_loads_anything_of_another_host(hostile: tuple[Path, BuildReport]) -> None:
    """No script, frame, handler, javascript: URL or remote load on any page."""
    output, _report = hostile
    pages = 0
    for page, soup in _pages(output):
        pages += 1
        assert _active_things(soup) == [], page
        text = page.read_text(encoding="utf-8")
        # Not even as text: every hostile address is in something that loads.
        assert "evil.example" not in text, page
    assert pages > 10


def _feed_contents(output: Path) -> Iterator[tuple[Path, str, str, list[str]]]:
    """(file, entry title, entry content HTML, entry categories) of every feed entry."""
    for path in sorted(output.rglob("*.xml")):
        if "sitemap" in path.name:
            continue
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        for entry in parsed.entries:
            html = "".join(part.value for part in entry.get("content", []))
            tags = [tag.get("label") or tag.get("term") for tag in entry.get("tags", [])]
            title = entry.title
            if entry.title_detail.type != "text/plain":
                # RSS titles are HTML-escaped text, which feedparser rightly calls HTML.
                title = BeautifulSoup(title, "html.parser").get_text()
            yield path, title, html, tags
    for path in sorted(output.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "jsonfeed" not in str(data.get("version")):
            continue
        for item in data["items"]:
            yield path, item.get("title", ""), item.get("content_html", ""), item.get("tags", [])


def test_no_feed_entry_runs_or_loads_anything_of_another_host(
    hostile: tuple[Path, BuildReport],
) -> None:
    """Feed content is as clean as the pages: nothing runs, nothing loads from elsewhere."""
    output, _report = hostile
    entries = 0
    for path, _title, html, _tags in _feed_contents(output):
        entries += 1
        soup = BeautifulSoup(html, "html.parser")
        assert _active_things(soup, SITE) == [], path
        assert "evil.example" not in html, path
    assert entries > 20


def test_the_formatting_an_editor_may_use_reaches_the_page(
    hostile: tuple[Path, BuildReport],
) -> None:
    """Headings, tables, figures, details, code, footnotes, links and local films stay."""
    output, _report = hostile
    page = output / "posts" / "formatting" / "index.html"
    body = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one(".entry__body")
    assert body is not None
    assert body.find(["h2", "h3"]) is not None
    cells = [cell["style"] for cell in body.select("th")]
    assert cells == ["text-align:left", "text-align:right"]
    assert body.select_one("figure img[src='/images/ff/ada.png']") is not None
    assert body.select_one("figure figcaption").get_text() == "Ada"
    assert body.select_one("details summary").get_text() == "More"
    assert body.select_one("kbd").get_text() == "Ctrl"
    assert body.select_one("pre code").get_text().strip() == "code block"
    assert body.select_one("a[href='https://other.example/page']") is not None
    footnote = body.select_one("sup a[href^='#fn']")
    assert footnote is not None
    assert body.find(id=footnote["href"][1:]) is not None
    video = body.select_one("video")
    assert video is not None
    assert (video["src"], video["poster"]) == ("/media/film.mp4", "/images/posters/first-film.png")


def test_the_cleaned_post_keeps_its_text_and_its_links(hostile: tuple[Path, BuildReport]) -> None:
    """What is removed is the markup: the words stay, the good link stays, the bad one is text."""
    output, _report = hostile
    page = output / "posts" / "hostile" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    body = soup.select_one(".entry__body")
    assert body is not None
    text = " ".join(body.get_text(" ").split())
    assert "Click me" in text and "styled" in text and "bad link" in text
    assert [a.get("href") for a in body.find_all("a")] == [None, "https://other.example/"]
    assert body.select_one("img[src='/images/ff/ada.png']").get("srcset") is None


def test_editor_fields_reach_titles_and_categories_escaped(
    hostile: tuple[Path, BuildReport],
) -> None:
    """A title with &, < and quotes, and a tag with &, read the same in pages and feeds."""
    output, _report = hostile
    title = 'Fish & chips: 5 < 6 "always"'
    soup = BeautifulSoup(
        (output / "posts" / "hostile" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert soup.title is not None and soup.title.get_text().startswith(title)
    assert soup.find("meta", property="og:title")["content"].startswith(title)
    assert soup.select_one("h1").get_text(" ", strip=True) == title
    assert "Q&A" in [a.get_text(strip=True) for a in soup.select("a[rel~='tag'], .tags a")]
    seen = [
        (path.name, tags)
        for path, entry_title, _html, tags in _feed_contents(output)
        if entry_title == title
    ]
    assert {name for name, _tags in seen} >= {"posts.rss.xml", "posts.atom.xml", "posts.json"}
    for _name, tags in seen:
        assert "Q&A" in tags
