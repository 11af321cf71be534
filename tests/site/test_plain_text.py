"""The plain text of HTML fragments (feed summaries, the sitemap's film descriptions, objects)."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from socialhub.text import plain_text

CONTENT = Path(__file__).resolve().parents[2] / "content"


def soup_text(html: str) -> str:
    """What a reader of the fragment sees as text, by Beautiful Soup."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>two</p>", "One two"),
        ("<p>a<!-- a note -->b</p>", "a b"),
        ("x &amp; y<br>z", "x & y z"),
        ("<p>caf&eacute; &#x1F600;</p>", "café \U0001f600"),
        ("<p>a</p>tail<script>var s = '<b>no</b>';</script>after", "a tail after"),
        ("<style>p { color: red }</style>shown", "shown"),
        ("<template><p>hidden</p></template>seen", "seen"),
        ("<p>unclosed <em>emphasis", "unclosed emphasis"),
        ("</p>stray end tag", "stray end tag"),
        ("a\x00b\x1bc", soup_text("a\x00b\x1bc")),
        ("   \n ", ""),
        ("", ""),
    ],
)
def test_plain_text_of_fragments(html: str, text: str) -> None:
    """Visible words only, whitespace collapsed, entities decoded, nothing raised."""
    assert plain_text(html) == text


def test_plain_text_matches_beautiful_soup_on_the_sample_content() -> None:
    """Every sample content file's rendered Markdown gives the text Beautiful Soup gives."""
    bodies = [
        markdown.markdown(path.read_text(encoding="utf-8").split("\n\n", 1)[-1])
        for path in sorted(CONTENT.rglob("*.md"))
    ]
    assert len(bodies) > 20
    assert [plain_text(body) for body in bodies] == [soup_text(body) for body in bodies]
