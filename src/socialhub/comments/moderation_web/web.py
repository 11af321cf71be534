"""The moderation site's requests: login, the queue and its actions, bans, the audit log.

Every page needs a session (a page without one redirects to the login form, a POST
answers 403); every change is a POST with the session's CSRF token and an Origin of
this site; every answer carries no-store and a strict Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from html import escape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from werkzeug.wrappers import Request, Response

from socialhub.comments import moderation
from socialhub.comments.config import CommentsConfig
from socialhub.comments.files import comment_file
from socialhub.comments.identity import client_hash
from socialhub.comments.manifest import Manifest
from socialhub.comments.moderation_web.accounts import Accounts
from socialhub.comments.moderation_web.audit import Audit
from socialhub.comments.moderation_web.sessions import Session, Sessions
from socialhub.comments.moderation_web.templates import CSS, render
from socialhub.comments.names import BadName
from socialhub.comments.queue import Queue, Submission, new_id
from socialhub.comments.secret import derived_key, service_secret
from socialhub.comments.standing import Standing
from socialhub.headers import read_header
from socialhub.sanitize import render_comment

log = logging.getLogger("socialhub.comments.moderation_web")

COOKIE = "hub_moderation"
LOGIN_COOKIE = "hub_moderation_login"
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
ACTIONS = ("approve", "reject", "spam", "trust", "ban-author", "ban-address")


@dataclass
class Message:
    """A line shown at the top of the next page."""

    text: str
    bad: bool = False


class ModerationSite:
    """The pages under COMMENTS_MODERATION_PATH, for one worker."""

    def __init__(self, config: CommentsConfig, manifest: Manifest) -> None:
        self.config = config
        self.base = config.moderation_path
        self.manifest = manifest
        self.accounts = Accounts(config.state_dir)
        self.sessions = Sessions(
            config.state_dir, config.session_idle_seconds, config.session_max_seconds
        )
        self.audit = Audit(config.state_dir)
        self.standing = Standing(config.state_dir / "standing.sqlite3")
        self.timezone = ZoneInfo(config.timezone)

    # Why lazy: a worker that never serves the moderation page touches no state file.
    @cached_property
    def secret(self) -> bytes:
        """The service's key (made on first use)."""
        return service_secret(self.config.state_dir)

    @cached_property
    def login_key(self) -> bytes:
        """The key of the login form's token."""
        return derived_key(self.secret, "moderation-login")

    # --- the door ------------------------------------------------------------------

    def handle(self, request: Request, rest: str, client: str) -> Response:
        """Answer one request under the moderation path."""
        response = self.route(request, rest, client)
        response.headers.update(SECURITY_HEADERS)
        return response

    def route(self, request: Request, rest: str, client: str) -> Response:  # noqa: PLR0911
        """Which page: the stylesheet and the login are open, the rest needs a session."""
        if rest == "style.css" and request.method in ("GET", "HEAD"):
            return Response(CSS, 200, mimetype="text/css")
        if request.method == "POST" and not self.same_origin(request):
            return self.refuse(403, "This form was not sent from the moderation page.")
        if rest == "login":
            return self.on_login(request, client)
        session = self.sessions.get(request.cookies.get(COOKIE, ""))
        if session is not None and not self.accounts.exists(session.moderator):
            self.sessions.end_all(session.moderator)  # a removed moderator is out at once
            session = None
        if session is None:
            if request.method == "GET":
                return Response("", 303, headers={"Location": f"{self.base}login"})
            return self.refuse(401, "You are not logged in (or your session ended).")
        if request.method == "POST" and not session.csrf_matches(request.form.get("csrf", "")):
            return self.refuse(403, "The form's security token is missing or wrong: reload it.")
        pages = {
            ("GET", ""): self.on_queue,
            ("POST", "act"): self.on_act,
            ("GET", "reply"): self.on_reply_form,
            ("POST", "reply"): self.on_reply,
            ("GET", "bans"): self.on_bans,
            ("POST", "unban"): self.on_unban,
            ("GET", "audit"): self.on_audit,
            ("POST", "logout"): self.on_logout,
        }
        page = pages.get((request.method if request.method != "HEAD" else "GET", rest))
        if page is None:
            known = {path for _, path in pages}
            if rest in known:
                return self.refuse(405, "This address does not accept that method.")
            return self.refuse(404, "There is no such moderation page.")
        return page(request, session, client)

    def same_origin(self, request: Request) -> bool:
        """Whether a POST comes from a page of this service (Origin, or else Referer)."""
        origin = request.headers.get("Origin") or request.headers.get("Referer", "")
        if not origin:
            return False
        parts = urlsplit(origin)
        scheme = self.scheme(request)
        return f"{parts.scheme}://{parts.netloc}" == f"{scheme}://{request.host}"

    def scheme(self, request: Request) -> str:
        """http or https as the moderator's browser sees it (the trusted proxy says so)."""
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if self.config.trusted_proxies and forwarded in ("http", "https"):
            return forwarded
        return request.scheme

    def refuse(self, status: int, reason: str) -> Response:
        """A refusal as a small page naming what to do."""
        page = render("base", title="Not allowed", base=self.base, moderator="", messages=[])
        page = page.replace("</h1>", f"</h1><p>{escape(reason)}</p>", 1)
        return Response(page, status, mimetype="text/html")

    def page(self, name: str, session: Session | None, **context: Any) -> Response:
        """A page of the site, with the messages carried over from the last action."""
        html = render(
            name,
            base=self.base,
            moderator=session.moderator if session else "",
            csrf=session.csrf if session else "",
            **context,
        )
        return Response(html, 200, mimetype="text/html")

    def back(self, to: str, messages: list[Message]) -> Response:
        """303 to a page, with what happened in a short-lived cookie (no-JS friendly)."""
        response = Response("", 303, headers={"Location": f"{self.base}{to}"})
        # Why a cookie and not the URL: a reload must not show it again, nor a link leak it.
        text = "\n".join(("!" if m.bad else "") + m.text for m in messages)[:3000]
        response.set_cookie(
            "hub_moderation_said", text, path=self.base, httponly=True, samesite="Strict"
        )
        return response

    @staticmethod
    def said(request: Request, response_messages: list[Message]) -> None:
        """Read the previous action's messages."""
        for line in request.cookies.get("hub_moderation_said", "").split("\n"):
            if line:
                response_messages.append(Message(line.lstrip("!"), line.startswith("!")))

    # --- login and logout -------------------------------------------------------------

    def login_token(self, nonce: str) -> str:
        """The login form's CSRF token: bound to the browser's login cookie."""
        return hmac.new(self.login_key, nonce.encode(), hashlib.sha256).hexdigest()

    def on_login(self, request: Request, client: str) -> Response:
        """GET: the form; POST: check the password, with lockout and a per-client limit."""
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        if request.method not in ("GET", "HEAD", "POST"):
            return self.refuse(405, "This address does not accept that method.")
        if request.method != "POST":
            return self.login_form(request, nonce, [])
        token = request.form.get("csrf", "")
        if not nonce or not hmac.compare_digest(self.login_token(nonce), token):
            return self.login_form(request, "", [Message("The form had expired; try again.", True)])
        name = request.form.get("name", "").strip()[:40]
        password = request.form.get("password", "")[:1024]
        window = self.config.login_lockout_seconds
        who = client_hash(self.secret, client)
        for key, limit in (
            (f"account:{name}", self.config.login_max_failures),
            (f"client:{who}", self.config.login_client_failures),
        ):
            wait = self.sessions.locked(key, limit, window)
            if wait:
                minutes = max(1, round(wait / 60))
                self.audit.record(name, "login refused: locked", [], who)
                message = Message(
                    f"Too many wrong passwords: logging in is locked for about {minutes} "
                    "minute(s). Ask another moderator to reset the password if needed.",
                    True,
                )
                return self.login_form(request, nonce, [message], 429)
        if not self.accounts.verify(name, password):
            self.sessions.failed(f"account:{name}", self.config.login_max_failures, window)
            self.sessions.failed(f"client:{who}", self.config.login_client_failures, window)
            self.audit.record(name, "login failed", [], who)
            return self.login_form(
                request, nonce, [Message("Wrong name or password.", True)], status=401
            )
        self.sessions.succeeded(f"account:{name}")
        session_id, _ = self.sessions.start(name)
        self.audit.record(name, "login", [], who)
        response = Response("", 303, headers={"Location": self.base})
        response.set_cookie(
            COOKIE,
            session_id,
            path=self.base,
            httponly=True,
            secure=self.scheme(request) == "https",
            samesite="Strict",
        )
        response.delete_cookie(LOGIN_COOKIE, path=self.base)
        return response

    def login_form(
        self, request: Request, nonce: str, messages: list[Message], status: int = 200
    ) -> Response:
        """The login form, with a fresh login cookie when the browser has none."""
        fresh = nonce or secrets.token_urlsafe(24)
        html = render(
            "login",
            title="Log in",
            base=self.base,
            moderator="",
            messages=messages,
            login_token=self.login_token(fresh),
        )
        response = Response(html, status, mimetype="text/html")
        if fresh != nonce:
            response.set_cookie(
                LOGIN_COOKIE,
                fresh,
                path=self.base,
                httponly=True,
                secure=self.scheme(request) == "https",
                samesite="Strict",
            )
        return response

    def on_logout(self, request: Request, session: Session, client: str) -> Response:
        """End the session for every worker."""
        self.sessions.end(session)
        self.audit.record(session.moderator, "logout", [], client_hash(self.secret, client))
        response = Response("", 303, headers={"Location": f"{self.base}login"})
        response.delete_cookie(COOKIE, path=self.base)
        return response

    # --- the queue ----------------------------------------------------------------------

    def on_queue(self, request: Request, session: Session, client: str) -> Response:
        """The pending queue, newest first, filtered."""
        queue = Queue(self.config.queue_dir)
        pending = sorted(queue.list(), key=lambda s: (s.date, s.id), reverse=True)
        filters = {
            "item": request.args.get("item", ""),
            "source": request.args.get("source", ""),
            "links": request.args.get("links") == "yes",
            "flagged": request.args.get("flagged") == "yes",
        }
        entries = [self.entry(queue, submission) for submission in pending]
        shown = [entry for entry in entries if _passes(entry, filters)]
        messages: list[Message] = []
        self.said(request, messages)
        response = self.page(
            "queue",
            session,
            title="Waiting for moderation",
            messages=messages,
            entries=shown,
            total=len(entries),
            filters=filters,
            items=sorted({s.item for s in pending}),
            sources=sorted({s.source for s in pending} | {"form", "webmention", "fediverse"}),
        )
        response.delete_cookie("hub_moderation_said", path=self.base)
        return response

    def entry(self, queue: Queue, submission: Submission) -> dict[str, Any]:
        """What the page shows of one submission: the body as the site will show it."""
        target = self.manifest.item(submission.item)
        site = (self.manifest.site_url or self.config.site_url).rstrip("/")
        html = render_comment(submission.body)
        spam = submission.extra.get("spam")
        spam = spam if isinstance(spam, dict) else None
        signals = spam.get("signals") if spam else None
        if spam is not None:
            spam = {
                "score": spam.get("score", 0),
                "likely": spam.get("likely") is True,
                "signals": [str(s) for s in signals] if isinstance(signals, list) else [],
            }
        return {
            "s": submission,
            "html": html,
            "links": "<a " in html or bool(submission.source_url),
            "spam": spam,
            "flagged": bool(spam and spam["likely"]),
            "source": submission.source
            + (f" ({submission.mention_type})" if submission.mention_type else ""),
            "client": client_hash(self.secret, submission.client),
            # Why checked again: a queue file is outside data; only web addresses are links.
            "website_link": _web_address(submission.website),
            "source_link": _web_address(submission.source_url),
            "item_url": f"{site}{target.url}" if target else f"{site}/",
            "item_title": getattr(target, "title", "") or submission.item,
            "context": self.context(queue, submission),
            "origin": _fediverse_origin(submission),
        }

    def context(self, queue: Queue, submission: Submission) -> dict[str, Any] | None:
        """The comment a reply answers: published, or still waiting."""
        if not submission.reply_to:
            return None
        try:
            path = comment_file(self.config.content_dir, submission.item, submission.reply_to)
        except BadName:
            return None
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
            author = read_header(path).get("author", "")
            return {"author": author, "html": render_comment(body), "waiting": False}
        try:
            parent = queue.get(submission.reply_to)
        except ValueError:
            parent = None
        if parent is None:
            return None
        return {"author": parent.author, "html": render_comment(parent.body), "waiting": True}

    def on_act(self, request: Request, session: Session, client: str) -> Response:
        """One action on one comment (its own button) or on every checked one."""
        action, _, one = request.form.get("do", "").partition(" ")
        ids = [one] if one else request.form.getlist("id")
        if action not in ACTIONS:
            return self.back("", [Message("Choose an action.", True)])
        if not ids:
            return self.back("", [Message("Select at least one comment first.", True)])
        messages = self.act(action, ids[:500], session.moderator)
        self.audit.record(
            session.moderator,
            action,
            ids[:500],
            client_hash(self.secret, client),
            "; ".join(m.text for m in messages)[:2000],
        )
        return self.back("", messages)

    def act(self, action: str, ids: list[str], moderator: str) -> list[Message]:
        """Do an action; one message per comment."""
        queue = Queue(self.config.queue_dir)
        found = {i: _pending(queue, i) for i in ids}
        notes: list[Message] = []
        if action in ("ban-author", "ban-address", "spam", "trust"):
            for submission in found.values():
                if submission is not None:
                    notes.extend(self.standing_change(action, submission, moderator))
        if action in ("ban-author", "ban-address"):
            return notes  # a ban leaves the comment waiting: reject it too, or not
        if action in ("approve", "trust"):
            outcomes = moderation.approve(self.config, ids, moderator)
        else:
            reason = "spam" if action == "spam" else f"rejected by {moderator}"
            outcomes = moderation.reject(self.config, ids, reason)
        return notes + [Message(f"{o.id}: {o.message}", not o.ok) for o in outcomes]

    def standing_change(  # noqa: PLR0911 - one answer per kind of change
        self, action: str, submission: Submission, moderator: str
    ) -> list[Message]:
        """Trust, distrust or ban the author of a submission."""
        email = submission.extra.get("email_hash", "")
        email = email if isinstance(email, str) else ""
        note = f"{submission.id}, by {moderator}"
        if action == "trust":
            if not email:
                return [Message(f"{submission.id}: no email address, so nobody to trust", True)]
            self.standing.trust(email)
            return [Message(f"{submission.id}: {submission.author} is trusted from now on")]
        if action == "spam":
            if email:
                self.standing.distrust(email)
            return []
        if action == "ban-author":
            self.standing.ban("author", submission.author, note)
            return [Message(f"{submission.id}: the name {submission.author!r} is banned")]
        origin = _fediverse_origin(submission)
        if origin is not None and origin["actor"]:
            # Why the actor, not the client: a fediverse reply's client is the sender's
            # whole server, shared by every account on it.
            self.standing.ban("author", origin["actor"], note)
            return [Message(f"{submission.id}: the fediverse actor {origin['actor']} is banned")]
        done = []
        client = client_hash(self.secret, submission.client)
        if client:
            self.standing.ban("client", client, note)
            done.append("client address")
        if email:
            self.standing.distrust(email)
            self.standing.ban("email", email, note)
            done.append("email address")
        if not done:
            return [Message(f"{submission.id}: no address is known to ban", True)]
        return [Message(f"{submission.id}: banned the {' and '.join(done)} of {submission.author}")]

    # --- reply as the company -------------------------------------------------------------

    def on_reply_form(self, request: Request, session: Session, client: str) -> Response:
        """The form to answer one comment as the company."""
        parent, waiting = self.parent(request.args.get("to", ""))
        if parent is None:
            return self.back("", [Message("There is no such comment to answer.", True)])
        return self.page(
            "reply",
            session,
            title=f"Reply to {parent.author}",
            messages=[],
            parent=parent,
            parent_html=render_comment(parent.body),
            waiting=waiting,
            staff_author=self.config.staff_author,
            max_chars=self.config.max_body_chars,
        )

    def parent(self, identifier: str) -> tuple[Submission | None, bool]:
        """The comment answered: a waiting one (True) or an approved one (False)."""
        queue = Queue(self.config.queue_dir)
        waiting = _pending(queue, identifier)
        if waiting is not None:
            return waiting, True
        try:
            approved = queue.get(identifier, "approved")
        except ValueError:
            return None, False
        return approved, False

    def on_reply(self, request: Request, session: Session, client: str) -> Response:
        """Queue the staff reply and approve it at once (and what it answers, if waiting)."""
        parent, waiting = self.parent(request.form.get("to", ""))
        body = request.form.get("body", "").replace("\r\n", "\n").strip()
        if parent is None or parent.source != "form":
            return self.back("", [Message("There is no such comment to answer.", True)])
        if not body or len(body) > self.config.max_body_chars:
            limit = self.config.max_body_chars
            return self.back("", [Message(f"A reply needs 1 to {limit} characters.", True)])
        now = datetime.now(self.timezone)
        reply = Submission(
            id=new_id(now),
            item=parent.item,
            author=self.config.staff_author,
            body=body,
            date=now.isoformat(timespec="seconds"),
            reply_to=parent.id,
            extra={"staff": True, "moderator": session.moderator},
        )
        Queue(self.config.queue_dir).put(reply, "pending")
        ids = [parent.id, reply.id] if waiting else [reply.id]
        outcomes = moderation.approve(self.config, ids, session.moderator)
        messages = [Message(f"{o.id}: {o.message}", not o.ok) for o in outcomes]
        self.audit.record(
            session.moderator,
            "staff reply",
            ids,
            client_hash(self.secret, client),
            "; ".join(m.text for m in messages)[:2000],
        )
        return self.back("", messages)

    # --- bans and the audit log -----------------------------------------------------------

    def on_bans(self, request: Request, session: Session, client: str) -> Response:
        """Every ban, with a button to lift it."""
        bans = [
            (kind, value, note, _when(since)) for kind, value, note, since in self.standing.bans()
        ]
        messages: list[Message] = []
        self.said(request, messages)
        response = self.page("bans", session, title="Bans", messages=messages, bans=bans)
        response.delete_cookie("hub_moderation_said", path=self.base)
        return response

    def on_unban(self, request: Request, session: Session, client: str) -> Response:
        """Lift one ban."""
        kind, value = request.form.get("kind", ""), request.form.get("value", "")
        try:
            self.standing.unban(kind, value)
        except ValueError as error:
            return self.back("bans", [Message(f"Not lifted: {error}", True)])
        self.audit.record(
            session.moderator, f"lift ban ({kind})", [], client_hash(self.secret, client), value
        )
        return self.back("bans", [Message(f"The ban on {kind} {value} is lifted.")])

    def on_audit(self, request: Request, session: Session, client: str) -> Response:
        """The last actions, newest first."""
        return self.page(
            "audit", session, title="Audit log", messages=[], entries=self.audit.latest()
        )

    def close(self) -> None:
        """Close the stores (a worker shutting down)."""
        self.sessions.close()
        self.standing.close()


def _pending(queue: Queue, identifier: str) -> Submission | None:
    try:
        return queue.get(identifier)
    except ValueError:
        return None


def _web_address(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _passes(entry: dict[str, Any], filters: dict[str, Any]) -> bool:
    submission: Submission = entry["s"]
    if filters["item"] and submission.item != filters["item"]:
        return False
    if filters["source"] and submission.source != filters["source"]:
        return False
    if filters["links"] and not entry["links"]:
        return False
    return not (filters["flagged"] and not entry["flagged"])


def _when(since: float) -> str:
    return datetime.fromtimestamp(since, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _fediverse_origin(submission: Submission) -> dict[str, Any] | None:
    """A fediverse reply's server, actor and note, each a link only if a web address."""
    origin = submission.extra.get("fediverse")
    if submission.source != "fediverse" or not isinstance(origin, dict):
        return None
    actor = str(origin.get("actor", ""))
    note = str(origin.get("note_url") or submission.source_url)
    return {
        "server": str(origin.get("server", "")),
        "actor": actor,
        "actor_link": _web_address(actor),
        "note": note,
        "note_link": _web_address(note),
    }
