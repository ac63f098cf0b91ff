"""`make bench`'s entry point: runs the ``bench`` package, as `python -m bench` would.

Usage: .venv/bin/python bench/run.py [--postgresql] [--quick]  (see bench/__init__.py)
"""

import runpy
import sys
from pathlib import Path

# The project root instead of bench/, so that `bench` and `course` are packages.
sys.path[0] = str(Path(__file__).resolve().parent.parent)
runpy.run_module("bench", run_name="__main__", alter_sys=True)
