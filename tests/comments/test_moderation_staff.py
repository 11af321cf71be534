"""The Staff field of a comment file: a badge on the page, microformats intact, bad values named."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import mf2py
from bs4 import BeautifulSoup

from socialhub.comments.files import comment_text
from socialhub.comments.queue import Submission

ROOT = Path(__file__).resolve().parents[2]
STAFF_REPLY = """Author: The hub team
Date: 2026-11-04 10:00
Reply-To: c-20261102-aaaa
Source: form
Staff: yes

Thanks, we fixed it.
"""


def test_the_file_of_a_staff_reply_says_staff_yes() -> None:
    reply = Submission(
        id="c-20261124-0001",
        item="first-post",
        author="The hub team",
        body="Hello",
        date="2026-11-24T10:00:00+01:00",
        extra={"staff": True},
    )
    assert "\nStaff: yes\n" in comment_text(reply)
    reply.extra = {"staff": "yes"}  # only True, as the moderation page sets it, counts
    assert "Staff" not in comment_text(reply)


def test_a_staff_reply_shows_its_badge_and_stays_a_valid_h_cite(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    (minimal_copy / "comments" / "first-post" / "c-20261104-dddd.md").write_text(STAFF_REPLY)
    output = build(minimal_copy)
    html = (output / "posts" / "first-post" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    staff = soup.select("article.comment--staff")
    assert [a["id"] for a in staff] == ["comment-c-20261104-dddd"]
    badge = staff[0].select_one(".badge--staff")
    assert badge is not None
    assert " ".join(badge.get_text().split()) == "Staff: written by the team behind this site"
    others = soup.select("article.comment:not(.comment--staff) .badge--staff")
    assert others == []
    # The badge is beside the h-card, not in it: parsers still read the author's name.
    parsed = mf2py.parse(doc=html)
    names = []

    def walk(items: list) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            if "h-cite" in item.get("type", []):
                for author in item["properties"].get("author", []):
                    if isinstance(author, dict):
                        names.extend(author["properties"].get("name", []))
            walk(list(item.get("children", [])))
            for values in item.get("properties", {}).values():
                walk(values)

    walk(parsed["items"])
    assert "The hub team" in names


def test_a_staff_field_that_is_not_yes_or_no_stops_the_build_naming_the_file(
    minimal_copy: Path, tmp_path: Path
) -> None:
    path = minimal_copy / "comments" / "first-post" / "c-20261104-dddd.md"
    path.write_text(STAFF_REPLY.replace("Staff: yes", "Staff: maybe"))
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "build",
            "--settings",
            str(settings),
            "--content",
            str(minimal_copy),
            "--output",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "c-20261104-dddd.md" in said, said
    assert "staff: 'maybe' is not yes or no" in said and "Traceback" not in said
