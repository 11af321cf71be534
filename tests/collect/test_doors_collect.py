"""What the collector writes, the build takes; what the build would refuse is one line, unwritten.

Each feed is served on 127.0.0.1, collected into a copy of the minimal site,
and the site is built: control characters, references to characters XML
forbids, entity-like and tag-like text never reach a featured file as such.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from doors_checks import feed_parts, page_parts
from feed_server import NOW, AddBlogger, FeedServer, featured_problems

from socialhub.collect.run import collect
from socialhub.collect.settings import CollectSettings
from socialhub.headers import read_header
from socialhub.text import xml_forbidden

# References to characters XML forbids, decoded on the way by the feed parser or
# the sanitizer; text that reads as an entity or a tag once decoded.
RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ada</title><link>https://ada.example/</link>
<item><title>Night &#x1b;shots&#xFFFF; &#14;&amp;amp; more</title>
<link>https://ada.example/night</link><guid>tag:ada.example,2026:night&amp;amp;1</guid>
<description>Text &amp;#14; &#x1b;and &amp;lt;b&amp;gt; bold &amp;amp;amp; x.</description>
<category>cams&amp;amp;more</category><category>TODO later</category></item>
<item><title>TODO list apps for the Lumen</title><link>https://ada.example/todo</link>
<description>Ten apps.</description></item>
<item><title>Plain &amp;lt;video&amp;gt; tags</title><link>https://ada.example/video</link>
<description>TODO: write the excerpt. The rest &amp;amp;copy; &amp;#x1b; here.</description></item>
</channel></rss>"""

# A JSON Feed may carry any code point as an escape: NUL and a lone surrogate too.
JSON_FEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Bo",
        "items": [
            {
                "id": "bo\u00001",
                "url": "https://bo.example/p\u00001",
                "title": "NUL\u0000 and \ud800surrogate \u001b[31m red",
                "content_text": "Bytes\u0000 here\u000b and there.\ufffe",
                "tags": ["nul\u0000tag", "ok"],
            }
        ],
    }
).encode()


def point_ada_at(minimal_copy: Path, url: str) -> None:
    """Move the minimal site's blogger onto the local server."""
    ada = minimal_copy / "bloggers" / "ada-lens.md"
    ada.write_text(ada.read_text().replace("https://ada.example/feed.xml", url))


def test_collected_entries_build_and_keep_nothing_xml_forbids(
    minimal_copy: Path,
    feeds: FeedServer,
    blogger: AddBlogger,
    settings: CollectSettings,
    build: Callable[..., Path],
) -> None:
    """Written files pass the build's checks, hold no control character, and the site builds."""
    feeds.custom["ada.xml"] = RSS
    feeds.custom["bo.json"] = JSON_FEED
    point_ada_at(minimal_copy, feeds.url("custom/ada.xml"))
    blogger("bo-berg", feeds.url("custom/bo.json"), folder=minimal_copy)
    report = collect(minimal_copy, settings, "UTC", NOW)
    assert report.ok, report.lines
    skipped = [line for line in report.lines if line.startswith("skipped")]
    assert skipped == [
        f"skipped Ada Lens ({feeds.url('custom/ada.xml')}): the entry 'TODO list apps for the "
        "Lumen': Title starts with TODO, which marks an unfinished file; write its file by hand"
    ]
    headers = {read_header(path)["original-url"]: read_header(path) for path in report.written}
    assert sorted(headers) == [
        "https://ada.example/night",
        "https://ada.example/video",
        "https://bo.example/p1",
    ]
    night = headers["https://ada.example/night"]
    assert night["title"] == "Night shots & more"  # an RSS title is HTML: decoded once
    assert night["excerpt"] == "Text and ‹b› bold \uff06amp; x."
    assert night["tags"] == "cams&more"
    assert night["entry-id"].startswith("sha256:")
    video = headers["https://ada.example/video"]
    assert video["title"] == "Plain ‹video› tags"
    assert video["excerpt"] == video["title"]  # the text read as a placeholder: not quoted
    bo = headers["https://bo.example/p1"]
    assert bo["title"] == "NUL and surrogate [31m red"
    assert bo["excerpt"] == "Bytes here and there."
    for path in report.written:
        text = path.read_text(encoding="utf-8")
        assert not xml_forbidden(text), path
        assert featured_problems(path) == [], path
    output = build(minimal_copy)
    for path in report.written:
        blogger_slug = read_header(path)["blogger"]
        page = output / "bloggers" / blogger_slug / path.stem / "index.html"
        assert not xml_forbidden(page.read_text(encoding="utf-8"))
        assert page_parts(page, (".entry__header", ".excerpt", ".tags")) == [], page
    assert feed_parts(output) == []


def test_a_reference_to_half_a_surrogate_pair_does_not_fail_the_feed(
    content: Path, feeds: FeedServer, blogger: AddBlogger, settings: CollectSettings
) -> None:
    """``&#xD800;`` once stopped the feed parser, and with it every post of the feed."""
    feeds.custom["half.xml"] = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>A</title>'
        b"<item><title>Half &#xD800; a pair</title><link>https://ada.example/half</link>"
        b"<description>Lone &#xDFFF; surrogate, &#0; NUL.</description></item></channel></rss>"
    )
    blogger("pocket-lens", feeds.url("custom/half.xml"))
    report = collect(content, settings, "UTC", NOW)
    assert report.ok, report.lines
    [path] = report.written
    header = read_header(path)
    assert (header["title"], header["excerpt"]) == ("Half a pair", "Lone surrogate, NUL.")
    assert featured_problems(path) == []
