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
           "{:.2f}×", "lesson", "the page is kept whole (no template) and its two reads are "
           "prepared (course/reads.py); in process it costs about 0.38 ms of the application's "
           "CPU against 0.04 ms for hello world's (Flask's request handling, the session "
           "cookie, the two reads and their transaction, the headers), and gunicorn adds about "
           "0.23 ms to each; the ratio moves by a tenth between runs with the baseline. On "
           "PostgreSQL a page makes three round trips (the session's row, the record, the "
           "commit) to a server on the same 2 cores, which spends about 0.2 ms of CPU per page "
           "besides gunicorn's. A round trip costs about 34 µs of the worker's CPU and 26 µs "
           "of PostgreSQL's (measured with psycopg), so reading the row and the record in one "
           "would save about 6 %: a step, not the distance. See the lesson profile."),
    Target("Lesson page p99, c=16 (ms)", "lesson_p99_ms", 25.0, False, "{:.1f}", "lesson",
           "at 16 connections the p99 is about 3.5 times the median, for hello world as for "
           "the lesson (requests queue for 2 cores shared by 5 workers and wrk): 25 ms needs "
           "a median near 7 ms, about 2,300 pages/s, 0.39× hello world. The next step is the "
           "lesson ratio's (below 0.39× there is no p99 of 25 ms); see the lesson profile."),
    Target("Module page (signed in), c=16, × hello world", "module_vs_hello", 0.25, True,
           "{:.2f}×", "catalogue", "kept whole like the lesson: what remains is the session's "
           "row and the learner's record read per request, as for the lesson page (its reason "
           "and next step above, on PostgreSQL too); see the catalogue profile."),
    Target("Catalogue (signed in), c=16, × hello world", "catalogue_vs_hello", 0.25, True,
           "{:.2f}×", "catalogue", "kept whole like the lesson: what remains is the session's "
           "row and the learner's record read per request, as for the lesson page (its reason "
           "and next step above, on PostgreSQL too); see the catalogue profile."),
    Target("Quiz submissions graded and recorded, c=16, × hello world", "quiz_vs_hello", 0.20,
           True, "{:.2f}×", "quiz", "each submission is two requests that both write: the "
           "form (its questions drawn and stored) and the answers (graded, the attempt "
           "inserted, the draw used up). In process the form costs about 1.25 ms of CPU and "
           "the submission 1.0 ms against 0.22 ms for hello world, so the pair is about 0.1× "
           "hello world in CPU alone; 0.2× needs the pair under about 1.1 ms. The form's "
           "rendering (about 40 %: eight drawn questions from cached fragments) and the two "
           "transactions (20 to 30 % of each request) lead the quiz profile. Measured next "
           "steps are small beside the gap: computing the fragments' common key once per page "
           "instead of once per fragment, 4 % of the form's CPU; a seeded generator instead of "
           "SystemRandom for the draw, about 30 µs. No step in sight halves the pair."),
    Target("Quiz GET+POST p99, c=16, client side (ms)", "quiz_p99_ms", 50.0, False, "{:.1f}",
           "quiz", "both requests cost a millisecond or more of CPU, so at 16 connections on 2 "
           "cores they queue, and on SQLite writers also take turns for its one write lock "
           "(held 0.1 to 0.2 ms per request); the POSTs' server-side times are in the table "
           "above; see the quiz profile."),
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
           "profile)."),
    Target("Start-up, same course, cold cache (s)", "startup_cold_s", 3.0, False, "{:.2f}",
           "cold", "every document is rendered and sanitized and every YAML file parsed, "
           "after the imports; see the cold load profile."),
    Target("content check, same course, warm (s)", "check_warm_s", 1.0, False, "{:.2f}",
           "check", "the command imports the whole application as start-up does, then checks "
           "what the server does not (glossary, guessable quiz answers, which read the quiz "
           "files again); see the content check profile."),
    Target("Memory per worker, USS (MB)", "worker_uss_mb", 60.0, False, "{:.0f}", "memory",
           "USS grows as a worker serves: CPython writes reference counts into every object "
           "a request touches, so the pages it shares with the master are copied into it "
           "(the master compiles the templates and freezes its objects before forking, see "
           "scripts/gunicorn.conf.py), and each worker keeps its own kept pages and "
           "fragments; see the memory profile."),
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
