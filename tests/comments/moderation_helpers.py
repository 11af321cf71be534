"""Helpers for the moderation page's tests: a moderator, a login, a form's CSRF token."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from werkzeug.test import Client, TestResponse

from socialhub.comments.queue import Queue, Submission

BASE = "/moderation/"
ORIGIN = {"Origin": "http://localhost"}  # the werkzeug test client's own origin
NAME = "mona"
PASSWORD = "correct horse battery staple"


def login(
    client: Client, name: str = NAME, password: str = PASSWORD, **headers: str
) -> TestResponse:
    """Open the login form (for its token and cookie) and send it."""
    form = client.get(f"{BASE}login", headers=headers)
    token = BeautifulSoup(form.get_data(as_text=True), "html.parser").select_one("input[name=csrf]")
    assert token is not None
    return client.post(
        f"{BASE}login",
        data={"csrf": token["value"], "name": name, "password": password},
        headers={**ORIGIN, **headers},
    )


def csrf(client: Client, path: str = BASE) -> str:
    """The session's CSRF token, read from a page's form as a browser would."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    field = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one("input[name=csrf]")
    assert field is not None
    return str(field["value"])


def queue_comment(queue_dir: object, identifier: str, **fields: object) -> Submission:
    """A pending form comment on first-post."""
    values: dict = {
        "id": identifier,
        "item": "first-post",
        "author": "Sam Reader",
        "body": "Nice *post*.",
        "date": f"2026-11-24T10:{identifier[-2:]}:00+01:00",
        "client": "203.0.113.7",
    }
    values.update(fields)
    submission = Submission(**values)
    Queue(queue_dir).put(submission)  # type: ignore[arg-type]
    return submission


def write_manifest(path: Path) -> Path:
    """A manifest like the build's: one open post, one closed, a video with a comment."""
    items = {
        "first-post": {
            "url": "/posts/first-post/",
            "title": "First post",
            "kind": "post",
            "comments_open": True,
            "comment_ids": ["c-20261102-aaaa"],
        },
        "closed-post": {
            "url": "/posts/closed-post/",
            "title": "Closed",
            "kind": "post",
            "comments_open": False,
            "comment_ids": [],
        },
        "first-film": {
            "url": "/videos/first-film/",
            "title": "First Film",
            "kind": "video",
            "comments_open": True,
            "comment_ids": [],
        },
    }
    path.write_text(
        json.dumps({"site_url": "http://127.0.0.1:8000", "items": items}), encoding="utf-8"
    )
    return path
