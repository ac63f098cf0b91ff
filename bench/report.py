"""The report of a run: results.json, results.md and the README's table, from the results alone.

``render`` is pure: the same results (and profiles) give the same Markdown, so the report can
be regenerated from ``bench/results*.json`` without running the bench again. Every figure is
shown as the median of its rounds with the min and max beside it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import BENCH, ROOT, Plan
from bench.targets import TARGETS, line, measured, missed, profiled_kinds

#: The load runs of the first table, in order.
MEASURES = (
    ("lesson", "Lesson page (signed in)"),
    ("module", "Module page (signed in)"),
    ("catalogue", "Catalogue (signed in)"),
    ("quiz", "Quiz submissions graded and recorded (GET form + POST)"),
    ("verify", "Verify a baked PNG (API)"),
    ("hello", "Baseline: Flask hello world"),
    ("nginx", "Baseline: nginx static lesson"),
)


def _mmm(spread: dict[str, float], fmt: str = "{:,.1f}") -> str:
    """A figure as ``median (min–max)``."""
    low, mid, high = (fmt.format(spread[k]) for k in ("min", "median", "max"))
    return f"{mid} ({low}–{high})"


def _run_line(r: dict[str, Any], label: str, run: dict[str, Any]) -> str:
    """One row of the load table, with its ratios to the baselines at the same connections."""
    c, rps = str(run["connections"]), run["rps"]["median"]
    return (
        f"| {label} | {c} | {_mmm(run['rps'], '{:,.0f}')} | {run['p50_ms']['median']:.1f} | "
        f"{_mmm(run['p99_ms'])} | {run['errors']} | "
        f"{rps / r['hello'][c]['rps']['median']:.2f} | {rps / r['nginx'][c]['rps']['median']:.3f} |"
    )


def _summary(r: dict[str, Any], plan: Plan) -> str:
    """The sentence above the tables: when, on what, with how much data."""
    m = r["machine"]
    return (
        f"Measured on {m['date']} ({m['cpus']} cores, {m['system']}, Python {m['python']}), "
        f"{m['database']}, scripts/serve as `make serve` runs it (gunicorn gthread, "
        f"{m['workers']} workers × {m['threads']} threads), wrk on the same machine; every "
        f"figure is the median (min–max) of {m['rounds']} rounds of {m['seconds_per_run']} s. "
        f"Data: {plan.learners:,} learners, {plan.attempts:,} attempts, {plan.awards:,} awards."
    )


def _quiz_lines(r: dict[str, Any]) -> list[str]:
    """Acknowledged against recorded, and the server's own time for each POST."""
    lines = [
        f"Quiz submissions acknowledged (303 to the result) {r['quiz_acknowledged']:,}, "
        f"recorded {r['quiz_recorded']:,}, lost {r['quiz_lost']:,}. One learner per "
        "connection; requests/s above counts acknowledged submissions, the latencies are "
        "wrk's over the GETs and POSTs. The POSTs alone, server side (access log), ms:",
        "",
        "| Connections | POST p50 | POST p99 | GET+POST requests/s |",
        "|---|---|---|---|",
    ]
    for c, run in r["quiz"].items():
        lines.append(
            f"| {c} | {_mmm(run['post_p50_ms'])} | {_mmm(run['post_p99_ms'])} | "
            f"{_mmm(run['cycle_rps'], '{:,.0f}')} |"
        )
    return lines


def _other_lines(r: dict[str, Any]) -> list[str]:
    """Start-up, content check, memory and page weight."""
    mem, page = r["memory"], r["page"]
    return [
        "| Other measure | median (min–max) |",
        "|---|---|",
        f"| Start-up process, warm cache (s) | {_mmm(r['startup_warm_s'], '{:.2f}')} |",
        f"| Start-up process, cold cache (s) | {_mmm(r['startup_cold_s'], '{:.2f}')} |",
        f"| create_app() alone, warm / cold (s) | {_mmm(r['create_app_warm_s'], '{:.2f}')} / "
        f"{_mmm(r['create_app_cold_s'], '{:.2f}')} |",
        f"| content check, warm / cold (s) | {_mmm(r['check_warm_s'], '{:.2f}')} / "
        f"{_mmm(r['check_cold_s'], '{:.2f}')} |",
        f"| Worker USS, after the load (MB; {len(mem['workers'])} workers) | "
        f"{_mmm(mem['uss_mb'], '{:.0f}')} |",
        f"| Worker PSS (MB) / master PSS (MB) | {_mmm(mem['pss_mb'], '{:.0f}')} / "
        f"{mem['master_pss_mb']:.0f} |",
        f"| Lesson page + CSS, as sent / gzip level 6 (KB) | {page['total_kb']:.1f} / "
        f"{page['total_gzip_kb']:.1f} (HTML {page['html_kb']:.1f} / {page['html_gzip_kb']:.1f}, "
        f"CSS {page['css_kb']:.1f} / {page['css_gzip_kb']:.1f}; scripts: {page['scripts']}) |",
    ]


def render(r: dict[str, Any], plan: Plan, profiles: dict[str, str]) -> str:
    """results.md: the summary, the tables, the targets, why some are missed, profiles."""
    rows = [_run_line(r, label, run) for kind, label in MEASURES for run in r[kind].values()]
    values = measured(r)
    markdown = "\n".join(
        [
            _summary(r, plan),
            "",
            "| Measure | Connections | Requests/s | p50 ms | p99 ms | Errors | × hello world | × nginx |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            *_quiz_lines(r),
            "",
            *_other_lines(r),
            "",
            "| Target | Measured | Goal | Result |",
            "|---|---|---|---|",
            *(line(target, values[target.key]) for target in TARGETS),
        ]
    )
    misses = missed(r)
    if misses:
        markdown += "\n\nWhy the missed targets are missed:\n\n"
        markdown += "\n".join(f"- {target.name}: {target.why}" for target in misses)
    for kind in profiled_kinds(misses):
        markdown += f"\n\nProfile ({kind}, pyinstrument, in process), for the missed targets:\n\n"
        markdown += "```text\n" + profiles[kind] + "\n```\n"
    return markdown


def suffix(database: str) -> str:
    """The file and README block suffix of a database: '' for SQLite, '-postgresql'."""
    return "" if database == "SQLite" else "-" + database.lower()


def write(r: dict[str, Any], markdown: str, folder: Path = BENCH) -> None:
    """results(.json, .md) for the run's database in ``folder``, with the missed targets."""
    r["missed"] = [target.name for target in missed(r)]
    name = "results" + suffix(r["machine"]["database"])
    (folder / f"{name}.json").write_text(json.dumps(r, indent=2))
    (folder / f"{name}.md").write_text(markdown + "\n")


def update_readme(markdown: str, database: str, readme: Path = ROOT / "README.md") -> None:
    """Put the tables and reasons of ``markdown``, without the profiles, in the database's block."""
    start, end = f"<!-- bench{suffix(database)}:start -->", f"<!-- bench{suffix(database)}:end -->"
    text = readme.read_text()
    if start not in text:
        return
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    table = markdown.split("\n\nProfile")[0]
    note = f"Profiles of the missed targets are in `bench/results{suffix(database)}.md`."
    readme.write_text(f"{head}{start}\n{table}\n\n{note}\n{end}{tail}")
