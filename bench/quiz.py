"""Quiz submissions as learners make them: open the quiz, read the form, send the answers.

The quiz engine draws a form per learner and quiz and accepts only the form token it issued,
so each submission is a GET of the quiz page (which opens the learner's form, a short write
of its own), then a POST of that form's token, CSRF token, version and one option of each
question it shows. wrk runs one thread per connection, so that each thread's Lua state is
one connection's: its own learner's cookie, and a GET and a POST in turn. The script counts
acknowledged submissions (303 to the result page) and anything else; the database counts
recorded attempts; and the server's access log gives the POSTs' own latency (server side).
"""

from __future__ import annotations

import re
import statistics
import textwrap
from pathlib import Path
from typing import Any

from bench.common import Run, python_output, summary, wrk

#: Prints how many quiz attempts the database holds, in plain SQL.
COUNT_ATTEMPTS = """
from sqlalchemy import text
from course import create_app
from course.extensions import db
with create_app().app_context():
    print(db.session.execute(text('SELECT count(*) FROM quiz_attempt')).scalar_one())
"""

LUA = """
-- One learner per connection (wrk -t N -c N: one connection per thread), GET then POST.
cookies = {{{cookies}}}
threads = {{}}
local path = "{path}"
gets, acks, refused = 0, 0, 0
local form, sent = nil, "GET"

function setup(thread)
  table.insert(threads, thread)
  thread:set("cookie", cookies[#threads])
end

function request()
  if form then
    sent, form = "POST", nil
    return wrk.format("POST", path, {{["Cookie"] = cookie,
      ["Content-Type"] = "application/x-www-form-urlencoded"}}, sent_body)
  end
  sent = "GET"
  return wrk.format("GET", path, {{["Cookie"] = cookie}})
end

local function field(body, name)
  return body:match('name="' .. name .. '" value="([^"]*)"')
end

function response(status, headers, body)
  if sent == "GET" then
    if status ~= 200 then refused = refused + 1; return end
    gets = gets + 1
    local parts, seen = {{}}, {{}}
    for _, name in ipairs({{"csrf_token", "form_token", "version"}}) do
      table.insert(parts, name .. "=" .. (field(body, name) or ""))
    end
    for name, value in body:gmatch('name="(q%-[^"]*)" value="([^"]*)"') do
      if not seen[name] then seen[name] = true; table.insert(parts, name .. "=" .. value) end
    end
    sent_body, form = table.concat(parts, "&"), true
  elseif status == 303 and (headers["Location"] or ""):find("/result") then
    acks = acks + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local g, a, r = 0, 0, 0
  for _, thread in ipairs(threads) do
    g, a, r = g + thread:get("gets"), a + thread:get("acks"), r + thread:get("refused")
  end
  io.write(string.format("SCRIPT gets=%d\\nSCRIPT acks=%d\\nSCRIPT refused=%d\\n", g, a, r))
end
"""


def quiz_submissions(
    run: Run, info: dict[str, Any], cookies: list[str], log: Path
) -> dict[str, Any]:
    """Submissions at each number of connections, in rounds; acknowledged against recorded."""
    before = recorded_attempts(run.env)
    path = f"/modules/{info['module']}/quizzes/{info['quiz']}"
    results, acknowledged = {}, 0
    for connections in run.plan.connections:
        script = quiz_script(run.work / f"quiz{connections}.lua", cookies[:connections], path)
        runs = []
        for _ in range(run.plan.rounds):
            start = log.stat().st_size
            one = wrk(run.base + path, connections, run.plan.seconds, script, threads=connections)
            _submissions(one, log, start, path)
            acknowledged += one["acks"]
            runs.append(one)
        results[str(connections)] = _quiz_summary(connections, runs)
    recorded = recorded_attempts(run.env) - before
    return {
        "quiz": results,
        "quiz_acknowledged": acknowledged,
        "quiz_recorded": recorded,
        "quiz_lost": max(0, acknowledged - recorded),
    }


def _submissions(one: dict[str, Any], log: Path, start: int, path: str) -> None:
    """Turn one wrk run of GET-and-POST cycles into figures about the submissions (POSTs)."""
    counts = {key: int(value) for key, value in one["script"].items()}
    one["acks"], one["refused"] = counts.get("acks", 0), counts.get("refused", 0)
    one["cycle_rps"], one["cycle_p99_ms"] = one["rps"], one["p99_ms"]
    one["rps"] = one["acks"] / one["seconds"]  # submissions graded and recorded per second
    one["errors"] += one["refused"]
    posts = post_latencies_ms(log, start, path)
    one["post_p50_ms"] = statistics.median(posts) if posts else 0.0
    one["post_p99_ms"] = _percentile(posts, 99)


def _quiz_summary(connections: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    result = summary(connections, runs)
    for key in ("post_p50_ms", "post_p99_ms", "cycle_rps"):
        values = [run[key] for run in runs]
        result[key] = {"min": min(values), "median": statistics.median(values), "max": max(values)}
    return result


def post_latencies_ms(log: Path, start: int, path: str) -> list[float]:
    """The server's time for each POST to ``path`` in the access log since byte ``start``."""
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
    pattern = re.compile(rf'"POST {re.escape(path)}" \d+ \S+ ([\d.]+)s$', re.M)
    return [float(seconds) * 1000 for seconds in pattern.findall(text)]


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def recorded_attempts(env: dict[str, str]) -> int:
    """Quiz attempts in the database."""
    return int(python_output(COUNT_ATTEMPTS, env))


def quiz_script(path: Path, cookies: list[str], quiz_path: str) -> str:
    """The wrk script of GET-then-POST cycles, one learner's cookie per connection."""
    quoted = ", ".join(f'"{cookie}"' for cookie in cookies)
    path.write_text(textwrap.dedent(LUA.format(cookies=quoted, path=quiz_path)))
    return str(path)
