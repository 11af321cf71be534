"""Build speed at scale: our hub against plain Pelican, cold and after one change. Prints figures.

For each size N it writes a synthetic hub (bench/synthetic.py) and N plain
articles with the same bodies, then measures, over several runs, in fresh
processes: a cold build (no cache, empty output), a rebuild after changing one
item's body, a rebuild after adding one item; wall time, time per item, peak
memory of the build process. It prints a table with the targets of issue 9 and
writes everything to bench/results/<timestamp>.json.

Run: .venv/bin/python bench/build.py [--sizes 1000,10000] [--runs 3] [--quick] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_hub, write_plain  # the bench folder is not a package

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PLAIN_SETTINGS = """
PATH = {content!r}
OUTPUT_PATH = {output!r}
SITEURL = ""
SITENAME = "Plain Pelican"
TIMEZONE = "Europe/Oslo"
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = {cache!r}
"""
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{code} {seconds} {peak}")
"""


@dataclass
class Measure:
    """One kind of measurement over several runs."""

    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.seconds) if self.seconds else float("nan")

    def spread(self) -> str:
        """min to max seconds."""
        return f"{min(self.seconds):.2f}–{max(self.seconds):.2f}" if self.seconds else "-"


def measure(command: list[str]) -> tuple[float, float]:
    """(seconds, peak MiB) of a command run in a fresh wrapper process (its own rusage)."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    code, seconds, peak_kib = int(out[0]), float(out[1]), float(out[2])
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} failed with {code}")
    return seconds, peak_kib / 1024


def ours(content: Path, output: Path) -> list[str]:
    """Our build, the way `invoke build` runs it."""
    return [
        sys.executable,
        "-m",
        "invoke",
        "build",
        "--content",
        str(content),
        "--output",
        str(output),
    ]


def plain(settings: Path) -> list[str]:
    """Plain Pelican: no plugins, its default theme and feeds."""
    return [sys.executable, "-m", "pelican", "-s", str(settings), "-q"]


def _touch_body(content: Path, folder: str, n: int) -> None:
    path = sorted((content / folder).glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8") + f"\n\nEdited for run {n}.\n", "utf-8")


def _add_item(content: Path, folder: str, n: int, plain_article: bool) -> None:
    header = (
        f"Title: Added {n}\nDate: 2026-11-20 10:00\nCategory: added\n"
        if plain_article
        else f"Title: Added {n}\nDate: 2026-11-20 10:00\nAuthor: Bench\nSummary: Added.\n"
    )
    (content / folder / f"added-{n:03d}.md").write_text(header + "\nA new item.\n", "utf-8")


def bench_size(n: int, runs: int, work: Path, with_pelican: bool) -> dict[str, dict[str, Measure]]:
    """Every measurement at one size."""
    hub, flat = work / f"hub-{n}", work / f"plain-{n}"
    counts = write_hub(hub, n)
    write_plain(flat, hub, n)
    settings = flat / "pelicanconf.py"
    settings.write_text(
        PLAIN_SETTINGS.format(
            content=str(flat / "content"), output=str(flat / "output"), cache=str(flat / "cache")
        ),
        encoding="utf-8",
    )
    print(f"N = {n}: {sum(counts.values())} hub files {counts}", flush=True)
    results: dict[str, dict[str, Measure]] = {"ours": {}, "pelican": {}}
    for name in ("cold", "one change", "one added"):
        results["ours"][name] = Measure()
        results["pelican"][name] = Measure()
    for run in range(runs):
        targets = [("ours", hub / "content", ours(hub / "content", hub / "output"), "posts")]
        if with_pelican:
            targets.append(("pelican", flat / "content", plain(settings), ""))
        for who, content, command, folder in targets:
            for stale in (
                content.parent / "output",
                content.parent / ".cache",
                content.parent / "cache",
            ):
                shutil.rmtree(stale, ignore_errors=True)
            steps = [
                ("cold", None),
                ("one change", lambda c=content, f=folder, r=run: _touch_body(c, f, r)),
                (
                    "one added",
                    lambda c=content, f=folder, r=run, w=who: _add_item(c, f, r, w == "pelican"),
                ),
            ]
            for name, change in steps:
                if change is not None:
                    change()
                seconds, peak = measure(command)
                results[who][name].seconds.append(seconds)
                results[who][name].peak_mib.append(peak)
                print(
                    f"  run {run + 1} {who:8} {name:10} {seconds:7.2f} s {peak:6.0f} MiB",
                    flush=True,
                )
    return results


def report(all_results: dict[int, dict[str, dict[str, Measure]]]) -> list[str]:
    """The table and the targets, as lines."""
    lines = [
        f"{'N':>6} {'measurement':12} {'ours (median [min–max])':>26} "
        f"{'pelican':>22} {'ratio':>6} {'ms/item':>8} {'peak MiB':>9}"
    ]
    for n, results in all_results.items():
        for name in ("cold", "one change", "one added"):
            mine, theirs = results["ours"][name], results["pelican"][name]
            ratio = mine.median / theirs.median if theirs.seconds else float("nan")
            lines.append(
                f"{n:>6} {name:12} {mine.median:9.2f} s [{mine.spread():>12}] "
                f"{theirs.median:8.2f} s [{theirs.spread():>11}] {ratio:6.2f} "
                f"{mine.median / n * 1000:8.2f} {max(mine.peak_mib):9.0f}"
            )
    sizes = sorted(all_results)
    big = all_results[sizes[-1]]
    cold, change = big["ours"]["cold"], big["ours"]["one change"]
    lines.append("")
    lines.append(f"targets at N = {sizes[-1]}:")
    if big["pelican"]["cold"].seconds:
        ratio = cold.median / big["pelican"]["cold"].median
        lines.append(f"  cold build ≤ 0.5 × plain Pelican: {ratio:.2f} {_ok(ratio <= 0.5)}")
    lines.append(
        f"  rebuild after one change ≤ 2 s: {change.median:.2f} s {_ok(change.median <= 2)}"
    )
    share = change.median / cold.median
    lines.append(f"  rebuild ≤ 5 % of a cold build: {share:.1%} {_ok(share <= 0.05)}")
    peak = max(max(m.peak_mib) for m in big["ours"].values())
    lines.append(f"  peak memory ≤ 256 MiB: {peak:.0f} MiB {_ok(peak <= 256)}")
    if len(sizes) > 1:
        small = all_results[sizes[0]]["ours"]["cold"].median / sizes[0]
        large = cold.median / sizes[-1]
        lines.append(
            f"  time per item flat from {sizes[0]} to {sizes[-1]}: "
            f"{small * 1000:.2f} → {large * 1000:.2f} ms ({large / small:.2f}×) "
            f"{_ok(large / small <= 1.25)}"
        )
    return lines


def _ok(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def main() -> None:
    """Parse options, run, print, save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated item counts")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--quick", action="store_true", help="N = 200, one run (a smoke test)")
    parser.add_argument("--no-pelican", action="store_true", help="skip plain Pelican")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args()
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    try:
        results = {n: bench_size(n, runs, work, not args.no_pelican) for n in sizes}
    finally:
        if args.keep:
            print(f"kept the generated sites in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    lines = report(results)
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"build-{time.strftime('%Y%m%d-%H%M%S')}.json"
    data = {
        str(n): {
            who: {name: asdict(m) for name, m in kinds.items()} for who, kinds in result.items()
        }
        for n, result in results.items()
    }
    summary = {"results": data, "report": lines, "cpus": os.cpu_count()}
    path.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
