"""`make bench` entry for subjects and cases: name matching, then case pages.

Scale with BENCH_CASES_NAMES (default 1,000,000 persons) and BENCH_CASES_N
(default 100,000 cases); see docs/bench-cases.md for measured figures.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
names = os.environ.get("BENCH_CASES_NAMES", "1000000")
cases = os.environ.get("BENCH_CASES_N", "100000")
status = 0
for cmd in (
    [sys.executable, "-m", "bench.cases.bench_names", "--n", names],
    [sys.executable, "-m", "bench.cases.bench_cases", "--n", cases],
):
    status = status or subprocess.run(cmd, cwd=ROOT, check=False).returncode
sys.exit(status)
