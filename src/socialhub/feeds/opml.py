"""The OPML 2.0 blogroll of the featured bloggers (their own feeds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from email.utils import format_datetime

from lxml import etree

from socialhub.model import Blogger
from socialhub.text import xml_safe


def render_opml(bloggers: Iterable[Blogger], title: str, owner: str, updated: datetime) -> bytes:
    """An OPML 2.0 file with one rss outline per blogger."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_safe(title)
    etree.SubElement(head, "dateModified").text = format_datetime(updated)
    etree.SubElement(head, "ownerName").text = xml_safe(owner)
    body = etree.SubElement(root, "body")
    for blogger in sorted(bloggers, key=lambda b: b.name.lower()):
        etree.SubElement(
            body,
            "outline",
            # xml_safe: the build refuses such characters; the blogroll must not crash on one.
            text=xml_safe(f"{blogger.blog_name} ({blogger.name})"),
            title=xml_safe(blogger.blog_name),
            type="rss",
            xmlUrl=xml_safe(blogger.feed_url),
            htmlUrl=xml_safe(blogger.blog_url),
            description=xml_safe(f"{blogger.name}, member since {blogger.member_since:%B %Y}"),
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
