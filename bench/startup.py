"""Start-up and ``content check`` on a generated course of 50 modules in two languages.

The render cache (instance/cache/content/) is written by `course init` (which scripts/serve
runs before gunicorn) and `course content check`, and only read by the application factory.
Cold: the cache deleted first, so every document is rendered and sanitized; warm: the cache
as `content check` left it. Each is timed as a whole process (interpreter, imports, then
the factory loading the course or the check) and, for start-up, the factory alone, in rounds.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, Run, python_output, spread
from bench.generated import generated_course

#: Prints the seconds that create_app() takes in this process (imports done before).
CREATE_APP = (
    "import time; from course import create_app; t=time.perf_counter(); create_app(); "
    "print(time.perf_counter()-t)"
)


def startup_and_check(run: Run) -> dict[str, Any]:
    """Cold and warm start-up, and cold and warm content check, each in rounds (seconds)."""
    modules, badges_dir = generated_course(run.work / "generated")
    child = {**run.env, "COURSE_MODULES_DIR": str(modules), "COURSE_BADGES_DIR": str(badges_dir)}
    cache = run.instance / "cache" / "content"
    rounds = range(run.plan.rounds)
    results: dict[str, Any] = {}
    cold = [_start(child, cache) for _ in rounds]  # the factory writes no cache
    results["check_cold_s"] = spread([_check(child, cache) for _ in rounds])
    results["check_warm_s"] = spread([_check(child) for _ in rounds])
    warm = [_start(child) for _ in rounds]
    for name, timings in (("cold", cold), ("warm", warm)):
        results[f"startup_{name}_s"] = spread([process for process, _ in timings])
        results[f"create_app_{name}_s"] = spread([factory for _, factory in timings])
    return results


def _start(env: dict[str, str], clear: Path | None = None) -> tuple[float, float]:
    """Seconds of one process that creates the app, and of create_app() in it."""
    if clear:
        shutil.rmtree(clear, ignore_errors=True)
    start = time.perf_counter()
    factory = float(python_output(CREATE_APP, env))
    return time.perf_counter() - start, factory


def _check(env: dict[str, str], clear: Path | None = None) -> float:
    """Seconds of one `course content check` process (the cache deleted first, if ``clear``)."""
    if clear:
        shutil.rmtree(clear, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/course"), "content", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start
