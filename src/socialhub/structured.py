"""Structured data (schema.org JSON-LD) for every page: what search engines read of a page.

One ``@graph`` per page: the thing the page is about (a post, a gallery, a film,
a blogger, a contest, the company on the home page) and the page's breadcrumbs.
The functions build plain dicts from the model; ``script_json`` serialises them
for a ``<script type="application/ld+json">`` element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from jinja2 import pass_context
from markupsafe import Markup

from socialhub.kinds import STREAM_KINDS
from socialhub.model import (
    Blogger,
    Contest,
    FeaturedPost,
    Image,
    Item,
    Post,
    Shoutout,
    Site,
    Tag,
    Video,
    VideoSource,
)
from socialhub.pages import Pager
from socialhub.text import plain_text
from socialhub.urls import absolute, site_base

SCHEMA = "https://schema.org"

# (width, height) of a picture under content/, or None when it is not known.
Measure = Callable[[Image | str], "tuple[int, int] | None"]

# Why these escapes: the HTML parser ends a <script> at the first "</script" whatever
# the JSON around it says, and "<!--" changes how the rest is parsed (HTML, 4.12.1.3);
# JSON allows \u escapes of any character, so the data reads the same.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}

# Sections of the site: the middle step of the breadcrumbs (Home > section > item).
SECTIONS = {
    "hub": ("Hub", "hub/"),
    "post": ("News", "hub/posts/"),
    "featured": ("Bloggers", "bloggers/"),
    "blogger": ("Bloggers", "bloggers/"),
    "follow-friday": ("#FF", "follow-friday/"),
    "video": ("Contests", "contests/"),
    "contest": ("Contests", "contests/"),
    "tag": ("Tags", "tags/"),
    "feeds": ("Feeds", "feeds/"),
    "search": ("Search", "search/"),
    "privacy": ("Privacy", "privacy/"),
}


def script_json(data: Mapping[str, Any]) -> str:
    """JSON that is safe inside a <script> element: no "<", ">" or "&" appears in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&]", lambda match: _SCRIPT_ESCAPES[match.group()], text)


def iso_duration(seconds: int) -> str:
    """An ISO 8601 duration such as ``PT3M5S`` (hours as ``PT1H2M3S``)."""
    hours, rest = divmod(max(0, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if hours or minutes:
        text += f"{minutes}M"
    return f"{text}{secs}S"


def w3c_datetime(value: date | datetime) -> str:
    """A W3C datetime (``2026-11-20T09:00:00+01:00``, or a date alone)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def player_url(source: VideoSource) -> str:
    """The provider's player for a hosted film, without autoplay; empty for a file.

    Why without autoplay: the page's own player starts when the reader presses
    play, but a search engine's preview must not start the sound by itself.
    """
    if source.provider == "file":
        return ""
    parts = urlsplit(source.embed_url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "autoplay"]
    return urlunsplit(parts._replace(query=urlencode(query)))


def profile_url(handle: str) -> str:
    """The profile page of a fediverse handle ``@name@server``; empty for a bare ``@name``.

    Why empty: a bare handle does not say which network it belongs to.
    """
    parts = handle.lstrip("@").split("@")
    if len(parts) != 2 or not all(parts):
        return ""
    name, server = parts
    return f"https://{server}/@{name}"


@dataclass(frozen=True)
class Builder:
    """Builds the JSON-LD of pages from the model, the settings and the pictures' sizes."""

    site: Site
    settings: Mapping[str, Any]
    measure: Measure

    def url(self, path: str) -> str:
        """The absolute URL of a site path."""
        return absolute(self.settings, path)

    @property
    def organization_id(self) -> str:
        """The company's node id, so every page's publisher is the same node."""
        return f"{site_base(self.settings)}/#organization"

    def organization(self) -> dict[str, Any]:
        """The company: name, home page and logo."""
        data: dict[str, Any] = {
            "@type": "Organization",
            "@id": self.organization_id,
            "name": str(self.settings.get("COMPANY_NAME") or self.settings.get("SITENAME", "")),
            "url": self.url(""),
        }
        logo = str(self.settings.get("COMPANY_LOGO", ""))
        if logo:
            data["logo"] = self.image_object(logo)
        return data

    def image_object(self, image: Image | str, *, caption: str = "") -> dict[str, Any]:
        """An ImageObject with its absolute URL and, when known, its size in pixels."""
        src = image if isinstance(image, str) else image.src
        data: dict[str, Any] = {"@type": "ImageObject", "contentUrl": self.url(src)}
        data["url"] = data["contentUrl"]
        text = caption or (image.caption or image.alt if isinstance(image, Image) else "")
        if text:
            data["caption"] = text
        size = self.measure(image)
        if size is not None:
            data["width"], data["height"] = size
        return data

    def breadcrumbs(self, trail: list[tuple[str, str]]) -> dict[str, Any]:
        """A BreadcrumbList of (name, site path) steps, Home first."""
        return {
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": number, "name": name, "item": self.url(path)}
                for number, (name, path) in enumerate(trail, start=1)
            ],
        }

    def item(self, item: Item) -> dict[str, Any]:
        """The node of a stream item, by kind."""
        if isinstance(item, Shoutout):
            return self.gallery(item)
        if isinstance(item, Video):
            return self.video(item)
        return self.posting(item)

    def posting(self, item: Item) -> dict[str, Any]:
        """A BlogPosting: a company post, or a blogger's post featured here."""
        page = self.url(item.url)
        data: dict[str, Any] = {
            "@type": "BlogPosting",
            "@id": f"{page}#posting",
            "headline": item.title,
            "datePublished": w3c_datetime(item.date),
            "dateModified": w3c_datetime(item.updated),
            "url": page,
            "mainEntityOfPage": page,
            "publisher": {"@id": self.organization_id},
            "inLanguage": str(self.settings.get("DEFAULT_LANG", "en")),
        }
        description = plain_text(item.summary_html)
        picture: Image | str | None = item.image
        if isinstance(item, FeaturedPost):
            blogger = self.site.bloggers.get(item.blogger)
            description = description or item.excerpt
            data["isBasedOn"] = item.original_url
            if blogger is not None:
                data["author"] = self.person(blogger, brief=True)
                picture = picture or blogger.avatar
        elif isinstance(item, Post):
            data["author"] = {"@type": "Person", "name": item.author}
        if description:
            data["description"] = description
        # Why the logo as a last resort: "image" is expected on every posting, and the
        # company's logo is the picture that stands for a post that has none.
        picture = picture or str(self.settings.get("COMPANY_LOGO", ""))
        if picture:
            data["image"] = self.image_object(picture)
        if item.tags:
            data["keywords"] = ", ".join(item.tags)
        data["commentCount"] = self.site.conversation_count(item)  # likes are not comments
        return data

    def gallery(self, item: Shoutout) -> dict[str, Any]:
        """An ImageGallery of an #FF shout-out's pictures."""
        page = self.url(item.url)
        data: dict[str, Any] = {
            "@type": "ImageGallery",
            "@id": f"{page}#gallery",
            "name": item.title,
            "url": page,
            "datePublished": w3c_datetime(item.date),
            "dateModified": w3c_datetime(item.updated),
            "publisher": {"@id": self.organization_id},
            "associatedMedia": [
                self.image_object(image, caption=image.caption or item.caption or image.alt)
                for image in item.images
            ],
        }
        description = item.caption or plain_text(item.summary_html)
        if description:
            data["description"] = description
        if item.original_url:
            data["isBasedOn"] = item.original_url
        return data

    def video(self, item: Video) -> dict[str, Any]:
        """A VideoObject: a contest film, hosted by a provider or a file on this site."""
        page = self.url(item.url)
        data: dict[str, Any] = {
            "@type": "VideoObject",
            "@id": f"{page}#video",
            "name": item.title,
            "description": plain_text(item.summary_html) or item.title,
            "thumbnailUrl": self.url(item.poster.src),
            "uploadDate": w3c_datetime(item.date),
            "duration": iso_duration(item.duration_seconds),
            "url": page,
            "creator": {"@type": "Person", "name": item.entrant},
        }
        if item.source.provider == "file":
            data["contentUrl"] = self.url(item.source.url)
            if item.source.media_type:
                data["encodingFormat"] = item.source.media_type
        else:
            data["embedUrl"] = player_url(item.source)
        contest = self.site.contests.get(item.contest)
        if contest is not None:
            data["isPartOf"] = {"@id": f"{self.url(contest.url)}#event"}
        return data

    def person(self, blogger: Blogger, *, brief: bool = False) -> dict[str, Any]:
        """A Person: a blogger, with their blog and profiles as ``sameAs``."""
        page = self.url(blogger.url)
        data: dict[str, Any] = {
            "@type": "Person",
            "@id": f"{page}#person",
            "name": blogger.name,
            "url": page,
        }
        if brief:
            return data
        data["image"] = self.image_object(blogger.avatar)
        profiles = [profile_url(handle) for handle in blogger.handles]
        data["sameAs"] = [blogger.blog_url, *[url for url in profiles if url]]
        bio = plain_text(blogger.bio_html)
        if bio:
            data["description"] = bio
        return data

    def event(self, contest: Contest) -> dict[str, Any]:
        """An Event: a short-film contest, held online, organised by the company."""
        page = self.url(contest.url)
        data: dict[str, Any] = {
            "@type": "Event",
            "@id": f"{page}#event",
            "name": contest.name,
            "url": page,
            "startDate": w3c_datetime(contest.opens),
            "endDate": w3c_datetime(contest.closes),
            # Why always scheduled: the contests are neither cancelled nor moved;
            # open, judging and closed are the stages of one that took place.
            "eventStatus": f"{SCHEMA}/EventScheduled",
            "eventAttendanceMode": f"{SCHEMA}/OnlineEventAttendanceMode",
            "location": {"@type": "VirtualLocation", "url": page},
            "organizer": {"@id": self.organization_id},
        }
        summary = plain_text(contest.summary_html)
        if summary:
            data["description"] = summary
        logo = str(self.settings.get("COMPANY_LOGO", ""))
        if logo:
            data["image"] = self.url(logo)
        return data

    def website(self) -> dict[str, Any]:
        """The site itself, published by the company (on the home page)."""
        return {
            "@type": "WebSite",
            "@id": f"{site_base(self.settings)}/#website",
            "name": str(self.settings.get("SITENAME", "")),
            "url": self.url(""),
            "inLanguage": str(self.settings.get("DEFAULT_LANG", "en")),
            "publisher": {"@id": self.organization_id},
        }

    def page(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        """The whole JSON-LD of a page from its template variables."""
        nodes: list[dict[str, Any]] = []
        item = variables.get("item")
        blogger = variables.get("blogger")
        contest = variables.get("contest")
        if isinstance(item, Item):
            nodes.append(self.item(item))
        elif isinstance(blogger, Blogger):
            nodes.append(self.person(blogger))
        elif isinstance(contest, Contest):
            nodes.append(self.event(contest))
        elif str(variables.get("output_file", "")) == "index.html":
            nodes.append(self.website())
        # Why on every page: postings, galleries and contests name their publisher by
        # this node's id, and a reader of one page must find the node on that page.
        nodes.append(self.organization())
        nodes.append(self.breadcrumbs(self.trail(variables)))
        return {"@context": SCHEMA, "@graph": nodes}

    def trail(self, variables: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The breadcrumbs of a page: Home, its section, what it shows, its page number."""
        steps = [("Home", "")]
        item = variables.get("item")
        blogger = variables.get("blogger")
        contest = variables.get("contest")
        tag = variables.get("tag")
        output = str(variables.get("output_file", ""))
        if isinstance(item, Item):
            steps.append(SECTIONS.get(item.kind, SECTIONS["hub"]))
            if isinstance(item, FeaturedPost) and isinstance(blogger, Blogger):
                steps.append((blogger.name, blogger.url))
            if isinstance(item, Video) and isinstance(contest, Contest):
                steps.append((contest.name, contest.url))
            steps.append((item.title, item.url))
        elif isinstance(blogger, Blogger):
            steps += [SECTIONS["blogger"], (blogger.name, blogger.url)]
        elif isinstance(contest, Contest):
            steps += [SECTIONS["contest"], (contest.name, contest.url)]
        elif isinstance(tag, Tag):
            steps += [SECTIONS["tag"], (tag.name, tag.url)]
        elif output.startswith("hub/"):
            steps.append(SECTIONS["hub"])
            steps += self._hub_filter(str(variables.get("hub_filter") or ""))
        else:
            section = output.split("/", 1)[0]
            named = {path.rstrip("/"): (name, path) for name, path in SECTIONS.values()}
            if "/" in output and section in named:
                steps.append(named[section])
                # A page below its section (a feed page, the blogroll) ends the trail itself.
                below = output.removesuffix("index.html")
                if below.count("/") > 1:
                    stream = variables.get("stream")
                    name = str(getattr(stream, "title", "") or below.rstrip("/").rsplit("/")[-1])
                    steps.append((name, below))
        pager = variables.get("pager")
        if isinstance(pager, Pager) and not pager.is_front:
            steps.append((f"Page {pager.number}", pager.url(pager.number)))
        return steps

    def _hub_filter(self, hub_filter: str) -> list[tuple[str, str]]:
        """The hub filter's step (its label as the hub's own tabs name it), if any."""
        for kind in STREAM_KINDS:
            if kind.hub_slug and kind.hub_slug == hub_filter:
                return [(kind.plural.capitalize(), f"hub/{kind.hub_slug}/")]
        return []


def picture_size(thumbs: Callable[[Image | str], Any]) -> Measure:
    """A ``Measure`` from the theme's ``thumbs(image)`` lookup (its pictures' sizes)."""

    def measure(image: Image | str) -> tuple[int, int] | None:
        picture = thumbs(image)
        if picture is None:
            return None
        return (int(picture.width), int(picture.height))

    return measure


def template_function(
    context: Mapping[str, Any], settings: Mapping[str, Any], thumbs: Callable[[Image | str], Any]
) -> Callable[..., Markup]:
    """``structured_data()`` for templates: the page's JSON-LD, ready for its <script>.

    ``context`` is a generator's context: the site model is read from it when a page
    is rendered, since the templates are set up before the model is built.
    """
    measure = picture_size(thumbs)

    @pass_context
    def structured_data(page: Any) -> Markup:
        builder = Builder(context["hub"], settings, measure)
        # Markup: the text is already safe inside <script> (script_json escapes "<").
        return Markup(script_json(builder.page(page)))

    return structured_data
