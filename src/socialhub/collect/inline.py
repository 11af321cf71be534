"""Plain text from a feed as Markdown that shows it as written, and nothing more.

The body of a collected file is Markdown, rendered by the build without a
sanitizer (editors' Markdown is trusted). A post that reads ``[win](javascript:…)``,
``# big`` or ``*shout*`` must reach the page as those characters, not as a link,
a heading or emphasis; so every character Markdown gives a meaning is escaped.
"""

from __future__ import annotations

import re

from socialhub.collect.clean import inert

# Python-Markdown's escapable characters with the extensions the site uses
# (``extra`` adds ``|`` for tables): a backslash before each shows it as typed.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!|])")


def escape_markdown(text: str) -> str:
    """One line of plain text as inline Markdown that renders to exactly that text."""
    return _SPECIAL.sub(r"\\\1", inert(text))


def image_markdown(path: str, alt: str, caption: str) -> str:
    """``![alt](path "caption")`` with alt and caption kept literal; ``alt`` may be empty.

    Why not backslashes in the caption: Markdown keeps them in a title, where
    they would show; a quote is written as an entity and a backtick as an apostrophe.
    """
    title = inert(caption).replace('"', "&quot;").replace("`", "'")
    return f'![{escape_markdown(alt)}]({path} "{title}")'
