"""The one HTML policy (nh3) for everything that comes from outside the repo.

Comments, Webmentions and collected feed content all pass through here before
they reach a page or a feed. Editors' own Markdown is trusted and not cleaned.
"""

from __future__ import annotations

import threading

import markdown
import nh3

# Tags a comment or a quoted post may keep: text structure and links, no media
# (a remote image is a tracking pixel), no forms, no scripts, no frames.
ALLOWED_TAGS: set[str] = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "i", "li",
    "ol", "p", "pre", "q", "s", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
}
URL_SCHEMES: set[str] = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Sanitize outside HTML: allowed tags only, safe links marked nofollow ugc."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


def clean_text(text: str) -> str:
    """Outside text that must stay plain (titles, names): every tag removed."""
    return " ".join(nh3.clean(text, tags=set(), attributes={}).split())


def _comment_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["markdown.extensions.sane_lists"])
    # Why: comments are Markdown, never HTML; escaping before rendering turns any
    # tag a commenter types into visible text instead of markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


# One instance per thread, reset for each comment: building one costs more than a
# conversion, and an instance must not convert two texts at once.
_LOCAL = threading.local()


def render_comment(markdown_text: str) -> str:
    """Render a comment's Markdown to sanitized HTML; raw HTML in it is escaped."""
    md = getattr(_LOCAL, "markdown", None)
    if md is None:
        md = _LOCAL.markdown = _comment_markdown()
    return clean_html(md.reset().convert(markdown_text))


# What a feed entry may carry: the editor's and the comments' structure and
# pictures of this site; never scripts, frames, forms or styles, which feed
# readers strip or, worse, run.
FEED_TAGS: set[str] = ALLOWED_TAGS | {
    "figure", "figcaption", "img", "h2", "h3", "h4", "h5", "h6", "hr", "table",
    "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd", "span", "small", "mark",
}  # fmt: skip
FEED_ATTRIBUTES: dict[str, set[str]] = {
    **ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "width", "height", "title"},
    "th": {"scope"},
}


def clean_feed_html(html: str, base: str) -> str:
    """The HTML policy for feed content: structure and pictures, nothing active.

    Every relative link and picture is resolved against ``base`` (the page's
    absolute URL), so that the content survives in a feed reader; nh3 does it
    in the same pass as the cleaning.
    """
    return nh3.clean(
        html,
        tags=FEED_TAGS,
        attributes=FEED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        url_relative=("rewrite_with_base", base),
    )
