"""The report of a run: results.json, results.md and the README's table, from the results alone.

``render`` is pure: the same results (and profiles) give the same Markdown, so the report can
be regenerated from ``bench/results.json`` without running the bench again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.common import BENCH, ROOT, Plan

TARGETS = {
    "lesson_vs_hello": 1 / 3,
    "lesson_p99_ms": 25.0,
    "quiz_rps": 1000.0,
    "quiz_failed": 0,
    "award_ms": 15.0,
    "verify_rps": 200.0,
    "startup_s": 2.0,
    "check_s": 1.0,
    "page_kb": 30.0,
    "worker_mb": 150.0,
}

#: The targets table, in order: name, key in ``TARGETS``, whether higher is better, format.
CHECKS = (
    ("Lesson page ≥ 1/3 of hello world at c=16", "lesson_vs_hello", True, "{:.2f}×"),
    ("Lesson page p99 at c=16 (ms)", "lesson_p99_ms", False, "{:.1f}"),
    ("Quiz submissions/s at c=16", "quiz_rps", True, "{:,.0f}"),
    ("Quiz errors, lost attempts", "quiz_failed", False, "{}"),
    ("One award, both formats and images (ms)", "award_ms", False, "{:.1f}"),
    ("Verifications/s", "verify_rps", True, "{:,.0f}"),
    ("Start-up, 50 modules × 2 languages (s)", "startup_s", False, "{:.2f}"),
    ("content check, same course (s)", "check_s", False, "{:.2f}"),
    ("Lesson page + CSS (KB)", "page_kb", False, "{:.1f}"),
    ("Peak memory per worker (MB)", "worker_mb", False, "{:.0f}"),
)

#: The load runs of the first table, in order, with the target shown beside them.
MEASURES = (
    ("lesson", "Lesson page (signed in)", ""),
    ("catalogue", "Catalogue (signed in)", ""),
    ("quiz", "Quiz submission (graded, recorded)", ""),
    ("verify", "Verify a baked PNG (API)", "≥ 200/s"),
    ("hello", "Baseline: Flask hello world", ""),
    ("nginx", "Baseline: nginx static lesson", ""),
)

#: Why a missed target is missed, by the first word of its name.
WHY = {
    "Lesson": "rendering the page (Jinja templates, context processors, URL building, the CSRF "
    "token) costs a few milliseconds of CPU per request; see the lesson profile.",
    "Quiz": "SQLite has one writer at a time: each submission holds the write lock (BEGIN "
    "IMMEDIATE) from its first query to its commit; see the quiz profile.",
    "Start-up": "every lesson is rendered and sanitized at load, a few milliseconds per document "
    "for 400 documents; a render cache keyed by file hash would take this off restarts.",
    "content check": "the same rendering as start-up, plus the interpreter's own start.",
    "Peak": "VmHWM counts in each worker the pages it shares with the gunicorn master after "
    "--preload (the loaded course and libraries), so it overstates what each worker adds.",
    "Verifications": "see the verification profile.",
}

#: The profile (a key of ``bench.profiles.PROFILED``) that explains a missed target.
PROFILE_OF = {
    "Lesson": "lesson",
    "Quiz": "quiz",
    "Verifications": "verify",
    "Start-up": "startup",
    "content check": "startup",
}

README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def measured(r: dict[str, Any]) -> dict[str, float]:
    """The value of each target (keyed as ``TARGETS``) in the results."""
    lesson16, quiz16 = r["lesson"]["16"], r["quiz"]["16"]
    return {
        "lesson_vs_hello": lesson16["rps"] / r["hello"]["16"]["rps"],
        "lesson_p99_ms": lesson16["p99_ms"],
        "quiz_rps": quiz16["rps"],
        "quiz_failed": quiz16["errors"] + r["quiz_lost"],
        "award_ms": r["award_ms"],
        "verify_rps": r["verify"]["16"]["rps"],
        "startup_s": r["startup_s"],
        "check_s": r["check_s"],
        "page_kb": r["page_kb"],
        "worker_mb": r["worker_mb"],
    }


def checks(r: dict[str, Any]) -> list[tuple[str, float, float, bool, str]]:
    """Each target: its name, the measured value, the goal, whether higher is better, a format."""
    values = measured(r)
    return [(name, values[key], TARGETS[key], higher, fmt) for name, key, higher, fmt in CHECKS]


def missed(r: dict[str, Any]) -> list[str]:
    """The names of the targets that the results miss."""
    return [name for name, value, target, higher, _ in checks(r) if not _met(value, target, higher)]


def profiled_kinds(missed_names: list[str]) -> list[str]:
    """The profiles that explain the missed targets, each once, sorted."""
    return sorted(
        {
            kind
            for name in missed_names
            for word, kind in PROFILE_OF.items()
            if name.startswith(word)
        }
    )


def _met(value: float, target: float, higher: bool) -> bool:
    return value >= target if higher else value <= target


def _target_line(name: str, value: float, target: float, higher: bool, fmt: str) -> str:
    """One row of the targets table: measured, goal, and met or missed by how much."""
    if _met(value, target, higher):
        result = "met"
    elif higher:
        result = f"missed (short by {target - value:,.2f})"
    else:
        result = f"missed (over by {value - target:,.2f})"
    return f"| {name} | {fmt.format(value)} | {'≥' if higher else '≤'} {target:g} | {result} |"


def _run_line(r: dict[str, Any], label: str, run: dict[str, Any], target: str) -> str:
    """One row of the load table, with its ratios to the baselines at the same connections."""
    c = str(run["connections"])
    return (
        f"| {label} | {run['connections']} | {run['rps']:,.0f} | {run['p50_ms']:.1f} | "
        f"{run['p99_ms']:.1f} | {run['errors']} | {run['rps'] / r['hello'][c]['rps']:.2f} | "
        f"{run['rps'] / r['nginx'][c]['rps']:.3f} | {target} |"
    )


def _summary(r: dict[str, Any], plan: Plan) -> str:
    """The sentence above the tables: when, on what, with how much data."""
    m = r["machine"]
    return (
        f"Measured on {m['date']}: {m['cpus']} cores, {m['system']}, Python {m['python']}, {m['database']}, "
        f"gunicorn with {m['workers']} workers, wrk on the same machine, {m['seconds_per_run']} s per run. "
        f"Data: {plan.learners:,} learners, {plan.attempts:,} attempts, {plan.awards:,} awards. "
        f"Quiz submissions acknowledged {r['quiz_acknowledged']:,}, recorded {r['quiz_recorded']:,}."
    )


def render(r: dict[str, Any], plan: Plan, profiles: dict[str, str]) -> str:
    """results.md: the summary, the load table, the targets, why some are missed, profiles."""
    rows = [
        _run_line(r, label, run, target)
        for kind, label, target in MEASURES
        for run in r[kind].values()
    ]
    markdown = "\n".join(
        [
            _summary(r, plan),
            "",
            "| Measure | Connections | Requests/s | p50 ms | p99 ms | Errors | × hello world | × nginx | Target |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "| Target | Measured | Goal | Result |",
            "|---|---|---|---|",
            *(_target_line(*check) for check in checks(r)),
        ]
    )
    names = missed(r)
    reasons = [
        f"- {name}: {text}" for name in names for word, text in WHY.items() if name.startswith(word)
    ]
    if reasons:
        markdown += "\n\nWhy the missed targets are missed:\n\n" + "\n".join(reasons)
    for kind in profiled_kinds(names):
        markdown += f"\n\nProfile ({kind}, pyinstrument, in process), for the missed targets:\n\n"
        markdown += "```text\n" + profiles[kind] + "\n```\n"
    return markdown


def write(r: dict[str, Any], markdown: str, folder: Path = BENCH) -> None:
    """results.json (with the missed targets) and results.md in ``folder``."""
    r["missed"] = missed(r)
    (folder / "results.json").write_text(json.dumps(r, indent=2))
    (folder / "results.md").write_text(markdown + "\n")


def update_readme(markdown: str, readme: Path = ROOT / "README.md") -> None:
    """Put the tables and reasons of ``markdown``, without the profiles, between the markers."""
    text = readme.read_text()
    if README_START not in text:
        return
    head, rest = text.split(README_START, 1)
    tail = rest.split(README_END, 1)[1]
    table = markdown.split("\n\nProfile")[0]
    note = "Profiles of the missed targets are in `bench/results.md`."
    readme.write_text(f"{head}{README_START}\n{table}\n\n{note}\n{README_END}{tail}")
