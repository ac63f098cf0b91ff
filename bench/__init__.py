"""`make bench`: measure the course server as users feel it, beside baselines from the same run.

Starts the server with scripts/serve, exactly as `make serve` does, on a fresh instance,
seeds a realistic data set through the application's services, drives load with wrk (a C
load generator from Debian: it needs far less CPU than a Python client, which matters when
client and server share two cores), and writes bench/results.json, bench/results.md and the
README's table (``results-postgresql.*`` and the README's second table on PostgreSQL).
Baselines: nginx serving the same lesson page as a static file, and a Flask "hello world"
served by scripts/serve too. Every measurement runs in rounds and is reported as median
(min–max); targets are checked on the medians.

The parts, in the order a run uses them:

- ``common``: the plan of a run (full or ``--quick``), processes, scripts/serve and wrk;
- ``seeding``: learners, attempts and awards in the database, and one award's timing;
- ``scenarios``: the pages, verification, memory (PSS/USS) and page weight (raw, gzip);
- ``quiz``: quiz submissions, GET the form then POST it, one learner per connection;
- ``generated``: a 50-module course in two languages, for start-up and ``content check``;
- ``startup``: start-up cold and warm (render cache), and ``content check``;
- ``baselines``: nginx serving a static copy of the lesson, and Flask "hello world";
- ``profiles``: a pyinstrument profile of each hot path that misses its target;
- ``targets``: issue 18's targets, met or missed and why;
- ``report``: results.json, results.md and the README's table.

Usage: .venv/bin/python bench/run.py [--postgresql] [--quick]  (or ``python -m bench``)
"""
