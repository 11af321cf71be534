"""The comment service's throughput: accepted comments per second and latency, against Isso.

In a temporary folder it writes a manifest of commentable posts and a settings
file, then runs our service (socialhub.comments.wsgi:application) under gunicorn
on loopback with 1 and then 2 workers of each worker class asked for (gthread,
whose threads share fsyncs through the queue's group commit, and/or sync), the
queue's fsync on as always, and loads each fresh server with the same bounded
stream of valid, distinct JSON comments. For reference it runs Isso 0.14 the
same way (gunicorn, 2 workers, guard off, moderation on, so that it too queues
every comment) from its own virtual environment under .cache/bench-isso/.
``--rounds N`` repeats the whole set N times, interleaved, so a load spike on
the machine hits every server. It prints a table per round with the load
average, the spread over the rounds and the targets of issues 9 and 22 (in
every round), checks that the queue holds every accepted comment, and writes
bench/results/comments-<timestamp>.json.

Run: .venv/bin/python bench/comments.py [--rounds 3] [--count 3000] [--concurrency 8]
     [--worker-class gthread,sync] [--no-isso] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
ISSO_VENV = ROOT / ".cache" / "bench-isso" / "venv"
DEPLOY_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
ITEMS = 50  # posts the load spreads its comments over
ACCEPTED = (201, 202)  # Isso answers 201 when it publishes at once, 202 when it queues
SETTINGS = """
SITEURL = {site!r}
TIMEZONE = "Europe/Oslo"
COMMENTS_QUEUE_DIR = {queue!r}
COMMENTS_MANIFEST_PATH = {manifest!r}
# Why: the whole load comes from 127.0.0.1; the limit itself still runs on every request.
COMMENTS_RATE_LIMIT_COUNT = 10_000_000
"""
ISSO_CONFIG = """
[general]
dbpath = {db}
host = {site}
[moderation]
enabled = true
[guard]
enabled = false
"""
# Why a hook: a worker answering /health says nothing of the others still
# loading; each worker notes itself here once its application is loaded.
GUNICORN_CONFIG = """
import os
def post_worker_init(worker):
    with open(os.environ["BENCH_READY"], "a") as ready:
        ready.write(f"{worker.pid}\\n")
"""


@dataclass(frozen=True)
class Server:
    """How to start one server under gunicorn, and the requests to load it with."""

    label: str
    name: str  # for its log and settings files
    command: list[str]
    env: dict[str, str]
    workers: int
    health: str  # a GET that answers 200 once the app is up
    request: Callable[[int], tuple[str, bytes]]  # k → path, JSON body of the k-th comment
    headers: dict[str, str]


@dataclass
class Run:
    """One server under load: what was sent, what was accepted, how long each took."""

    server: str
    workers: int
    round: int = 1
    load_average: float = 0.0  # the machine's 1-minute load average when the run started
    requests: int = 0
    accepted: int = 0
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    queued: int | None = None  # files in our queue afterwards; None for Isso
    warmup_accepted: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float:
        """Accepted comments per second."""
        return self.accepted / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """A latency percentile in milliseconds (nearest rank)."""
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def summary(self) -> dict[str, object]:
        """The run as JSON, latencies reduced to percentiles."""
        data = asdict(self)
        data.pop("latencies_ms")
        data.update(
            rate=round(self.rate, 1),
            p50_ms=round(self.percentile(0.50), 2),
            p90_ms=round(self.percentile(0.90), 2),
            p99_ms=round(self.percentile(0.99), 2),
            max_ms=round(max(self.latencies_ms, default=0.0), 2),
        )
        return data


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(server: Server, folder: Path) -> Iterator[int]:
    """Run gunicorn on a free loopback port, wait for every worker and GET health; always stop."""
    port = free_port()
    ready, log_path = folder / f"{server.name}.ready", folder / f"{server.name}.log"
    config = folder / "gunicorn_conf.py"
    config.write_text(GUNICORN_CONFIG, encoding="utf-8")
    # Why: a ready file left by an earlier round would pass the wait before this one binds.
    ready.unlink(missing_ok=True)
    bind = ["--bind", f"127.0.0.1:{port}", "--workers", str(server.workers), "-c", str(config)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*server.command, *bind],
            cwd=folder,
            env={**os.environ, **server.env, "BENCH_READY": str(ready)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so its workers can be killed with it
        )
    try:
        deadline = time.monotonic() + 60
        while not (ready.exists() and len(ready.read_text().split()) >= server.workers):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{server.name} did not start:\n{tail}")
            time.sleep(0.05)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", server.health)
        if (status := connection.getresponse().status) != 200:
            raise RuntimeError(f"{server.name}: GET {server.health} answered {status}")
        connection.close()
        yield port
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate gunicorn gracefully; kill its whole group if it lingers."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def load(
    port: int, server: Server, indices: range, concurrency: int, duration: float
) -> tuple[list[float], Counter[int], float]:
    """POST the requests of ``indices`` from a few threads, each keeping its connection."""
    numbers = iter(indices)
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.perf_counter() + duration

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        seen: Counter[int] = Counter()
        while time.perf_counter() < deadline:
            with lock:
                k = next(numbers, None)
            if k is None:
                break
            path, body = server.request(k)
            started = time.perf_counter()
            try:
                connection.request("POST", path, body, server.headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0  # refused, reset or timed out: an error, counted as such
                connection.close()
            mine.append((time.perf_counter() - started) * 1000)
            seen[status] += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def measure(server: Server, folder: Path, args: argparse.Namespace) -> Run:
    """Start the server fresh, warm it up (not counted), send the measured load, stop it."""
    run = Run(server.label, server.workers, args.round, round(os.getloadavg()[0], 2))
    with gunicorn(server, folder) as port:
        _, warm, _ = load(port, server, range(args.warmup), args.concurrency, 30)
        measured = range(args.warmup, args.warmup + args.count)
        latencies, statuses, seconds = load(port, server, measured, args.concurrency, args.duration)
    run.warmup_accepted = sum(warm[s] for s in ACCEPTED)
    run.latencies_ms, run.seconds = latencies, seconds
    run.requests = sum(statuses.values())
    run.accepted = sum(statuses[s] for s in ACCEPTED)
    run.errors = run.requests - run.accepted
    run.statuses = {str(status): n for status, n in sorted(statuses.items())}
    return run


def comment(k: int) -> tuple[str, str]:
    """The k-th comment's author and text: valid, distinct, of a usual size."""
    text = (
        f"Comment number {k}: thanks for the write-up, the part on thumbnails "
        f"answered a question I had for weeks. ({k * 7919 % 100_003})"
    )
    return f"Reader {k}", text


def bench_ours(
    folder: Path, site: str, workers: int, worker_class: str, args: argparse.Namespace
) -> Run:
    """Our service under gunicorn with ``workers`` workers of a class and a fresh queue."""
    name = f"ours-{worker_class}-{workers}-r{args.round}"
    queue = folder / f"queue-{worker_class}-{workers}-r{args.round}"
    settings = folder / f"{name}.py"
    manifest = folder / "manifest.json"
    settings.write_text(
        SETTINGS.format(site=site, queue=str(queue), manifest=str(manifest)), encoding="utf-8"
    )
    command = [sys.executable, "-m", "gunicorn", "--worker-class", worker_class]
    if worker_class == "gthread":
        command += ["--threads", str(args.threads)]

    def request(k: int) -> tuple[str, bytes]:
        author, text = comment(k)
        data = {"item": f"p-{k % ITEMS}", "author": author, "body": text}
        return "/api/comments", json.dumps(data).encode()

    server = Server(
        label=f"ours ({worker_class})",
        name=name,
        command=[*command, "socialhub.comments.wsgi:application"],
        env={"HUB_ROOT": str(folder), "HUB_SETTINGS": settings.name},
        workers=workers,
        health="/health",
        request=request,
        headers={"Content-Type": "application/json", "Origin": site},
    )
    run = measure(server, folder, args)
    run.queued = len(list((queue / "pending").glob("*.json")))
    return run


def isso_python() -> Path | None:
    """Isso 0.14 and gunicorn in their own venv, made once; None when it cannot be made."""
    python = ISSO_VENV / "bin" / "python"
    if (ISSO_VENV / "bin" / "gunicorn").exists():
        return python
    print(f"installing Isso 0.14 into {ISSO_VENV.relative_to(ROOT)} …", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "isso==0.14.*", "gunicorn"], check=True
        )
    except subprocess.CalledProcessError as error:
        print(f"could not install Isso ({error}); measuring ours only")
        return None
    return python


def bench_isso(folder: Path, site: str, python: Path, args: argparse.Namespace) -> Run:
    """Isso under gunicorn with 2 sync workers, guard off, moderation on, a fresh database."""
    config = folder / "isso.cfg"
    database = folder / f"isso-r{args.round}.db"  # a fresh one per round
    config.write_text(ISSO_CONFIG.format(db=database, site=site), encoding="utf-8")
    env = {"ISSO_SETTINGS": str(config)}
    # Why alone first: two workers creating the same new database race, and one fails.
    subprocess.run(
        [str(python), "-c", "import isso.run"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )

    def request(k: int) -> tuple[str, bytes]:
        author, text = comment(k)
        # Why a title: without one Isso fetches the page to read it.
        data = {"text": text, "author": author, "title": f"Post {k % ITEMS}"}
        return f"/new?uri=/posts/p-{k % ITEMS}/", json.dumps(data).encode()

    server = Server(
        label="isso 0.14 (sync)",
        name=f"isso-r{args.round}",
        command=[str(python), "-m", "gunicorn", "isso.run:application"],
        env=env,
        workers=2,
        health="/config",
        request=request,
        headers={"Content-Type": "application/json", "Origin": site},
    )
    return measure(server, folder, args)


def write_manifest(path: Path, site: str) -> None:
    """The build's comments-manifest.json for ITEMS open posts (see plugins/hub)."""
    items = {
        f"p-{k}": {
            "url": f"/posts/p-{k}/",
            "title": f"Post {k}",
            "kind": "post",
            "comments_open": True,
            "comment_ids": [],
        }
        for k in range(ITEMS)
    }
    path.write_text(json.dumps({"site_url": site, "items": items}), encoding="utf-8")


def table(runs: list[Run]) -> None:
    """Print one round's runs."""
    print(f"\n{'server':<18} {'workers':>7} {'round':>5} {'load':>5} {'requests':>8} "
          f"{'accepted':>8} {'accepted/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6}")  # fmt: skip
    for run in runs:
        print(f"{run.server:<18} {run.workers:>7} {run.round:>5} {run.load_average:>5.1f} "
              f"{run.requests:>8} {run.accepted:>8} {run.rate:>10.1f} "
              f"{run.percentile(0.5):>7.1f} {run.percentile(0.99):>7.1f} "
              f"{run.errors:>6}")  # fmt: skip


def spread(values: list[float]) -> str:
    """The median and the range (min to max) of some figures."""
    ordered = sorted(values)
    return f"{ordered[len(ordered) // 2]:.1f} [{ordered[0]:.1f}–{ordered[-1]:.1f}]"


def report(runs: list[Run], default_class: str) -> dict[str, bool | None]:
    """Print the tables, the spread and the targets; return the targets (None: not measured)."""
    rounds = sorted({run.round for run in runs})
    for number in rounds:
        table([run for run in runs if run.round == number])
    print(f"\nover {len(rounds)} round(s): median [min to max]")
    for label, workers in sorted({(run.server, run.workers) for run in runs}):
        same = [run for run in runs if (run.server, run.workers) == (label, workers)]
        print(f"{label:<18} {workers:>2} worker(s): accepted/s "
              f"{spread([run.rate for run in same])}, p99 ms "
              f"{spread([run.percentile(0.99) for run in same])}, load average "
              f"{spread([run.load_average for run in same])}")  # fmt: skip
    ratios: list[float] = []
    worst_p99 = 0.0
    for number in rounds:
        ours = next(
            run
            for run in runs
            if run.round == number and run.server == f"ours ({default_class})" and run.workers == 2
        )
        worst_p99 = max(worst_p99, ours.percentile(0.99))
        isso = next((r for r in runs if r.round == number and r.server.startswith("isso")), None)
        if isso is not None and isso.rate:
            ratios.append(ours.rate / isso.rate)
    if ratios:
        print(f"ours ({default_class}, 2 workers) / Isso accepted/s per round: "
              + ", ".join(f"{ratio:.2f}×" for ratio in ratios))  # fmt: skip
    who = f"ours ({default_class}, 2 workers)"
    targets: dict[str, bool | None] = {
        f"{who} ≥ 2 × Isso accepted/s in every round (issue 9)": (
            min(ratios) >= 2 if ratios else None
        ),
        f"{who} ≥ 4 × Isso accepted/s in every round (issue 22)": (
            min(ratios) >= 4 if ratios else None
        ),
        f"{who} p99 < 20 ms in every round (issue 22)": worst_p99 < 20,
    }
    print()
    for target, met in targets.items():
        verdict = "n/a (Isso not measured)" if met is None else ("PASS" if met else "MISS")
        print(f"{verdict:<5} {target}")
    for run in runs:
        if run.queued is not None:
            expected = run.accepted + run.warmup_accepted
            verdict = "nothing lost" if run.queued == expected else "MISMATCH"
            print(f"queue of {run.server}, {run.workers} worker(s), round {run.round}: "
                  f"{run.queued} files for {expected} accepted (warm-up included): "
                  f"{verdict}")  # fmt: skip
    print("reading comments costs the service nothing: the static site serves them "
          "(the service has no read endpoint)")  # fmt: skip
    return targets


def deployed_threads() -> int:
    """The threads per gthread worker that deploy/gunicorn.conf.py ships, so both agree."""
    # Why read it: the bench measured 8 threads while the deploy ran 64; with the
    # load's few connections the number did not change the figures, but the bench
    # should measure what is shipped.
    return int(runpy.run_path(str(DEPLOY_CONFIG))["threads"])


def worker_classes(text: str) -> list[str]:
    """The --worker-class list: gthread and/or sync, the first one the one the targets judge."""
    classes = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in classes if name not in ("gthread", "sync")]
    if unknown or not classes:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give gthread, sync or both separated by a comma (gthread,sync)"
        )
    return classes


def main() -> int:
    """Run the benchmark; exit 1 if a queue lost or gained a comment."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="measured requests per server")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--duration", type=float, default=30, help="cap in seconds per server")
    parser.add_argument("--warmup", type=int, default=40, help="requests sent first, not counted")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of every server")
    parser.add_argument(
        "--worker-class",
        type=worker_classes,
        default=["gthread"],
        help="gthread (the default, as deployed), sync, or gthread,sync to compare; "
        "the first is the one the targets judge",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=deployed_threads(),
        help="threads per gthread worker (default: as deploy/gunicorn.conf.py)",
    )
    parser.add_argument("--no-isso", action="store_true", help="skip the Isso reference")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 50 requests each")
    args = parser.parse_args()
    if args.quick:
        args.count, args.warmup = 50, 5
    # Why: a terminated script still runs its finally blocks, which stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    python = None if args.no_isso else isso_python()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-comments-") as temporary:
        folder = Path(temporary)
        site = f"http://127.0.0.1:{free_port()}"  # the page origin the load claims; no server
        write_manifest(folder / "manifest.json", site)
        for number in range(1, args.rounds + 1):
            args.round = number  # names this round's queue, database and log files
            for worker_class in args.worker_class:
                for workers in (1, 2):
                    print(f"round {args.round}: ours ({worker_class}), {workers} worker(s): "
                          f"{args.count} comments …", flush=True)  # fmt: skip
                    runs.append(bench_ours(folder, site, workers, worker_class, args))
            if python is not None:
                print(f"round {args.round}: isso, 2 workers: {args.count} comments …", flush=True)
                runs.append(bench_isso(folder, site, python, args))
    targets = report(runs, args.worker_class[0])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"comments-{time.strftime('%Y%m%d-%H%M%S')}.json"
    data = {
        "args": vars(args),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": [run.summary() for run in runs],
        "targets": targets,
    }
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}")
    lost = any(r.queued != r.accepted + r.warmup_accepted for r in runs if r.queued is not None)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
