"""The moderation page's doors: sessions, CSRF, Origin, lockout, cookie flags, escaping."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from moderation_helpers import BASE, NAME, ORIGIN, PASSWORD, csrf, login, queue_comment
from test_doors import HTML_NAMES
from werkzeug.test import Client

from socialhub.comments.app import CommentService, create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.moderation_web import sessions as sessions_module
from socialhub.comments.moderation_web.accounts import Accounts
from socialhub.comments.moderation_web.audit import Audit
from socialhub.comments.queue import Queue

PAGES = ["", "bans", "audit", "reply?to=c-20261124-0001", "nothing-here"]
POSTS = ["act", "reply", "unban", "logout"]


@pytest.fixture
def moderated(config: CommentsConfig, tmp_path: Path) -> CommentsConfig:
    """The test configuration with a state folder and one moderator."""
    moderated = replace(config, state_dir=tmp_path / "state")
    Accounts(moderated.state_dir).add(NAME, PASSWORD)
    return moderated


@pytest.fixture
def open_service(moderated: CommentsConfig) -> Iterator[Callable[..., CommentService]]:
    """Services with settings changed, each closed after the test."""
    made: list[CommentService] = []

    def make(**changes: object) -> CommentService:
        service = create_app(replace(moderated, **changes))  # type: ignore[arg-type]
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture
def web(open_service: Callable[..., CommentService]) -> Client:
    """A browser-like client of the service."""
    return Client(open_service())


def test_every_page_without_a_session_is_refused(web: Client, moderated: CommentsConfig) -> None:
    queue_comment(moderated.queue_dir, "c-20261124-0001")
    for page in PAGES:
        answer = web.get(f"{BASE}{page}")
        assert answer.status_code == 303, page
        assert answer.headers["Location"].endswith(f"{BASE}login")
        assert answer.headers["Cache-Control"] == "no-store"
    for page in POSTS:
        answer = web.post(
            f"{BASE}{page}", data={"do": "approve c-20261124-0001", "csrf": "x"}, headers=ORIGIN
        )
        assert answer.status_code == 401, page
    # Nothing was approved on the way.
    assert Queue(moderated.queue_dir).ids() == {"c-20261124-0001"}
    assert not (moderated.content_dir / "comments").exists()


def test_login_opens_the_queue_with_strict_headers(web: Client) -> None:
    answer = login(web)
    assert answer.status_code == 303
    page = web.get(BASE)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.h1 is not None and soup.h1.get_text() == "Waiting for moderation"
    # No third-party request: every stylesheet, script and image is our own.
    for tag in soup.select("link[href], script[src], img[src]"):
        assert str(tag.get("href") or tag.get("src")).startswith(BASE)


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(
    web: Client, moderated: CommentsConfig
) -> None:
    queue_comment(moderated.queue_dir, "c-20261124-0001")
    login(web)
    token = csrf(web)
    for data in ({}, {"csrf": ""}, {"csrf": token[:-1] + "x"}, {"csrf": "a" * 500}):
        answer = web.post(
            f"{BASE}act", data={"do": "approve c-20261124-0001", **data}, headers=ORIGIN
        )
        assert answer.status_code == 403, data
    # The right token from another site: the Origin is refused first.
    for origin in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {}):
        answer = web.post(
            f"{BASE}act", data={"do": "approve c-20261124-0001", "csrf": token}, headers=origin
        )
        assert answer.status_code == 403, origin
    assert Queue(moderated.queue_dir).ids() == {"c-20261124-0001"}
    answer = web.post(
        f"{BASE}act", data={"do": "approve c-20261124-0001", "csrf": token}, headers=ORIGIN
    )
    assert answer.status_code == 303
    assert (moderated.content_dir / "comments" / "first-post" / "c-20261124-0001.md").is_file()


def test_a_get_changes_nothing(web: Client, moderated: CommentsConfig) -> None:
    queue_comment(moderated.queue_dir, "c-20261124-0001")
    login(web)
    token = csrf(web)
    answer = web.get(f"{BASE}act?do=approve+c-20261124-0001&csrf={token}")
    assert answer.status_code == 405
    assert Queue(moderated.queue_dir).ids() == {"c-20261124-0001"}


def test_the_login_form_needs_its_token_and_our_origin(web: Client) -> None:
    web.get(f"{BASE}login")
    no_token = web.post(f"{BASE}login", data={"name": NAME, "password": PASSWORD}, headers=ORIGIN)
    assert no_token.status_code == 200 and "expired" in no_token.get_data(as_text=True)
    cross_site = login(web, Origin="https://evil.example")
    assert cross_site.status_code == 403
    assert web.get(BASE).status_code == 303


def test_ten_wrong_passwords_lock_the_account(
    web: Client, moderated: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(moderated.login_max_failures):
        assert login(web, password="wrong password!").status_code == 401
    # Locked, whoever asks: the right password from another client is refused too.
    other = Client(web.application)
    refused = login(other, environ_base={"REMOTE_ADDR": "198.51.100.9"})  # type: ignore[arg-type]
    assert refused.status_code == 429
    assert "locked" in refused.get_data(as_text=True)
    assert other.get(BASE).status_code == 303
    # After the lockout, the right password opens the page again.
    later = time.time() + moderated.login_lockout_seconds + 1
    monkeypatch.setattr(sessions_module.time, "time", lambda: later)
    assert login(other).status_code == 303
    assert other.get(BASE).status_code == 200
    entries = [entry["action"] for entry in Audit(moderated.state_dir).latest()]
    assert entries.count("login failed") == moderated.login_max_failures
    assert "login refused: locked" in entries and entries[0] == "login"


def test_one_client_guessing_many_names_is_stopped(
    open_service: Callable[..., CommentService],
) -> None:
    web = Client(open_service(login_client_failures=3))
    for name in ("ann", "bob", "cid"):
        assert login(web, name=name, password="wrong password!").status_code == 401
    assert login(web).status_code == 429  # the right name and password, from that client


def test_session_cookie_flags(open_service: Callable[..., CommentService]) -> None:
    plain = Client(open_service())
    cookie = login(plain).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and f"Path={BASE}" in cookie
    assert "Secure" not in cookie
    # Behind the trusted proxy, a request that came over HTTPS gets a Secure cookie.
    proxied = Client(open_service(trusted_proxies=1))
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    form = proxied.get(f"{BASE}login", headers=https)
    assert "Secure" in form.headers["Set-Cookie"]
    token = BeautifulSoup(form.get_data(as_text=True), "html.parser").select_one("input[name=csrf]")
    assert token is not None
    answer = proxied.post(
        f"{BASE}login",
        data={"csrf": token["value"], "name": NAME, "password": PASSWORD},
        headers={**https, "Origin": "https://localhost"},
    )
    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The same proxy header from an untrusted peer does not count.
    assert (
        "Secure"
        not in Client(open_service()).get(f"{BASE}login", headers=https).headers["Set-Cookie"]
    )


def test_a_logged_out_or_expired_session_is_refused(
    web: Client, moderated: CommentsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    login(web)
    session = web.get_cookie("hub_moderation", path=BASE)
    assert session is not None
    answer = web.post(f"{BASE}logout", data={"csrf": csrf(web)}, headers=ORIGIN)
    assert answer.status_code == 303
    # The old cookie, sent again (as a copy of it would be), opens nothing.
    web.set_cookie("hub_moderation", session.value, path=BASE)
    assert web.get(BASE).status_code == 303
    # Idle too long: refused.
    login(web)
    assert web.get(BASE).status_code == 200
    later = time.time() + moderated.session_idle_seconds + 1
    monkeypatch.setattr(sessions_module.time, "time", lambda: later)
    assert web.get(BASE).status_code == 303


def test_an_active_session_still_ends_at_its_absolute_expiry(
    open_service: Callable[..., CommentService], monkeypatch: pytest.MonkeyPatch
) -> None:
    web = Client(open_service(session_idle_seconds=600, session_max_seconds=1000))
    start = time.time()
    login(web)
    for step in (500, 900):  # used every few minutes, never idle for long
        monkeypatch.setattr(sessions_module.time, "time", lambda step=step: start + step)
        assert web.get(BASE).status_code == 200
    monkeypatch.setattr(sessions_module.time, "time", lambda: start + 1001)
    assert web.get(BASE).status_code == 303


def test_a_removed_moderator_is_out_at_once(web: Client, moderated: CommentsConfig) -> None:
    login(web)
    assert web.get(BASE).status_code == 200
    Accounts(moderated.state_dir).remove(NAME)
    assert web.get(BASE).status_code == 303


def test_payloads_render_as_text_in_the_moderation_page(
    web: Client, moderated: CommentsConfig
) -> None:
    for number, payload in enumerate(HTML_NAMES):
        queue_comment(
            moderated.queue_dir,
            f"c-20261124-{number:04d}",
            author=payload,
            body=f"{payload}\n\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>",
            website=f"https://a.example/?q={payload}" if number % 2 else "javascript:alert(1)",
            extra={"spam": {"score": 9, "likely": True, "signals": [payload]}},
        )
    login(web)
    html = web.get(BASE).get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("script, iframe, svg, img, b, h1 ~ h1, object, style")
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            assert not attribute.startswith("on"), tag
            if attribute in ("href", "src", "action"):
                assert str(value).startswith(("https://", "http://", BASE, "#")), tag
    labels = [label.get_text() for label in soup.select("article.entry h3 label")]
    assert sorted(labels) == sorted(HTML_NAMES)  # each name shown exactly as typed
    signals = " ".join(li.get_text() for li in soup.select("li.signals"))
    for payload in HTML_NAMES:
        assert payload in signals


def test_the_audit_log_records_each_action(web: Client, moderated: CommentsConfig) -> None:
    for number in range(1, 5):
        queue_comment(
            moderated.queue_dir, f"c-20261124-000{number}", extra={"email_hash": "ab" * 32}
        )
    login(web)
    token = csrf(web)
    for do in (
        "approve c-20261124-0001",
        "reject c-20261124-0002",
        "spam c-20261124-0003",
        "ban-author c-20261124-0004",
    ):
        assert (
            web.post(f"{BASE}act", data={"do": do, "csrf": token}, headers=ORIGIN).status_code
            == 303
        )
    entries = Audit(moderated.state_dir).latest()
    actions = [(e["action"], e["ids"], e["moderator"]) for e in entries if e["ids"]]
    assert actions == [
        ("ban-author", ["c-20261124-0004"], NAME),
        ("spam", ["c-20261124-0003"], NAME),
        ("reject", ["c-20261124-0002"], NAME),
        ("approve", ["c-20261124-0001"], NAME),
    ]
    assert all(len(e["client"]) == 16 and "127.0.0.1" not in e["client"] for e in entries)
    shown = BeautifulSoup(web.get(f"{BASE}audit").get_data(as_text=True), "html.parser")
    rows = [[td.get_text() for td in tr.select("td")] for tr in shown.select("tbody tr")]
    assert ["c-20261124-0003" in row[3] and row[2] == "spam" for row in rows].count(True) == 1
