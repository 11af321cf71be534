"""The static half of the hub's ActivityPub actor, written by the build.

What the build writes when ``ACTIVITYPUB_ACCOUNT`` is set (paths under the output):

- ``.well-known/webfinger``: the account's JRD (the web server answers it for
  ``?resource=acct:user@domain`` and for the actor's URL, 404 for anything else);
  ``.well-known/host-meta``: the XRD that points WebFinger clients at it.
- ``fediverse/actor.json``: the ``Service`` actor with its public key.
- ``fediverse/outbox.json``: the latest ``ACTIVITYPUB_OUTBOX_ITEMS`` items, each as
  a ``Create`` of its object (socialhub.activitypub.objects).
- ``fediverse/objects/<item path>index.json``: each item's object alone, served for
  the item's own URL to a client that asks for ``application/activity+json`` (a
  Mastodon search for the page's address).

And, for the delivery (``invoke fediverse.deliver``), in the build's cache folder
and named after its output folder like the Webmention outbox (so a local preview
never overwrites the published build's), ``fediverse-objects-<hash>.json``::

    {"actor": "<actor URL>", "objects": [
    {"fingerprint": "<32 hex digits>", "id": "<object id>", "object": {<without @context>}},
    ...
    ]}

with every item (newest first), not only the outbox's, one entry a line. A
fingerprint changes when anything a follower sees of the object changes: a new id
is a ``Create``, a new fingerprint for a known id an ``Update``.

An unchanged item's object is not made again on a rebuild: socialhub.activitypub.objectcache
keeps a digest of its inputs and its file's stamp, and the entries' lines are copied.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from socialhub.activitypub.config import FediverseConfig
from socialhub.activitypub.keys import KeyPair
from socialhub.activitypub.objectcache import (
    ObjectState,
    basis,
    delivery_bytes,
    delivery_lines,
    entry_line,
    file_stamp_or_none,
    item_digests,
    load_state,
    save_state,
    state_path,
)
from socialhub.activitypub.objects import (
    create_activity,
    fingerprint,
    item_object,
    with_context,
)
from socialhub.errors import ConfigError
from socialhub.feeds.entries import SiteInfo
from socialhub.model import Site
from socialhub.render import delete_stale, digest, write_if_changed
from socialhub.stampcache import Stamp, file_stamp, write_atomically
from socialhub.urls import absolute

OBJECTS_PREFIX = "fediverse-objects"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
# Terms of the actor that neither context defines (Mastodon's and schema.org's).
ACTOR_TERMS = {
    "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
    "toot": "http://joinmastodon.org/ns#",
    "discoverable": "toot:discoverable",
}
DEFAULT_OUTBOX_ITEMS = 20
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
IMAGE_TYPES |= {".webp": "image/webp", ".gif": "image/gif", ".svg": "image/svg+xml"}


def webfinger(fed: FediverseConfig) -> dict[str, Any]:
    """The account's JSON Resource Descriptor (RFC 7033)."""
    return {
        "subject": fed.resource,
        "aliases": [fed.actor_url, f"{fed.base_url}/"],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": fed.actor_url},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": f"{fed.base_url}/",
            },
        ],
    }


def host_meta(fed: FediverseConfig) -> str:
    """The XRD (RFC 6415) that names the WebFinger template, for older clients."""
    template = quoteattr(f"{fed.base_url}/.well-known/webfinger?resource={{uri}}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template={template}/>\n'
        "</XRD>\n"
    )


def actor(
    fed: FediverseConfig, keys: KeyPair, *, name: str, summary: str, icon_url: str
) -> dict[str, Any]:
    """The hub's ``Service`` actor: who it is, where its boxes are, its public key."""
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/activitystreams", SECURITY_CONTEXT, ACTOR_TERMS],
        "id": fed.actor_url,
        "type": "Service",
        "preferredUsername": fed.user,
        "name": name,
        "summary": f"<p>{escape(summary)}</p>" if summary else "",
        "url": f"{fed.base_url}/",
        "inbox": fed.inbox_url,
        "outbox": fed.outbox_url,
        "followers": fed.followers_url,
        "endpoints": {"sharedInbox": fed.inbox_url},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {"id": fed.key_id, "owner": fed.actor_url, "publicKeyPem": keys.public_pem},
    }
    if icon_url:
        extension = Path(icon_url).suffix.lower()
        document["icon"] = {
            "type": "Image",
            "mediaType": IMAGE_TYPES.get(extension, "image/png"),
            "url": icon_url,
        }
    return document


def outbox(fed: FediverseConfig, objects: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """The outbox: the latest ``limit`` objects, each in its ``Create``, newest first."""
    latest = [create_activity(obj) for obj in objects[:limit]]
    return with_context(
        {
            "id": fed.outbox_url,
            "type": "OrderedCollection",
            "totalItems": len(latest),
            "orderedItems": latest,
        }
    )


def objects_path(settings: Mapping[str, Any]) -> Path:
    """Where the build of these settings keeps every item's object (beside its caches)."""
    output = str(Path(settings["OUTPUT_PATH"]).resolve())
    name = hashlib.sha256(output.encode("utf-8")).hexdigest()[:12]
    return Path(settings.get("CACHE_PATH") or ".cache").resolve() / f"{OBJECTS_PREFIX}-{name}.json"


def object_file(item_url: str) -> str:
    """The site path of an item's object file, such as fediverse/objects/posts/hello/index.json."""
    return f"fediverse/objects/{item_url.strip('/')}/index.json"


def _json(document: Mapping[str, Any]) -> bytes:
    # Why sorted and indented: the build is byte for byte the same for the same input.
    return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def write_documents(
    site: Site,
    settings: Mapping[str, Any],
    fed: FediverseConfig,
    keys: KeyPair,
    info: SiteInfo,
) -> int:
    """Write every static document and the objects' cache; how many objects there are."""
    output = Path(settings["OUTPUT_PATH"])
    logo = str(settings.get("COMPANY_LOGO") or "")
    name = str(settings.get("ACTIVITYPUB_NAME") or settings.get("COMPANY_NAME") or "")
    summary = str(settings.get("ACTIVITYPUB_SUMMARY") or settings.get("COMPANY_TAGLINE") or "")
    documents: dict[str, bytes] = {
        ".well-known/webfinger": _json(webfinger(fed)),
        ".well-known/host-meta": host_meta(fed).encode("utf-8"),
        "fediverse/actor.json": _json(
            actor(
                fed,
                keys,
                name=name or str(settings.get("SITENAME", "")),
                summary=summary,
                icon_url=absolute(settings, logo) if logo else "",
            )
        ),
    }
    for path, data in documents.items():
        write_if_changed(output / path, data)
    _ObjectsBuild(site, settings, fed, info).write()
    return len(site.items)


class _ObjectsBuild:
    """One build's objects: made again only for the items whose digest or file changed."""

    def __init__(
        self, site: Site, settings: Mapping[str, Any], fed: FediverseConfig, info: SiteInfo
    ) -> None:
        self.site, self.fed, self.info = site, fed, info
        self.output = Path(settings["OUTPUT_PATH"])
        self.limit = outbox_items(settings)
        self.delivery_file = objects_path(settings)
        self.state_file = state_path(self.delivery_file)
        self.previous = load_state(self.state_file)
        self.basis = basis(info, fed)
        self.paths = [object_file(item.url) for item in site.items]
        self.objects: dict[int, dict[str, Any]] = {}
        self._old_lines: dict[str, bytes] | None = None
        self._old_read = False  # True once the last build's delivery file was read whole

    def write(self) -> None:
        """Write the changed object files, the outbox and the delivery file; drop stale files."""
        site, previous = self.site, self.previous
        digests = item_digests(site, site.items, self.info, self.basis)
        known = previous.files if previous.basis == self.basis else {}
        files: dict[str, tuple[str, Stamp]] = {}
        changed: list[int] = []
        # Why strings, not Paths: this loop runs for every item of every build.
        root = str(self.output) + os.sep
        for index, (path, item_digest) in enumerate(zip(self.paths, digests, strict=True)):
            stamp = file_stamp_or_none(root + path)
            last = known.get(path)
            if stamp is None or last is None or last != (item_digest, stamp):
                changed.append(index)
            files[path] = (item_digest, stamp or (0, 0))
        for index in changed:
            path = self.paths[index]
            obj = self._object(index)
            target = self.output / path
            write_if_changed(target, _json(with_context(obj)))
            files[path] = (digests[index], file_stamp(target.stat()))
        state = ObjectState(self.basis, files, list(self.paths), previous.delivery, previous.outbox)
        self._write_delivery(state, changed)
        self._write_outbox(state, digests)
        if previous.recorded:
            delete_stale(self.output, set(previous.files) - set(files))
        else:
            _remove_stale_objects(self.output, files)
        if state != previous or not previous.recorded:
            save_state(self.state_file, state)

    def _object(self, index: int) -> dict[str, Any]:
        """The item's object, made once in this build."""
        if index not in self.objects:
            item = self.site.items[index]
            self.objects[index] = item_object(self.site, item, self.info, self.fed)
        return self.objects[index]

    def _old_line(self, path: str) -> bytes | None:
        """The entry the last build's delivery file holds for this object file, if it is intact."""
        if self._old_lines is None:
            self._old_lines = {}
            if self.previous.basis == self.basis and self.previous.delivery is not None:
                stamp = file_stamp_or_none(self.delivery_file)
                if stamp == self.previous.delivery:
                    lines = delivery_lines(
                        self.delivery_file.read_bytes(), len(self.previous.order)
                    )
                    self._old_read = lines is not None
                    self._old_lines = dict(zip(self.previous.order, lines or [], strict=False))
        return self._old_lines.get(path)

    def _write_delivery(self, state: ObjectState, changed: list[int]) -> None:
        """Rewrite the delivery file only when an entry, their order or the file itself changed."""
        intact = (
            state.delivery is not None
            and state.delivery == file_stamp_or_none(self.delivery_file)
            and self.previous.basis == self.basis
        )
        if intact and not changed and self.paths == self.previous.order:
            return
        lines = []
        same = intact and self.paths == self.previous.order
        for index, path in enumerate(self.paths):
            old = self._old_line(path)
            line = old if index not in self.objects else None
            if line is None:
                obj = self._object(index)
                line = entry_line(obj, fingerprint(obj))
                # An object made again can come out the same (its file was only touched).
                same = same and line == old
            lines.append(line)
        if same and self._old_read:
            return
        write_atomically(self.delivery_file, delivery_bytes(self.fed.actor_url, lines))
        state.delivery = file_stamp(self.delivery_file.stat())

    def _write_outbox(self, state: ObjectState, digests: list[str]) -> None:
        """Rewrite the outbox only when one of its latest items changed (or its file did)."""
        target = self.output / "fediverse" / "outbox.json"
        wanted = digest(self.basis, self.limit, digests[: self.limit])
        if state.outbox is not None and state.outbox == (wanted, file_stamp_or_none(target)):
            return
        latest = []
        for index in range(min(self.limit, len(self.paths))):
            line = None if index in self.objects else self._old_line(self.paths[index])
            latest.append(self._object(index) if line is None else json.loads(line)["object"])
        write_if_changed(target, _json(outbox(self.fed, latest, self.limit)))
        state.outbox = (wanted, file_stamp(target.stat()))


def _remove_stale_objects(output: Path, documents: Mapping[str, Any]) -> None:
    """Delete the object files of items that are gone, when no build recorded what it wrote."""
    folder = output / "fediverse" / "objects"
    if not folder.is_dir():
        return
    for path in folder.rglob("index.json"):
        if path.relative_to(output).as_posix() not in documents:
            path.unlink()
    # Folders left empty, deepest first.
    for directory in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()


def outbox_items(settings: Mapping[str, Any]) -> int:
    """How many items the outbox lists (``ACTIVITYPUB_OUTBOX_ITEMS``)."""
    return int(settings.get("ACTIVITYPUB_OUTBOX_ITEMS", DEFAULT_OUTBOX_ITEMS))


def read_objects(settings: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The actor URL and the objects' entries a build wrote, for the delivery."""
    path = objects_path(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["actor"]), list(data["objects"])
    except FileNotFoundError:
        raise ConfigError(
            f"{path} is missing: build the site with these settings first "
            "(invoke build --settings publishconf.py)"
        ) from None
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigError(f"{path} cannot be read ({error}): build the site again") from None
