"""A pyinstrument profile of each hot path whose target is missed, run in process, as text."""

from __future__ import annotations

import subprocess
from typing import Any

from bench.common import LEARNER_EMAIL, PASSWORD, PYTHON, ROOT, Run

#: The code profiled for each kind of target, with the names that ``_SETUP`` defines.
PROFILED = {
    "lesson": "for _ in range(300):\n    client.get(LESSON)",
    "quiz": (
        f"client.post('/login', data={{'email': {LEARNER_EMAIL.format(0)!r}, 'password': {PASSWORD!r}}})\n"
        "for n in range(200):\n"
        "    client.post(QUIZ, data={'form_token': f'profile{n:012d}', 'version': VERSION, **ANSWERS})"
    ),
    "startup": (
        "from course.content.loader import load_course\n"
        "from pathlib import Path\n"
        "load_course(Path(GENERATED) / 'modules', Path(GENERATED) / 'badges', ['en', 'fr'])"
    ),
    "verify": (
        "import io\n"
        "for _ in range(100):\n"
        "    client.post('/api/v1/verify', data={'file': (io.BytesIO(BAKED), 'b.png')},"
        " content_type='multipart/form-data')"
    ),
}

_SETUP = """
import sys
sys.path.insert(0, {root!r})
from pyinstrument import Profiler
from course import create_app
app = create_app({{"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}})
client = app.test_client()
LESSON = "/modules/{module}/lessons/{lesson}"
QUIZ = "/modules/{module}/quizzes/{quiz}"
VERSION, ANSWERS = {version!r}, {answers!r}
BAKED = open({baked!r}, "rb").read()
GENERATED = {generated!r}
profiler = Profiler(interval=0.0005)
profiler.start()
"""

_REPORT = """
profiler.stop()
print(profiler.output_text(unicode=False, color=False, show_all=False)[:5000])
"""


def profile(run: Run, kind: str, info: dict[str, Any]) -> str:
    """The profile of the ``kind`` hot path (a key of ``PROFILED``), or the error that ended it."""
    setup = _SETUP.format(
        root=str(ROOT),
        module=info["module"],
        lesson=info["lesson"],
        quiz=info["quiz"],
        version=info["version"],
        answers=info["answers"],
        baked=str(run.instance / "baked.png"),
        generated=str(run.work / "generated"),
    )
    code = setup + PROFILED[kind] + _REPORT
    result = subprocess.run(
        [PYTHON, "-c", code], env=run.env, cwd=ROOT, capture_output=True, text=True
    )
    return result.stdout or result.stderr[-2000:]
