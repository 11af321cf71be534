"""The small HTML pages the service shows commenters: confirm, unsubscribe, delete my comments.

Every value is escaped; a page reached by a signed link shows a button that
POSTs, because mail scanners follow links (GET never changes anything).
"""

from __future__ import annotations

from html import escape

from werkzeug.wrappers import Response

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>body{{font:1.05rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}}
label,input,button{{font:inherit}}input{{width:100%;max-width:24rem;padding:.4rem}}
button{{padding:.5rem 1rem;margin-top:.5rem}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""


def page(title: str, paragraphs: list[str], status: int = 200, extra_html: str = "") -> Response:
    """A page of escaped paragraphs (and ``extra_html`` made by this module)."""
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs) + extra_html
    answer = Response(PAGE.format(title=escape(title), body=body), status, mimetype="text/html")
    # Why: these pages carry signed tokens in their address; no cache keeps them and
    # no other site learns them from a Referer.
    answer.headers["Cache-Control"] = "no-store"
    answer.headers["Referrer-Policy"] = "same-origin"
    answer.headers["X-Robots-Tag"] = "noindex"
    return answer


def button_form(action: str, token: str, label: str) -> str:
    """A form that POSTs the token to ``action`` with one button."""
    return (
        f'<form method="post" action="{escape(action)}">'
        f'<input type="hidden" name="t" value="{escape(token)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def email_form(action: str, privacy_url: str) -> str:
    """The "delete my comments" form: one email field and a button."""
    return (
        f'<form method="post" action="{escape(action)}">'
        '<p><label for="email">The email address you gave with your comments</label><br>'
        '<input id="email" name="email" type="email" required maxlength="254" '
        'autocomplete="email"></p>'
        '<p><button type="submit">Send me the link</button></p></form>'
        f'<p><a href="{escape(privacy_url)}">What we keep, and for how long</a></p>'
    )
