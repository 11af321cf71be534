"""Run one build command and measure it: wall time, CPU time of all its processes, summed PSS.

Peak memory is the whole build's: every 50 ms the PSS (proportional set size, from
/proc/<pid>/smaps_rollup) of the build process and all its descendants is summed, and the
largest sum is kept. PSS splits shared pages between the processes that share them, so the
sum does not count a forked worker's inherited pages twice. CPU time is user + system time
of the process and every descendant it waited for (os.wait4).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


@dataclass
class Sample:
    """What one run of a command cost."""

    seconds: float
    cpu_seconds: float
    peak_mib: float


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found  # the process has ended between two samples
    for task in tasks:
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def tree_pss_kib(root: int) -> int:
    """Summed PSS (KiB) of a process and all its descendants now."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kib(pid)
        todo.extend(_children(pid))
    return total


def run(command: list[str], cwd: Path) -> Sample:
    """Run ``command`` (output discarded) and measure it; RuntimeError if it fails."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss_kib(process.pid))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        # wait4 rather than Popen.wait: its rusage covers the child and the descendants it reaped.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    finally:
        done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with {process.returncode}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, peak / 1024)
