"""Done when: a moderator approves a comment in Chromium and the next publish shows it.

The real pieces: the moderator is made with `invoke comments.add-moderator`, the
site is published with `invoke publish` (as the scheduled publish runs it) into a
folder served on loopback, the comment is posted through that page's form to the
comment service under waitress, and approved in the moderation page, with a staff
reply whose badge the next publish shows.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from rights_helpers import mailbox  # noqa: F401 - the SMTP server, a fixture
from waitress.server import create_server

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig, manifest_location

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "data" / "sites" / "minimal" / "content"
NAME, PASSWORD = "mona", "a long moderator password"
WAIT = 60_000  # ms: generous, the machine is shared


class Quiet(SimpleHTTPRequestHandler):
    """The published folder, without a log line per request."""

    def log_message(self, *args: object) -> None:
        return


QUENTIN = "quentin@readers.example"


def _text(message: Any) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def _invoke(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def hub(tmp_path: Path, mailbox: tuple[Any, int]) -> Iterator[dict[str, Any]]:  # noqa: F811
    """A published copy of the minimal site, its comment service, and how to publish again."""
    yield from _hub(tmp_path, *mailbox)


def _hub(tmp_path: Path, box: Any, mail_port: int) -> Iterator[dict[str, Any]]:
    content = tmp_path / "checkout" / "content"
    shutil.copytree(MINIMAL, content)
    www = tmp_path / "www"
    www.mkdir()
    site = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(www)))
    threading.Thread(target=site.serve_forever, daemon=True).start()
    site_url = f"http://127.0.0.1:{site.server_address[1]}"
    output = tmp_path / "output"
    state = tmp_path / "state"
    settings = tmp_path / "moderation.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *\n"
        f"PATH = {str(content)!r}\nCOMMENTS_STATE_DIR = {str(state)!r}\n",
        encoding="utf-8",
    )
    config = CommentsConfig(
        queue_dir=tmp_path / "queue",
        state_dir=state,
        content_dir=content,
        manifest_path=manifest_location({"OUTPUT_PATH": str(output)}),
        site_url=site_url,
        allowed_origins=(site_url,),
    )
    server = None
    service = None
    try:
        # The port first (the pages name the service), then the app (it reads the manifest).
        holder: dict[str, Any] = {}

        def app(environ: dict, start_response: Any) -> Any:
            return holder["app"](environ, start_response)

        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        service_url = f"http://127.0.0.1:{server.effective_port}"
        env = {
            "HUB_SITEURL": site_url,
            "HUB_COMMENT_SERVICE_URL": service_url,
            "HUB_PUBLISH_DESTINATION": str(www),
            "HUB_WEBMENTION_SENT_FILE": str(tmp_path / "sent.json"),
        }

        def publish() -> str:
            """What the scheduled publish runs (no Webmentions to the outside world)."""
            return _invoke(
                "publish",
                "--no-mentions",
                "--no-fediverse",
                "--content",
                str(content),
                "--output",
                str(output),
                env=env,
            )

        publish()
        # Email through a real SMTP server on loopback (the commenters' notifications).
        config = replace(
            config,
            smtp_host="127.0.0.1",
            smtp_port=mail_port,
            smtp_from="hub@lumen.example",
            service_url=service_url,
        )
        service = create_app(config)
        holder["app"] = service
        threading.Thread(target=server.run, daemon=True).start()
        yield {
            "site": site_url,
            "service": service_url,
            "publish": publish,
            "settings": settings,
            "www": www,
            "config": config,
            "mailbox": box,
        }
    finally:
        site.shutdown()
        site.server_close()
        if server is not None:
            server.close()
        if service is not None:
            service.close()


def _post_comment(page: Any, site: str, author: str, body: str, email: str = "") -> None:
    page.goto(f"{site}/posts/first-post/", timeout=WAIT)
    page.fill("#comment-author", author)
    page.fill("#comment-body", body)
    if email:  # and "email me when someone replies"
        page.fill("#comment-email", email)
        page.check("#comment-notify-replies")
    # A person takes a few seconds to write: the form's token refuses a post sent at once.
    page.wait_for_function(
        "document.querySelector('[name=form_token]').value.length > 20", timeout=WAIT
    )
    time.sleep(3.5)
    with page.expect_navigation(timeout=WAIT):
        page.click("#comment-form button[type=submit]")
    assert "comment=pending" in page.url


def _moderate(context: Any, service: str) -> None:
    """The moderator logs in, approves Rita's comment and answers Quentin's as staff."""
    page = context.new_page()
    page.goto(f"{service}/moderation/", timeout=WAIT)
    assert page.url.endswith("/moderation/login")  # no session: the login form
    page.fill("#name", NAME)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(timeout=WAIT):
        page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Waiting for moderation"
    rita = page.locator("article.entry", has_text="Rita Reader")
    assert rita.locator(".body strong").inner_text() == "night mode"  # as the site shows it
    with page.expect_navigation(timeout=WAIT):
        rita.get_by_role("button", name="Approve Rita Reader").click()
    assert "approved" in page.locator("main").inner_text()
    assert page.locator("article.entry", has_text="Rita Reader").count() == 0

    quentin = page.locator("article.entry", has_text="Quentin Question")
    with page.expect_navigation(timeout=WAIT):
        quentin.get_by_role("link", name="Reply as the company to Quentin Question").click()
    page.fill("#reply-body", "The Lumen X2, no filters.")
    with page.expect_navigation(timeout=WAIT):
        page.click("main button[type=submit]")
    assert "Nothing is waiting." in page.locator("main").inner_text()

    audit = context.new_page()
    audit.goto(f"{service}/moderation/audit", timeout=WAIT)
    log = audit.locator("tbody").inner_text()
    assert "approve" in log and "staff reply" in log and NAME in log


@pytest.mark.slow
@pytest.mark.browser
def test_a_moderator_approves_in_the_browser_and_the_next_publish_shows_it(
    hub: dict[str, Any], chromium: Any
) -> None:
    _invoke(
        "comments.add-moderator",
        NAME,
        "--password-stdin",
        "--settings",
        str(hub["settings"]),
        stdin=f"{PASSWORD}\n",
    )
    context = chromium.new_context()
    try:
        reader = context.new_page()
        _post_comment(reader, hub["site"], "Rita Reader", "Does the **night mode** work on video?")
        _post_comment(
            reader, hub["site"], "Quentin Question", "Which phone was this shot on?", QUENTIN
        )
        # Double opt-in: the link in the email shows a page; its button confirms.
        [confirmation] = hub["mailbox"].wait_for(1)
        assert confirmation["To"] == QUENTIN
        link = re.search(
            rf"{re.escape(hub['service'])}/comments/confirm\?t=\S+", _text(confirmation)
        )
        assert link is not None
        reader.goto(link.group(0), timeout=WAIT)
        with reader.expect_navigation(timeout=WAIT):
            reader.locator("main button[type=submit]").click()

        _moderate(context, hub["service"])
    finally:
        context.close()

    # Quentin opted in: the staff reply reaches him by email, with a one-click unsubscribe.
    messages = hub["mailbox"].wait_for(2)
    [notice] = [m for m in messages[1:] if m["To"] == QUENTIN]
    assert "The Lumen X2, no filters." in _text(notice)
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # No command typed for the approval: the next scheduled publish shows both.
    hub["publish"]()
    html = (hub["www"] / "posts" / "first-post" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    authors = [h.get_text(" ", strip=True) for h in soup.select(".comment__author")]
    assert "Rita Reader" in authors and "Quentin Question" in authors
    staff = soup.select("article.comment--staff")
    assert len(staff) == 1
    assert staff[0].select_one(".p-name").get_text() == "The hub team"
    assert "The Lumen X2" in staff[0].select_one(".e-content").get_text()
    badge = staff[0].select_one(".badge--staff")
    assert badge is not None and badge.get_text().startswith("Staff")
    # It answers Quentin, in the thread under his comment.
    parent = staff[0].find_parent("ol", class_="comment-replies").find_previous_sibling("article")
    assert "Quentin Question" in parent.get_text()

    # And in Chromium the badge is visible, with its accessible text.
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(f"{hub['site']}/posts/first-post/", timeout=WAIT)
        badge_node = page.locator("article.comment--staff .badge--staff")
        assert badge_node.is_visible()
        said = " ".join(badge_node.inner_text().split()).lower()
        assert said.startswith("staff") and "written by the team" in said
    finally:
        context.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def moderation_service(tmp_path: Path) -> Iterator[str]:
    """The comment service alone, on loopback, with a moderator and two waiting comments."""
    from moderation_helpers import queue_comment, write_manifest  # noqa: PLC0415

    from socialhub.comments.moderation_web.accounts import Accounts  # noqa: PLC0415

    config = CommentsConfig(
        queue_dir=tmp_path / "queue",
        state_dir=tmp_path / "state",
        content_dir=tmp_path / "content",
        manifest_path=write_manifest(tmp_path / "manifest.json"),
    )
    Accounts(config.state_dir).add(NAME, PASSWORD)
    queue_comment(config.queue_dir, "c-20261124-0001", website="https://sam.example/")
    queue_comment(
        config.queue_dir,
        "c-20261124-0002",
        author="Casino Bot",
        body="Win [big](https://casino.example/) now",
        reply_to="c-20261124-0001",
        extra={"spam": {"score": 9, "likely": True, "signals": ["blocked word: casino"]}},
    )
    service = create_app(config)
    server = create_server(service, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        service.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_moderation_pages_pass_axe_on_a_phone_without_javascript(
    moderation_service: str, chromium: Any, scheme: str
) -> None:
    """Login, queue, reply, bans and audit: no axe violation, no sideways scrolling at 360 px."""
    assert AXE.is_file(), "node_modules is missing: run npm ci"
    # Why no JavaScript: the pages work without it; axe is added past the CSP below.
    moderator = chromium.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}, color_scheme=scheme
    )
    checker = chromium.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, color_scheme=scheme
    )
    try:
        page = moderator.new_page()
        page.goto(f"{moderation_service}/moderation/login", timeout=WAIT)
        page.fill("#name", NAME)
        page.fill("#password", PASSWORD)
        with page.expect_navigation(timeout=WAIT):
            page.click("button[type=submit]")
        assert page.locator("article.entry").count() == 2
        checker.add_cookies(moderator.cookies())
        axe_page = checker.new_page()
        paths = ["login", "", "reply?to=c-20261124-0001", "bans", "audit"]
        for path in paths:
            axe_page.goto(f"{moderation_service}/moderation/{path}", timeout=WAIT)
            wide = axe_page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not wide, f"/moderation/{path} scrolls sideways on a phone"
            axe_page.add_script_tag(path=str(AXE))
            result = axe_page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            violations = [
                f"{v['id']}: {v['help']} at "
                + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
                for v in result["violations"]
            ]
            assert violations == [], (path, violations)
            assert len(result["passes"]) >= 5, path
    finally:
        moderator.close()
        checker.close()
