"""“Delete my comments”: a signed link, a request for the moderators, the comments gone.

Also: the address never appears in the queue, in content/ or in the built site, and
the request form answers alike whether or not the address wrote anything.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from rights_helpers import SERVICE, SITE, Mailbox, link_in, mailbox, path_of, rights_config
from werkzeug.test import Client

from socialhub.comments.app import create_app
from socialhub.comments.config import CommentsConfig
from socialhub.comments.deletion import pending_deletions
from socialhub.comments.moderation import approve

__all__ = ["mailbox"]  # the fixture, used by name

ROOT = Path(__file__).resolve().parents[2]
ANN = "Ann.Writer@lumen.example"


def _invoke(settings: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args, "--settings", str(settings)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _settings(config: CommentsConfig, tmp_path: Path) -> Path:
    settings = tmp_path / "moderation.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(config.content_dir)!r}\n"
        f"COMMENTS_QUEUE_DIR = {str(config.queue_dir)!r}\n"
        f"COMMENTS_STATE_DIR = {str(config.state_dir)!r}\n",
        encoding="utf-8",
    )
    return settings


def _post(client: Client, **fields: str) -> str:
    data = {"item": "first-post", "author": "Ann", "body": "Ann's words.", **fields}
    answer = client.post("/comments", data=data, headers={"Origin": SITE})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return str(answer.headers["X-Comment-Id"])


def _everything_under(folder: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in (".md", ".json", ".html", ".xml")
    )


def test_delete_my_comments_round_trip(
    config: CommentsConfig,
    tmp_path: Path,
    minimal_copy: Path,
    mailbox: tuple[Mailbox, int],
    build: Callable[..., Path],
) -> None:
    """Request, emailed link, POST, `comments.deletions`, `comments.delete`, the next build."""
    box, port = mailbox
    configured = rights_config(config, tmp_path, port, content_dir=minimal_copy)
    service = create_app(configured)
    client = Client(service)
    try:
        published = _post(client, email=ANN, body="Ann's first, answered by Bob.")
        assert [o.ok for o in approve(configured, [published])] == [True]
        lonely = _post(client, email=ANN.lower(), body="Ann's second, answered by nobody.")
        waiting = _post(client, email=ANN, body="Ann's third, still waiting.")
        bob = _post(client, author="Bob", body="Bob answers Ann.", reply_to=published)
        assert all(o.ok for o in approve(configured, [lonely, bob]))
        queued = _everything_under(configured.queue_dir)
        assert '"email_hash"' in queued
        assert ANN.lower() not in queued.lower()
        assert ANN.lower() not in _everything_under(minimal_copy).lower()
        asked = client.post(
            "/comments/delete-request", data={"email": ANN}, headers={"Origin": SERVICE}
        )
        assert asked.status_code == 200
        [message] = box.wait_for(1)
        assert message["To"] == ANN
        assert "3:" in message.get_content()  # three comments: two published... and one waiting
        link = link_in(message)
        shown = client.get(path_of(link))
        assert 'method="post"' in shown.get_data(as_text=True)
        assert pending_deletions(configured) == []  # GET confirms nothing
        token = link.split("t=", 1)[1]
        assert client.post("/comments/delete", data={"t": token}).status_code == 200
        assert client.post("/comments/delete", data={"t": token}).status_code == 410  # replayed
    finally:
        service.close()
    settings = _settings(configured, tmp_path)
    listed = _invoke(settings, "comments.deletions")
    assert listed.returncode == 0, listed.stderr
    [request] = pending_deletions(configured)
    assert f"{request.id}  3 comments" in listed.stdout
    done = _invoke(settings, "comments.delete", request.id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "git add -A content/comments" in done.stdout
    folder = minimal_copy / "comments" / "first-post"
    assert not (folder / f"{lonely}.md").exists()
    assert "Deleted" in (folder / f"{published}.md").read_text(encoding="utf-8")
    assert (folder / f"{bob}.md").is_file()  # the reply keeps its place
    assert not (configured.queue_dir / "pending" / f"{waiting}.json").exists()
    assert pending_deletions(configured) == []
    output = build(minimal_copy)
    page = (output / "posts" / "first-post" / "index.html").read_text(encoding="utf-8")
    assert "Bob answers Ann." in page and "This comment was deleted at its author" in page
    assert "Ann's first" not in page and "Ann's second" not in page
    assert ANN.lower() not in _everything_under(output).lower()


def test_the_request_form_tells_nothing_about_an_address(
    config: CommentsConfig, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    """Known or unknown address: the same page; an email only to the known one."""
    box, port = mailbox
    configured = rights_config(config, tmp_path, port)
    service = create_app(configured)
    client = Client(service)
    _post(client, email=ANN)
    answers = []
    for address in ("nobody@lumen.example", ANN):
        answer = client.post(
            "/comments/delete-request", data={"email": address}, headers={"Origin": SERVICE}
        )
        answers.append((answer.status_code, answer.get_data(as_text=True)))
    service.close()  # every email sent
    assert answers[0] == answers[1]
    assert [m["To"] for m in box.messages] == [ANN]


def test_the_request_form_is_checked(config: CommentsConfig, tmp_path: Path) -> None:
    """Another site's page, a wrong address: refused with a sentence; GET shows the form."""
    configured = replace(rights_config(config, tmp_path, 9))
    service = create_app(configured)
    client = Client(service)
    try:
        form = client.get("/comments/delete-request")
        assert form.status_code == 200 and 'name="email"' in form.get_data(as_text=True)
        foreign = client.post(
            "/comments/delete-request",
            data={"email": ANN},
            headers={"Origin": "https://elsewhere.example"},
        )
        assert foreign.status_code == 403
        wrong = client.post(
            "/comments/delete-request", data={"email": "ann at home"}, headers={"Origin": SERVICE}
        )
        assert wrong.status_code == 400
        assert "email address" in wrong.get_data(as_text=True)
    finally:
        service.close()
