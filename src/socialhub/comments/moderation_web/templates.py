"""The moderation page's HTML (Jinja2, autoescaped) and its small stylesheet."""
# ruff: noqa: E501 - HTML templates read best one element a line, whatever its length

from __future__ import annotations

from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape

CSS = """
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de;
  --accent: #0b5cad; --bad: #a40e26; --box: #f6f8fa; font-family: system-ui, sans-serif; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9ea7b3;
  --line: #30363d; --accent: #6cb6ff; --bad: #ff7b72; --box: #161b22; } }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.5; }
header.bar, main { max-width: 60rem; margin: 0 auto; padding: 0.75rem 1rem; }
header.bar { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; }
header.bar nav a { margin-right: 0.75rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
.notice { padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 6px; }
.notice--bad { border-color: var(--bad); color: var(--bad); }
.entry { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem; margin: 0 0 1rem; }
.entry--flagged { border-left: 4px solid var(--bad); }
.entry h3 { margin: 0 0 0.25rem; font-size: 1.05rem; }
.meta { margin: 0; padding: 0; list-style: none; color: var(--muted); font-size: 0.9rem; }
.body, .context { background: var(--box); padding: 0.25rem 0.75rem; border-radius: 4px; }
.context { border-left: 3px solid var(--line); font-size: 0.9rem; }
.signals { color: var(--bad); }
.actions { display: flex; flex-wrap: wrap; gap: 0.4rem; margin-top: 0.5rem; }
button, input, select, textarea { font: inherit; }
button { padding: 0.4rem 0.8rem; min-height: 44px; border-radius: 6px; border: 1px solid var(--line);
  background: var(--box); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); }
label { font-weight: 600; }
input[type=text], input[type=password], select, textarea { width: 100%; max-width: 30rem;
  box-sizing: border-box; padding: 0.4rem; border: 1px solid var(--muted); border-radius: 4px;
  background: var(--bg); color: var(--fg); }
.filters { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; }
.filters p { margin: 0; }
.table-wrap { overflow-x: auto; }
code, .meta, .body, .context { overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 0.3rem; vertical-align: top; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
"""

BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ title }} · Moderation</title>
<link rel="stylesheet" href="{{ base }}style.css"></head>
<body><a class="skip" href="#main">Skip to the content</a>
<header class="bar"><strong>Moderation</strong>
{% if moderator %}<nav aria-label="Moderation"><a href="{{ base }}">Queue</a><a href="{{ base }}bans">Bans</a><a href="{{ base }}audit">Audit log</a></nav>
<form method="post" action="{{ base }}logout"><input type="hidden" name="csrf" value="{{ csrf }}">
<span>{{ moderator }}</span> <button type="submit">Log out</button></form>{% endif %}
</header>
<main id="main" tabindex="-1"><h1>{{ title }}</h1>
{% for line in messages %}<p class="notice{% if line.bad %} notice--bad{% endif %}" role="status">{{ line.text }}</p>{% endfor %}
{% block content %}{% endblock %}
</main></body></html>
"""

LOGIN = """{% extends "base" %}{% block content %}
<form method="post" action="{{ base }}login">
<input type="hidden" name="csrf" value="{{ login_token }}">
<p><label for="name">Name</label><br><input id="name" name="name" type="text" autocomplete="username" required autofocus></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button class="primary" type="submit">Log in</button></p>
</form>{% endblock %}
"""

QUEUE = """{% extends "base" %}{% block content %}
<form class="filters" method="get" action="{{ base }}" aria-label="Filters">
<p><label for="f-item">Item</label><br><select id="f-item" name="item"><option value="">All items</option>
{% for slug in items %}<option value="{{ slug }}"{% if filters.item == slug %} selected{% endif %}>{{ slug }}</option>{% endfor %}</select></p>
<p><label for="f-source">Source</label><br><select id="f-source" name="source"><option value="">Any</option>
{% for name in sources %}<option value="{{ name }}"{% if filters.source == name %} selected{% endif %}>{{ name }}</option>{% endfor %}</select></p>
<p><input id="f-links" name="links" type="checkbox" value="yes"{% if filters.links %} checked{% endif %}> <label for="f-links">Has links</label></p>
<p><input id="f-flagged" name="flagged" type="checkbox" value="yes"{% if filters.flagged %} checked{% endif %}> <label for="f-flagged">Flagged as likely spam</label></p>
<p><button type="submit">Filter</button></p>
</form>
<h2>{{ entries | length }} waiting{% if total != entries | length %} (of {{ total }}){% endif %}</h2>
{% if entries %}
<form method="post" action="{{ base }}act">
<input type="hidden" name="csrf" value="{{ csrf }}">
<fieldset><legend>With the selected comments</legend><div class="actions">
<button type="submit" name="do" value="approve">Approve</button>
<button type="submit" name="do" value="reject">Reject</button>
<button type="submit" name="do" value="spam">Mark as spam</button>
</div></fieldset>
{% for e in entries %}
<article class="entry{% if e.flagged %} entry--flagged{% endif %}" id="entry-{{ e.s.id }}" aria-labelledby="title-{{ e.s.id }}">
<h3 id="title-{{ e.s.id }}"><input type="checkbox" name="id" value="{{ e.s.id }}" id="pick-{{ e.s.id }}">
<label for="pick-{{ e.s.id }}">{{ e.s.author or "(no name)" }}</label>{% if e.s.extra.staff %} <span>(staff)</span>{% endif %}</h3>
<ul class="meta">
<li>On <a href="{{ e.item_url }}">{{ e.item_title }}</a> · {{ e.s.date }} · <code>{{ e.s.id }}</code></li>
<li>Source: {{ e.source }}{% if e.s.source_url %} ({% if e.source_link %}<a href="{{ e.s.source_url }}" rel="nofollow noreferrer">{{ e.s.source_url }}</a>{% else %}{{ e.s.source_url }}{% endif %}){% endif %}</li>
{% if e.origin %}<li>From the fediverse: {% if e.origin.actor_link %}<a href="{{ e.origin.actor }}" rel="nofollow noreferrer">{{ e.origin.actor }}</a>{% else %}{{ e.origin.actor }}{% endif %} on {{ e.origin.server }} · {% if e.origin.note_link %}<a href="{{ e.origin.note }}" rel="nofollow noreferrer">the note</a>{% else %}note {{ e.origin.note }}{% endif %}</li>{% endif %}
{% if e.s.website %}<li>Website: {% if e.website_link %}<a href="{{ e.s.website }}" rel="nofollow noreferrer">{{ e.s.website }}</a>{% else %}{{ e.s.website }}{% endif %}</li>{% endif %}
<li>Client: <code>{{ e.client or "-" }}</code>{% if e.s.extra.email_hash %} · email hash: <code>{{ e.s.extra.email_hash[:16] }}</code>{% endif %}</li>
{% if e.spam %}<li class="signals">Spam score {{ e.spam.score }}{% if e.flagged %} (likely spam){% endif %}{% if e.spam.signals %}: {{ e.spam.signals | join("; ") }}{% endif %}</li>{% endif %}
</ul>
{% if e.context %}<div class="context"><p>In reply to {{ e.context.author }}{% if e.context.waiting %} (also waiting){% endif %}:</p>{{ e.context.html | safe }}</div>{% endif %}
<div class="body">{{ e.html | safe }}</div>
<div class="actions">
<button type="submit" class="primary" name="do" value="approve {{ e.s.id }}">Approve<span class="visually-hidden"> {{ e.s.author }}</span></button>
<button type="submit" name="do" value="reject {{ e.s.id }}">Reject<span class="visually-hidden"> {{ e.s.author }}</span></button>
<button type="submit" name="do" value="spam {{ e.s.id }}">Spam<span class="visually-hidden">: {{ e.s.author }}</span></button>
{% if e.s.extra.email_hash %}<button type="submit" name="do" value="trust {{ e.s.id }}">Approve and trust<span class="visually-hidden"> {{ e.s.author }}</span></button>{% endif %}
<button type="submit" name="do" value="ban-author {{ e.s.id }}">Ban the name<span class="visually-hidden"> {{ e.s.author }}</span></button>
{% if e.client or e.s.extra.email_hash %}<button type="submit" name="do" value="ban-address {{ e.s.id }}">Ban the address<span class="visually-hidden"> of {{ e.s.author }}</span></button>{% endif %}
{% if e.s.source == "form" %}<a href="{{ base }}reply?to={{ e.s.id | urlencode }}">Reply as the company<span class="visually-hidden"> to {{ e.s.author }}</span></a>{% endif %}
</div>
</article>
{% endfor %}
</form>
{% else %}<p>Nothing is waiting.</p>{% endif %}
{% endblock %}
"""

REPLY = """{% extends "base" %}{% block content %}
<div class="context"><p>{{ parent.author }} wrote on {{ parent.item }}{% if waiting %} (still waiting: sending the reply approves it too){% endif %}:</p>{{ parent_html | safe }}</div>
<form method="post" action="{{ base }}reply">
<input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="to" value="{{ parent.id }}">
<p><label for="reply-body">Reply, shown as “{{ staff_author }}” with a Staff badge</label><br>
<textarea id="reply-body" name="body" rows="6" required maxlength="{{ max_chars }}" aria-describedby="reply-hint"></textarea><br>
<span id="reply-hint">Markdown works. The reply is approved at once and appears after the next publish.</span></p>
<p><button class="primary" type="submit">Publish the reply</button></p>
</form>{% endblock %}
"""

BANS = """{% extends "base" %}{% block content %}
{% if bans %}<div class="table-wrap" tabindex="0" role="region" aria-label="Bans"><table><caption class="visually-hidden">Bans, newest first</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Value</th><th scope="col">Note</th><th scope="col">Since</th><th scope="col">Lift</th></tr></thead><tbody>
{% for kind, value, note, since in bans %}<tr><td>{{ kind }}</td><td><code>{{ value }}</code></td><td>{{ note }}</td><td>{{ since }}</td>
<td><form method="post" action="{{ base }}unban"><input type="hidden" name="csrf" value="{{ csrf }}">
<input type="hidden" name="kind" value="{{ kind }}"><input type="hidden" name="value" value="{{ value }}">
<button type="submit">Lift the ban<span class="visually-hidden"> on {{ kind }} {{ value }}</span></button></form></td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>Nobody is banned.</p>{% endif %}
{% endblock %}
"""

AUDIT = """{% extends "base" %}{% block content %}
{% if entries %}<div class="table-wrap" tabindex="0" role="region" aria-label="Audit log"><table><caption class="visually-hidden">Moderation actions, newest first</caption>
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Moderator</th><th scope="col">Action</th><th scope="col">Comments</th><th scope="col">Client</th><th scope="col">Result</th></tr></thead><tbody>
{% for e in entries %}<tr><td>{{ e.time }}</td><td>{{ e.moderator }}</td><td>{{ e.action }}</td><td>{{ (e.ids or []) | join(", ") }}</td><td><code>{{ e.client }}</code></td><td>{{ e.result }}</td></tr>{% endfor %}
</tbody></table></div>{% else %}<p>No action yet.</p>{% endif %}
{% endblock %}
"""

_ENV = Environment(
    loader=DictLoader(
        {
            "base": BASE,
            "login": LOGIN,
            "queue": QUEUE,
            "reply": REPLY,
            "bans": BANS,
            "audit": AUDIT,
        }
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render(name: str, **context: Any) -> str:
    """One page of the moderation site, every value escaped unless marked safe."""
    return _ENV.get_template(name).render(**context)
