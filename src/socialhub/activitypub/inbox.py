"""The hub's inbox: signed activities in, followers and fediverse replies out.

A request is checked top to bottom, cheapest first: its type, its size, that it is
signed at all, the rate of requests from its client, the JSON, a ban on its actor,
the signature (fetching the sender's key), that the key belongs to the activity's
actor, and that the same signature was not seen before. Then one handler per type:
``Follow`` (stored, answered with a signed ``Accept``), ``Undo`` of a follow,
``Delete`` of an actor or a note, ``Create`` of a note replying to one of our items
or comments (queued as a comment like any other). Anything else is answered 202 and
ignored.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from socialhub.activitypub.actorkeys import ActorKeys, Fetching
from socialhub.activitypub.config import ACTIVITY_JSON, FediverseConfig
from socialhub.activitypub.deliveryqueue import DeliveryQueue, Job
from socialhub.activitypub.followers import Followers
from socialhub.activitypub.keys import KeyPair, load_or_create_keys
from socialhub.activitypub.notes import note_markdown, replied_item
from socialhub.activitypub.signing import signed_headers
from socialhub.activitypub.verify import (
    UNSIGNED,
    Incoming,
    SeenSignatures,
    request_url,
    unsigned,
    verify_request,
)
from socialhub.comments.checks import Refusal, Unavailable, check_comment
from socialhub.comments.disk import RETRY_AFTER
from socialhub.comments.pinned import pinned_client
from socialhub.comments.queue import Submission, new_id, same_url
from socialhub.comments.ratelimit import RateLimit
from socialhub.comments.score import Verdict
from socialhub.errors import ConfigError
from socialhub.fieldrules import is_web_url
from socialhub.sanitize import clean_text
from socialhub.text import shorten

if TYPE_CHECKING:
    from socialhub.comments.app import CommentService

log = logging.getLogger("socialhub.activitypub")

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
CONTENT_TYPES = ("application/activity+json", "application/ld+json", "application/json")
STATE_AWAY = "The inbox cannot reach its records just now; please deliver again later."


def _id(value: Any) -> str:
    """The id of an object given inline or by its id."""
    if isinstance(value, dict):
        value = value.get("id", "")
    return value if isinstance(value, str) else ""


def _answer(message: str, status: int = 202) -> Response:
    return Response(
        json.dumps({"status": status, "message": message}), status, mimetype="application/json"
    )


class Inbox:
    """POST /inbox and GET /fediverse/followers of one worker of the comment service."""

    def __init__(self, service: CommentService, fediverse: FediverseConfig) -> None:
        config = service.config
        self.service = service
        self.config = config
        self.fediverse = fediverse
        self.followers = Followers.in_state(config.state_dir)
        self.deliveries = DeliveryQueue(config.state_dir)
        self.seen = SeenSignatures.in_state(config.state_dir)
        self._keys: KeyPair | None = None
        self.actor_keys = ActorKeys.in_state(config.state_dir, self._fetching())
        # Requests of any kind, per client: a big server delivers many; the comment
        # limit (per client and per actor) applies to replies on top of this one.
        self.requests = RateLimit(
            config.state_dir / "fediverse-ratelimit.sqlite3",
            config.inbox_rate_count,
            config.inbox_rate_seconds,
        )
        self.sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fediverse-accept")

    @property
    def inbox_path(self) -> str:
        """The inbox's path, as the actor document names it."""
        return urlsplit(self.fediverse.inbox_url).path or "/inbox"

    @property
    def followers_path(self) -> str:
        """The followers collection's path."""
        return urlsplit(self.fediverse.followers_url).path

    def keys(self) -> KeyPair:
        """The hub's key pair (made on first use, as the build does)."""
        if self._keys is None:
            self._keys = load_or_create_keys(self.fediverse.keys_dir)
        return self._keys

    def _fetching(self) -> Fetching:
        try:
            private_key = self.keys().private_key
        except Exception as error:  # the key is a nicety for fetching, not a need
            log.warning("fetching actors unsigned: %s", error)
            private_key = None
        return Fetching(
            timeout=self.config.webmention_timeout,
            allow_private=self.config.webmention_allow_private,
            key_id=self.fediverse.key_id,
            private_key=private_key,
        )

    # --- GET /fediverse/followers ------------------------------------------------

    def on_followers(self, request: Request) -> Response:
        """The followers collection: how many, never who (their privacy)."""
        try:
            count = self.followers.count()
        except sqlite3.Error as error:
            raise Unavailable(STATE_AWAY, RETRY_AFTER) from error
        body = {
            "@context": AS_CONTEXT,
            "id": self.fediverse.followers_url,
            "type": "OrderedCollection",
            "totalItems": count,
        }
        return Response(json.dumps(body), 200, mimetype=ACTIVITY_JSON)

    # --- POST /inbox ---------------------------------------------------------------

    def on_inbox(self, request: Request, client: str) -> Response:
        """One activity: checked, then handled by its type."""
        try:
            activity, actor, sender = self.authenticated(request, client)
            kind = str(activity.get("type", ""))
            handler = getattr(self, f"on_{kind.lower()}", None) if kind in HANDLED else None
            if handler is None:
                log.info("ignored a %s from %s", kind or "typeless activity", actor)
                return _answer(f"{kind or 'The activity'} is not used by this hub; ignored.")
            answer: Response = handler(activity, actor, sender, client)
        except sqlite3.Error as error:
            # Why 503: a sender retries a 5xx later, and nothing was half done.
            log.error("the inbox's stores failed: %s", error)
            raise Unavailable(STATE_AWAY, RETRY_AFTER) from error
        return answer

    def read_body(self, request: Request) -> bytes:
        """The body of an activity: the right type, not too large."""
        kind = (request.mimetype or "").lower()
        if kind not in CONTENT_TYPES:
            raise Refusal(f"Send activities as {ACTIVITY_JSON}, not {kind or 'no type'}.", 415)
        cap = self.config.inbox_max_bytes
        if request.content_length is not None and request.content_length > cap:
            raise Refusal(f"The activity is too large (at most {cap} bytes).", 413)
        try:
            body = request.get_data(cache=False)
        except RequestEntityTooLarge:
            raise Refusal(f"The activity is too large (at most {cap} bytes).", 413) from None
        if len(body) > cap:
            raise Refusal(f"The activity is too large (at most {cap} bytes).", 413)
        return body

    def authenticated(
        self, request: Request, client: str
    ) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """The activity, its actor and the actor's document, once every check passed."""
        body = self.read_body(request)
        headers = dict(request.headers.items())
        if unsigned(headers):
            raise Refusal(UNSIGNED, 401)
        if not self.requests.take(client):
            raise Refusal("Too many requests from this address; please wait a minute.", 429)
        try:
            activity = json.loads(body)
        except ValueError:
            raise Refusal("The body is not JSON.", 400) from None
        if not isinstance(activity, dict):
            raise Refusal("The body must be a JSON object (an activity).", 400)
        actor = _id(activity.get("actor"))
        if not is_web_url(actor):
            raise Refusal("The activity names no actor (an http(s) address).", 400)
        if self._banned(actor):
            raise Refusal("This actor may not write to the hub.", 403)
        url = request_url(self.fediverse.inbox_url, request.path, request.query_string.decode())
        # Why our own host rather than the Host received: a sender signs the host of the
        # inbox the actor document names, and a proxy may have rewritten the header (nginx's
        # $host drops the port); a signature made for any other host still fails.
        headers = {k: v for k, v in headers.items() if k.lower() != "host"}
        headers["Host"] = urlsplit(self.fediverse.inbox_url).netloc
        signed = verify_request(
            Incoming(request.method, url, headers, body),
            self.actor_keys.public_key,
            self.config.inbox_date_window,
        )
        owner = self.actor_keys.get(signed.key_id).owner
        if owner != actor:
            raise Refusal(
                f"The request is signed with a key of {owner}, not of the actor {actor}.", 401
            )
        if not self.seen.first_time(signed.fingerprint, self.config.inbox_date_window):
            raise Refusal("This request was already received (a replay).", 403)
        return activity, actor, self.actor_keys.get(signed.key_id).actor

    def _banned(self, actor: str) -> bool:
        """Whether a moderator banned this actor's address (an ``author`` ban on the URL)."""
        try:
            return bool(self.service.rights.standing.banned(author=actor))
        except sqlite3.Error as error:
            log.error("could not read the bans: %s", error)
            return False

    # --- the activities ------------------------------------------------------------

    def on_follow(
        self, activity: dict[str, Any], actor: str, sender: dict[str, Any], client: str
    ) -> Response:
        """Store the follower and answer with a signed Accept."""
        if _id(activity.get("object")) != self.fediverse.actor_url:
            raise Refusal(f"Only the hub's actor can be followed: {self.fediverse.actor_url}.")
        inbox = sender.get("inbox")
        endpoints = sender.get("endpoints")
        shared = endpoints.get("sharedInbox", "") if isinstance(endpoints, dict) else ""
        if not isinstance(inbox, str) or not is_web_url(inbox):
            raise Refusal("The follower's actor document names no inbox.")
        shared = shared if isinstance(shared, str) and is_web_url(shared) else ""
        self.followers.add(actor, inbox, shared)
        accept = self.accept_for(activity)
        job = self.deliveries.enqueue(accept, inbox)
        log.info("%s follows the hub; Accept queued for %s", actor, inbox)
        self.sender.submit(self.send_now, job)
        return _answer("Followed: an Accept is on its way.")

    def accept_for(self, follow: dict[str, Any]) -> dict[str, Any]:
        """The Accept of a Follow (its id the same for the same Follow, so queued once)."""
        digest = hashlib.sha256(
            _id(follow).encode("utf-8") or json.dumps(follow).encode()
        ).hexdigest()
        return {
            "@context": AS_CONTEXT,
            "id": f"{self.fediverse.actor_url}#accepts/{digest[:32]}",
            "type": "Accept",
            "actor": self.fediverse.actor_url,
            "object": follow,
        }

    def send_now(self, job: Job) -> bool:
        """Deliver one job at once (signed POST); on failure it stays queued for later.

        With the delivery sender installed (activitypub/deliver.py) it sends the job,
        under the job's lock that the timer's retries and a publish take too;
        without it, one signed POST is made here.
        """
        sender = _delivery_sender()
        if sender is not None:
            try:
                outcome, line = sender(
                    self.deliveries,
                    job,
                    self.keys(),
                    self.fediverse.key_id,
                    allow_private=self.config.webmention_allow_private,
                    timeout=self.config.webmention_timeout,
                )
            except Exception:
                log.exception("delivering %s to %s failed; kept queued", job.name, job.inbox)
                return False
            if line:
                log.warning("%s", line)
            return bool(outcome == "sent")
        return self.post_once(job)

    def post_once(self, job: Job) -> bool:
        """One signed POST of a job; done on a 2xx, else counted and left for a retry."""
        body = json.dumps(job.activity).encode("utf-8")
        try:
            headers = signed_headers(
                "POST", job.inbox, body, self.fediverse.key_id, self.keys().private_key
            )
            headers.pop("Host")
            headers["Content-Type"] = ACTIVITY_JSON
            with pinned_client(
                self.config.webmention_timeout, self.config.webmention_allow_private
            ) as http:
                response = http.post(job.inbox, content=body, headers=headers)
            if response.status_code >= 300:
                raise httpx.HTTPError(f"{job.inbox} answered {response.status_code}")
        except (httpx.HTTPError, Refusal, OSError, ConfigError) as error:
            reason = getattr(error, "reason", None) or str(error)
            self.deliveries.retry_later(job, reason)
            log.warning(
                "delivering %s to %s failed: %s; kept queued",
                job.activity.get("type"),
                job.inbox,
                reason,
            )
            return False
        self.deliveries.done(job)
        log.info("delivered %s to %s", job.activity.get("type"), job.inbox)
        return True

    def on_undo(
        self, activity: dict[str, Any], actor: str, sender: dict[str, Any], client: str
    ) -> Response:
        """Undo of a Follow: forget the follower; other undos are ignored."""
        undone = activity.get("object")
        kind = undone.get("type") if isinstance(undone, dict) else ""
        if kind == "Follow" and _id(undone.get("actor")) == actor:  # type: ignore[union-attr]
            removed = self.followers.remove(actor)
            log.info("%s unfollowed the hub (%s)", actor, "removed" if removed else "was not one")
            return _answer("Unfollowed.")
        return _answer(f"Undo of {kind or 'that'} is not used by this hub; ignored.")

    def on_delete(
        self, activity: dict[str, Any], actor: str, sender: dict[str, Any], client: str
    ) -> Response:
        """Delete of the actor (forget the follower) or of a note (drop its queued reply)."""
        gone = _id(activity.get("object"))
        if gone == actor:
            self.followers.remove(actor)
            log.info("%s was deleted; no longer a follower", actor)
            return _answer("The actor is forgotten.")
        dropped = self.drop_note(gone, actor, "the note was deleted on the fediverse")
        return _answer(f"Deleted: {dropped} queued repl{'y' if dropped == 1 else 'ies'} dropped.")

    def drop_note(self, note: str, actor: str, reason: str) -> int:
        """Move the pending replies of this note by this actor to rejected/; how many."""
        dropped = 0
        queue = self.service.queue
        for submission in queue.list("pending"):
            origin = submission.extra.get("fediverse") or {}
            if (
                submission.source == "fediverse"
                and same_url(submission.source_url, note)
                and origin.get("actor") == actor
            ):
                submission.reason = f"deleted: {reason}"
                queue.move(submission, "pending", "rejected")
                log.info("fediverse reply %s dropped: %s", submission.id, reason)
                dropped += 1
        return dropped

    def on_create(
        self, activity: dict[str, Any], actor: str, sender: dict[str, Any], client: str
    ) -> Response:
        """A Note replying to one of our items or comments: queued as a comment."""
        note = activity.get("object")
        if not isinstance(note, dict) or note.get("type") != "Note":
            kind = note.get("type") if isinstance(note, dict) else "a linked object"
            return _answer(f"Create of {kind} is not used by this hub; ignored.")
        note_id = _id(note)
        if not is_web_url(note_id) or urlsplit(note_id).netloc != urlsplit(actor).netloc:
            raise Refusal("The note's id must be an address on the actor's own server.")
        if _id(note.get("attributedTo")) != actor:
            raise Refusal("The note is attributed to someone other than the activity's actor.")
        in_reply_to = _id(note.get("inReplyTo"))
        found = replied_item(in_reply_to, self.service.manifest, self.config.site_url)
        if found is None:
            raise Refusal("The note does not reply to an item or a comment of this hub.")
        target, reply_to = found
        queue = self.service.queue
        if any(
            s.source == "fediverse" and same_url(s.source_url, note_id)
            for s in queue.list("pending")
        ):
            return _answer("This reply is already waiting for moderation.")
        fields = {
            "item": target.slug,
            "author": self.author_name(sender, actor),
            "website": self.author_page(sender, actor),
            "body": note_markdown(str(note.get("content") or "")),
            "reply_to": reply_to,
        }
        checked = check_comment(fields, self.service.manifest, self.config, queue.holds)
        limiter = self.service.limiter
        if not limiter.take(client):
            raise Refusal("Too many replies from this address; please wait a minute.", 429)
        if not limiter.take(f"actor {actor}"):
            limiter.give_back(client)
            raise Refusal("Too many replies from this actor; please wait a minute.", 429)
        now = datetime.now(self.service.timezone)
        page = _id(note.get("url"))
        submission = Submission(
            id=new_id(now),
            item=checked.target.slug,
            author=checked.author,
            body=checked.body,
            date=self.published(note, now),
            website=checked.website,
            reply_to=checked.reply_to,
            source="fediverse",
            source_url=note_id,
            target_url=in_reply_to,
            client=client,
            extra={
                "fediverse": {
                    "actor": actor,
                    "server": urlsplit(actor).netloc,
                    "note_url": page if is_web_url(page) else note_id,
                }
            },
        )
        scorer = self.service.scorer
        verdict = scorer.score(submission.id, submission.body, submission.website, Verdict())
        submission.extra["spam"] = verdict.as_extra()
        folder = self.service.rights.folder_for(submission)
        if folder == "pending" and scorer.rejects(verdict):
            folder, submission.reason = "rejected", f"spam (score {verdict.score})"
        self.service.store(submission, folder, client)
        log.info("queued fediverse reply %s on %s in %s", submission.id, submission.item, folder)
        if folder == "pending":
            self.service.notifier.poke()
        return _answer("The reply waits for moderation.")

    def author_name(self, sender: dict[str, Any], actor: str) -> str:
        """The actor's display name as plain text, else its handle (user@server)."""
        for value in (sender.get("name"), sender.get("preferredUsername")):
            if isinstance(value, str):
                name = shorten(clean_text(value), self.config.max_author_chars)
                if name:
                    return name
        return shorten(urlsplit(actor).netloc, self.config.max_author_chars)

    def author_page(self, sender: dict[str, Any], actor: str) -> str:
        """The actor's profile page (its ``url``), else its id."""
        page = _id(sender.get("url"))
        chosen = page if is_web_url(page) else actor
        return chosen if len(chosen) <= self.config.max_website_chars else ""

    def published(self, note: dict[str, Any], now: datetime) -> str:
        """The note's publication time in the hub's zone; now when it has none or lies."""
        try:
            when = datetime.fromisoformat(str(note.get("published", "")).replace("Z", "+00:00"))
        except ValueError:
            return now.isoformat(timespec="seconds")
        if when.tzinfo is None or when > now:
            return now.isoformat(timespec="seconds")
        return when.astimezone(self.service.timezone).isoformat(timespec="seconds")

    def close(self) -> None:
        """Wait for the Accepts being sent, close the stores."""
        self.sender.shutdown(wait=True)
        for store in (self.followers, self.seen, self.actor_keys):
            store.close()
        self.requests.close()


HANDLED = ("Follow", "Undo", "Delete", "Create")


def _delivery_sender() -> Any:
    """The delivery queue's sender (``deliver.deliver_one``) when it is installed, else None."""
    # Why looked up at run time: the sender is its own module and may be absent; the
    # inbox then sends its Accepts itself.
    try:
        module = importlib.import_module("socialhub.activitypub.deliver")
    except ImportError:
        return None
    return getattr(module, "deliver_one", None)
