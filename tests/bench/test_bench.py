"""The benchmark's synthetic hub is real content, and the benchmark runs end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import hugo  # noqa: E402 - bench/ is a folder of scripts
import measure  # noqa: E402
import synthetic  # noqa: E402
from synthetic import write_hub, write_plain  # noqa: E402


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
    measured = data["results"]["200"]
    assert set(measured) == ({"ours", "pelican", "hugo"} if hugo.binary() else {"ours", "pelican"})
    assert measured["pelican"]["cold"]["seconds"]
    assert measured["ours"]["cold"]["cpu_seconds"][0] > 0
    assert measured["ours"]["cold"]["peak_mib"][0] > 0
    assert data["plain_categories"] == "kind"
    if hugo.binary():
        assert "ours / Hugo" in result.stdout
        assert measured["hugo"]["cold"]["seconds"]
    else:
        assert "apt-get install -y hugo" in result.stdout
    new.unlink()


def _categories(content: Path) -> set[str]:
    found = set()
    for path in content.glob("*.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("Category: "):
                found.add(line.removeprefix("Category: "))
    return found


def test_plain_articles_have_one_category_per_kind_unless_asked_per_item(tmp_path: Path) -> None:
    """The honest baseline has a handful of categories; the labelled old variant has many."""
    write_hub(tmp_path / "hub", 200)
    write_plain(tmp_path / "kind", tmp_path / "hub", 200)
    write_plain(tmp_path / "item", tmp_path / "hub", 200, categories="per-item")
    kinds = _categories(tmp_path / "kind" / "content")
    assert kinds <= {*synthetic.MIX, "images"}
    assert "comments" in kinds
    assert len(_categories(tmp_path / "item" / "content")) > len(kinds) + 10
    with pytest.raises(ValueError, match="categories must be one of"):
        write_plain(tmp_path / "bad", tmp_path / "hub", 5, categories="none")


FORKING = """
import os, time
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        block = bytearray(64 * 1024 * 1024)  # touched: 64 MiB of private pages per child
        for i in range(0, len(block), 4096):
            block[i] = 1
        while time.process_time() < 0.5:
            pass
        time.sleep(1.5)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
"""


def test_measure_sums_memory_and_cpu_over_every_process(tmp_path: Path) -> None:
    """Two forked 64 MiB workers count as more than one; their CPU time is included."""
    sample = measure.run([sys.executable, "-c", FORKING], tmp_path)
    assert sample.peak_mib > 2 * 64
    assert sample.cpu_seconds >= 2 * 0.5
    with pytest.raises(RuntimeError, match="failed with 3"):
        measure.run([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)


@pytest.mark.skipif(hugo.binary() is None, reason="hugo is not installed")
def test_hugo_builds_the_same_plain_articles(tmp_path: Path) -> None:
    """The bench's Hugo site lists every article, renders each, and has an RSS feed."""
    write_hub(tmp_path / "hub", 30)
    write_plain(tmp_path / "plain", tmp_path / "hub", 30)
    site = tmp_path / "site"
    hugo.write_site(site, tmp_path / "plain" / "content")
    binary = hugo.binary()
    assert binary is not None
    subprocess.run(hugo.build_command(binary, site), check=True, timeout=300)
    home = BeautifulSoup((site / "public" / "index.html").read_text("utf-8"), "html.parser")
    titles = {a.get_text() for a in home.select("article h2 a")}
    assert titles == {f"Article {n}" for n in range(30)}
    page = site / "public" / "posts" / "article-00003" / "index.html"
    assert BeautifulSoup(page.read_text("utf-8"), "html.parser").h1.get_text() == "Article 3"
    feed = feedparser.parse((site / "public" / "index.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 10
    edits = hugo.server_rerender(binary, site, 1, timeout=120)
    assert len(edits) == 1
