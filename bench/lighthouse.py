"""Lighthouse on the sample hub, served by nginx with deploy/nginx-hub.conf. Prints the figures.

Builds the sample hub (tests/data/sites/sample/content/) into a temporary folder,
serves it on 127.0.0.1 through the shipped nginx configuration (so compression,
types and caching are the production ones), and runs npm's `lighthouse` with
Debian's Chromium on the home page, a featured post, the #FF gallery and a film's
page, on the phone and the desktop presets. Prints the four category scores with
PASS/MISS against the targets (performance >= 98; accessibility, best practices,
SEO = 100), the top opportunities and every failed audit, and writes
bench/results/lighthouse-<timestamp>.json (ignored by git).

Run: .venv/bin/python bench/lighthouse.py [--runs 1] [--lighthouse PATH]
(LIGHTHOUSE_BIN=PATH works as well; the default is node_modules/.bin/lighthouse).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import SAMPLE, shipped_nginx, wait_for_port  # noqa: E402 - after the path

CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
PRESETS = ("phone", "desktop")
# The metrics the performance score is made of, as Lighthouse names its audits.
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
RUN_SECONDS = 300  # one Lighthouse run on a loaded 2-core machine takes 20 to 90 s


@dataclass
class Summary:
    """What one Lighthouse report says, in short."""

    page: str
    preset: str
    scores: dict[str, int]
    # (audit, ms, bytes, the largest item's URL) for each opportunity
    opportunities: list[tuple[str, float, float, str]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # audits of the other categories
    metrics: dict[str, float] = field(default_factory=dict)  # ms (CLS: a fraction)
    lcp_element: str = ""  # what the largest contentful paint was


def summarise(report: dict[str, Any], page: str, preset: str) -> Summary:
    """The scores, the opportunities (largest first) and the failed audits of a report."""
    categories = report["categories"]
    scores = {
        name: round(100 * categories[name]["score"])
        for name in CATEGORIES
        if name in categories and categories[name]["score"] is not None
    }
    audits = report["audits"]
    opportunities = []
    for audit_id, audit in audits.items():
        details = audit.get("details") or {}
        saving_ms = details.get("overallSavingsMs") or 0
        saving_bytes = details.get("overallSavingsBytes") or 0
        if details.get("type") == "opportunity" and (saving_ms > 0 or saving_bytes > 0):
            items = details.get("items") or [{}]
            url = str(items[0].get("url", "")) if isinstance(items[0], dict) else ""
            opportunities.append((audit_id, float(saving_ms), float(saving_bytes), url))
    opportunities.sort(key=lambda row: (row[1], row[2]), reverse=True)
    failed = []
    for name in CATEGORIES[1:]:
        for ref in categories.get(name, {}).get("auditRefs", []):
            audit = audits.get(ref["id"], {})
            scored = audit.get("scoreDisplayMode") in ("binary", "numeric")
            if scored and ref.get("weight", 0) > 0 and (audit.get("score") or 0) < 1:
                failed.append(f"{name}: {ref['id']} ({audit.get('title', '')})")
    metrics = {
        short: float(audits[audit_id]["numericValue"])
        for audit_id, short in METRICS.items()
        if audits.get(audit_id, {}).get("numericValue") is not None
    }
    lcp = audits.get("largest-contentful-paint-element", {}).get("details") or {}
    return Summary(page, preset, scores, opportunities, failed, metrics, _lcp_element(lcp))


def _lcp_element(details: dict[str, Any]) -> str:
    """The selector of the largest contentful paint's element, from its audit's details."""
    for item in details.get("items", []):
        for row in item.get("items", [item]):
            node = row.get("node") if isinstance(row, dict) else None
            if node:
                return str(node.get("selector", ""))
    return ""


def verdict(scores: dict[str, int]) -> dict[str, bool]:
    """PASS (True) or MISS (False) for each category against its target."""
    return {name: scores.get(name, 0) >= target for name, target in TARGETS.items()}


def table(summaries: list[Summary]) -> str:
    """The scores of every run as a text table, with PASS/MISS per category."""
    header = f"{'page':<14} {'preset':<8}" + "".join(f" {name:>16}" for name in CATEGORIES)
    lines = [header, "-" * len(header)]
    for summary in summaries:
        passed = verdict(summary.scores)
        cells = "".join(
            f" {summary.scores.get(name, 0):>11} {'PASS' if passed[name] else 'MISS'}"
            for name in CATEGORIES
        )
        name = summary.page.split(" (")[0]
        lines.append(f"{name:<14} {summary.preset:<8}{cells}")
    return "\n".join(lines)


def pages(output: Path) -> dict[str, str]:
    """The four pages measured: home, a featured post, the #FF gallery, a film's page."""
    featured = sorted(output.glob("bloggers/*/*/index.html"))[0]
    films = sorted(output.glob("videos/*/index.html"))
    film = next(path for path in films if 'class="facade"' in path.read_text(encoding="utf-8"))
    return {
        "home": "/",
        "featured post": "/" + featured.parent.relative_to(output).as_posix() + "/",
        "#FF gallery": "/follow-friday/",
        "film": "/" + film.parent.relative_to(output).as_posix() + "/",
    }


def build(output: Path) -> None:
    """Build the sample hub into ``output`` with the project's settings."""
    from socialhub.build import run_build  # noqa: PLC0415 - after sys.path is set

    overrides = {
        "PATH": str(SAMPLE),
        "OUTPUT_PATH": str(output),
        "CACHE_PATH": str(output.parent / ".cache"),
    }
    run_build(ROOT / "pelicanconf.py", overrides)


def lighthouse(binary: str, url: str, preset: str, report: Path) -> dict[str, Any]:
    """One Lighthouse run's JSON report."""
    command = [
        binary,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--only-categories=" + ",".join(CATEGORIES),
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROME}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=RUN_SECONDS, check=False
    )
    if done.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed on {url} ({preset}): {done.stderr.strip()[-400:]}")
    return dict(json.loads(report.read_text(encoding="utf-8")))


def median_run(runs: list[Summary]) -> Summary:
    """The run whose performance score is the median (the others scores vary less)."""
    ordered = sorted(runs, key=lambda run: run.scores.get("performance", 0))
    return ordered[len(ordered) // 2]


def main() -> int:
    """Build, serve, measure, print, save; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page and preset (median)")
    parser.add_argument(
        "--lighthouse",
        default=os.environ.get(
            "LIGHTHOUSE_BIN", str(ROOT / "node_modules" / ".bin" / "lighthouse")
        ),
        help="the lighthouse command (default node_modules/.bin/lighthouse, or LIGHTHOUSE_BIN)",
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this (e.g. film)"
    )
    args = parser.parse_args()
    if not Path(args.lighthouse).exists():
        print(f"{args.lighthouse} is missing: run npm ci (lighthouse is in package.json)")
        return 2
    summaries: list[Summary] = []
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "output"
        build(output)
        nginx = shipped_nginx(Path(folder), output)
        server = subprocess.Popen(nginx.command)
        try:
            wait_for_port(nginx.site_port)
            site = f"http://127.0.0.1:{nginx.site_port}"
            chosen = {name: path for name, path in pages(output).items() if args.only in name}
            for name, path in chosen.items():
                for preset in PRESETS:
                    runs = []
                    for number in range(args.runs):
                        report = Path(folder) / f"report-{len(summaries)}-{number}.json"
                        started = time.perf_counter()
                        found = lighthouse(args.lighthouse, site + path, preset, report)
                        runs.append(summarise(found, f"{name} ({path})", preset))
                        print(f"  {name} {preset}: {time.perf_counter() - started:.0f} s")
                    summaries.append(median_run(runs))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print()
    print(table(summaries))
    for summary in summaries:
        top = [
            f"{audit} {ms:.0f} ms/{size / 1024:.1f} KiB {url}".rstrip()
            for audit, ms, size, url in summary.opportunities[:3]
        ]
        shown = ", ".join(
            f"{short} {value:.3f}" if short == "CLS" else f"{short} {value:.0f} ms"
            for short, value in summary.metrics.items()
        )
        print(f"\n{summary.page} {summary.preset}: {shown}; LCP element {summary.lcp_element}")
        if top or summary.failed:
            for line in top:
                print(f"  opportunity: {line}")
            for line in summary.failed:
                print(f"  failed: {line}")
    performance = [s.scores.get("performance", 0) for s in summaries]
    print(f"\nperformance: median {statistics.median(performance)}, lowest {min(performance)}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    target = results / f"lighthouse-{time.strftime('%Y%m%d-%H%M%S')}.json"
    target.write_text(
        json.dumps({"runs": args.runs, "summaries": [asdict(s) for s in summaries]}, indent=1),
        encoding="utf-8",
    )
    print(f"written {target.relative_to(ROOT)}")
    return 0 if all(all(verdict(s.scores).values()) for s in summaries) else 1


if __name__ == "__main__":
    sys.exit(main())
