"""The load on the course server and the measurements around it.

Signed-in lesson pages, the catalogue and quiz submissions at each number of connections;
verification of a baked PNG; the lesson page's weight; acknowledged against recorded
submissions; the peak memory of a worker; start-up and `content check` on a generated course.
"""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import (
    LEARNER_EMAIL,
    PASSWORD,
    ROOT,
    Run,
    each_connections,
    gunicorn,
    log,
    process,
    python_output,
    wait_for,
    wrk,
)
from bench.generated import generated_course

LEARNER = LEARNER_EMAIL.format(0)  #: the learner whose session drives the load

#: Prints the attempts recorded for the learner whose email is its argument, in plain SQL.
COUNT_ATTEMPTS = """
import sys
from sqlalchemy import text
from course import create_app
from course.extensions import db
with create_app().app_context():
    print(db.session.execute(text(
        'SELECT count(*) FROM quiz_attempt JOIN "user" ON "user".id = quiz_attempt.user_id'
        ' WHERE "user".email = :email'), {"email": sys.argv[1]}).scalar_one())
"""


def measure_server(run: Run, info: dict[str, Any]) -> tuple[dict[str, Any], bytes, bytes]:
    """Every measurement of the course server under gunicorn; the results, the page, its CSS."""
    base, seconds = run.base, run.plan.seconds
    results: dict[str, Any] = {}
    with process(gunicorn("course:create_app()", run.port), env=run.env) as server:
        wait_for(f"{base}/healthz")
        cookie, token = sign_in(base)
        lesson_url = f"{base}/modules/{info['module']}/lessons/{info['lesson']}"
        lesson_html, css = page_weight(lesson_url, cookie, base, results)
        log("measuring the lesson page, the catalogue and quiz submissions")
        for kind, url in (("lesson", lesson_url), ("catalogue", f"{base}/modules")):
            results[kind] = each_connections(run.plan, url, headers=[f"Cookie: {cookie}"])
        results.update(quiz_submissions(run, info, cookie, token))
        log("measuring verification of a baked PNG")
        script = verify_script(run.work / "verify.lua", run.instance / "baked.png")
        results["verify"] = {"16": wrk(f"{base}/api/v1/verify", 16, seconds, script=script)}
        results["worker_mb"] = peak_worker_mb(server.pid)
    return results, lesson_html, css


def sign_in(base: str) -> tuple[str, str]:
    """A learner's session cookie and CSRF token, through the real sign-in form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrf_token": token, "email": LEARNER, "password": PASSWORD}
    ).encode()
    opener.open(f"{base}/login", data=data).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    page = opener.open(f"{base}/my-learning").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return cookie, token


def page_weight(
    lesson_url: str, cookie: str, base: str, results: dict[str, Any]
) -> tuple[bytes, bytes]:
    """Record the signed-in lesson page and its CSS in KB, and whether it has a script."""
    request = urllib.request.Request(lesson_url, headers={"Cookie": cookie})
    lesson_html = urllib.request.urlopen(request).read()
    css = urllib.request.urlopen(f"{base}/static/style.css").read()
    results["page_kb"] = (len(lesson_html) + len(css)) / 1024
    results["page_has_script"] = b"<script" in lesson_html
    return lesson_html, css


def quiz_submissions(run: Run, info: dict[str, Any], cookie: str, token: str) -> dict[str, Any]:
    """Quiz submissions at each number of connections, and how many were acknowledged but lost."""
    before = recorded_attempts(run.env)
    script = quiz_script(run.work / "quiz.lua", cookie, token, info)
    runs = each_connections(run.plan, f"{run.base}/", script=script)
    acknowledged = sum(one["requests"] - one["errors"] for one in runs.values())
    recorded = recorded_attempts(run.env) - before
    return {
        "quiz": runs,
        "quiz_acknowledged": acknowledged,
        "quiz_recorded": recorded,
        "quiz_lost": max(0, acknowledged - recorded),
    }


def recorded_attempts(env: dict[str, str]) -> int:
    """Quiz attempts in the database for the signed-in learner."""
    return int(python_output(COUNT_ATTEMPTS, env, LEARNER))


def quiz_script(path: Path, cookie: str, token: str, info: dict[str, Any]) -> str:
    """A wrk script that submits the quiz, each time with a new form token."""
    fields = "&".join(f"{k}={v}" for k, v in info["answers"].items())
    path.write_text(
        textwrap.dedent(f"""
        local counter = 0
        local thread_id = 0
        local next_id = 0
        function setup(thread)
          next_id = next_id + 1
          thread:set("tid", next_id)
        end
        function init(args)
          thread_id = tid or 0
          math.randomseed(os.time() * 100 + thread_id)
        end
        request = function()
          counter = counter + 1
          local form_token = string.format("bench%d%010d%08d", thread_id, counter, math.random(0, 99999999))
          local body = "csrf_token={urllib.parse.quote(token)}&form_token=" .. form_token ..
            "&version={info["version"]}&{fields}"
          return wrk.format("POST", "/modules/{info["module"]}/quizzes/{info["quiz"]}",
            {{["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "{cookie}"}}, body)
        end
    """)
    )
    return str(path)


def verify_script(path: Path, image: Path) -> str:
    """A wrk script that uploads ``image`` to the verification API."""
    data = image.read_bytes()
    boundary = "benchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    )
    body_file = path.with_suffix(".body")
    body_file.write_bytes(head.encode() + data + f"\r\n--{boundary}--\r\n".encode())
    path.write_text(
        textwrap.dedent(f"""
        local f = io.open("{body_file}", "rb")
        wrk.body = f:read("*all")
        f:close()
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "multipart/form-data; boundary={boundary}"
    """)
    )
    return str(path)


def peak_worker_mb(master: int) -> float:
    """The highest peak resident memory (VmHWM) among the workers of a gunicorn master, in MB."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout
    peaks = []
    for pid in children.split():
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return max(peaks)


def startup_and_check(run: Run) -> dict[str, float]:
    """Seconds to start the app (whole process, and create_app alone) and to run content check."""
    modules, badges_dir = generated_course(run.work / "generated")
    child = {**run.env, "COURSE_MODULES_DIR": str(modules), "COURSE_BADGES_DIR": str(badges_dir)}
    code = (
        "import time; t=time.perf_counter(); from course import create_app; create_app(); "
        "print(time.perf_counter()-t)"
    )
    start = time.perf_counter()
    inner = float(python_output(code, child))
    startup = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/course"), "content", "check"],
        env=child,
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    check = time.perf_counter() - start
    return {"startup_s": startup, "startup_in_process_s": inner, "check_s": check}
