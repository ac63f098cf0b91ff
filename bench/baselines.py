"""The baselines measured in the same run: nginx serving the lesson page, and Flask "hello world".

Every figure of the course server is read beside these two: what the machine serves at best
(a static file from nginx) and what gunicorn and Flask cost before any of the course's code
(``bench/hello.py`` served by scripts/serve, as the course is).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

from bench.common import Run, each_connections, free_port, process, serve, wait_for


def nginx_baseline(run: Run, lesson_html: bytes, css: bytes) -> dict[str, dict[str, Any]]:
    """nginx serving a static copy of the signed-in lesson page, at each number of connections."""
    work = run.work / "nginx"
    site = work / "site"
    (site / "static").mkdir(parents=True)
    (site / "lesson.html").write_bytes(lesson_html)
    (site / "static" / "style.css").write_bytes(css)
    port = free_port()
    conf = _nginx_conf(work, site, port)
    (work / "tmp").mkdir()
    for path in [work.parent, work, *work.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)  # nginx workers run as nobody
    with process(["/usr/sbin/nginx", "-c", str(conf), "-p", str(work)]):
        wait_for(f"http://127.0.0.1:{port}/lesson.html")
        url = f"http://127.0.0.1:{port}/lesson.html"
        return each_connections(run.plan, url)


def _nginx_conf(work: Path, site: Path, port: int) -> Path:
    """A configuration that serves ``site`` on ``port`` and writes only under ``work``."""
    conf = work / "nginx.conf"
    conf.write_text(
        textwrap.dedent(f"""
        daemon off; worker_processes {os.cpu_count() or 1}; pid {work}/nginx.pid;
        error_log {work}/nginx-error.log;
        events {{ worker_connections 1024; }}
        http {{ access_log off; include /etc/nginx/mime.types;
          client_body_temp_path {work}/tmp; proxy_temp_path {work}/tmp; fastcgi_temp_path {work}/tmp;
          uwsgi_temp_path {work}/tmp; scgi_temp_path {work}/tmp;
          server {{ listen 127.0.0.1:{port}; root {site}; }} }}
    """)
    )
    return conf


def hello_baseline(run: Run) -> dict[str, dict[str, Any]]:
    """Flask "hello world" under scripts/serve, at each number of connections."""
    port = free_port()
    with serve("bench.hello:app", port, run.env, ready="/"):
        return each_connections(run.plan, f"http://127.0.0.1:{port}/")
