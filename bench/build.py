"""Build speed at scale: our hub against plain Pelican, cold and after one change. Prints figures.

For each size N it writes a synthetic hub (bench/synthetic.py) and N plain
articles with the same bodies, then measures, over several runs, in fresh
processes: a cold build (no cache, empty output), a rebuild after changing one
item's body, a rebuild after adding one item; wall time, CPU time (user + system
of all the build's processes), time per item, and peak memory of the whole build
(PSS summed over all its processes, see bench/measure.py). The plain Pelican site
has one category per kind of item, as a real site would; `--plain-categories
per-item` is the old, inflated variant (a category per commented item). When a
`hugo` binary is found, the same plain articles are built with Hugo too (cold, one
change, and `hugo server`'s re-render of one edit). It prints a table with the
spread of every figure and the targets of issues 9 and 22, and writes everything
to bench/results/build-<timestamp>.json.

Run: .venv/bin/python bench/build.py [--sizes 1000,10000] [--runs 3] [--quick] [--keep]
     [--no-pelican] [--no-hugo] [--plain-categories kind|per-item]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hugo  # the bench folder is not a package
from measure import run
from synthetic import CATEGORIES, write_hub, write_plain

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


@dataclass
class Measure:
    """One kind of measurement over several runs."""

    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def cpu(self) -> float:
        """Median CPU seconds."""
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")

    def spread(self, values: list[float] | None = None) -> str:
        """min to max (seconds unless other values are given)."""
        values = self.seconds if values is None else values
        return f"{min(values):.2f}–{max(values):.2f}" if values else "-"


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


WHO = ("ours", "pelican", "hugo")


def bench_size(
    n: int,
    runs: int,
    work: Path,
    *,
    with_pelican: bool,
    with_hugo: bool,
    categories: str = "kind",
) -> dict[str, dict[str, Measure]]:
    """Every measurement at one size."""
    hub, flat, hugo_site = work / f"hub-{n}", work / f"plain-{n}", work / f"hugo-{n}"
    counts = write_hub(hub, n)
    write_plain(flat, hub, n, categories)
    settings = flat / "pelicanconf.py"
    settings.write_text(
        PLAIN_SETTINGS.format(
            content=str(flat / "content"), output=str(flat / "output"), cache=str(flat / "cache")
        ),
        encoding="utf-8",
    )
    hugo_binary = hugo.binary() if with_hugo else None
    if hugo_binary:
        hugo.write_site(hugo_site, flat / "content")
    print(f"N = {n}: {sum(counts.values())} hub files {counts}", flush=True)
    results: dict[str, dict[str, Measure]] = {
        who: {name: Measure() for name in ("cold", "one change", "one added", "server edit")}
        for who in WHO
    }
    for round_ in range(runs):
        # Interleaved: every round measures each generator, so load spikes hit all of them.
        targets = [("ours", hub / "content", ours(hub / "content", hub / "output"), "posts")]
        if with_pelican:
            targets.append(("pelican", flat / "content", plain(settings), ""))
        if hugo_binary:
            site = hugo_site
            targets.append(
                ("hugo", site / "content", hugo.build_command(hugo_binary, site), "posts")
            )
        for who, content, command, folder in targets:
            for stale in ("output", ".cache", "cache", "public", "resources"):
                shutil.rmtree(content.parent / stale, ignore_errors=True)
            steps: list[tuple[str, Callable[[], None] | None]] = [
                ("cold", None),
                ("one change", partial(_touch_body, content, folder, round_)),
            ]
            if who != "hugo":
                steps.append(
                    ("one added", partial(_add_item, content, folder, round_, who == "pelican"))
                )
            for name, change in steps:
                if change is not None:
                    change()
                sample = run(command, ROOT)
                kept = results[who][name]
                kept.seconds.append(sample.seconds)
                kept.cpu_seconds.append(sample.cpu_seconds)
                kept.peak_mib.append(sample.peak_mib)
                print(
                    f"  run {round_ + 1} {who:8} {name:10} {sample.seconds:7.2f} s "
                    f"cpu {sample.cpu_seconds:7.2f} s {sample.peak_mib:6.0f} MiB",
                    flush=True,
                )
    if hugo_binary:
        edits = hugo.server_rerender(hugo_binary, hugo_site, runs)
        results["hugo"]["server edit"].seconds.extend(edits)
        print(
            f"  hugo server re-render of one edit: {', '.join(f'{e:.2f} s' for e in edits)}"
            if edits
            else "  hugo server did not report a rebuild in time: not measured",
            flush=True,
        )
    elif with_hugo:
        print(f"  {hugo.INSTALL}", flush=True)
    return results


def _ratio(mine: Measure, theirs: Measure) -> float:
    return mine.median / theirs.median if mine.seconds and theirs.seconds else float("nan")


def report(all_results: dict[int, dict[str, dict[str, Measure]]]) -> list[str]:
    """The table and the targets, as lines (median [min-max] of every figure)."""
    lines = [
        f"{'N':>6} {'who':8} {'measurement':12} {'wall s (median [min–max])':>27} "
        f"{'CPU s [min–max]':>24} {'ms/item':>8} {'peak MiB [min–max]':>20}"
    ]
    for n, results in all_results.items():
        for who in WHO:
            for name in ("cold", "one change", "one added", "server edit"):
                m = results[who][name]
                if not m.seconds:
                    continue
                memory = (
                    f"{statistics.median(m.peak_mib):6.0f} [{m.spread(m.peak_mib):>11}]"
                    if m.peak_mib
                    else f"{'-':>20}"
                )
                cpu = f"{m.cpu:8.2f} [{m.spread(m.cpu_seconds):>13}]" if m.cpu_seconds else "-"
                lines.append(
                    f"{n:>6} {who:8} {name:12} {m.median:9.2f} [{m.spread():>15}] "
                    f"{cpu:>24} {m.median / n * 1000:8.2f} {memory}"
                )
        lines.append(f"{n:>6} ratios (wall, of medians):")
        ours_, pelican, hugo_ = results["ours"], results["pelican"], results["hugo"]
        for name in ("cold", "one change", "one added"):
            parts = [f"ours / Pelican {_ratio(ours_[name], pelican[name]):.2f}"]
            if ours_[name].cpu_seconds and pelican[name].cpu_seconds:
                parts.append(f"(CPU {ours_[name].cpu / pelican[name].cpu:.2f})")
            if hugo_[name].seconds:
                parts.append(f"ours / Hugo {_ratio(ours_[name], hugo_[name]):.2f}")
            lines.append(f"       {name:12} " + "  ".join(parts))
        if hugo_["server edit"].seconds:
            ratio = _ratio(ours_["one change"], hugo_["server edit"])
            lines.append(f"       one change / Hugo server's re-render of one edit {ratio:.2f}")
    sizes = sorted(all_results)
    big = all_results[sizes[-1]]
    cold, change = big["ours"]["cold"], big["ours"]["one change"]
    lines.append("")
    lines.append(f"targets at N = {sizes[-1]}:")
    if big["pelican"]["cold"].seconds:
        ratio = cold.median / big["pelican"]["cold"].median
        lines.append(f"  cold build ≤ 0.5 × plain Pelican: {ratio:.2f} {_ok(ratio <= 0.5)}")
    if big["hugo"]["cold"].seconds:
        ratio = cold.median / big["hugo"]["cold"].median
        lines.append(f"  cold build ≤ 2 × Hugo: {ratio:.2f} {_ok(ratio <= 2)}")
    if big["hugo"]["server edit"].seconds:
        ratio = change.median / big["hugo"]["server edit"].median
        lines.append(f"  one change ≤ 1.5 × Hugo's server: {ratio:.2f} {_ok(ratio <= 1.5)}")
    lines.append(
        f"  rebuild after one change ≤ 2 s: {change.median:.2f} s {_ok(change.median <= 2)}"
    )
    share = change.median / cold.median
    lines.append(f"  rebuild ≤ 5 % of a cold build: {share:.1%} {_ok(share <= 0.05)}")
    peak = max(max(m.peak_mib) for m in big["ours"].values() if m.peak_mib)
    lines.append(f"  peak memory (all processes) ≤ 1 GiB: {peak:.0f} MiB {_ok(peak <= 1024)}")
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
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even when installed")
    parser.add_argument(
        "--plain-categories",
        choices=CATEGORIES,
        default="kind",
        help="plain Pelican's categories: one per kind (default) or the old one per item",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    args = parser.parse_args()
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="hub-bench-"))
    try:
        results = {
            n: bench_size(
                n,
                runs,
                work,
                with_pelican=not args.no_pelican,
                with_hugo=not args.no_hugo,
                categories=args.plain_categories,
            )
            for n in sizes
        }
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
            who: {name: asdict(m) for name, m in kinds.items() if m.seconds}
            for who, kinds in result.items()
            if any(m.seconds for m in kinds.values())  # only what was measured
        }
        for n, result in results.items()
    }
    summary = {
        "results": data,
        "report": lines,
        "cpus": os.cpu_count(),
        "load": os.getloadavg(),
        "plain_categories": args.plain_categories,
        "hugo": hugo.binary() is not None and not args.no_hugo,
    }
    path.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"written {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
