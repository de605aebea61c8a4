"""`make bench` entry for the plan: the core-group PDF for the Mechelen plan
(target <= 2 s), on a scratch SQLite database with the demo loaded."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
env["SCHAKEL_VAR_DIR"] = tempfile.mkdtemp(prefix="schakel-bench-plan-")
manage = [sys.executable, str(ROOT / "manage.py")]
for args in (["migrate", "-v0"], ["seed", "--demo"], ["plan_bench_report", "--runs", "5"]):
    result = subprocess.run(
        manage + args,
        cwd=ROOT,
        env=env,
        check=False,
        stdout=None if args[0] == "plan_bench_report" else subprocess.DEVNULL,
    )
    if result.returncode:
        sys.exit(result.returncode)
