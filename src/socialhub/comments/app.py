"""The WSGI app: comment forms, the same as JSON, Webmentions, a health check.

Each request reads top to bottom: check the request, check the fields, run the
guard, store in the queue, answer. A refusal is a 4xx with a sentence a person
understands (an HTML page for forms, JSON for scripts); nothing becomes a 500
with a traceback.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from socialhub.activitypub.inbox import Inbox
from socialhub.comments.batch import Notifier
from socialhub.comments.checks import Gone, Refusal, Unavailable, Unreachable, check_comment
from socialhub.comments.config import CommentsConfig
from socialhub.comments.contact import check_contact
from socialhub.comments.disk import RETRY_AFTER
from socialhub.comments.formtoken import FIELD as TOKEN_FIELD
from socialhub.comments.formtoken import check_token, make_token
from socialhub.comments.guard import (
    allowed_origins,
    check_api_origin,
    check_form_origin,
    check_honeypot,
    origin_of,
)
from socialhub.comments.jsonbody import read_fields
from socialhub.comments.links import (
    CONFIRM_PATH,
    DELETE_PATH,
    DELETE_REQUEST_PATH,
    UNSUBSCRIBE_PATH,
)
from socialhub.comments.manifest import Manifest
from socialhub.comments.moderation import approve
from socialhub.comments.moderation_web.web import ModerationSite
from socialhub.comments.proof_of_work import FIELD as ALTCHA_FIELD
from socialhub.comments.proof_of_work import ProofOfWork
from socialhub.comments.queue import Queue, Submission, new_id
from socialhub.comments.ratelimit import RateLimit
from socialhub.comments.rights_web import Rights
from socialhub.comments.score import SpamScorer
from socialhub.comments.secret import service_secret
from socialhub.comments.webmention import check_request, verify

log = logging.getLogger("socialhub.comments")

STATE_AWAY = (
    "The comment service cannot reach its records just now: your comment was not saved; "
    "please try again in a few minutes."
)

# How many times a Webmention whose source cannot be reached is tried (once per start
# of the service) before it is rejected.
MAX_ATTEMPTS = 3

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main><h1>{title}</h1><p>{message}</p>{back}</main></body></html>
"""


class CommentService:
    """The comment service: one instance per worker process, sharing the queue on disk."""

    def __init__(self, config: CommentsConfig) -> None:
        self.config = config
        self.queue = Queue(config.queue_dir)
        self.prepare_queue()
        self.manifest = Manifest(config.manifest_path)
        # Next to the queue: the one folder every worker shares and may write (see deploy/).
        self.limiter = RateLimit(
            config.queue_dir / "ratelimit.sqlite3",
            config.rate_limit_count,
            config.rate_limit_seconds,
        )
        self.timezone = ZoneInfo(config.timezone)
        self._secret: bytes | None = None  # read at first use: a broken folder is a 503
        self.scorer = SpamScorer(config)
        self.proof = ProofOfWork(config)
        self.notifier = Notifier(config, self.queue)
        self.verifier = ThreadPoolExecutor(
            max_workers=config.webmention_workers, thread_name_prefix="webmention"
        )
        self.rights = Rights(config, self.queue, self.manifest, self.limiter)
        self.urls = Map(
            [
                Rule("/comments", endpoint="form", methods=["POST"]),
                Rule("/comments/token", endpoint="token", methods=["GET"]),
                Rule("/altcha/challenge", endpoint="challenge", methods=["GET"]),
                Rule("/api/comments", endpoint="api", methods=["POST"]),
                Rule("/webmention", endpoint="webmention", methods=["POST"]),
                Rule("/health", endpoint="health", methods=["GET", "HEAD"]),
                # The moderation page (moderation_web/): every path under it is its own.
                Rule(config.moderation_path, endpoint="moderation", defaults={"rest": ""}),
                Rule(f"{config.moderation_path}<path:rest>", endpoint="moderation"),
                # Commenters' rights (rights_web.py): every change is a POST.
                Rule(CONFIRM_PATH, endpoint="confirm", methods=["GET", "POST"]),
                Rule(UNSUBSCRIBE_PATH, endpoint="unsubscribe", methods=["GET", "POST"]),
                Rule(DELETE_REQUEST_PATH, endpoint="delete_request", methods=["GET", "POST"]),
                Rule(DELETE_PATH, endpoint="delete", methods=["GET", "POST"]),
            ]
        )
        self.moderation = ModerationSite(config, self.manifest)
        # The fediverse inbox (activitypub/inbox.py), at the addresses the actor names.
        self.inbox: Inbox | None = None
        if config.fediverse is not None:
            self.inbox = Inbox(self, config.fediverse)
            self.urls.add(Rule(self.inbox.inbox_path, endpoint="inbox", methods=["POST"]))
            self.urls.add(Rule(self.inbox.followers_path, endpoint="followers", methods=["GET"]))
        for leftover in self.queue.list("incoming"):
            self.verifier.submit(self.verify_mention, leftover)

    def prepare_queue(self) -> None:
        """Clean a crash's old leftovers; on a broken disk start anyway and say why."""
        try:
            self.queue.clean_temporary()
        except OSError as error:
            log.warning("could not clean %s/tmp: %s", self.config.queue_dir, error)
        problem = self.queue.problem()
        if problem:
            # Why start: a worker that cannot boot takes /health and every answer with it;
            # started, it answers 503 with a reason and recovers once the disk does.
            log.error(
                "starting degraded: %s (%s); comments get 503 until it can be written",
                problem,
                self.config.queue_dir,
            )

    # --- WSGI -------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI entry point."""
        request = Request(environ)
        request.max_content_length = self.config.max_request_bytes
        if self.inbox is not None and request.path == self.inbox.inbox_path:
            request.max_content_length = self.config.inbox_max_bytes
        request.max_form_memory_size = self.config.max_request_bytes
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:  # noqa: PLR0911 - one answer per case
        """Route a request; turn every refusal into a clear answer."""
        wants_json = (
            request.path.startswith("/api/")
            or request.is_json
            or (self.inbox is not None and request.path == self.inbox.inbox_path)
        )
        try:
            endpoint, values = self.urls.bind_to_environ(request.environ).match()
            return getattr(self, f"on_{endpoint}")(request, **values)
        except RequestRedirect as redirect:  # /moderation → /moderation/
            return redirect.get_response()
        except Refusal as refusal:
            log.info("refused %s %s: %s", request.method, request.path, refusal.reason)
            return self.refuse(refusal.reason, refusal.status, wants_json, request)
        except Unavailable as unavailable:
            log.warning("unavailable %s %s: %s", request.method, request.path, unavailable.reason)
            answer = self.refuse(unavailable.reason, 503, wants_json, request)
            answer.headers["Retry-After"] = str(unavailable.retry_after)
            return answer
        except RequestEntityTooLarge:
            reason = f"The request is too large (at most {self.config.max_request_bytes} bytes)."
            return self.refuse(reason, 413, wants_json, request)
        except MethodNotAllowed:
            return self.refuse(
                "This address does not accept that method.", 405, wants_json, request
            )
        except NotFound:
            return self.refuse("There is nothing at this address.", 404, wants_json, request)
        except HTTPException as error:
            return self.refuse(
                error.description or error.name, error.code or 400, wants_json, request
            )
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.path)
            return self.refuse(
                "Something went wrong on our side; please try again later.",
                500,
                wants_json,
                request,
            )

    def refuse(self, reason: str, status: int, wants_json: bool, request: Request) -> Response:
        """A refusal as JSON for scripts or as a small HTML page for people."""
        # Why: a redirect means "accepted" to the form's readers and to scripts.
        status = status if status >= 400 else 400
        if wants_json:
            return Response(
                json.dumps({"error": reason, "status": status}), status, mimetype="application/json"
            )
        back = request.headers.get("Referer", "")
        link = (
            f'<p><a href="{escape(back)}">Back to the page</a></p>'
            if back.startswith("http")
            else ""
        )
        title = "Your comment was not sent" if status < 500 else "Sorry"
        page = PAGE.format(title=title, message=escape(reason), back=link)
        return Response(page, status, mimetype="text/html")

    # --- endpoints ---------------------------------------------------------------

    def client(self, request: Request) -> str:
        """Who is asking, for the rate limit: the peer, or a trusted proxy's X-Forwarded-For."""
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h]
        if self.config.trusted_proxies and len(hops) >= self.config.trusted_proxies:
            return hops[-self.config.trusted_proxies]
        return request.remote_addr or "unknown"

    def accept_comment(self, request: Request, fields: dict[str, str]) -> Submission:
        """Guard, check and queue a comment from the form or from JSON (origin checked before)."""
        check_honeypot(fields)
        client = self.client(request)
        checked = check_comment(fields, self.manifest, self.config, self.queue.holds)
        sent = check_token(
            self.secret,
            fields.get(TOKEN_FIELD, ""),
            self.config.form_token_min_seconds,
            self.config.form_token_max_age,
        )
        if self.config.altcha:
            worked = self.proof.check(self.secret, fields.get(ALTCHA_FIELD, ""))
            sent.score += worked.score
            sent.signals += worked.signals
        contact = check_contact(fields, self.config)  # the optional email (rights_web.py)
        # Why after the checks: the limit guards the queue and the moderator's time, and a
        # refused comment costs neither; a reader who forgot a field corrects it and sends
        # again without being locked out. Floods of bad requests are the proxy's to limit.
        if not self.limiter.take(client):
            raise Refusal("You are sending comments too fast; please wait a minute.", 429)
        now = datetime.now(self.timezone)
        submission = Submission(
            id=new_id(now),
            item=checked.target.slug,
            author=checked.author,
            body=checked.body,
            date=now.isoformat(timespec="seconds"),
            website=checked.website,
            reply_to=checked.reply_to,
            client=client,
        )
        try:
            verdict = self.scorer.score(submission.id, submission.body, submission.website, sent)
            submission.extra["spam"] = verdict.as_extra()
            self.rights.identify(submission, contact)  # extra["email_hash"], never the address
            folder = self.rights.folder_for(submission)  # a banned author's goes to rejected/
        except (Unavailable, OSError, sqlite3.Error) as error:
            self.limiter.give_back(client)  # the state folder failed: nothing was stored
            if isinstance(error, Unavailable):
                raise
            raise Unavailable(STATE_AWAY, RETRY_AFTER) from error
        if folder == "pending" and self.scorer.rejects(verdict):
            # Why keep it: a moderator can still find and approve a false positive.
            folder, submission.reason = "rejected", f"spam (score {verdict.score})"
        self.store(submission, folder, client)  # on disk before we answer
        log.info("queued comment %s on %s in %s", submission.id, submission.item, folder)
        if folder == "pending":
            self.rights.after_queued(submission, contact)
            if self.rights.may_skip_queue(submission):
                self.approve_trusted(submission)
            else:
                self.notifier.poke()
        return submission

    @property
    def secret(self) -> bytes:
        """The service's key (secret.py), read once; Unavailable while its folder fails."""
        if self._secret is None:
            try:
                self._secret = service_secret(self.config.state_dir)
            except (OSError, ValueError) as error:
                log.error("cannot read the secret in %s: %s", self.config.state_dir, error)
                raise Unavailable(STATE_AWAY, RETRY_AFTER) from error
        return self._secret

    def approve_trusted(self, submission: Submission) -> None:
        """Approve a trusted author's comment at once, through the moderators' approval."""
        [outcome] = approve(self.config, [submission.id])
        log.info("trusted author's comment %s: %s", submission.id, outcome.message)
        if not outcome.ok:
            self.notifier.poke()  # it waits like any other

    def status_of(self, submission: Submission) -> str:
        """What to tell the author: "approved" (published at the next build) or "pending"."""
        return "approved" if self.queue.has(submission.id, "approved") else "pending"

    def store(self, submission: Submission, folder: str, client: str) -> None:
        """Queue a submission the limit has counted; uncount it when it cannot be stored."""
        try:
            self.queue.put(submission, folder)
        except BaseException:
            self.limiter.give_back(client)  # only accepted submissions count
            raise

    def on_form(self, request: Request) -> Response:
        """The HTML form: 303 back to the page with a 'awaiting moderation' notice.

        Only an accepted comment answers 303 (every refusal is a 4xx or a 503); its
        Location and X-Comment-Id name the new comment, so a client can find it.
        """
        check_form_origin(request.headers, self.config)
        submission = self.accept_comment(request, request.form.to_dict())
        target = self.manifest.item(submission.item)
        assert target is not None
        base = (self.manifest.site_url or self.config.site_url).rstrip("/")
        status = self.status_of(submission)
        location = f"{base}{target.url}?comment={status}&id={submission.id}#comment-{status}"
        return Response("", 303, headers={"Location": location, "X-Comment-Id": submission.id})

    def on_api(self, request: Request) -> Response:
        """The same as JSON: 202 with the new comment's id."""
        check_api_origin(request.headers, self.config)
        submission = self.accept_comment(request, read_fields(request.get_data(as_text=True)))
        return Response(
            json.dumps({"id": submission.id, "status": self.status_of(submission)}),
            202,
            mimetype="application/json",
            headers={"X-Comment-Id": submission.id},
        )

    def on_webmention(self, request: Request) -> Response:
        """A Webmention: checked, stored as incoming, 202 at once, verified later."""
        source = request.form.get("source", "").strip()
        target = request.form.get("target", "").strip()
        item = check_request(source, target, self.manifest, self.config)
        # Counted once accepted, like a comment (see accept_comment).
        client = self.client(request)
        if not self.limiter.take(client):
            raise Refusal("Too many mentions from this address; please wait a minute.", 429)
        now = datetime.now(self.timezone)
        submission = Submission(
            id=new_id(now),
            item=item.slug,
            author="",
            body="",
            date=now.isoformat("T", "seconds"),
            reply_to=_answered_comment(target, item.comment_ids),
            source="webmention",
            source_url=source,
            target_url=target,
            client=client,
        )
        self.store(submission, "incoming", client)  # kept even if we crash before verifying
        self.verifier.submit(self.verify_mention, submission)
        return Response(
            "Accepted: the mention will be verified, then moderated.\n", 202, mimetype="text/plain"
        )

    def verify_mention(self, submission: Submission) -> None:
        """In the background: verified mentions go to pending (replacing an earlier one
        from the same source for the same target), the gone or unlinked ones are deleted,
        and those whose source cannot be reached now are tried again at the next start.
        """
        try:
            mention = verify(submission.source_url, submission.target_url, self.config)
        except Gone as gone:
            self.drop_mention(submission, gone.reason)
            return
        except Unreachable as unreachable:
            self.retry_later(submission, unreachable.reason)
            return
        except Refusal as refusal:
            submission.reason = f"verification failed: {refusal.reason}"
            self.queue.move(submission, "incoming", "rejected")
            log.info("mention %s rejected: %s", submission.id, refusal.reason)
            return
        except Exception:
            log.exception("verifying mention %s failed", submission.id)
            return  # stays in incoming/, tried again at the next start
        submission.author = mention.author
        submission.website = mention.author_url
        submission.body = mention.text or f"Mentioned on {submission.source_url}"
        submission.mention_type = mention.mention_type
        submission.photo_url = mention.author_photo
        submission.reason = ""
        earlier = self.queue.mentions_of(submission.source_url, submission.target_url)
        if earlier:
            # An update (W3C Webmention 3.2.3): the one pending entry of this source and
            # target takes the new content and keeps its id and date.
            first = earlier[0]
            incoming_id = submission.id
            submission.id, submission.date = first.id, first.date
            self.queue.put(submission, "pending")
            self.queue.remove(incoming_id, "incoming")
            for duplicate in earlier[1:]:
                self.queue.remove(duplicate.id, "pending")
            log.info("mention %s updated by %s", first.id, incoming_id)
            return
        self.queue.move(submission, "incoming", "pending")
        self.notifier.poke()
        log.info("mention %s verified and queued as a %s", submission.id, submission.mention_type)

    def drop_mention(self, submission: Submission, reason: str) -> None:
        """The source is gone or no longer links here: reject it and what it had queued."""
        submission.reason = f"verification failed: {reason}"
        for earlier in self.queue.mentions_of(submission.source_url, submission.target_url):
            earlier.reason = f"deleted: {reason} (an update from the source said so)"
            self.queue.move(earlier, "pending", "rejected")
            log.info("mention %s deleted: %s", earlier.id, reason)
        self.queue.move(submission, "incoming", "rejected")
        # Why not the published file: only an approval writes into content/; the
        # moderator's `invoke comments.verify` removes a published mention that is gone.
        log.info("mention %s rejected: %s", submission.id, reason)

    def retry_later(self, submission: Submission, reason: str) -> None:
        """Keep a mention whose source cannot be read now; after a few tries, give up."""
        submission.attempts += 1
        if submission.attempts >= MAX_ATTEMPTS:
            submission.reason = (
                f"verification failed {submission.attempts} times, the last: {reason}"
            )
            self.queue.move(submission, "incoming", "rejected")
            log.info("mention %s rejected: %s", submission.id, submission.reason)
            return
        submission.reason = f"could not check yet: {reason}; tried again at the next start"
        self.queue.put(submission, "incoming")
        log.info("mention %s kept for later: %s", submission.id, reason)

    def on_inbox(self, request: Request) -> Response:
        """An activity from the fediverse (activitypub/inbox.py)."""
        assert self.inbox is not None
        return self.inbox.on_inbox(request, self.client(request))

    def on_followers(self, request: Request) -> Response:
        """The hub's followers collection: a count."""
        assert self.inbox is not None
        return self.inbox.on_followers(request)

    def on_moderation(self, request: Request, rest: str) -> Response:
        """The moderation page and its actions (logged-in moderators only)."""
        return self.moderation.handle(request, rest, self.client(request))

    def on_token(self, request: Request) -> Response:
        """A fresh form token for the comment form's script (readable by the hub's pages)."""
        body = json.dumps({"token": make_token(self.secret), "field": TOKEN_FIELD})
        answer = Response(body, 200, mimetype="application/json")
        answer.headers["Cache-Control"] = "no-store"
        origin = origin_of(request.headers)
        if origin in allowed_origins(self.config):
            # Why CORS: the pages are served from the site's origin, the service from its own.
            answer.headers["Access-Control-Allow-Origin"] = origin
            answer.headers["Vary"] = "Origin"
        return answer

    def on_confirm(self, request: Request) -> Response:
        """A reply-notification confirmation link (rights_web.py)."""
        return self.rights.on_confirm(request)

    def on_unsubscribe(self, request: Request) -> Response:
        """A one-click unsubscribe link (rights_web.py)."""
        return self.rights.on_unsubscribe(request)

    def on_delete_request(self, request: Request) -> Response:
        """The "delete my comments" form (rights_web.py)."""
        return self.rights.on_delete_request(request, self.client(request))

    def on_delete(self, request: Request) -> Response:
        """A "delete my comments" confirmation link (rights_web.py)."""
        return self.rights.on_delete(request)

    def on_challenge(self, request: Request) -> Response:
        """A fresh ALTCHA challenge for the comment form's widget (404 when ALTCHA is off)."""
        if not self.config.altcha:
            raise NotFound()
        answer = Response(json.dumps(self.proof.challenge(self.secret)), 200)
        answer.mimetype = "application/json"
        answer.headers["Cache-Control"] = "no-store"
        origin = origin_of(request.headers)
        if origin in allowed_origins(self.config):
            answer.headers["Access-Control-Allow-Origin"] = origin
            answer.headers["Vary"] = "Origin"
        return answer

    def on_health(self, request: Request) -> Response:
        """Liveness, whether the queue can be written now, and a glance at it."""
        problem = self.queue.problem()
        if problem:
            failing = json.dumps({"status": "unavailable", "reason": problem})
            headers = {"Retry-After": str(RETRY_AFTER)}
            return Response(failing, 503, headers=headers, mimetype="application/json")
        body = {"status": "ok", "pending": len(self.queue.ids()), "items": len(self.manifest)}
        return Response(json.dumps(body), 200, mimetype="application/json")

    def close(self) -> None:
        """Wait for background verifications (tests and shutdown)."""
        self.verifier.shutdown(wait=True)
        if self.inbox is not None:
            self.inbox.close()
        self.rights.close()
        self.limiter.close()
        self.moderation.close()
        self.notifier.stop()


def _answered_comment(target: str, comment_ids: frozenset[str]) -> str:
    """The comment a target's fragment names (``#comment-<id>``) when the item has it, else ""."""
    fragment = target.partition("#")[2]
    identifier = fragment.removeprefix("comment-")
    return identifier if fragment.startswith("comment-") and identifier in comment_ids else ""


def create_app(config: CommentsConfig) -> CommentService:
    """The WSGI app for a configuration."""
    return CommentService(config)
