"""A pyinstrument profile of each hot path whose target is missed, run in process, as text."""

from __future__ import annotations

import subprocess
from typing import Any

from bench.common import LEARNER_EMAIL, PASSWORD, PYTHON, ROOT, Run

#: The bench measures its pages signed in, so they are profiled signed in.
SIGN_IN = (
    "client.post('/login', data="
    f"{{'email': {LEARNER_EMAIL.format(0)!r}, 'password': {PASSWORD!r}}})\n"
)

#: The code profiled for each kind of target, with the names that ``_SETUP`` defines.

PROFILED = {
    "lesson": SIGN_IN + "for _ in range(300):\n    client.get(LESSON)",
    "catalogue": SIGN_IN
    + "for _ in range(100):\n    client.get(CATALOGUE)\n    client.get(MODULE)",
    "quiz": (
        SIGN_IN + "for n in range(100):\n"
        "    page = client.get(QUIZ).get_data(as_text=True)\n"
        '    form = dict(re.findall(r\'name="(form_token|version)" value="([^"]*)"\', page))\n'
        '    for name, value in re.findall(r\'name="(q-[^"]*)" value="([^"]*)"\', page):\n'
        "        form.setdefault(name, value)\n"
        "    client.post(QUIZ, data=form)"
    ),
    "startup": (
        "profiler.stop()\n"
        "from course.contentstore import write_cache\n"
        "settings = {'MODULES_DIR': GENERATED + '/modules', 'BADGES_DIR': GENERATED + '/badges'}\n"
        "write_cache(create_app(settings))\n"
        "profiler = Profiler(interval=0.0005)\n"
        "profiler.start()\n"
        "create_app(settings)"
    ),
    "cold": (
        "from course.content.loader import load_course\n"
        "from pathlib import Path\n"
        "load_course(Path(GENERATED) / 'modules', Path(GENERATED) / 'badges', ['en', 'fr'])"
    ),
    "check": (
        "import contextlib, io, os\n"
        "from course.commandline import main\n"
        "os.environ.update(COURSE_MODULES_DIR=GENERATED + '/modules', COURSE_BADGES_DIR=GENERATED + '/badges')\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['content', 'check'], standalone_mode=False)"
    ),
    "memory": (
        "import tracemalloc\n"
        "profiler.stop()\n"
        "tracemalloc.start()\n"
        "app = create_app({'RATELIMIT_ENABLED': False})\n"
        "client = app.test_client()\n"
        "for _ in range(50):\n"
        "    client.get(LESSON)\n"
        "    client.get(CATALOGUE)\n"
        "snapshot = tracemalloc.take_snapshot()\n"
        "top = snapshot.statistics('filename')[:25]\n"
        "print('tracemalloc, a fresh app and 100 pages, by file:')\n"
        "print('\\n'.join(str(stat) for stat in top))\n"
        "sys.exit(0)"
    ),
    "verify": (
        "import io\n"
        "for _ in range(100):\n"
        "    client.post('/api/v1/verify', data={'file': (io.BytesIO(BAKED), 'b.png')},"
        " content_type='multipart/form-data')"
    ),
}

_SETUP = """
import re
import sys
sys.path.insert(0, {root!r})
from pyinstrument import Profiler
from course import create_app
app = create_app({{"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}})
client = app.test_client()
LESSON = "/modules/{module}/lessons/{lesson}"
MODULE = "/modules/{module}"
CATALOGUE = "/modules"
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
    """The profile of the ``kind`` hot path (a key of ``PROFILED``), or the error that ended it.

    Start-up and content check also list the slowest imports, which come before any profile.
    """
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
    text = result.stdout or result.stderr[-2000:]
    return slowest_imports(run) + "\n\n" + text if kind in {"startup", "check"} else text


def slowest_imports(run: Run, count: int = 12) -> str:
    """The modules whose own import takes longest when ``course`` is imported (-X importtime)."""
    lines = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", "import course"],
        env=run.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stderr.splitlines()
    rows = []
    for line in lines:
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            rows.append((int(parts[0]), parts[2].strip()))
    rows.sort(reverse=True)
    total = sum(own for own, _ in rows) / 1e6
    head = f"python -X importtime -c 'import course': {total:.2f} s; slowest own times (ms):"
    return "\n".join([head, *(f"{own / 1000:8.1f}  {name}" for own, name in rows[:count])])
