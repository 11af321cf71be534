"""The collector's small parts: settings, JSON Feed edge cases, plain text, links and ids."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feed_server import NOW, AddBlogger, FeedServer

from socialhub.collect import run
from socialhub.collect.clean import excerpt_of, inert, safe_id, safe_link, safe_tags
from socialhub.collect.parse import parse_feed
from socialhub.collect.settings import CollectSettings, load_settings
from socialhub.errors import ConfigError


def test_settings_default_and_override() -> None:
    """COLLECT_* over the defaults; the cache sits under the project; the agent names the site."""
    loaded = load_settings(
        {"COLLECT_TIMEOUT": 3, "COLLECT_EXCERPT_LENGTH": "200", "SITEURL": "https://hub.example"},
        root=Path("/project"),
    )
    assert (loaded.timeout, loaded.excerpt_length, loaded.max_age_days) == (3.0, 200, 90)
    assert (loaded.max_bytes, loaded.concurrency, loaded.max_redirects) == (5242880, 4, 5)
    assert loaded.cache_path == Path("/project/.cache/collect/http.json")
    assert loaded.agent == "socialhub-collector/1.0 (+https://hub.example)"


def test_bad_settings_are_all_named() -> None:
    """Every unknown key and bad value in one error."""
    with pytest.raises(ConfigError) as error:
        load_settings(
            {
                "COLLECT_TIMEOUT": "soon",
                "COLLECT_CONCURRENCY": 0,
                "COLLECT_MAX_BYTES": True,
                "COLLECT_EXCERPT": 100,
            }
        )
    lines = str(error.value).splitlines()
    assert lines[0] == "bad collector settings:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "COLLECT_TIMEOUT",
        "COLLECT_CONCURRENCY",
        "COLLECT_MAX_BYTES",
        "COLLECT_EXCERPT",
    ]
    assert "below the minimum, 1" in lines[2]
    assert "COLLECT_EXCERPT_LENGTH" in lines[4]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', "no list of items"),
        (b'{"items": []}', "JSON without a JSON Feed version"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "malformed JSON feed"),
        (b"", "not a feed"),
        (b"plain words", "not a feed"),
    ],
    ids=["items-not-a-list", "no-version", "deep-nesting", "truncated", "empty", "text"],
)
def test_unusable_bodies_are_errors(body: bytes, error: str) -> None:
    """Each is one error, never an exception."""
    assert error in parse_feed(body, "application/json" if body[:1] == b"[" else "").error


def test_json_feed_oddities_are_tolerated() -> None:
    """A BOM, a date without a zone, tags that are not a list, items that are not objects."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            "not an item",
            {"id": 1, "url": "https://b.example/1", "title": "T", "tags": "x",
             "date_published": "2026-11-01T10:00:00"},
            {"id": "2", "url": "https://b.example/2", "summary": "Plain <b> text",
             "date_published": "never"},
        ],
    }  # fmt: skip
    parsed = parse_feed(b"\xef\xbb\xbf" + json.dumps(feed).encode())
    first, second = parsed.entries
    assert (first.id, first.date, first.tags) == ("1", datetime(2026, 11, 1, 10, tzinfo=UTC), ())
    assert (second.date, second.html) == (None, "Plain &lt;b&gt; text")


def test_inert_text_keeps_words_and_loses_tags_and_invisible_characters() -> None:
    """Tag-like text turns into angle quotes; control and bidi characters go."""
    assert (
        inert("Use <video> and </b>,\n\tnot \x1b[31mred\u202e")
        == "Use ‹video› and ‹/b›, not [31mred"
    )
    assert inert("I <3 it & a < b") == "I <3 it & a < b"


def test_safe_links() -> None:
    """Relative links resolve; only http(s) is kept; unsafe characters are encoded."""
    base = "https://blog.example/feed/"
    assert safe_link("../post/1", base) == "https://blog.example/post/1"
    assert safe_link("https://Blog.EXAMPLE/a b", base) == "https://blog.example/a%20b"
    assert safe_link("https://bücher.example/", base) == "https://xn--bcher-kva.example/"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "mailto:a@b.example",
                "ftp://x.example/", "http://[::1", "", "  "):  # fmt: skip
        assert safe_link(bad, base) == "", bad


def test_safe_ids_and_tags() -> None:
    """Plain ids are kept; odd ones become a stable digest; tags are plain and unique."""
    assert safe_id("tag:b.example,2026:1") == "tag:b.example,2026:1"
    assert safe_id("  spaced \n id ") == "spaced id"
    digest = safe_id("<script>")
    assert digest.startswith("sha256:") and digest == safe_id("<script>")
    assert safe_id("TODO-1").startswith("sha256:") and safe_id("x" * 400).startswith("sha256:")
    # A tag in any script has a slug now (日本 → ri-ben); one of punctuation only has none.
    assert safe_tags(("Lumen, X2", "lumen x2", "<b>bold</b>", "!!!", "日本")) == (
        "Lumen X2",
        "bold",
        "日本",
    )


def test_excerpts_are_whole_sentences_or_a_cut_word() -> None:
    """The first sentences that fit; a first sentence too long is cut at a word."""
    assert excerpt_of("One. Two! Three? Four.", 15) == "One. Two!"
    long = excerpt_of("word " * 100, 50)
    assert len(long) <= 50 and long.endswith("…")


def test_an_unexpected_error_fails_one_feed_not_the_run(
    content: Path,
    feeds: FeedServer,
    blogger: AddBlogger,
    settings: CollectSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug met by one feed is one FAILED line; the next feed is still collected."""
    real = run.parse_feed

    def fragile(body: bytes, content_type: str = ""):
        if b"Atom 0.3" in body:
            raise RuntimeError("boom")
        return real(body, content_type)

    monkeypatch.setattr(run, "parse_feed", fragile)
    blogger("a-fragile", feeds.url("feed/atom-0.3.xml"))
    blogger("b-fine", feeds.url("feed/atom-1.0.xml"))
    report = collect_now(content, settings)
    assert report.lines[0] == (
        f"FAILED A Fragile ({feeds.url('feed/atom-0.3.xml')}): "
        "cannot use the feed (RuntimeError: boom)"
    )
    assert len(report.written) == 1 and report.failed == 1


def test_an_entry_the_build_would_leave_out_is_skipped_with_a_line(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """A title that starts with TODO reads as the scaffold's placeholder: not written, one line."""
    feeds.custom["todo.xml"] = feeds.fixture("rss-2.0.xml").replace(
        b"RSS 2.0 post about", b"TODO list for"
    )
    blogger("pocket-lens", feeds.url("custom/todo.xml"))
    report = collect_now(content, settings)
    assert report.written == []
    assert report.lines == [
        f"skipped Pocket Lens ({feeds.url('custom/todo.xml')}): the entry 'TODO list for the "
        "Lumen': Title starts with TODO, which marks an unfinished file; write its file by hand"
    ]
    assert report.ok


def collect_now(content: Path, settings: CollectSettings) -> run.CollectReport:
    """Collect at the tests' fixed time."""
    return run.collect(content, settings, "UTC", NOW)
