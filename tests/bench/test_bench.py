"""The benchmark's synthetic hub is real content, and the benchmark runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_hub, write_plain  # noqa: E402 - bench/ is a folder of scripts


def test_the_synthetic_hub_builds_with_every_kind(
    tmp_path: Path, build: Callable[..., Path]
) -> None:
    """At N = 60 every kind is there, references hold, and the real build accepts it all."""
    counts = write_hub(tmp_path / "hub", 60)
    assert all(count >= 2 for count in counts.values())
    output = build(tmp_path / "hub" / "content")
    assert (output / "hub" / "index.html").is_file()
    films = [path for path in (output / "videos").iterdir() if path.is_dir()]
    assert len(films) == counts["videos"]  # one folder per film, beside the redirect page
    assert write_plain(tmp_path / "plain", tmp_path / "hub", 60) == 60


@pytest.mark.slow
def test_quick_benchmark_prints_and_writes_its_figures() -> None:
    """`bench/build.py --quick` measures ours and plain Pelican and saves JSON."""
    before = set((ROOT / "bench" / "results").glob("build-*.json"))
    result = subprocess.run(
        [sys.executable, "bench/build.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "cold build ≤ 0.5 × plain Pelican" in result.stdout
    [new] = set((ROOT / "bench" / "results").glob("build-*.json")) - before
    data = json.loads(new.read_text(encoding="utf-8"))
    assert set(data["results"]["200"]) == {"ours", "pelican"}
    assert data["results"]["200"]["pelican"]["cold"]["seconds"]
    new.unlink()
