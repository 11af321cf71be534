"""The build's outbox: every item's absolute URL, its external links and a fingerprint.

Why from the model at build time: the build already holds
each item's content rendered and cleaned exactly as published; reading Markdown
again outside Pelican would need its readers and every plugin's rules, and could
disagree with the pages. ``invoke mentions.send`` reads the outbox of the build it
follows, so what it announces is what was published. Why in the build's cache
folder, named after the output folder: it is not for readers (nothing publishes
it), and a local build does not overwrite the outbox of the published one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from bs4 import BeautifulSoup

from socialhub.comments.urls import normal_url
from socialhub.errors import ConfigError
from socialhub.kinds import KINDS_BY_NAME
from socialhub.model import FeaturedPost, Item, Site
from socialhub.urls import absolute, site_base

OUTBOX_PREFIX = "webmention-outbox"


@dataclass(frozen=True)
class Outgoing:
    """One item as a Webmention source: where it is and what it links to."""

    url: str  # absolute
    path: str  # site path, such as posts/hello/
    kind: str  # the kind's label, such as "company post"
    links: tuple[str, ...]  # external http(s) links, a featured post's original first
    fingerprint: str


def origin(url: str) -> str:
    """A URL's host and port (none for the scheme's default): what makes another site."""
    # Why the scheme left out: http://ours/ and https://ours/ are this same site.
    return urlsplit(normal_url(url)).netloc


def external_links(html: str, site_url: str) -> list[str]:
    """The http(s) links of ``html`` to other sites, in order, once each, without fragments."""
    ours = origin(site_url)
    links: list[str] = []
    for element in BeautifulSoup(html, "lxml").find_all("a", href=True):
        url = urldefrag(str(element["href"]).strip()).url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.hostname and origin(url) != ours:
            links.append(url)
    return list(dict.fromkeys(links))


def outgoing(item: Item, settings: dict[str, Any]) -> Outgoing:
    """The item's outbox entry: its links and the fingerprint of what it says."""
    html = item.body_html
    first: list[str] = []
    if isinstance(item, FeaturedPost):
        first = [item.original_url]
        html = f"{item.editor_note_html}\n{html}"
    links = tuple(dict.fromkeys([*first, *external_links(html, site_base(settings))]))
    shown = {"title": item.title, "summary": item.summary_html, "html": html, "links": links}
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode("utf-8")).hexdigest()
    kind = KINDS_BY_NAME[item.kind].label if item.kind in KINDS_BY_NAME else item.kind
    return Outgoing(absolute(settings, item.url), item.url, kind, links, digest[:32])


def outbox_json(site: Site, settings: dict[str, Any]) -> str:
    """The outbox of a build, as the JSON kept in its cache folder (see outbox_path)."""
    items = [outgoing(item, settings).__dict__ for item in site.items]
    for entry in items:
        entry["links"] = list(entry["links"])
    return json.dumps({"site_url": site_base(settings), "items": items}, indent=1, sort_keys=True)


def outbox_path(settings: dict[str, Any]) -> Path:
    """Where the build of these settings keeps its outbox (beside its caches)."""
    output = str(Path(settings["OUTPUT_PATH"]).resolve())
    name = hashlib.sha256(output.encode("utf-8")).hexdigest()[:12]
    return Path(settings.get("CACHE_PATH") or ".cache").resolve() / f"{OUTBOX_PREFIX}-{name}.json"


def read_outbox(settings: dict[str, Any]) -> tuple[str, list[Outgoing]]:
    """The site URL and items of the outbox a build wrote; ConfigError naming the fix."""
    path = outbox_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        items = [
            Outgoing(e["url"], e["path"], e["kind"], tuple(e["links"]), e["fingerprint"])
            for e in data["items"]
        ]
        return str(data["site_url"]), items
    except FileNotFoundError:
        raise ConfigError(
            f"{path} is missing: build the site with these settings first "
            "(invoke build --settings publishconf.py)"
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path} cannot be read ({error}): build the site again") from None
