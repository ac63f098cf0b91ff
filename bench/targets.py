"""The targets of issue 18 (and the earlier award and verification ones), read from the results.

Every figure is the median of its rounds; ratios divide medians measured in the same run.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Target(NamedTuple):
    """One line of the targets table."""

    name: str
    key: str  #: key of the measured value (``measured``)
    goal: float
    higher: bool  #: whether higher is better
    fmt: str
    profile: str | None  #: the profile that explains a miss (``bench.profiles.PROFILED``)
    why: str  #: why it is missed, when it is


TARGETS = (
    Target("Lesson page (signed in), c=16, × hello world", "lesson_vs_hello", 1 / 3, True,
           "{:.2f}×", "lesson", "the page is rendered per request: templates, context "
           "processors, the session and the user read; see the lesson profile."),
    Target("Lesson page p99, c=16 (ms)", "lesson_p99_ms", 25.0, False, "{:.1f}", "lesson",
           "each request costs a few ms of CPU, so at 16 connections on 2 cores a request "
           "queues behind others; see the lesson profile."),
    Target("Module page (signed in), c=16, × hello world", "module_vs_hello", 0.25, True,
           "{:.2f}×", "catalogue", "progress of every lesson and the page rendered per "
           "request; see the catalogue profile."),
    Target("Catalogue (signed in), c=16, × hello world", "catalogue_vs_hello", 0.25, True,
           "{:.2f}×", "catalogue", "every module's card and progress rendered per request; "
           "see the catalogue profile."),
    Target("Quiz submissions graded and recorded, c=16, × hello world", "quiz_vs_hello", 0.20,
           True, "{:.2f}×", "quiz", "each submission is two requests (the form, drawn and "
           "stored, then the answers), each a write transaction; see the quiz profile."),
    Target("Quiz GET+POST p99, c=16, client side (ms)", "quiz_p99_ms", 50.0, False, "{:.1f}",
           "quiz", "both requests write (the draw, then the attempt) and cost several ms "
           "of CPU each, so at 16 connections on 2 cores they queue, and on SQLite writers "
           "also take turns for its one write lock; the POSTs' server-side times are in the "
           "table above; see the quiz profile."),
    Target("Quiz errors at c=16 and lost submissions", "quiz_failed", 0, False, "{:.0f}", None,
           "a submission was refused or acknowledged but not recorded: see results.json."),
    Target("One award, both formats and images (ms)", "award_ms", 15.0, False, "{:.1f}", None,
           "signing and baking; see bench/seeding.py."),
    Target("Verifications/s, c=16", "verify_rps", 200.0, True, "{:,.0f}", "verify",
           "see the verification profile."),
    Target("Start-up, 50 modules × 2 languages, warm cache (s)", "startup_warm_s", 1.0, False,
           "{:.2f}", "startup", "create_app() itself is short on a warm cache (see the "
           "table above and the profile); the process spends most of its time importing "
           "Flask, SQLAlchemy and every feature (slowest imports at the head of the start-up "
           "profile; course.accounts.services computes an argon2 hash at import)."),
    Target("Start-up, same course, cold cache (s)", "startup_cold_s", 3.0, False, "{:.2f}",
           "cold", "every document is rendered and sanitized and every YAML file parsed, "
           "after the imports; see the cold load profile."),
    Target("content check, same course, warm (s)", "check_warm_s", 1.0, False, "{:.2f}",
           "check", "the command imports the whole application as start-up does, then checks "
           "what the server does not (glossary, guessable quiz answers, which read the quiz "
           "files again); see the content check profile."),
    Target("Memory per worker, USS (MB)", "worker_uss_mb", 60.0, False, "{:.0f}", "memory",
           "USS grows as a worker serves: CPython writes reference counts (and the collector "
           "its headers) into every object a request touches, so the pages it shares with "
           "the master after --preload are copied into it, and each worker compiles its own "
           "templates and keeps its own fragment cache. The app's own allocations are small "
           "(memory profile); gc.freeze() in the master before forking is the next thing to "
           "measure."),
    Target("Lesson page + CSS, gzip (KB)", "page_gzip_kb", 20.0, False, "{:.1f}", None,
           "see the page weight figures (HTML and CSS, as sent and gzipped)."),
)  # fmt: skip


def measured(r: dict[str, Any]) -> dict[str, float]:
    """The value of each target (keyed as ``Target.key``) in the results: medians."""
    hello = r["hello"]["16"]["rps"]["median"]
    quiz = r["quiz"]["16"]
    return {
        "lesson_vs_hello": r["lesson"]["16"]["rps"]["median"] / hello,
        "lesson_p99_ms": r["lesson"]["16"]["p99_ms"]["median"],
        "module_vs_hello": r["module"]["16"]["rps"]["median"] / hello,
        "catalogue_vs_hello": r["catalogue"]["16"]["rps"]["median"] / hello,
        "quiz_vs_hello": quiz["rps"]["median"] / hello,
        "quiz_p99_ms": quiz["p99_ms"]["median"],
        "quiz_failed": quiz["errors"] + r["quiz_lost"],
        "award_ms": r["award_ms"],
        "verify_rps": r["verify"]["16"]["rps"]["median"],
        "startup_warm_s": r["startup_warm_s"]["median"],
        "startup_cold_s": r["startup_cold_s"]["median"],
        "check_warm_s": r["check_warm_s"]["median"],
        "worker_uss_mb": r["memory"]["uss_mb"]["max"],
        "page_gzip_kb": r["page"]["total_gzip_kb"],
    }


def met(target: Target, value: float) -> bool:
    """Whether ``value`` meets ``target``."""
    return value >= target.goal if target.higher else value <= target.goal


def missed(r: dict[str, Any]) -> list[Target]:
    """The targets that the results miss."""
    values = measured(r)
    return [target for target in TARGETS if not met(target, values[target.key])]


def profiled_kinds(missed_targets: list[Target]) -> list[str]:
    """The profiles that explain the missed targets, each once, sorted."""
    return sorted({target.profile for target in missed_targets if target.profile})


def line(target: Target, value: float) -> str:
    """One row of the targets table: measured, goal, and met or missed by how much."""
    if met(target, value):
        result = "met"
    elif target.higher:
        result = f"missed (short by {target.goal - value:,.2f})"
    else:
        result = f"missed (over by {value - target.goal:,.2f})"
    sign = "≥" if target.higher else "≤"
    return f"| {target.name} | {target.fmt.format(value)} | {sign} {target.goal:.3g} | {result} |"
