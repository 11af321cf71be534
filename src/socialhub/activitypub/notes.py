"""A fediverse note as a comment: its HTML made Markdown, its reply target made ours.

A note's ``content`` is HTML from another server. It is cleaned by the one policy
(sanitize.py) first, then written as the Markdown a comment file holds: paragraphs,
line breaks, links; every other character that Markdown reads as markup is escaped,
so what the writer typed is what readers see.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from socialhub.comments.manifest import Manifest, Target
from socialhub.comments.urls import normal_url
from socialhub.sanitize import clean_html
from socialhub.text import xml_safe

_MARKUP = re.compile(r"([\\`*_\[\]#<>])")
# The build writes each item's ActivityPub object as /fediverse/objects/<item path>/index.json.
OBJECTS_PATH = "/fediverse/objects/"


def escape_markdown(text: str) -> str:
    """Plain text that Markdown shows as it is."""
    return _MARKUP.sub(r"\\\1", text)


def note_markdown(html: str) -> str:
    """A note's HTML content as a comment's Markdown (sanitized, links kept)."""
    soup = BeautifulSoup(clean_html(xml_safe(html)), "html.parser")
    blocks: list[str] = []
    for block in soup.find_all(["p", "li", "blockquote", "pre"]) or [soup]:
        if isinstance(block, Tag) and block.find_parent(["p", "li", "blockquote", "pre"]):
            continue  # counted with its outer block
        text = _inline(block).strip()
        if text:
            blocks.append("\n".join(line.strip() for line in text.splitlines()))
    return "\n\n".join(blocks)


def _inline(node: Tag | BeautifulSoup) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, NavigableString):
            parts.append(escape_markdown(" ".join(str(child).split(" "))))
        elif isinstance(child, Tag) and child.name == "br":
            parts.append("  \n")
        elif isinstance(child, Tag) and child.name == "a":
            text = child.get_text()
            href = str(child.get("href") or "")
            if not href.startswith(("http://", "https://")) or text.startswith(("@", "#")):
                # A mention (@user) or a hashtag is shown as its text, like Mastodon does.
                parts.append(escape_markdown(text))
            else:
                parts.append(f"[{escape_markdown(text or href)}]({href.replace(')', '%29')})")
        elif isinstance(child, Tag):
            parts.append(_inline(child))
    return "".join(parts)


def replied_item(in_reply_to: str, manifest: Manifest, site_url: str) -> tuple[Target, str] | None:
    """The item (and the comment id, "" for the item) a note answers, or None if not ours."""
    if not in_reply_to:
        return None
    site = urlsplit(normal_url(manifest.site_url or site_url)).netloc
    parts = urlsplit(in_reply_to.strip())
    if urlsplit(normal_url(in_reply_to)).netloc != site:
        return None
    path = parts.path
    if path.startswith(OBJECTS_PATH) and path.endswith(".json"):
        # An item's ActivityPub object stands for its page: /fediverse/objects/posts/x/index.json
        # (or .../posts/x.json) is /posts/x/.
        inner = path[len(OBJECTS_PATH) :].removesuffix(".json").removesuffix("/index")
        target = manifest.item_for_url(f"/{inner.strip('/')}/")
    else:
        target = manifest.item_for_url(in_reply_to)
    if target is None:
        return None
    fragment = parts.fragment
    if fragment.startswith("comment-"):
        identifier = fragment.removeprefix("comment-")
        return target, identifier
    return target, ""
