"""How long ``aumos-drift --help`` and a small ``check`` take, from process start to exit.

Runs each command ``--repeat`` times (default 10) as a fresh process and prints the median and the best wall
time, and the median CPU time (user + system) of the child, which is steadier on a busy machine.
The small check compares ``examples/current.csv`` with ``examples/reference.csv`` (1,000 rows, 2 columns).

    python benchmarks/bench_cli_startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": ["--help"],
    "check (1,000 rows)": [
        "check", "--reference", str(ROOT / "examples" / "reference.csv"),
        "--current", str(ROOT / "examples" / "current.csv"),
    ],
}  # fmt: skip


def _once(argv: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import sys; from aumos_drift_detector.cli import main; sys.exit(main())", *argv],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=os.environ.copy(),
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    _once(["--help"])  # warm the file cache and the bytecode
    for name, argv in COMMANDS.items():
        runs = [_once(argv) for _ in range(args.repeat)]
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        print(
            f"{name:<20} wall median {statistics.median(walls):.3f} s, best {min(walls):.3f} s; "
            f"cpu median {statistics.median(cpus):.3f} s  ({args.repeat} runs)"
        )


if __name__ == "__main__":
    main()
