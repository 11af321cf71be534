"""Settings for publishing: the real site URL and comment service, no drafts."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403 - publishing extends the local settings

SITEURL = os.environ.get("HUB_SITEURL", "https://hub.lumen-mobile.example")
COMMENT_SERVICE_URL = os.environ.get(
    "HUB_COMMENT_SERVICE_URL", "https://comments.lumen-mobile.example"
)
OUTPUT_PATH = "public"
DELETE_OUTPUT_DIRECTORY = True
LOAD_CONTENT_CACHE = False

# Where `invoke publish` sends the site: a folder, user@host:/path (rsync over
# SSH) or s3://bucket/prefix (needs pip install -e '.[s3]').
PUBLISH_DESTINATION = os.environ.get("HUB_PUBLISH_DESTINATION", "/var/www/hub")
PUBLISH_SSH_COMMAND = os.environ.get("HUB_PUBLISH_SSH_COMMAND", "ssh")  # rsync's -e
COMMENTS_TRUSTED_PROXIES = 1  # behind nginx: the client is the last X-Forwarded-For hop
# The WebSub hub the feeds name and `invoke publish` pings (empty: none), for example
# https://pubsubhubbub.appspot.com/ (Google's public hub) or a Superfeedr hub. The
# hub fetches every feed it is pinged for from SITEURL, so it must be the live site's.
WEBSUB_HUB = os.environ.get("HUB_WEBSUB_HUB", "")
# The Webmentions' sent state (see pelicanconf.py): keep it where the deploy backs it up.
WEBMENTION_SENT_FILE = os.environ.get("HUB_WEBMENTION_SENT_FILE", WEBMENTION_SENT_FILE)  # noqa: F405
# The fediverse account: hub@ the site's host, unless HUB_ACTIVITYPUB_ACCOUNT says otherwise
# (an empty value keeps the hub off the fediverse). The keys are the service's too.
ACTIVITYPUB_ACCOUNT = os.environ.get(
    "HUB_ACTIVITYPUB_ACCOUNT", "hub@" + (urlsplit(SITEURL).hostname or "")
)
ACTIVITYPUB_KEYS_DIR = os.environ.get("HUB_ACTIVITYPUB_KEYS_DIR", ACTIVITYPUB_KEYS_DIR)  # noqa: F405
