"""WebSub, the publisher's part: tell the hub which published feeds changed.

Every feed names the hub and its own URL (``socialhub.feeds``, with ``WEBSUB_HUB``
set); after a publish, the hub is pinged once for each feed whose bytes differ
from those it was last pinged for. The hub then fetches the feed itself and
pushes it to its subscribers (W3C WebSub, section 7 leaves the ping to hubs).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from socialhub.comments.checks import Refusal
from socialhub.comments.pinned import pinned_client
from socialhub.feeds.write import FORMATS
from socialhub.stampcache import write_atomically
from socialhub.urls import site_base

PING_TIMEOUT = 10.0  # seconds for one ping, connection and answer included
PING_WORKERS = 4  # pings at once: a first publish pings every feed, thousands on a big hub
STATE_VERSION = 1


@dataclass(frozen=True)
class Feed:
    """One published feed: its absolute URL (the WebSub topic) and the hash of its bytes."""

    url: str
    sha256: str


def is_feed(site_path: str) -> bool:
    """True for a feed the build writes (RSS, Atom, JSON Feed), from its site path."""
    rss, atom, json_feed = (FORMATS[fmt][0] for fmt in ("rss", "atom", "json"))
    if site_path.endswith((rss, atom)):
        return True
    # JSON Feeds live under feeds/ or beside their item as comments.json; other JSON
    # files (the comment service's manifest, the search index) are not feeds.
    name = site_path.rsplit("/", 1)[-1]
    return site_path.endswith(json_feed) and (
        site_path.startswith("feeds/") or name == f"comments{json_feed}"
    )


def published_feeds(output: Path, base: str) -> list[Feed]:
    """Every feed of the built site in ``output``, published under ``base``, sorted by URL."""
    found = []
    for path in output.rglob("*"):
        site_path = path.relative_to(output).as_posix()
        if path.is_file() and is_feed(site_path):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found.append(Feed(f"{base}/{site_path}", digest))
    return sorted(found, key=lambda feed: feed.url)


def load_state(path: Path, hub: str) -> tuple[dict[str, str], str]:
    """(feed URL → hash last pinged at ``hub``, a warning); another hub's state is none."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, ""
    except (OSError, ValueError) as error:
        return {}, f"WebSub: {path} is unreadable ({error}); every feed is pinged again."
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        return {}, f"WebSub: {path} is not a state file of this version; every feed is pinged."
    feeds = data.get("feeds")
    if data.get("hub") != hub or not isinstance(feeds, dict):
        return {}, ""  # a new hub knows none of the feeds yet
    return {str(url): str(sha) for url, sha in feeds.items()}, ""


def save_state(path: Path, hub: str, hashes: Mapping[str, str]) -> None:
    """Keep what the hub was told, atomically (an interrupted write leaves the old file)."""
    data = {"version": STATE_VERSION, "hub": hub, "feeds": dict(sorted(hashes.items()))}
    write_atomically(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"))


class HubUnreachableError(Exception):
    """The hub could not be reached at all (no connection, no answer in time)."""


def ping(hub: str, topic: str, timeout: float = PING_TIMEOUT) -> str:
    """Tell ``hub`` that ``topic`` changed: "" when it took the ping, else why not.

    The ping is the de-facto publish request (``hub.mode=publish``, ``hub.url``,
    form-encoded) that the Recommendation leaves to each hub and that Google's,
    Superfeedr's and websub.rocks' hubs accept; they answer 2xx (often 204).
    HubUnreachableError when the hub did not answer, so that the other feeds are not tried.
    """
    # Why the pinned client: one deadline for the whole request, however slowly the
    # hub answers. Why private addresses are allowed: the address is the
    # maintainer's WEBSUB_HUB, never one read from outside (a hub on the same host
    # or network is a hub too).
    try:
        with pinned_client(timeout, allow_private=True, follow_redirects=False) as client:
            response = client.post(hub, data={"hub.mode": "publish", "hub.url": topic})
    except Refusal:
        raise HubUnreachableError(f"{urlsplit(hub).hostname} cannot be resolved") from None
    except (httpx.InvalidURL, ValueError) as error:  # a bad port or name: no HTTPError
        raise HubUnreachableError(f"WEBSUB_HUB is not a usable address ({error})") from None
    except httpx.TimeoutException:
        raise HubUnreachableError(f"no answer within {timeout:g} s") from None
    except httpx.HTTPError as error:
        raise HubUnreachableError(f"cannot connect ({error or type(error).__name__})") from None
    if response.is_success:
        return ""
    reason = f"it answered HTTP {response.status_code} {response.reason_phrase}".rstrip()
    if response.is_redirect:
        return f"{reason} to {response.headers.get('location', '?')}; update WEBSUB_HUB"
    said = " ".join(response.text[:160].split())
    return f"{reason}: {said}" if said else reason


def _pings(hub: str, feeds: list[Feed], timeout: float) -> Iterator[tuple[Feed, str]]:
    """(feed, why it was not pinged or "") for every feed, in order, a few at a time."""
    down: list[str] = []
    lock = threading.Lock()

    def one(feed: Feed) -> str:
        if down:
            return f"not tried, the hub was unreachable: {down[0]}"
        try:
            return ping(hub, feed.url, timeout)
        except HubUnreachableError as error:
            with lock:
                down.append(str(error))
            return str(error)

    with ThreadPoolExecutor(max_workers=PING_WORKERS) as pool:
        yield from zip(feeds, pool.map(one, feeds), strict=True)


def ping_changed_feeds(
    output: Path, settings: Mapping[str, Any], state_file: Path, timeout: float = PING_TIMEOUT
) -> list[str]:
    """Ping WEBSUB_HUB for every feed in ``output`` whose bytes changed; the lines to print.

    A feed is pinged once per change: its hash is kept in ``state_file`` only when
    the hub took the ping, so a failed one is tried again at the next publish.
    Nothing here raises: a dead hub costs a line per feed, never the publish.
    """
    hub = str(settings.get("WEBSUB_HUB", "") or "")
    if not hub:
        return []
    lines = []
    known, warning = load_state(state_file, hub)
    if warning:
        lines.append(warning)
    feeds = published_feeds(output, site_base(settings))
    changed = [feed for feed in feeds if known.get(feed.url) != feed.sha256]
    if not changed:
        return [*lines, f"WebSub: no feed changed since the last ping; {hub} was not pinged."]
    # Feeds no longer published are forgotten; those not pinged keep their old hash.
    current = {feed.url for feed in feeds}
    kept = {url: sha for url, sha in known.items() if url in current}
    failed = 0
    try:
        for feed, reason in _pings(hub, changed, timeout):
            if reason:
                failed += 1
                lines.append(
                    f"WebSub: {feed.url} not pinged at {hub}: {reason}; "
                    "it is pinged again at the next publish."
                )
            else:
                kept[feed.url] = feed.sha256
    finally:
        # Why in finally: an interrupted run keeps the pings that were made.
        try:
            save_state(state_file, hub, kept)
        except OSError as error:
            lines.append(f"WebSub: cannot write {state_file} ({error}); feeds are pinged again.")
    pinged = len(changed) - failed
    summary = f"WebSub: pinged {hub} for {pinged} of {len(changed)} changed feeds"
    lines.append(summary + (f"; {failed} failed." if failed else "."))
    return lines
