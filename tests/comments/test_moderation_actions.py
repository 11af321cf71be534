"""The moderation page's actions, filters and commands, through the real WSGI app."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from moderation_helpers import BASE, NAME, ORIGIN, PASSWORD, csrf, login, queue_comment
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.identity import client_hash
from socialhub.comments.moderation_web.accounts import Accounts
from socialhub.comments.queue import Queue
from socialhub.comments.secret import service_secret
from socialhub.comments.standing import Standing
from socialhub.headers import read_header

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "cd" * 32


@pytest.fixture
def moderated(config: CommentsConfig, tmp_path: Path) -> CommentsConfig:
    """The test configuration with a state folder and one moderator."""
    moderated = replace(config, state_dir=tmp_path / "state")
    Accounts(moderated.state_dir).add(NAME, PASSWORD)
    return moderated


@pytest.fixture
def web(moderated: CommentsConfig) -> Iterator[Client]:
    """A logged-in moderator's browser."""
    service = create_app(moderated)
    client = Client(service)
    login(client)
    yield client
    service.close()


def act(web: Client, do: str, ids: tuple[str, ...] = ()) -> BeautifulSoup:
    """Press a button on the queue page; the page it leads back to."""
    answer = web.post(
        f"{BASE}act", data={"do": do, "id": list(ids), "csrf": csrf(web)}, headers=ORIGIN
    )
    assert answer.status_code == 303
    return BeautifulSoup(web.get(answer.headers["Location"]).get_data(as_text=True), "html.parser")


def published(config: CommentsConfig, identifier: str) -> Path:
    return config.content_dir / "comments" / "first-post" / f"{identifier}.md"


def test_the_queue_shows_each_comment_as_the_site_will(
    web: Client, moderated: CommentsConfig
) -> None:
    queue_comment(
        moderated.queue_dir, "c-20261124-0001", body="Old *one*", website="https://s.example/"
    )
    queue_comment(
        moderated.queue_dir,
        "c-20261124-0002",
        body="See [this](https://x.example/)",
        reply_to="c-20261124-0001",
        extra={
            "spam": {"score": 7, "likely": True, "signals": ["4 links", "blocked word: casino"]}
        },
    )
    soup = BeautifulSoup(web.get(BASE).get_data(as_text=True), "html.parser")
    entries = soup.select("article.entry")
    assert [e["id"] for e in entries] == ["entry-c-20261124-0002", "entry-c-20261124-0001"]
    newest, oldest = entries
    assert oldest.select_one(".body em").get_text() == "one"
    link = newest.select_one(".body a")
    assert link["href"] == "https://x.example/" and "nofollow" in link["rel"]
    assert "In reply to Sam Reader (also waiting)" in newest.select_one(".context").get_text()
    assert "4 links; blocked word: casino" in newest.select_one(".signals").get_text()
    assert "entry--flagged" in newest["class"]
    item = oldest.select_one(".meta a")
    assert (
        item["href"] == "http://127.0.0.1:8000/posts/first-post/"
        and item.get_text() == "First post"
    )
    expected = client_hash(service_secret(moderated.state_dir), "203.0.113.7")
    assert expected in oldest.get_text() and "203.0.113.7" not in soup.get_text()
    assert "https://s.example/" in oldest.get_text()
    # Filters: flagged, has links, item, source.
    for query, shown in (
        ("flagged=yes", ["entry-c-20261124-0002"]),
        ("links=yes", ["entry-c-20261124-0002"]),
        ("item=first-film", []),
        ("source=webmention", []),
        ("source=form", ["entry-c-20261124-0002", "entry-c-20261124-0001"]),
    ):
        page = BeautifulSoup(web.get(f"{BASE}?{query}").get_data(as_text=True), "html.parser")
        assert [e["id"] for e in page.select("article.entry")] == shown, query


def test_approve_reject_and_spam_in_bulk(web: Client, moderated: CommentsConfig) -> None:
    for number in range(1, 6):
        queue_comment(moderated.queue_dir, f"c-20261124-000{number}", extra={"email_hash": EMAIL})
    page = act(web, "approve", ("c-20261124-0001", "c-20261124-0002"))
    assert published(moderated, "c-20261124-0001").is_file()
    assert published(moderated, "c-20261124-0002").is_file()
    assert "c-20261124-0001: approved" in page.get_text()
    act(web, "reject", ("c-20261124-0003",))
    Standing(moderated.state_dir / "standing.sqlite3").trust(EMAIL)
    act(web, "spam c-20261124-0004")
    queue = Queue(moderated.queue_dir)
    assert queue.ids() == {"c-20261124-0005"}
    rejected = {s.id: s.reason for s in queue.list("rejected")}
    assert rejected["c-20261124-0004"] == "spam"
    assert rejected["c-20261124-0003"] == f"rejected by {NAME}"
    assert not Standing(moderated.state_dir / "standing.sqlite3").may_skip_queue(EMAIL, "trusted")
    page = act(web, "approve")  # nothing selected
    assert "Select at least one comment" in page.get_text()


def test_bans_and_lifting_them(web: Client, moderated: CommentsConfig) -> None:
    queue_comment(
        moderated.queue_dir, "c-20261124-0001", author="Spammy", extra={"email_hash": EMAIL}
    )
    act(web, "ban-author c-20261124-0001")
    act(web, "ban-address c-20261124-0001")
    standing = Standing(moderated.state_dir / "standing.sqlite3")
    secret = service_secret(moderated.state_dir)
    assert standing.banned(author="Spammy") == "author"
    assert standing.banned(client_hash=client_hash(secret, "203.0.113.7")) == "client"
    assert standing.banned(email_hash=EMAIL) == "email"
    assert Queue(moderated.queue_dir).ids() == {"c-20261124-0001"}  # still to approve or reject
    bans = BeautifulSoup(web.get(f"{BASE}bans").get_data(as_text=True), "html.parser")
    rows = bans.select("tbody tr")
    assert len(rows) == 3
    form = bans.select_one("tbody tr form")
    data = {i["name"]: i["value"] for i in form.select("input")}
    assert web.post(f"{BASE}unban", data=data, headers=ORIGIN).status_code == 303
    after = BeautifulSoup(web.get(f"{BASE}bans").get_data(as_text=True), "html.parser")
    assert len(after.select("tbody tr")) == 2
    assert "is lifted" in after.get_text()


def test_approve_and_trust(web: Client, moderated: CommentsConfig) -> None:
    queue_comment(moderated.queue_dir, "c-20261124-0001", extra={"email_hash": EMAIL})
    act(web, "trust c-20261124-0001")
    assert published(moderated, "c-20261124-0001").is_file()
    standing = Standing(moderated.state_dir / "standing.sqlite3")
    assert standing.may_skip_queue(EMAIL, "trusted")


def test_a_staff_reply_is_approved_at_once_with_its_parent(
    web: Client, moderated: CommentsConfig
) -> None:
    queue_comment(moderated.queue_dir, "c-20261124-0001", body="Is it <b>waterproof</b>?")
    form = BeautifulSoup(
        web.get(f"{BASE}reply?to=c-20261124-0001").get_data(as_text=True), "html.parser"
    )
    assert (
        "&lt;b&gt;" in str(form.select_one(".context"))
        or "<b>" in form.select_one(".context").get_text()
    )
    label = form.select_one("label[for=reply-body]")
    assert label is not None and "The hub team" in label.get_text()
    answer = web.post(
        f"{BASE}reply",
        data={"to": "c-20261124-0001", "body": "Yes, **IP68**.", "csrf": csrf(web)},
        headers=ORIGIN,
    )
    assert answer.status_code == 303
    assert published(moderated, "c-20261124-0001").is_file()
    replies = [
        p
        for p in (moderated.content_dir / "comments" / "first-post").glob("*.md")
        if p.stem != "c-20261124-0001"
    ]
    assert len(replies) == 1
    header = read_header(replies[0])
    assert header["staff"] == "yes" and header["author"] == "The hub team"
    assert header["reply-to"] == "c-20261124-0001"
    assert Queue(moderated.queue_dir).ids() == set()


def test_approving_commits_the_file_in_the_checkout(config: CommentsConfig, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    moderated = replace(
        config,
        state_dir=tmp_path / "state",
        content_dir=checkout / "content",
        git_commit=True,
        git_email="mods@hub.example",
    )
    Accounts(moderated.state_dir).add(NAME, PASSWORD)
    service = create_app(moderated)
    try:
        web = Client(service)
        login(web)
        queue_comment(moderated.queue_dir, "c-20261124-0001", author="Sam Reader")
        page = act(web, "approve c-20261124-0001")
        assert "committed" in page.get_text()
        shown = subprocess.run(
            ["git", "-C", str(checkout), "log", "-1", "--format=%an <%ae>%n%s%n%b", "--name-only"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert f"{NAME} <mods@hub.example>" in shown
        assert "Approve comment c-20261124-0001 by Sam Reader on first-post" in shown
        assert f"Approved by {NAME}." in shown
        assert "content/comments/first-post/c-20261124-0001.md" in shown
        # A failing commit (the checkout is gone) is shown; the file stays.
        (checkout / ".git" / "index.lock").write_text("")  # another git is "running"
        queue_comment(moderated.queue_dir, "c-20261124-0002")
        page = act(web, "approve c-20261124-0002")
        assert "not committed" in page.get_text()
        assert (moderated.content_dir / "comments" / "first-post" / "c-20261124-0002.md").is_file()
    finally:
        service.close()


def _invoke(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_moderator_commands(tmp_path: Path) -> None:
    settings = tmp_path / "moderation.py"
    state = tmp_path / "state"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(ROOT / 'content')!r}\nCOMMENTS_STATE_DIR = {str(state)!r}\n",
        encoding="utf-8",
    )
    base = ["--settings", str(settings), "--password-stdin"]
    short = _invoke("comments.add-moderator", "ann", *base, stdin="short\n")
    assert short.returncode != 0 and "too short" in short.stderr + short.stdout
    added = _invoke("comments.add-moderator", "ann", *base, stdin=f"{PASSWORD}\n")
    assert added.returncode == 0, added.stderr
    assert (state / "moderators.json").stat().st_mode & 0o777 == 0o600
    stored = (state / "moderators.json").read_text()
    assert "$argon2id$" in stored and PASSWORD not in stored
    again = _invoke("comments.add-moderator", "ann", *base, stdin=f"{PASSWORD}\n")
    assert again.returncode != 0 and "already" in again.stderr + again.stdout
    bad = _invoke("comments.add-moderator", "../x", *base, stdin=f"{PASSWORD}\n")
    assert bad.returncode != 0 and "not a moderator name" in bad.stderr + bad.stdout
    reset = _invoke("comments.reset-password", "ann", *base, stdin="another long password\n")
    assert reset.returncode == 0, reset.stderr
    accounts = Accounts(state)
    assert accounts.verify("ann", "another long password") and not accounts.verify("ann", PASSWORD)
    removed = _invoke("comments.remove-moderator", "ann", "--settings", str(settings))
    assert removed.returncode == 0 and accounts.names() == []


def test_a_bad_moderation_path_is_named() -> None:
    from socialhub.comments.config import load_config  # noqa: PLC0415
    from socialhub.errors import ConfigError  # noqa: PLC0415

    with pytest.raises(ConfigError, match="COMMENTS_MODERATION_PATH: 'moderation' must start"):
        load_config({"COMMENTS_MODERATION_PATH": "moderation"})
    assert load_config({"COMMENTS_MODERATION_PATH": "/mod/"}).moderation_path == "/mod/"
