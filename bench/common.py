"""What every part of the bench shares: the plan of a run, child processes, gunicorn and wrk."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
SERVE = ROOT / "scripts" / "serve"
#: scripts/serve's defaults, which the bench keeps: 2 × cores + 1 workers of 4 threads.
WORKERS, THREADS = 2 * (os.cpu_count() or 1) + 1, 4
LEARNER_EMAIL, PASSWORD = "learner{}@bench.example", "bench password 1"


@dataclass(frozen=True)
class Plan:
    """How long and how large a run is, and whether it writes the results files."""

    seconds: int  #: length of each wrk run
    rounds: int  #: runs of each measurement, reported as min, median and max
    connections: tuple[int, ...]  #: concurrent connections of the lesson page and the quiz
    learners: int
    attempts: int
    awards: int
    writes_results: bool  #: bench/results.json, bench/results.md and the README's table


#: `make bench`: the run whose figures the README shows.
FULL = Plan(
    seconds=int(os.environ.get("BENCH_SECONDS", "5")),
    rounds=3,
    connections=(1, 16, 64),
    learners=10_000,
    attempts=200_000,
    awards=3_000,
    writes_results=True,
)

#: `--quick`: a smoke run of every step in a few minutes; prints its report, writes no file.
QUICK = Plan(
    seconds=1,
    rounds=3,
    connections=(16,),
    learners=200,
    attempts=2_000,
    awards=20,
    writes_results=False,
)


@dataclass(frozen=True)
class Run:
    """One run of the bench: its plan, its scratch folder, and the course server it measures."""

    plan: Plan
    work: Path  #: scratch folder, deleted at the end; the instance is its ``instance/``
    env: dict[str, str]  #: every child's environment: instance, base URL, database
    port: int  #: where the course server listens
    database: str  #: "SQLite" or "PostgreSQL", as the report names it

    @property
    def instance(self) -> Path:
        """The course's instance folder."""
        return Path(self.env["COURSE_INSTANCE_PATH"])

    @property
    def base(self) -> str:
        """The course server's URL."""
        return self.env["COURSE_BASE_URL"]


def log(message: str) -> None:
    """One line of progress, with the time."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    """Return once ``url`` answers; raise if it does not within ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def process(
    command: list[str],
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    stdout: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """A quiet child process in a session of its own (its output and errors to ``stdout`` if
    given), ended with its children on exit."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    proc = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=out, stderr=out, start_new_session=True
    )
    try:
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        if stdout:
            out.close()


@contextmanager
def serve(
    app: str, port: int, env: dict[str, str], log: Path | None = None, ready: str = "/healthz"
) -> Iterator[int]:
    """``app`` served by scripts/serve (what `make serve` runs) on ``port``; the master's pid.

    scripts/serve runs `course init`, then gunicorn with its own flags; the bench only sets
    the address and the app. Its access log (a line per request, with the seconds it took)
    goes to ``log``.
    """
    serve_env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "APP": app}
    with process([str(SERVE)], env=serve_env, stdout=log) as proc:
        wait_for(f"http://127.0.0.1:{port}{ready}")
        yield proc.pid


def python_output(code: str, env: dict[str, str], *args: str) -> str:
    """The last line that ``code``, run with ``args`` by this interpreter in a child, prints."""
    result = subprocess.run(
        [PYTHON, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def wrk(
    url: str,
    connections: int,
    seconds: int,
    script: str | None = None,
    headers: Sequence[str] = (),
    threads: int | None = None,
) -> dict[str, Any]:
    """Run wrk and read requests/s, latency percentiles, errors and its script's report."""
    threads = threads or min(2, connections)
    # A 10 s timeout, not wrk's 2 s: a slow answer is a latency to report, not an error.
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command.append("--latency")
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return {
        "connections": connections,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "seconds": float(re.search(r"requests in ([\d.]+)s", output).group(1)),
        "p50_ms": _latency_ms(output, "50"),
        "p99_ms": _latency_ms(output, "99"),
        "errors": _errors(output),
        "script": dict(re.findall(r"^SCRIPT (\w+)=(\d+)$", output, re.M)),
    }


def _latency_ms(output: str, percent: str) -> float:
    """One percentile of wrk's latency distribution, in milliseconds."""
    match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _errors(output: str) -> int:
    """Responses other than 2xx and 3xx, plus socket errors of every kind."""
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(map(int, socket_errors.groups())) if socket_errors else 0
    )


def spread(values: Sequence[float]) -> dict[str, float]:
    """The min, median and max of ``values``."""
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def rounds(plan: Plan, url: str, connections: int, **options: Any) -> dict[str, Any]:
    """``plan.rounds`` wrk runs of ``url``: each figure as min, median and max, errors summed."""
    runs = [wrk(url, connections, plan.seconds, **options) for _ in range(plan.rounds)]
    return summary(connections, runs)


def summary(connections: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one measurement, and min, median and max of each figure."""
    return {
        "connections": connections,
        "rps": spread([run["rps"] for run in runs]),
        "p50_ms": spread([run["p50_ms"] for run in runs]),
        "p99_ms": spread([run["p99_ms"] for run in runs]),
        "errors": sum(run["errors"] for run in runs),
        "runs": runs,
    }


def each_connections(
    plan: Plan, url: str, connections: Sequence[int] | None = None, **options: Any
) -> dict[str, dict[str, Any]]:
    """The rounds of ``url`` at each number of connections (the plan's by default)."""
    return {str(c): rounds(plan, url, c, **options) for c in connections or plan.connections}
