"""The load on the course server and the measurements around it.

Signed-in lesson, module and catalogue pages, quiz submissions (``bench.quiz``) and the
verification of a baked PNG, each in rounds; the lesson page's weight as sent and as a proxy
would compress it; each worker's memory as PSS and USS once the load has run.
"""

from __future__ import annotations

import gzip
import http.cookiejar
import re
import subprocess
import textwrap
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import (
    LEARNER_EMAIL,
    PASSWORD,
    Run,
    each_connections,
    log,
    rounds,
    serve,
    spread,
)
from bench.quiz import quiz_submissions

#: gzip level of the weight figure: nginx's gzip_comp_level and Caddy's encode use 1 to 9;
#: 6 is a common setting (README, "Deployment").
GZIP_LEVEL = 6


def measure_server(run: Run, info: dict[str, Any]) -> tuple[dict[str, Any], bytes, bytes]:
    """Every measurement of the course server under scripts/serve; results, the page, its CSS."""
    base = run.base
    results: dict[str, Any] = {}
    access_log = run.work / "access.log"
    with serve("course:create_app()", run.port, run.env, log=access_log) as master:
        cookies = [sign_in(base, LEARNER_EMAIL.format(n)) for n in range(max(run.plan.connections))]
        module_url = f"{base}/modules/{info['module']}"
        lesson_url = f"{module_url}/lessons/{info['lesson']}"
        lesson_html, css = page_weight(lesson_url, cookies[0], base, results)
        log("measuring the lesson page, the module page and the catalogue")
        header = [f"Cookie: {cookies[0]}"]
        results["lesson"] = each_connections(run.plan, lesson_url, headers=header)
        for kind, url in (("module", module_url), ("catalogue", f"{base}/modules")):
            results[kind] = each_connections(run.plan, url, connections=(16,), headers=header)
        log("measuring quiz submissions (GET the form, POST it)")
        results.update(quiz_submissions(run, info, cookies, access_log))
        log("measuring verification of a baked PNG")
        script = verify_script(run.work / "verify.lua", run.instance / "baked.png")
        results["verify"] = {"16": rounds(run.plan, f"{base}/api/v1/verify", 16, script=script)}
        results["memory"] = worker_memory(master)
    return results, lesson_html, css


def sign_in(base: str, email: str) -> str:
    """A learner's session cookie, through the real sign-in form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    opener.open(f"{base}/login", data=data.encode()).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def page_weight(
    lesson_url: str, cookie: str, base: str, results: dict[str, Any]
) -> tuple[bytes, bytes]:
    """The signed-in lesson page and its CSS in KB, as sent and gzipped, and its scripts."""
    request = urllib.request.Request(lesson_url, headers={"Cookie": cookie})
    lesson_html = urllib.request.urlopen(request).read()
    href = re.search(rb'rel="stylesheet" href="([^"]+)"', lesson_html).group(1).decode()
    css = urllib.request.urlopen(base + href.replace("&amp;", "&")).read()
    kb = {
        "html_kb": len(lesson_html) / 1024,
        "css_kb": len(css) / 1024,
        "html_gzip_kb": len(gzip.compress(lesson_html, GZIP_LEVEL)) / 1024,
        "css_gzip_kb": len(gzip.compress(css, GZIP_LEVEL)) / 1024,
        "scripts": lesson_html.count(b"<script"),
    }
    kb["total_kb"] = kb["html_kb"] + kb["css_kb"]
    kb["total_gzip_kb"] = kb["html_gzip_kb"] + kb["css_gzip_kb"]
    results["page"] = kb
    return lesson_html, css


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


def worker_memory(master: int) -> dict[str, Any]:
    """Each worker's PSS and USS in MB (from smaps_rollup), and the master's PSS.

    PSS shares each page among the processes that map it; USS counts only a worker's own
    pages, what it adds beside the master that loaded the course before forking (--preload).
    """
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout.split()
    workers = [_smaps(int(pid)) for pid in children]
    return {
        "workers": workers,
        "pss_mb": spread([w["pss_mb"] for w in workers]),
        "uss_mb": spread([w["uss_mb"] for w in workers]),
        "rss_mb": spread([w["rss_mb"] for w in workers]),
        "master_pss_mb": _smaps(master)["pss_mb"],
    }


def _smaps(pid: int) -> dict[str, float]:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    kb = {key: int(value) for key, value in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}
    return {
        "rss_mb": kb["Rss"] / 1024,
        "pss_mb": kb["Pss"] / 1024,
        "uss_mb": (kb["Private_Clean"] + kb["Private_Dirty"]) / 1024,
    }
