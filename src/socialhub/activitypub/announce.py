"""What to tell followers after a build: a ``Create`` per new item, ``Update``, ``Delete``.

The build writes every item's ActivityPub object, with a fingerprint of what it says,
to its cache folder (``.cache/fediverse-objects-<output>.json``, named after the
output folder like the Webmention outbox)::

    {"actor": "https://hub.example/fediverse/actor.json",
     "objects": [{"id": "https://hub.example/posts/a/", "fingerprint": "…", "object": {…}}]}

This module compares it with what was last announced, kept in the comment service's
state folder (``fediverse-announced.json``: object id → fingerprint), and queues one
job per activity and follower inbox. Why the state is written only after every job:
a crash between the two queues the same jobs again at the next run (the queue keeps
one file per activity and inbox, so a repeat is the same job), and nothing is lost.
Why the first run sends nothing: a hub with two years of items would otherwise put
every one of them in each follower's timeline at once.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from socialhub.activitypub.deliveryqueue import DeliveryQueue
from socialhub.activitypub.followers import Followers
from socialhub.errors import ConfigError

OBJECTS_PREFIX = "fediverse-objects"
STATE_FILE = "fediverse-announced.json"
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS_CONTEXT + "#Public"


@dataclass(frozen=True)
class BuiltObject:
    """One item's object as the build wrote it."""

    id: str
    fingerprint: str
    object: dict[str, Any]


@dataclass
class AnnounceReport:
    """What one run queued."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    inboxes: int = 0
    jobs: int = 0
    first_run: bool = False
    lines: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One line: how many of each activity, for how many inboxes."""
        if self.first_run:
            return "first run: the current items were recorded as announced, none was sent"
        if not (self.created or self.updated or self.deleted):
            return "no new, changed or deleted item"
        text = (
            f"{self.created} new (Create), {self.updated} changed (Update), "
            f"{self.deleted} deleted (Delete)"
        )
        if not self.inboxes:
            return text + ", no follower to tell"
        return text + f": {self.jobs} deliveries queued for {self.inboxes} inboxes"


def objects_path(settings: dict[str, Any]) -> Path:
    """Where the build of these settings keeps its items' objects (beside its caches)."""
    output = str(Path(settings["OUTPUT_PATH"]).resolve())
    name = hashlib.sha256(output.encode("utf-8")).hexdigest()[:12]
    return Path(settings.get("CACHE_PATH") or ".cache").resolve() / f"{OBJECTS_PREFIX}-{name}.json"


def read_objects(path: Path) -> tuple[str, list[BuiltObject]]:
    """The actor's id and every item's object from a build; ConfigError naming the fix."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        actor = data["actor"]
        actor_id = str(actor["id"] if isinstance(actor, dict) else actor)
        objects = [
            BuiltObject(str(entry["id"]), str(entry["fingerprint"]), dict(entry["object"]))
            for entry in data["objects"]
        ]
    except FileNotFoundError:
        raise ConfigError(
            f"{path} is missing: build the site with ACTIVITYPUB_ACCOUNT set and these "
            "settings first (invoke build --settings publishconf.py)"
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path} cannot be read ({error}): build the site again") from None
    return actor_id, objects


def state_file(state_dir: Path) -> Path:
    """The file that remembers what followers were told."""
    return state_dir / STATE_FILE


def load_announced(state_dir: Path) -> dict[str, str] | None:
    """Object id → fingerprint last announced; None before the first run."""
    path = state_file(state_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(key): str(value) for key, value in data["objects"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(
            f"{path} cannot be read ({error}): restore it from a backup, or remove it to "
            "record the current items as announced without sending them"
        ) from None


def save_announced(state_dir: Path, actor: str, announced: dict[str, str]) -> None:
    """Write the announced state: fsynced and moved into place, so a crash keeps one whole."""
    path = state_file(state_dir)
    text = json.dumps({"actor": actor, "objects": dict(sorted(announced.items()))}, indent=1)
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        folder = os.open(state_dir, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as error:
        raise ConfigError(
            f"cannot write {path} ({error.strerror or error}): the state folder must be "
            "writable by the user that delivers"
        ) from None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _wrapped(kind: str, activity_id: str, actor: str, built: BuiltObject) -> dict[str, Any]:
    """A Create or Update carrying the object, addressed as the object is."""
    body = copy.deepcopy(built.object)
    context = body.pop("@context", AS_CONTEXT)
    activity: dict[str, Any] = {
        "@context": context,
        "id": activity_id,
        "type": kind,
        "actor": actor,
        "to": body.get("to", [PUBLIC]),
        "cc": body.get("cc", []),
        "object": body,
    }
    if kind == "Create" and "published" in body:
        activity["published"] = body["published"]
    if kind == "Update":
        # Why now: servers apply an edit only when it is newer than what they have.
        body["updated"] = activity["published"] = _now()
    return activity


def create_activity(actor: str, built: BuiltObject) -> dict[str, Any]:
    """The Create of a new item (the same id as the outbox's, so a server sees it once)."""
    return _wrapped("Create", f"{built.id}#create", actor, built)


def update_activity(actor: str, built: BuiltObject) -> dict[str, Any]:
    """The Update of a changed item: an id per version, so each edit is news."""
    return _wrapped("Update", f"{built.id}#update-{built.fingerprint[:16]}", actor, built)


def delete_activity(actor: str, object_id: str) -> dict[str, Any]:
    """The Delete of an item gone from the site: a Tombstone in its place."""
    return {
        "@context": AS_CONTEXT,
        "id": f"{object_id}#delete",
        "type": "Delete",
        "actor": actor,
        "to": [PUBLIC],
        "object": {"id": object_id, "type": "Tombstone"},
    }


def announce(
    objects_file: Path,
    state_dir: Path,
    *,
    actor_url: str = "",
    progress: Callable[[str], None] = print,
) -> AnnounceReport:
    """Queue a Create, Update or Delete per follower inbox for what changed since last time."""
    actor, objects = read_objects(objects_file)
    if actor_url and actor != actor_url:
        # Why: a build for another address (a preview) would look like a new site, and
        # every published item like one deleted.
        raise ConfigError(
            f"{objects_file} was built for the actor {actor}, not {actor_url}: build with "
            "the settings you deliver with (invoke build --settings publishconf.py)"
        )
    before = load_announced(state_dir)
    current = {built.id: built.fingerprint for built in objects}
    report = AnnounceReport()
    if before is None:
        save_announced(state_dir, actor, current)
        report.first_run = True
        line = (
            f"fediverse: first run: {len(current)} items recorded as announced without "
            "sending them; followers hear of what is published from now on"
        )
        report.lines.append(line)
        progress(line)
        return report
    if before and not objects:
        raise ConfigError(
            f"{objects_file} lists no items while {len(before)} were announced: no Delete "
            "was sent; build the site again (or, to start over, remove "
            f"{state_file(state_dir)})"
        )
    activities = []
    for built in objects:
        if built.id not in before:
            activities.append(create_activity(actor, built))
            report.created += 1
        elif before[built.id] != built.fingerprint:
            activities.append(update_activity(actor, built))
            report.updated += 1
    for gone in sorted(set(before) - set(current)):
        activities.append(delete_activity(actor, gone))
        report.deleted += 1
    inboxes = Followers.in_state(state_dir).delivery_inboxes() if activities else []
    queue = DeliveryQueue(state_dir)
    for activity in activities:
        for inbox in inboxes:
            queue.enqueue(activity, inbox)
            report.jobs += 1
    report.inboxes = len(inboxes)
    save_announced(state_dir, actor, current)
    return report
