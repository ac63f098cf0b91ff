"""Start-up and ``content check`` on a generated course of 50 modules in two languages.

Cold: the render cache (instance/cache/content/) deleted first, so every document is
rendered and sanitized; warm: the cache as the previous start left it. Each is timed
as a whole process (interpreter, imports, the app factory loading the course) and, for
start-up, the app factory alone, in rounds.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from typing import Any

from bench.common import ROOT, Run, python_output, spread
from bench.generated import generated_course

#: Prints the seconds that create_app() takes in this process (imports done before).
CREATE_APP = (
    "import time; from course import create_app; t=time.perf_counter(); create_app(); "
    "print(time.perf_counter()-t)"
)


def startup_and_check(run: Run) -> dict[str, Any]:
    """Cold and warm start-up, and warm and cold content check, each in rounds (seconds)."""
    modules, badges_dir = generated_course(run.work / "generated")
    child = {**run.env, "COURSE_MODULES_DIR": str(modules), "COURSE_BADGES_DIR": str(badges_dir)}
    cache = run.instance / "cache" / "content"
    results: dict[str, Any] = {}
    for name, clear in (("cold", True), ("warm", False)):
        process_s, factory_s = [], []
        for _ in range(run.plan.rounds):
            if clear:
                shutil.rmtree(cache, ignore_errors=True)
            start = time.perf_counter()
            factory_s.append(float(python_output(CREATE_APP, child)))
            process_s.append(time.perf_counter() - start)
        results[f"startup_{name}_s"] = spread(process_s)
        results[f"create_app_{name}_s"] = spread(factory_s)
    for name, options in (("warm", []), ("cold", ["--no-cache"])):
        results[f"check_{name}_s"] = spread(
            [_check(child, options) for _ in range(run.plan.rounds)]
        )
    return results


def _check(env: dict[str, str], options: list[str]) -> float:
    """Seconds of one `course content check` process."""
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/course"), "content", "check", *options],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start
