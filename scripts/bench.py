"""Time vplan's start-up against the import floor of its libraries, in the same run.

Each command is run ROUNDS times, interleaved with the floor command so that both
see the same machine load; the median wall time of each is compared and the ratio
printed. Peak memory (max RSS) is read from the same runs.

    python scripts/bench.py            # warm: the validated rules are cached
    python scripts/bench.py --cold     # every run validates the rules again
    python scripts/bench.py --rounds 40
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = [sys.executable, "-c", "import typer, rich, pydantic, ruamel.yaml, dateutil.relativedelta"]
TARGET = 1.15


def vplan_command() -> list[str]:
    script = Path(sys.executable).with_name("vplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vplan"]


COMMANDS = {
    "check": ["check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11"],
    "schedule": ["schedule", "2025-03-01"],
}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak memory (KiB) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed with exit {done.returncode}: {done.stderr.decode()}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--cold", action="store_true", help="validate the rules on every run")
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="vplan-bench-")
    env = dict(os.environ, VPLAN_CACHE_DIR=cache)
    if args.cold:
        env["VPLAN_NO_CACHE"] = "1"
    base = vplan_command()
    # pip compiles an installed package at install time; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would otherwise be compiled again on every run.
    import vplan

    compileall.compile_dir(Path(vplan.__file__).parent, quiet=1)
    try:
        for argv in COMMANDS.values():  # warm the file cache and the rules cache
            run_once(base + argv, env)
        floor_times: list[float] = []
        times: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(args.rounds):
            for name, argv in COMMANDS.items():
                floor_times.append(run_once(FLOOR, env)[0])
                times[name].append(run_once(base + argv, env)[0])
        floor = statistics.median(floor_times)
        mode = "cold (rules validated each run)" if args.cold else "warm (validated rules cached)"
        print(f"vplan start-up, {mode}, median of {args.rounds} runs each")
        print(f"  floor   {floor * 1000:7.1f} ms  {' '.join(FLOOR[1:])[:60]}")
        worst = 0.0
        for name, samples in times.items():
            median = statistics.median(samples)
            ratio = median / floor
            worst = max(worst, ratio)
            print(f"  {name:<8}{median * 1000:7.1f} ms  ratio {ratio:.2f}  (target {TARGET})")
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"  peak memory of any run: {peak / 1024:.1f} MiB")
        print(f"  worst ratio {worst:.2f}: {'within' if worst <= TARGET else 'OVER'} the target")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
