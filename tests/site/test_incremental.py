"""Rebuilds: an unchanged page is not written again, a changed one is, a removed one goes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _mtimes(output: Path) -> dict[str, int]:
    return {
        str(path.relative_to(output)): path.stat().st_mtime_ns for path in output.rglob("*.html")
    }


def test_rebuild_rewrites_only_the_pages_that_show_a_change(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """Editing one post's body rewrites its page and the lists showing it, nothing else."""
    output = build(minimal_copy)
    before = _mtimes(output)
    post = minimal_copy / "posts" / "first-post.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Hello", "Hi there"), "utf-8")
    build(minimal_copy)
    after = _mtimes(output)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "posts/first-post/index.html" in changed
    assert "Hi there" in (output / "posts/first-post/index.html").read_text(encoding="utf-8")
    assert "videos/first-film/index.html" not in changed
    assert "bloggers/ada-lens/index.html" not in changed
    assert "posts/closed-post/index.html" not in changed


def test_a_removed_item_leaves_no_stale_page(
    minimal_copy: Path, build: Callable[..., Path]
) -> None:
    """Deleting a content file removes its page on the next build."""
    output = build(minimal_copy)
    assert (output / "posts/closed-post/index.html").is_file()
    (minimal_copy / "posts" / "closed-post.md").unlink()
    build(minimal_copy)
    assert not (output / "posts/closed-post/index.html").exists()


def test_a_theme_change_rewrites_every_page(minimal_copy: Path, build: Callable[..., Path]) -> None:
    """A different setting (or template) invalidates every page that depends on it."""
    output = build(minimal_copy)
    build(minimal_copy, SITENAME="Renamed Hub")
    page = (output / "posts/closed-post/index.html").read_text(encoding="utf-8")
    assert "Renamed Hub" in page
