"""An item's comments feed before its first comment: filled from a template, same as rendered."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
from hypothesis import given, settings
from hypothesis import strategies as st

from socialhub.feeds.empty import EmptyFeeds
from socialhub.feeds.entries import SiteInfo
from socialhub.feeds.streams import Stream
from socialhub.feeds.write import FeedHead

BASE = "http://127.0.0.1:8000"


def _renderer(websub: str = "") -> object:
    from socialhub.feeds.jsonfeed import render_json  # noqa: PLC0415 - beside the others
    from socialhub.feeds.write import render_atom, render_rss  # noqa: PLC0415

    renderers = {"rss": render_rss, "atom": render_atom, "json": render_json}
    info = SiteInfo(BASE, "Lumen & <Hub>", "Lumen Mobile", "content", "hub.example,2026", 0, websub)

    def render(fmt: str, url: str, title: str, updated: datetime) -> bytes:
        stream = Stream(
            f"{url}comments",
            f"Comments on “{title}”",
            f"Comments and mentions of “{title}”.",
            url,
            lambda _site: (),
            "items",
        )
        head = FeedHead(stream, info, "en", f"{BASE}/logo.png", f"{BASE}/favicon.ico", updated)
        return renderers[fmt](head, [])

    return render


ZONES = st.sampled_from([UTC, ZoneInfo("Europe/Oslo"), timezone(timedelta(hours=-5, minutes=-30))])


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(min_size=1, max_size=40),
    slug=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
    when=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=ZONES
    ),
    websub=st.sampled_from(["", "https://hub.example/"]),
)
def test_a_filled_empty_feed_is_byte_for_byte_the_rendered_one(
    title: str, slug: str, when: datetime, websub: str
) -> None:
    """Any title (markup, quotes, control characters), address, date and zone: the same bytes."""
    render = _renderer(websub)
    feeds = EmptyFeeds(render)  # type: ignore[arg-type]
    url = f"posts/{slug}/"
    for fmt in ("rss", "atom", "json"):
        assert feeds._template(fmt) is not None, fmt  # the template is used, not the slow path
        assert feeds.feed(fmt, url, title, when) == render(fmt, url, title, when), fmt  # type: ignore[operator]


def test_an_address_the_template_cannot_hold_is_rendered() -> None:
    """An item address with characters a format escapes takes the slow path, with the same bytes."""
    render = _renderer()
    feeds = EmptyFeeds(render)  # type: ignore[arg-type]
    when = datetime(2026, 11, 20, 10, tzinfo=UTC)
    url = "posts/a&b <c>/"
    for fmt in ("rss", "atom", "json"):
        assert feeds.feed(fmt, url, "T", when) == render(fmt, url, "T", when)  # type: ignore[operator]


def test_an_item_without_comments_answers_a_valid_empty_feed(sample_output: Path) -> None:
    """Every advertised comments feed of an item with no comment is there: no entry, its title."""
    page = sample_output / "posts" / "blogger-program-2026"
    assert page.joinpath("index.html").is_file()
    html = page.joinpath("index.html").read_text(encoding="utf-8")
    for name in ("comments.rss.xml", "comments.atom.xml", "comments.json"):
        assert f"/posts/blogger-program-2026/{name}" in html, name  # advertised on the page
        if name.endswith(".json"):
            feed = json.loads(page.joinpath(name).read_text(encoding="utf-8"))
            assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["items"] == []
            assert feed["feed_url"] == f"{BASE}/posts/blogger-program-2026/{name}"
            continue
        parsed = feedparser.parse(page.joinpath(name).read_bytes())
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert parsed.entries == []
        assert parsed.feed.title.startswith("Comments on “"), name
        assert parsed.feed.link == f"{BASE}/posts/blogger-program-2026/"
