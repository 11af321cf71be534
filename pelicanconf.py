"""Settings for a local build: the embedded defaults, used on the sample content.

Every setting of the social hub is listed here with a comment; publishconf.py
overrides what changes for the published site.
"""

from __future__ import annotations

import os

# --- The company: name, logo and colours are settings, not code -------------
SITENAME = "Lumen Social Hub"
COMPANY_NAME = "Lumen Mobile"
COMPANY_LOGO = "/images/brand/logo.png"  # a path under content/
COMPANY_TAGLINE = "Bloggers, #FF thank-yous and short films from the Lumen community"
# The company's profiles elsewhere (Mastodon, GitHub, …), whole https:// addresses: the
# home page links each with rel="me" beside the company's h-card; a profile that links
# back to the hub proves both are the company's (Mastodon shows the link as verified).
COMPANY_PROFILES = ["https://social.example/@lumenmobile"]
BRAND_COLORS = {"accent": "#0b5cad", "accent_dark": "#7cb8ff"}
SITEURL = ""  # empty for local preview; publishconf.py sets the real one
DEFAULT_LANG = "en"
TIMEZONE = "Europe/Oslo"

# --- Where things are --------------------------------------------------------
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "hub_items",  # first: reads and validates every file into the model
    "hub",
    "bloggers",
    "follow_friday",
    "contests",
    "comments",
    "feeds",
    "mentions",  # the Webmention outbox, and a tombstone for every deleted item
    "fediverse",  # WebFinger, the ActivityPub actor and outbox (with ACTIVITYPUB_ACCOUNT)
    "search",  # last: indexes the item pages with Pagefind once they are written
]
STATIC_PATHS = ["images", "media"]
STATIC_CHECK_IF_MODIFIED = True  # copy a picture only when it is newer than its copy
# The theme's static/ (CSS, JS, the feeds' XSLT) is copied to theme/ by the hub
# plugin, only when a file's bytes differ: Pelican's own copy rewrites it every build.
THEME_STATIC_PATHS: list[str] = []

# --- The hub -------------------------------------------------------------------
HUB_PAGE_SIZE = 12  # cards per hub page
SEARCH_PART_SIZE = 2_000  # item pages per part of the search index
HUB_BUILD_WORKERS = 0  # processes that read and render; 0 uses every core
FEED_ITEM_COUNT = 50  # items per feed
# An item's content in a feed is cut after this many characters of HTML and ends
# with a link "Read the rest on <site>": each item is copied into several feeds.
# 0 never cuts.
FEED_CONTENT_MAX_CHARS = 30_000
# A content file larger than this (bytes) is built, with a warning naming it:
# such a page loads slowly and its feeds carry only its start. 0 never warns.
BODY_WARN_BYTES = 500_000
# A picture with more pixels than this is refused (an error naming the file):
# decoding it would take gigabytes of memory. 100 million is 12,500 by 8,000 pixels.
IMAGE_MAX_PIXELS = 100_000_000
# The comment form posts here; every page names <this>/webmention as its Webmention
# endpoint (empty: no endpoint is advertised).
COMMENT_SERVICE_URL = "http://127.0.0.1:8001"
# WebSub (W3C): with a hub's address here, every feed names the hub and its own URL
# (rel="hub" and rel="self"; "hubs" in JSON Feed), and `invoke publish` tells the hub
# which feeds changed, so that readers subscribed there hear of a new item at once.
# Empty: no hub. For example "https://pubsubhubbub.appspot.com/" (Google's, free).
WEBSUB_HUB = ""
# What `invoke publish` last told the hub: a hash of every feed's bytes, so that a feed
# is pinged once per change. Relative to this folder; keep it between publishes (a lost
# file only means one ping for every feed at the next publish).
WEBSUB_STATE_FILE = ".cache/websub-feeds.json"
COMMENTS_QUEUE_DIR = "var/comments"  # the comment service's queue (back it up)
COMMENTS_STATE_DIR = "var/comments-state"  # its secret key and private state (back it up)
COMMENTS_ALTCHA = False  # True: ALTCHA proof of work in the comment form (needs `npm ci`)
COMMENTS_RATE_LIMIT_COUNT = 5  # comments per client...
COMMENTS_RATE_LIMIT_SECONDS = 60  # ...within this many seconds
COMMENTS_SMTP_HOST = ""  # set (with COMMENTS_SMTP_TO) to be emailed each new comment
COMMENTS_SMTP_TO = ""
# Commenters' rights: how long what readers give is kept (the privacy page says so, and
# `invoke comments.purge`, run daily, removes what is older).
COMMENTS_CONFIRM_DAYS = 7  # unconfirmed reply notifications and deletion requests
COMMENTS_KEEP_REJECTED_DAYS = 30  # rejected comments, with their client address
COMMENTS_KEEP_APPROVED_DAYS = 30  # the queue's copy of approved ones (the comment stays)

# --- Webmentions sent (invoke mentions.send, the last step of invoke publish) ---
# What was announced, per item: kept by the maintainer, outside the output (commit it
# or back it up with the deploy); relative to the folder invoke runs in.
WEBMENTION_SENT_FILE = "data/webmentions-sent.json"
WEBMENTION_TIMEOUT = 10.0  # seconds for reading a linked page, and for each POST
WEBMENTION_MAX_BYTES = 1_000_000  # of a linked page read when looking for its endpoint
# Never send to loopback or private addresses; only the tests turn this on.
WEBMENTION_ALLOW_PRIVATE = False

# --- The fediverse (ActivityPub): the hub as an account people follow from Mastodon ---
# The account, user@domain (the domain the site is served from): the build writes
# WebFinger, the actor and the outbox (docs/operating.md, "The fediverse"). Empty: none.
# The preview's is on the preview's address (a Mastodon server cannot reach it, but
# every document can be looked at on http://127.0.0.1:8000).
ACTIVITYPUB_ACCOUNT = "hub@127.0.0.1:8000"
# The hub's key pair (made by the first build or `invoke fediverse.keys`); outside git,
# readable by the build and the comment service. Back it up: a new key costs followers a
# failed delivery each until their servers fetch the actor again.
ACTIVITYPUB_KEYS_DIR = "var/activitypub"
ACTIVITYPUB_OUTBOX_ITEMS = 20  # the latest items the outbox lists
ACTIVITYPUB_NAME = ""  # the account's display name; empty: COMPANY_NAME
ACTIVITYPUB_SUMMARY = ""  # its bio; empty: COMPANY_TAGLINE

# --- The collector (invoke collect) -----------------------------------------------
COLLECT_EXCERPT_LENGTH = 300  # characters of a collected post's excerpt, at most
COLLECT_MAX_AGE_DAYS = 90  # how far back the first collection of a feed reaches
COLLECT_TIMEOUT = 10.0  # seconds per feed
COLLECT_MAX_BYTES = 5242880  # a larger feed is refused
COLLECT_CONCURRENCY = 4  # feeds fetched at once
# At most this many new posts are written from one feed, and from all feeds, in one
# `invoke collect`, newest first; the rest are said to be held back and taken by the
# next runs (a feed with 3,000 recent posts must not become 3,000 files to review).
COLLECT_MAX_NEW_PER_FEED = 10
COLLECT_MAX_NEW_PER_RUN = 50
# Where the team posts its #FF pictures: feeds of the company's own accounts (their
# shout-outs are published as collected) and, as {"url": ..., "trusted": False}, of
# hashtags or other accounts (written as drafts for an editor to review), e.g.
# ["https://social.example/@lumenmobile.rss",
#  {"url": "https://social.example/tags/FollowFriday.rss", "trusted": False}]
COLLECT_FOLLOW_FRIDAY_FEEDS: list[str | dict[str, object]] = []
COLLECT_FOLLOW_FRIDAY_TAGS = ["FF", "FollowFriday"]  # hashtags that make a post a shout-out

# --- Pelican's own pages and feeds are off: our plugins write every page -----
ARTICLE_PATHS: list[str] = []
PAGE_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []
FILENAME_METADATA = ""  # dates come from the Date field, never from file names
FORMATTED_FIELDS: list[str] = []  # we render Markdown fields ourselves
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False  # the build keeps thumbnails between runs
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = ".cache/pelican"
RELATIVE_URLS = False
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}

# --- Templates ---------------------------------------------------------------
from jinja2 import FileSystemBytecodeCache  # noqa: E402

# Why our own class: `pelican content` then checks the hub's settings, prints every
# problem on one line (no traceback, exit 1) and counts the hub's items at the end.
from socialhub.build import HubPelican  # noqa: E402
from socialhub.templating import JINJA_FILTERS  # noqa: E402, F401 - a Pelican setting

PELICAN_CLASS = HubPelican


def _jinja_cache() -> str:
    """The folder of compiled templates (beside this file, whatever the working folder)."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".cache", "jinja")
    os.makedirs(folder, exist_ok=True)
    return folder


JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    # Why: every generator compiles the templates again; compiled ones are kept here.
    "bytecode_cache": FileSystemBytecodeCache(_jinja_cache()),
}
LOCAL_PREVIEW_URL = "http://127.0.0.1:8000"  # absolute URLs of a local build (feeds, sitemap)
USE_FOLDER_AS_CATEGORY = False  # the folder is the kind of item, not a category
CATEGORY_SAVE_AS = ""  # no categories: the folder gives the kind of item
GZIP_CACHE = False  # compressing the cache costs more time than the disk it saves
FEED_TAG_AUTHORITY = "hub.lumen-mobile.example,2026"  # feed ids: tag:<this>:/kind/slug
