"""`invoke new`: a file for every kind, every field present, valid once its TODOs are filled."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from socialhub.errors import SocialHubError
from socialhub.kinds import KINDS, KINDS_BY_NAME
from socialhub.scaffold import new_item

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 24)

# What an editor types in place of each placeholder, by field name.
FILLED = {
    "author": "Mara Lindqvist",
    "summary": "A short summary.",
    "blog_name": "Pocket Lens",
    "blog_url": "https://pocketlens.example/",
    "feed_url": "https://pocketlens.example/feed.xml",
    "avatar": "/images/avatars/ada.png",
    "blogger": "ada-lens",
    "original_url": "https://ada.example/post/",
    "excerpt": "A few words.",
    "handles": "@ada",
    "caption": "Thank you!",
    "device": "Lumen X2",
    "status": "open",
    "prizes": "A phone",
    "entrant": "Ida",
    "contest": "night-shorts",
    "video_url": "https://vimeo.com/1234",
    "poster": "/images/posters/first-film.png",
    "duration": "2:00",
    "opens": "2026-11-01",
    "closes": "2026-12-01",
}
BODIES = {
    "follow-friday": '![ADA in phones](/images/ff/ada.png "Ada")',
}


def _fill(text: str, kind: str) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1).lower().replace("-", "_")
        return f"{match.group(1)}: {FILLED[key]}"

    text = re.sub(r"^([A-Za-z-]+): TODO.*$", replace, text, flags=re.MULTILINE)
    return re.sub(r"^TODO: .*$", BODIES.get(kind, "Written by the editor."), text, flags=re.M)


@pytest.mark.parametrize("kind", [k.name for k in KINDS if k.name != "comment"])
def test_scaffold_has_every_field_and_validates_once_filled(
    kind: str, minimal_copy: Path, build: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    """A new file names every field; with placeholders it is left out, filled in it builds."""
    spec = KINDS_BY_NAME[kind]
    path = new_item(minimal_copy, spec, "Brand New Thing", TODAY)
    assert path == minimal_copy / spec.folder / "brand-new-thing.md"
    text = path.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert [line.split(":", 1)[0] for line in header.splitlines()] == [f.label for f in spec.fields]
    for field in spec.fields:
        assert f"  {field.label} (" in text  # explained in the guide below the header
    # Why a warning, not an error: the preview must keep working while a new file is filled in.
    build(minimal_copy)
    left_out = [r.getMessage() for r in caplog.records if "left out of the site" in r.getMessage()]
    shown = f"content/{spec.folder}/brand-new-thing.md: file: unfinished ("
    assert len(left_out) == 1 and left_out[0].startswith(shown), left_out
    caplog.clear()
    path.write_text(_fill(text, kind), encoding="utf-8")
    output = build(minimal_copy)
    assert not [r for r in caplog.records if "left out of the site" in r.getMessage()]
    pages = [page.parent.name for page in output.rglob("index.html")]
    assert "brand-new-thing" in pages


def test_scaffold_for_a_comment_needs_its_item(minimal_copy: Path) -> None:
    """A comment is filed under its item's folder."""
    with pytest.raises(SocialHubError, match="--item"):
        new_item(minimal_copy, KINDS_BY_NAME["comment"], "Sam", TODAY)
    path = new_item(minimal_copy, KINDS_BY_NAME["comment"], "Sam", TODAY, item="first-post")
    assert path.parent == minimal_copy / "comments" / "first-post"


def test_invoke_new_refuses_to_overwrite(minimal_copy: Path) -> None:
    """The command writes once, then refuses with a clear message and a non-zero status."""
    command = [sys.executable, "-m", "invoke", "new", "post", "Hello World"]
    command += ["--content", str(minimal_copy)]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "hello-world.md" in first.stdout
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert second.returncode == 1
    assert "already exists" in second.stderr
    assert "Traceback" not in second.stderr


def test_invoke_new_names_the_kinds_when_the_kind_is_unknown() -> None:
    """A typo in the kind lists the kinds."""
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "new", "blogpost", "X"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "unknown kind 'blogpost'; use one of: post, blogger" in result.stderr
