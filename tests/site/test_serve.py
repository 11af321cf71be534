"""`invoke serve`: serves the built site on 127.0.0.1 and rebuilds when a content file changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import free_port

from socialhub.devserver import OVERLAY_STYLE, RELOAD_SCRIPT, with_preview_parts

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _preview(content: Path, output: Path) -> Iterator[int]:
    """`invoke serve` of ``content`` on a free port, stopped when the block ends; the port."""
    port = free_port()
    command = [sys.executable, "-m", "invoke", "serve", "--port", str(port)]
    command += ["--content", str(content), "--output", str(output)]
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
        except OSError:
            last = ""
        if text in last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"{url} never showed {text!r}")


@pytest.mark.slow
def test_serve_rebuilds_and_reloads_on_a_content_change(minimal_copy: Path, tmp_path: Path) -> None:
    """The page shows an edited title after the file is saved, and carries the reload script."""
    with _preview(minimal_copy, tmp_path / "out") as port:
        url = f"http://127.0.0.1:{port}/posts/first-post/"
        page = _wait_for(url, "First post", 60)
        assert "/__hub_reload" in page
        stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/__hub_reload", timeout=20)
        assert stream.readline() == b": connected\n"
        source = minimal_copy / "posts" / "first-post.md"
        source.write_text(
            source.read_text(encoding="utf-8").replace("Title: First post", "Title: Edited"),
            encoding="utf-8",
        )
        lines = [stream.readline() for _ in range(3)]
        assert b"event: reload\n" in lines, lines
        stream.close()
        _wait_for(url, "Edited", 30)
        assert urllib.request.urlopen(url, timeout=5).status == 200
        feed = urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/all.atom.xml", timeout=5)
        assert feed.headers["Content-Type"].startswith("application/atom+xml")
        feed.close()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no/such/page/", timeout=5)
        assert missing.value.code == 404
        assert "Page not found" in missing.value.read().decode()
        missing.value.close()


def test_a_page_carries_the_overlay_only_while_the_build_is_broken() -> None:
    """The overlay's lines are escaped text; without a failure the page gets the reload alone."""
    page = "<html><head><title>t</title></head><body><h1>Hi</h1></body></html>"
    assert with_preview_parts(page, (), 3) == page.replace("</body>", RELOAD_SCRIPT % 3 + "</body>")
    failed = with_preview_parts(page, ["posts/x.md: title: <script>alert(1)</script>"], 4)
    assert failed.index(OVERLAY_STYLE) < failed.index("</head>")
    assert 'role="alert"' in failed
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in failed
    assert "<script>alert(1)" not in failed
    assert "after=4" in failed


@pytest.mark.slow
def test_a_deleted_item_is_no_longer_served(minimal_copy: Path, tmp_path: Path) -> None:
    """Delete a post while the preview runs: its page answers 404 (no folder listing)."""
    with _preview(minimal_copy, tmp_path / "out") as port:
        url = f"http://127.0.0.1:{port}/posts/closed-post/"
        _wait_for(url, "</html>", 60)
        stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/__hub_reload?after=0", timeout=20)
        assert stream.readline() == b": connected\n"
        (minimal_copy / "posts" / "closed-post.md").unlink()
        lines = [stream.readline() for _ in range(3)]
        assert b"event: reload\n" in lines, lines
        stream.close()
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(url, timeout=5)
        assert gone.value.code == 404
        assert "Page not found" in gone.value.read().decode()
        gone.value.close()
        assert not (tmp_path / "out" / "posts" / "closed-post").exists()


def test_a_port_already_taken_is_said_in_one_line(minimal_copy: Path, tmp_path: Path) -> None:
    """`invoke serve` on a port another program holds: one sentence, exit 1, no traceback."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        command = [sys.executable, "-m", "invoke", "serve", "--port", str(port)]
        command += ["--content", str(minimal_copy), "--output", str(tmp_path / "out")]
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
        )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert f"Not serving: cannot serve on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
    assert "Serving on" not in result.stdout
