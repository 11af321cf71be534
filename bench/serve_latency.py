"""How long after a save does `invoke serve` show the change? Prints the figures.

Copies the sample hub (tests/data/sites/sample/content/) to a temporary folder,
starts `invoke serve` on a free port, listens to the reload stream the preview
pages listen to, then edits one post several times and measures, for each save,
the time until the reload event and until the served page shows the new text. Target: within 1 s.

Run: .venv/bin/python bench/serve_latency.py [--edits 10]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.0


def free_port() -> int:
    """A TCP port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_page(url: str, text: str, timeout: float) -> float:
    """Seconds until ``url`` serves ``text``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"{url} never showed {text!r}")


def measure(edits: int) -> list[tuple[float, float]]:
    """(seconds to the reload event, seconds to the new page) for each edit."""
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "tests" / "data" / "sites" / "sample" / "content", content)
        port = free_port()
        command = [sys.executable, "-m", "invoke", "serve", "--port", str(port)]
        command += ["--content", str(content), "--output", str(Path(folder) / "output")]
        server = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            page = f"http://127.0.0.1:{port}/posts/welcome-to-the-hub/"
            wait_for_page(page, "Welcome", 120)
            post = content / "posts" / "welcome-to-the-hub.md"
            original = post.read_text(encoding="utf-8")
            results = []
            for number in range(edits):
                stream = urllib.request.urlopen(f"http://127.0.0.1:{port}/__hub_reload", timeout=30)
                stream.readline()  # ": connected"
                marker = f"Edit number {number}"
                saved = time.perf_counter()
                post.write_text(original.replace("For years", f"{marker}. For years"), "utf-8")
                while b"event: reload" not in stream.readline():
                    pass
                reload_seconds = time.perf_counter() - saved
                stream.close()
                page_seconds = reload_seconds + wait_for_page(page, marker, 30)
                results.append((reload_seconds, page_seconds))
                time.sleep(0.3)
            return results
        finally:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10, help="how many saves to time")
    args = parser.parse_args()
    results = measure(args.edits)
    reloads = [r for r, _ in results]
    pages = [p for _, p in results]
    median = statistics.median(pages)
    print(f"saves timed: {len(results)} (sample content, one post edited)")
    print(
        f"save → reload event: median {statistics.median(reloads) * 1000:.0f} ms "
        f"[{min(reloads) * 1000:.0f}–{max(reloads) * 1000:.0f}]"
    )
    print(
        f"save → page shows it: median {median * 1000:.0f} ms "
        f"[{min(pages) * 1000:.0f}–{max(pages) * 1000:.0f}]"
    )
    verdict = "PASS" if max(pages) <= TARGET_SECONDS else "MISS"
    print(f"target: every save shown within {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
