"""Any text in a platform feed's media, mention and hashtag places: no crash, nothing unsafe."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from hypothesis import given, settings
from hypothesis import strategies as st

from socialhub.collect.clean import clean_entry
from socialhub.collect.handles import hashtags, mentions
from socialhub.collect.parse import parse_feed
from socialhub.fieldrules import is_web_url, markup_flaw
from socialhub.validate import _HANDLE

# Characters that break naive readers: markup, entities, @ and #, controls, bidi, surrogates.
PIECES = [*"<>&\"'@#.:/ aZ9_-é\x00\x07\x1b\x85\u202e\ufffe", "&#x7;", "&amp;", "javascript:"]
TAG_START = re.compile(r"<[A-Za-z/!?]")  # a lone "<" ("<3") is text, as in titles
TRICKY = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(alt=TRICKY, url=TRICKY, duration=TRICKY, text=TRICKY)
def test_any_media_rss_entry_cleans_to_safe_values(
    alt: str, url: str, duration: str, text: str
) -> None:
    """Whatever a media:content holds, the clean entry has http(s) URLs and plain text."""
    body = (
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        f"<link>https://a.example/1</link><description>{escape(text)}</description>"
        f"<media:content url={quoteattr('https://a.example/' + url)} duration={quoteattr(duration)}"
        f' medium="image"><media:description>{escape(alt)}</media:description></media:content>'
        f"<media:player url={quoteattr(url)}/></item></channel></rss>"
    ).encode("utf-8", "surrogatepass")
    for entry in parse_feed(body).entries:
        clean = clean_entry(entry, "https://a.example/feed", 300)
        if clean is None:
            continue
        for item in clean.media:
            assert is_web_url(item.url)
            assert markup_flaw(item.alt) is None and not TAG_START.search(item.alt)
        assert clean.duration is None or clean.duration > 0
        for handle in clean.mentions:
            assert _HANDLE.match(handle)


@settings(max_examples=300, deadline=None)
@given(html=TRICKY, text=TRICKY, tags=st.lists(TRICKY, max_size=4))
def test_mentions_and_hashtags_are_well_formed(html: str, text: str, tags: list[str]) -> None:
    """Every mention matches validate's handle rule; every hashtag is one word without '#'."""
    for handle in mentions(html, (text,)):
        assert _HANDLE.match(handle), handle
    for tag in hashtags(tuple(tags), (text,), html):
        assert re.fullmatch(r"\w+", tag) and not tag.isdigit(), tag
