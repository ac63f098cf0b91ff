"""`make bench`: measure the course server as users feel it, beside baselines from the same run.

Starts the server as `make serve` does (gunicorn with --preload, production settings) on a
fresh instance, seeds a realistic data set through the application's services, drives load
with wrk (a C load generator from Debian: it needs far less CPU than a Python client, which
matters when client and server share two cores), and writes bench/results.json,
bench/results.md and the README's table. Baselines: nginx serving the same lesson page as a
static file, and a Flask "hello world" under the same gunicorn settings.

The parts, in the order a run uses them:

- ``common``: the plan of a run (full or ``--quick``), processes, gunicorn and wrk;
- ``seeding``: learners, attempts and awards in the database, and one award's timing;
- ``scenarios``: the load on the course server and the measurements around it;
- ``generated``: a 50-module course in two languages, for start-up and ``content check``;
- ``baselines``: nginx serving a static copy of the lesson, and Flask "hello world";
- ``profiles``: a pyinstrument profile of each hot path that misses its target;
- ``report``: results.json, results.md and the README's table.

Usage: .venv/bin/python bench/run.py [--postgresql] [--quick]  (or ``python -m bench``)
"""
