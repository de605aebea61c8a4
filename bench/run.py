"""Run every benchmark of the project: `make bench`.

Each area keeps its own benchmark in ``bench/<area>/run.py`` (a script that
prints its figures and exits 0). This runner calls them one after another in
separate processes, so that one area's memory does not colour another's.
Benchmarks are never part of the test suite: they measure, they do not assert.

Pass area names to run only those: ``.venv/bin/python bench/run.py foundation places``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    areas = sorted(p.parent.name for p in HERE.glob("*/run.py"))
    if argv:
        unknown = set(argv) - set(areas)
        if unknown:
            print(f"unknown benchmark areas: {', '.join(sorted(unknown))}; known: {', '.join(areas)}")
            return 2
        areas = [a for a in areas if a in argv]
    status = 0
    for area in areas:
        print(f"\n=== bench/{area} ===", flush=True)
        result = subprocess.run([sys.executable, str(HERE / area / "run.py")], cwd=HERE.parent, check=False)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
