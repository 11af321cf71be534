"""Pelican's own command line on this site: the same lines as `invoke build`, our summary, exit 1.

PELICAN_CLASS (pelicanconf.py) makes `pelican content` check the hub's settings,
report bad content without a traceback and count the hub's items.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PELICAN = Path(sys.executable).parent / "pelican"


def _pelican(content: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    cache = json.dumps(str(tmp_path / ".cache"))
    command = [str(PELICAN), str(content), "-o", str(tmp_path / "out"), "-e", f"CACHE_PATH={cache}"]
    return subprocess.run(
        [*command, *extra], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def _invoke_build(content: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "invoke", "build", "--content", str(content)]
    command += ["--output", str(tmp_path / "invoke-out")]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def test_pelican_on_bad_content_prints_the_build_s_lines_and_exits_1(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """Two mistakes: exactly the lines `invoke build` prints, exit 1, no traceback, no page."""
    post = minimal_copy / "posts" / "first-post.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("Date: 2026-", "Date: 2026-13-"), "utf-8"
    )
    (minimal_copy / "videos" / "stray.txt").write_text("notes\n", encoding="utf-8")
    result = _pelican(minimal_copy, tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Processed" not in result.stdout
    lines = result.stderr.splitlines()
    assert lines[0] == "2 problems in content:"
    assert lines[-1] == "The site was not built: fix the files above and run again."
    assert any(line.startswith("content/posts/first-post.md: date: ") for line in lines)
    assert any(line.startswith("content/videos/stray.txt: file: ") for line in lines)
    assert lines == _invoke_build(minimal_copy, tmp_path).stderr.splitlines()
    assert not (tmp_path / "out" / "index.html").exists()


def test_pelican_s_closing_summary_counts_the_hub_s_items(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """A good build: our summary (items, bloggers, pages), not "Processed 0 articles"."""
    result = _pelican(minimal_copy, tmp_path, "-s", "pelicanconf.py")
    assert result.returncode == 0, result.stderr
    assert "Processed" not in result.stdout + result.stderr
    *_, summary, search_line = result.stdout.strip().splitlines()
    assert re.fullmatch(r"Search index: 5 pages in 1 part, \d+ KB \(rebuilt\)\.", search_line), (
        search_line
    )
    assert re.fullmatch(
        rf"Built {re.escape(str(tmp_path / 'out'))} in \d+\.\d\d s: 5 items, 1 blogger,"
        r" 1 contest, 3 comments; (\d+) pages rendered, 0 unchanged, 0 warnings\.",
        summary,
    ), summary
    assert (tmp_path / "out" / "posts" / "first-post" / "index.html").is_file()


def test_pelican_names_a_bad_setting_without_a_traceback(
    minimal_copy: Path, tmp_path: Path
) -> None:
    """A bad setting given on Pelican's command line is named like in `invoke build`."""
    result = _pelican(minimal_copy, tmp_path, "-e", "HUB_PAGE_SIZE=0")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "1 problem in the settings:",
        "pelicanconf.py: HUB_PAGE_SIZE: must be 1 or more, not 0; for example HUB_PAGE_SIZE = 12",
        "The site was not built: fix the settings above.",
    ]
