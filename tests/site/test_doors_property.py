"""Property: whatever a door accepts, the site builds with, and nothing of it runs.

Hypothesis generates comment fields, Webmention source pages and feed entries
from pieces that have broken the build or the pages before (tags, entities,
references to characters XML forbids, control characters, TODO, script links).
Each candidate goes through its door's own functions, which are cheap; the
accepted ones are written as the doors write them, and the site is built once
per batch, not once per candidate, to keep the run to seconds.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from doors_checks import feed_parts, page_parts
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markdown import Markdown

from socialhub.build import run_build
from socialhub.collect.clean import clean_entry, refusal
from socialhub.collect.dedup import known_items
from socialhub.collect.parse import parse_feed
from socialhub.collect.run import Candidate, CollectReport
from socialhub.collect.settings import CollectSettings
from socialhub.collect.sources import Source
from socialhub.collect.write import featured_text, file_date, problems_in
from socialhub.collect.writers import Writer
from socialhub.comments.checks import Refusal, check_comment
from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import comment_text, write_comment
from socialhub.comments.manifest import Manifest
from socialhub.comments.queue import Submission, new_id
from socialhub.comments.webmention import read_mention
from socialhub.kinds import KINDS_BY_NAME
from socialhub.sanitize import render_comment
from socialhub.text import xml_forbidden
from socialhub.validate import SourceFile, check_file

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "sites" / "minimal" / "content"
SITE = "http://127.0.0.1:8000"
TARGET = f"{SITE}/posts/first-post/"
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Oslo")

# Pieces that broke a door or the build once, mixed with any short text.
PIECES = [
    "<script>alert(1)</script>", "<b>", "</h3>", "<img src=x onerror=alert(1)>", "<!--",
    "<svg onload=alert(1)>", "&amp;", "&lt;", "&#60;", "&#14;", "&#x1b;", "&#xFFFF;", "&#0;",
    "&#x1B", "&#xD800;", "&amp;#14;", "&", "<", ">", ";", "#", "TODO", "TODO: ", "javascript:",
    "[x](javascript:alert(1))", "**", "`", "\n", "\t", "\r\n", " ", "\x00", "\x0e", "\x1b",
    "\x7f", "\x85", "\ud800", "\ufffe", "\uffff", "\u202e", "\u2028", "é", "名", "---",
    "Title: x", "Reply-To: c-1", '"', "'", "=",
]  # fmt: skip
pieces = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), min_size=0, max_size=6
).map("".join)
urls = st.one_of(st.just(""), pieces, pieces.map(lambda tail: f"https://a.example/{tail}"))
comment_fields = st.fixed_dictionaries(
    {"item": st.just("first-post"), "author": pieces, "website": urls, "body": pieces}
)
mention_pages = st.tuples(pieces, urls, pieces, pieces)
feed_entries = st.tuples(pieces, pieces, pieces, pieces, st.booleans())


def manifest(folder: Path) -> Manifest:
    """The comment service's view of the minimal site: its first post takes comments."""
    path = folder / "manifest.json"
    item = {
        "url": "/posts/first-post/",
        "title": "First post",
        "kind": "post",
        "comments_open": True,
        "comment_ids": ["c-20261102-aaaa"],
    }
    path.write_text(json.dumps({"site_url": SITE, "items": {"first-post": item}}), "utf-8")
    return Manifest(path)


def accept_comment(form: dict[str, str], folder: Path) -> Submission | None:
    """The comment service's checks of a form; the submission it would queue, or None."""
    config = CommentsConfig(
        queue_dir=folder / "queue", content_dir=folder, manifest_path=folder / "manifest.json"
    )
    try:
        checked = check_comment(form, manifest(folder), config, lambda _id: False)
    except Refusal as refusal_:
        assert refusal_.status == 400 and refusal_.reason.endswith("."), refusal_.reason
        return None
    return Submission(
        id=new_id(NOW),
        item=checked.target.slug,
        author=checked.author,
        body=checked.body,
        date=NOW.astimezone(ZONE).isoformat(timespec="seconds"),
        website=checked.website,
    )


def mention_html(author: str, url: str, content: str, title: str) -> str:
    """A source page with the pieces written into its HTML as they are."""
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
        f'<article class="h-entry"><p class="p-author h-card">'
        f'<a class="p-name u-url" href="{url}">{author}</a></p>'
        f'<div class="e-content"><p>{content} <a href="{TARGET}">x</a></p></div>'
        f"</article></body></html>"
    )


def verified_mention(page: tuple[str, str, str, str], number: int) -> Submission:
    """What verification makes of a source page (every verified mention waits, accepted)."""
    author, url, content, title = page
    source = f"https://source.example/{number}"
    html = mention_html(author, url, content, title)
    if number % 2:  # every other page without an h-entry: its title is the text
        html = f"<html><head><title>{title}</title></head><body>{content}</body></html>"
    # As fetching decodes a page: bytes that are not UTF-8 become U+FFFD.
    html = html.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    mention = read_mention(html, source)
    return Submission(
        id=new_id(NOW),
        item="first-post",
        author=mention.author or "source.example",
        body=mention.text or f"Mentioned on {source}",
        date=NOW.astimezone(ZONE).isoformat(timespec="seconds"),
        website=mention.author_url,
        source="webmention",
        source_url=source,
    )


def feed_bytes(entry: tuple[str, str, str, str, bool], number: int) -> tuple[bytes, str]:
    """A one-entry feed holding the pieces: an RSS feed, or a JSON Feed (``as_json``)."""
    title, text, identifier, tag, as_json = entry
    link = f"https://ada.example/{number}"
    if as_json:
        item = {"id": identifier, "url": link, "title": title, "content_html": text, "tags": [tag]}
        body = {"version": "https://jsonfeed.org/version/1.1", "items": [item]}
        return json.dumps(body).encode("utf-8"), "application/feed+json"
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>A</title>'
        f"<item><title>{title}</title><link>{link}</link><guid>{identifier}</guid>"
        f"<description>{text}</description><category>{tag}</category></item></channel></rss>"
    )
    return rss.encode("utf-8", "surrogatepass"), "application/rss+xml"


def build_problems(content: Path) -> tuple[list[str], Path]:
    """Build a content folder; (its warnings, the output), or the build's error raised."""
    output = content.parent / "output"
    report = run_build(
        ROOT / "pelicanconf.py",
        {"PATH": str(content), "OUTPUT_PATH": str(output), "CACHE_PATH": str(content.parent / "c")},
    )
    return report.warnings, output


@settings(max_examples=300, deadline=None)
@given(comment_fields)
def test_an_accepted_comment_passes_the_builds_checks(form: dict[str, str]) -> None:
    """Cheap, for many candidates: the file of an accepted comment has no problem for the build."""
    with tempfile.TemporaryDirectory() as folder:
        submission = accept_comment(form, Path(folder))
    if submission is None:
        return
    assert_comment_file_passes(submission)


def assert_comment_file_passes(submission: Submission) -> None:
    """The comment file a submission becomes has no problem for the build's checks.

    Read as the build reads it: the header by Markdown's meta extension, the
    body rendered as a comment.
    """
    text = comment_text(submission)
    reader = Markdown(extensions=["meta"])
    reader.convert(text)
    meta = {k: v if len(v) > 1 else v[0] for k, v in reader.Meta.items()}  # type: ignore[attr-defined]
    html = render_comment(text.partition("\n\n")[2])
    source = SourceFile("c.md", KINDS_BY_NAME["comment"], submission.id, meta, html, "first-post")
    assert check_file(source, lambda _path: True, ZONE).problems == []
    assert not xml_forbidden(text + html)


@settings(max_examples=200, deadline=None)
@given(mention_pages, st.integers(0, 1))
def test_a_verified_mention_passes_the_builds_checks(
    page: tuple[str, str, str, str], number: int
) -> None:
    """Cheap, for many pages: what verification makes of a page is a comment the build takes."""
    assert_comment_file_passes(verified_mention(page, number))


@settings(max_examples=200, deadline=None)
@given(feed_entries)
def test_a_collected_entry_passes_the_builds_checks(
    entry: tuple[str, str, str, str, bool],
) -> None:
    """Cheap, for many entries: a featured file the collector would write has no problem."""
    body, content_type = feed_bytes(entry, 0)
    for raw in parse_feed(body, content_type).entries:
        clean = clean_entry(raw, "https://ada.example/", 300)
        if clean is None or refusal(clean):
            continue
        text = featured_text(clean, "ada-lens", file_date(clean, NOW, ZONE))
        assert not xml_forbidden(text)
        assert problems_in(text, Path("content/featured/x.md"), ZONE) == []


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    # Why no shrinking: each example builds a site; a failure names its files instead.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(comment_fields, min_size=20, max_size=20),
    st.lists(mention_pages, min_size=8, max_size=8),
    st.lists(feed_entries, min_size=8, max_size=8),
)
def test_what_the_doors_accept_builds_and_nothing_of_it_runs(
    forms: list[dict[str, str]],
    pages: list[tuple[str, str, str, str]],
    entries: list[tuple[str, str, str, str, bool]],
) -> None:
    """A batch of accepted comments, mentions and collected posts: one build, inert output."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(MINIMAL, content)
        submissions = [s for form in forms if (s := accept_comment(form, Path(folder)))]
        submissions += [verified_mention(page, number) for number, page in enumerate(pages)]
        for submission in submissions:
            write_comment(content, submission)
        known = known_items(content, ZONE)
        ada = Source("https://ada.example/feed.xml", "featured", "ada-lens", "Ada Lens", True)
        with httpx.Client() as client:  # the writer's, for pictures; a featured post has none
            writer = Writer(content, CollectSettings(), ZONE, client, known, CollectReport())
            written = []
            for number, entry in enumerate(entries):
                body, content_type = feed_bytes(entry, number)
                for raw in parse_feed(body, content_type).entries:
                    clean = clean_entry(raw, "https://ada.example/", 300)
                    if clean is None or refusal(clean) or known.same_as(clean):
                        continue
                    path = writer.write(Candidate(clean, ada, file_date(clean, NOW, ZONE)))
                    assert path is not None
                    written.append(path)
        warnings, output = build_problems(content)
        assert warnings == []
        page = output / "posts" / "first-post" / "index.html"
        shown = page.read_text(encoding="utf-8")
        assert not xml_forbidden(shown)
        for submission in submissions:
            assert f'id="comment-{submission.id}"' in shown
        assert page_parts(page, (".comment-list", ".mentions")) == []
        for path in written:
            featured = output / "bloggers" / "ada-lens" / path.stem / "index.html"
            assert page_parts(featured, (".entry__header", ".excerpt", ".tags")) == [], path
        assert feed_parts(output) == []
