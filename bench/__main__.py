"""`python -m bench [--postgresql] [--quick]`: one run of the bench, from a fresh instance to the report.

`python -m bench --report [--postgresql]` renders bench/results*.md and the README's table
again from bench/results*.json (its figures and profiles), without measuring anything.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.baselines import hello_baseline, nginx_baseline
from bench.common import BENCH, FULL, QUICK, ROOT, THREADS, WORKERS, Run, free_port, log
from bench.profiles import profile
from bench.scenarios import measure_server
from bench.seeding import seed
from bench.startup import startup_and_check
from bench.targets import missed, profiled_kinds


def main(argv: list[str]) -> int:
    """Seed, measure the server and the baselines, and report; the exit status."""
    if "--report" in argv:
        return rerender("PostgreSQL" if "--postgresql" in argv else "SQLite")
    started = time.monotonic()
    run = prepare(use_postgresql="--postgresql" in argv, quick="--quick" in argv)
    info = seed(run)
    results: dict[str, Any] = {"award_ms": info["award_ms"], "award_ms_mean": info["award_ms_mean"]}
    measured, lesson_html, css = measure_server(run, info)
    results.update(measured)
    log("baselines: nginx static file and Flask hello world")
    results["nginx"] = nginx_baseline(run, lesson_html, css)
    results["hello"] = hello_baseline(run)
    log("start-up and content check with 50 generated modules in two languages")
    results.update(startup_and_check(run))
    results["machine"] = machine(run)
    profiles = {kind: profile(run, kind, info) for kind in profiled_kinds(missed(results))}
    results["profiles"] = profiles
    markdown = report.render(results, run.plan, profiles)
    if run.plan.writes_results:
        report.write(results, markdown)
        report.update_readme(markdown, run.database)
    else:
        log("a quick run: bench/results.json, bench/results.md and the README left as they were")
    print(markdown)
    shutil.rmtree(run.work, ignore_errors=True)
    log(f"done in {time.monotonic() - started:.0f} s")
    return 0


def rerender(database: str) -> int:
    """results.md and the README's table for ``database`` again, from its results.json."""
    path = BENCH / f"results{report.suffix(database)}.json"
    results = json.loads(path.read_text())
    markdown = report.render(results, FULL, results.get("profiles", {}))
    report.write(results, markdown)
    report.update_readme(markdown, database)
    log(f"rendered again from {path.name}")
    return 0


def prepare(use_postgresql: bool, quick: bool) -> Run:
    """A scratch folder with a fresh course instance (`course init`), and the run that uses it."""
    work = Path(tempfile.mkdtemp(prefix="course-bench-"))
    instance = work / "instance"
    instance.mkdir()
    port = free_port()
    (instance / "config.py").write_text(
        f"SECRET_KEY = {secrets.token_urlsafe(48)!r}\nRATELIMIT_ENABLED = False\nMAIL_SERVER = None\n"
    )
    env = {
        **os.environ,
        "COURSE_INSTANCE_PATH": str(instance),
        "COURSE_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("FLASK_RUN_FROM_CLI", None)
    if use_postgresql:
        env["COURSE_DATABASE_URL"] = os.environ["COURSE_TEST_DATABASE_URL"]
    subprocess.run(
        [str(ROOT / ".venv/bin/course"), "init"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    database = "PostgreSQL" if use_postgresql else "SQLite"
    log(f"instance in {instance}; database {database}")
    return Run(plan=QUICK if quick else FULL, work=work, env=env, port=port, database=database)


def machine(run: Run) -> dict[str, Any]:
    """What the figures were measured on, and how."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "database": run.database,
        "workers": WORKERS,
        "threads": THREADS,
        "rounds": run.plan.rounds,
        "seconds_per_run": run.plan.seconds,
        "date": time.strftime("%Y-%m-%d"),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
