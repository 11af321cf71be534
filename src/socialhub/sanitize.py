"""The one HTML policy (nh3): what outside HTML and editors' HTML may keep.

Comments, Webmentions and collected feed content all pass through here before
they reach a page or a feed. Editors' Markdown lets raw HTML through, so their
bodies and Markdown fields are cleaned too, by a more generous policy
(``clean_editor_html``; ``editor_html.py`` reports what it removes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

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


# Built once: nh3.clean() builds its policy again on every call, about two thirds
# of its cost on a comment (every comment and collected post passes here).
_OUTSIDE = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)
_TEXT_ONLY = nh3.Cleaner(tags=set(), attributes={})


def clean_html(html: str) -> str:
    """Sanitize outside HTML: allowed tags only, safe links marked nofollow ugc."""
    return _OUTSIDE.clean(html)


def clean_text(text: str) -> str:
    """Outside text that must stay plain (titles, names): every tag removed."""
    return " ".join(_TEXT_ONLY.clean(text).split())


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


# --- Editors' HTML -------------------------------------------------------------
# Editors write Markdown, which lets raw HTML through. The policy below keeps all
# the formatting Markdown and a careful editor produce (headings, tables,
# figures, code, details, this site's pictures and films) and removes what
# runs or what loads from another host before the reader asks: the site's
# promise. Links to other sites stay: a link is not a load.
EDITOR_TAGS: set[str] = FEED_TAGS | {
    "h1", "div", "caption", "tfoot", "colgroup", "col", "picture", "video", "audio",
    "source", "track", "details", "summary", "kbd", "samp", "var", "cite", "dfn",
    "time", "u", "ins", "wbr", "ruby", "rt", "rp", "bdi", "bdo",
}  # fmt: skip
# Removed with everything inside them: their content is code, or a fallback
# that would show as stray text once the element is gone.
EDITOR_DROPPED_WITH_CONTENT: set[str] = {
    "script", "style", "iframe", "noscript", "noembed", "noframes", "template",
    "object", "embed", "applet", "svg", "math", "textarea", "select", "title",
}  # fmt: skip
EDITOR_ATTRIBUTES: dict[str, set[str]] = {
    # Why id and class: footnotes link by id, fenced code marks its language by class.
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "video": {"src", "poster", "controls", "width", "height", "preload", "muted", "loop"},
    "audio": {"src", "controls", "preload", "muted", "loop"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "th": {"scope", "colspan", "rowspan", "headers", "style"},
    "td": {"colspan", "rowspan", "headers", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "details": {"open"},
}
# Markdown's tables align columns with a style attribute; nothing else may style.
EDITOR_STYLE_PROPERTIES: set[str] = {"text-align"}
EDITOR_URL_SCHEMES: set[str] = URL_SCHEMES | {"tel"}
# The attributes that make a browser fetch something as soon as the page opens.
LOAD_ATTRIBUTES: frozenset[str] = frozenset({"src", "srcset", "poster"})


def is_local_url(url: str) -> bool:
    """True for a path on this site: no scheme and no host (``//host`` is a host)."""
    text = url.strip()
    return not text.startswith("//") and ":" not in text.split("/", 1)[0]


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` value, without their width or density."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def loads_elsewhere(tag: str, attribute: str, value: str) -> bool:
    """True when this attribute would make the browser fetch from another host."""
    if attribute not in LOAD_ATTRIBUTES:
        return False
    urls = srcset_urls(value) if attribute == "srcset" else [value]
    return not all(is_local_url(url) for url in urls)


def _editor_attribute(tag: str, attribute: str, value: str) -> str | None:
    return None if loads_elsewhere(tag, attribute, value) else value


def _body_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Why a picture's own src is kept: validation refuses a body's picture from
    # another site with an error that names it, so such a page is never built.
    if tag == "img" and attribute == "src":
        return value
    return _editor_attribute(tag, attribute, value)


def _editor_cleaner(attribute_filter: Callable[[str, str, str], str | None]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=EDITOR_TAGS,
        clean_content_tags=EDITOR_DROPPED_WITH_CONTENT,
        attributes=EDITOR_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=EDITOR_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        filter_style_properties=EDITOR_STYLE_PROPERTIES,
    )


_EDITOR_FIELD = _editor_cleaner(_editor_attribute)
_EDITOR_BODY = _editor_cleaner(_body_attribute)


def clean_editor_html(html: str, *, body: bool = False) -> str:
    """Editors' HTML through the editor policy: formatting kept, nothing that runs or loads.

    ``body`` is for a file's body, whose pictures validation checks itself.
    """
    if not html:
        return html
    return (_EDITOR_BODY if body else _EDITOR_FIELD).clean(html)
