"""Time vplan's start-up against the import floor of its libraries, in the same run.

Each command is run ROUNDS times, interleaved with the floor command so that both
see the same machine load; the median wall time of each is compared and the ratio
printed. Peak memory (max RSS) is read from the same runs.

    python scripts/bench.py            # warm: the validated rules are cached
    python scripts/bench.py --cold     # every run validates the rules again
    python scripts/bench.py --rounds 40
    python scripts/bench.py --no-handouts   # start-up only

Start-up: ``check`` and ``schedule`` in English against the floor of English's stack
(target 1.15); the same commands with ``--lang es`` against that floor plus Babel's dates
module (target 1.10); ``rules lint`` of the bundled protocol against the English floor
(target 3).

Handouts: one PDF handout against the floor plus reportlab (target 1.2); a batch of
500 handouts against separate runs, per handout (target: at least 10 times faster);
and the peak memory of batches of 50 and 500 rows (it must not grow with the rows).
The batch is timed from a CSV list, from an .xlsx workbook, and with --combined.

The summary at the end lists every figure with its target; the exit status is 1 when
any is over its target.

    python scripts/bench.py --journal   # one append to a journal of 100,000 entries

The journal: one append to a journal of JOURNAL_LINES entries (target: under 50 ms, the
whole chain checked for a changed line before it), and, once, the first append after
the journal was written by another program (the whole chain read).
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
from typing import NamedTuple

# The floor imports its stack under the cycle collector's setting vplan starts with (cli.py),
# so that a ratio measures vplan's own work, not that setting.
COLLECTOR = "import gc; gc.set_threshold(100_000, *gc.get_threshold()[1:]); "
ENGLISH_IMPORTS = "import typer, rich, pydantic, ruamel.yaml, dateutil.relativedelta"
ENGLISH_STACK = COLLECTOR + ENGLISH_IMPORTS
FLOOR = [sys.executable, "-c", ENGLISH_STACK]
# Another language writes its dates from Babel's (CLDR): its floor counts Babel's dates module
# too, although a warm run reads the forms of its dates from the cache without importing it.
SPANISH_STACK = ENGLISH_STACK + ", babel.dates"
SPANISH_FLOOR = [sys.executable, "-c", SPANISH_STACK]
HANDOUT_STACK = ENGLISH_STACK + ", reportlab.platypus, reportlab.pdfbase.ttfonts"
HANDOUT_FLOOR = [sys.executable, "-c", HANDOUT_STACK]
TARGET = 1.15
SPANISH_TARGET = 1.10
LINT_TARGET = 3.0
HANDOUT_TARGET = 1.2
BATCH_SPEEDUP_TARGET = 10.0
MEMORY_GROWTH_LIMIT = 1.10  # 500 rows may use at most 10 % more memory than 50 rows
PEAK_OF = (
    "import resource, subprocess, sys; "
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if done.returncode == 0 "
    "else -1)"
)


def vplan_command() -> list[str]:
    script = Path(sys.executable).with_name("vplan")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vplan"]


CHECK = ["check", "lifting", "15lb", "-p", "2025-03-01", "--on", "2025-03-11"]
SCHEDULE = ["schedule", "2025-03-01"]


class Timed(NamedTuple):
    """A command timed against the floor of its stack, with the ratio it must stay within."""

    name: str
    argv: list[str]
    floors: tuple[str, ...]  # keys of FLOORS: the ratio to each is a figure of the summary
    target: float


FLOORS = {"English": FLOOR, "Spanish": SPANISH_FLOOR}
SPANISH = ("Spanish",)
STARTUP = [
    Timed("check", CHECK, ("English",), TARGET),
    Timed("schedule", SCHEDULE, ("English",), TARGET),
    Timed("check --lang es", [*CHECK, "--lang", "es"], SPANISH, SPANISH_TARGET),
    Timed("schedule --lang es", [*SCHEDULE, "--lang", "es"], SPANISH, SPANISH_TARGET),
    Timed("rules lint", ["rules", "lint"], ("English",), LINT_TARGET),
]


class Figure(NamedTuple):
    """One line of the summary: a measured figure and its target."""

    name: str
    value: float
    target: float
    higher_is_better: bool = False

    @property
    def within(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def __str__(self) -> str:
        bound = "at least" if self.higher_is_better else "at most"
        verdict = "within" if self.within else "OVER"
        return f"  {self.name:<52}{self.value:6.2f}  (target: {bound} {self.target:g})  {verdict}"


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
    parser.add_argument("--no-handouts", action="store_true", help="time start-up only")
    parser.add_argument("--handouts-only", action="store_true", help="time handouts only")
    parser.add_argument(
        "--separate-runs",
        type=int,
        default=0,
        help="time this many separate handout runs for the batch comparison "
        "(default: the median of the --rounds single-handout runs, times 500)",
    )
    parser.add_argument(
        "--journal", action="store_true", help="time an append to a 100,000-line journal only"
    )
    parser.add_argument("--no-serve", action="store_true", help="skip the page's preview")
    args = parser.parse_args()
    if args.journal:
        bench_journal(args.rounds)
        return
    cache = tempfile.mkdtemp(prefix="vplan-bench-")
    env = dict(os.environ, VPLAN_CACHE_DIR=cache)
    if args.cold:
        env["VPLAN_NO_CACHE"] = "1"
    base = vplan_command()
    # pip compiles an installed package at install time; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would otherwise be compiled again on every run.
    import vplan

    compileall.compile_dir(Path(vplan.__file__).parent, quiet=1)
    figures: list[Figure] = []
    try:
        if not args.handouts_only:
            figures += bench_startup(base, env, args.rounds, args.cold)
        if not args.no_handouts:
            figures += bench_handouts(base, env, args.rounds, args.separate_runs)
        if not args.no_serve:
            figures.append(bench_preview(base, env, args.rounds))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    print("summary: each figure against its target")
    for figure in figures:
        print(figure)
    over = [figure.name for figure in figures if not figure.within]
    print(f"over the target: {', '.join(over)}" if over else "every figure within its target")
    sys.exit(1 if over else 0)


JOURNAL_LINES = 100_000
JOURNAL_TARGET = 0.050  # seconds for one append


def bench_journal(rounds: int) -> None:
    """Time one append to a journal of JOURNAL_LINES entries as vplan writes them."""
    from datetime import UTC, date, datetime

    from vplan.journal import _sealed_line, append, checked_note
    from vplan.record import Written, entry
    from vplan.stamp import Stamp

    key = b"a clinic secret of more than sixteen bytes"
    moment = datetime(2025, 3, 1, 12, tzinfo=UTC)
    stamp = Stamp("0.2.0", "Default recovery protocol", "2026.12-1", "vertebroplasty", "0" * 64,
                  "en", date(2025, 3, 1))  # fmt: skip
    fields = entry(
        date(2025, 3, 1), stamp, Written("pdf", "0" * 64, 3), when=moment, made_at=moment,
        patient="1" * 64, file_hmac="2" * 64, key="3" * 16,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="vplan-bench-") as work:
        path = Path(work) / "journal.jsonl"
        prev = "0" * 64
        with path.open("wb") as handle:
            for _ in range(JOURNAL_LINES):
                line, prev = _sealed_line(key, prev, fields)
                handle.write(line + b"\n")
        size = path.stat().st_size
        start = time.perf_counter()
        append(path, key, fields)  # written by another program: the whole chain is read
        first = time.perf_counter() - start
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            append(path, key, fields)
            samples.append(time.perf_counter() - start)
        median = statistics.median(samples)
        assert checked_note(path).exists()
    mib = size / 2**20
    print(f"journal of {JOURNAL_LINES:,} entries ({mib:.1f} MiB), median of {rounds} appends")
    print(f"  first append, the whole chain read  {first * 1000:8.1f} ms  (once)")
    print(f"  each append after it                {median * 1000:8.1f} ms  "
          f"(target under {JOURNAL_TARGET * 1000:.0f} ms): "
          f"{'within' if median < JOURNAL_TARGET else 'OVER'} the target")  # fmt: skip


def bench_startup(base: list[str], env: dict[str, str], rounds: int, cold: bool) -> list[Figure]:
    """Each command of STARTUP against the floor of its stack, interleaved in every round."""
    for timed in STARTUP:  # warm the file cache and the rules cache
        run_once(base + timed.argv, env)
    floor_times: dict[str, list[float]] = {name: [] for name in FLOORS}
    times: dict[str, list[float]] = {timed.name: [] for timed in STARTUP}
    for _ in range(rounds):
        for timed in STARTUP:
            for floor in timed.floors:
                floor_times[floor].append(run_once(FLOORS[floor], env)[0])
            times[timed.name].append(run_once(base + timed.argv, env)[0])
    floors = {name: statistics.median(samples) for name, samples in floor_times.items()}
    mode = "cold (rules validated each run)" if cold else "warm (validated rules cached)"
    print(f"vplan start-up, {mode}, median of {rounds} runs each")
    for name, argv in FLOORS.items():
        what = argv[2].removeprefix(COLLECTOR)[7:]
        if argv is not FLOOR:
            what = what.replace(ENGLISH_IMPORTS[7:], "the English stack")
        print(f"  {name + ' floor':<22}{floors[name] * 1000:7.1f} ms  {what[:70]}")
    figures = []
    for timed in STARTUP:
        median = statistics.median(times[timed.name])
        ratios = {floor: median / floors[floor] for floor in timed.floors}
        shown = ", ".join(f"{ratio:.2f} to the {floor} floor" for floor, ratio in ratios.items())
        target = f"(target {timed.target:g})"
        print(f"  {timed.name:<22}{median * 1000:7.1f} ms  ratio {shown}  {target}")
        figures += [
            Figure(f"{timed.name} / {floor} floor", ratio, timed.target)
            for floor, ratio in ratios.items()
        ]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"  peak memory of any run: {peak / 1024:.1f} MiB")
    return figures


VARIANTS = ("CSV list", ".xlsx list", "CSV list with --combined")


def write_list(work: Path, rows: int, variant: str) -> Path:
    """A day's list of ``rows`` patients, as a CSV file or an Excel workbook."""
    header = ["Name", "Procedure Date", "Phone", "MRN"]
    if variant.startswith(".xlsx"):
        from datetime import date

        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for i in range(rows):
            sheet.append([f"Patient {i}", date(2025, 3, 1), "555-0100", 1000 + i])
        path = work / f"list-{rows}.xlsx"
        book.save(path)
        return path
    path = work / f"list-{rows}.csv"
    path.write_text(
        ",".join(header) + "\n"
        + "".join(f"Patient {i},2025-03-01,555-0100,{1000 + i}\n" for i in range(rows)),
        encoding="utf-8",
    )  # fmt: skip
    return path


def bench_batch(
    base: list[str], env: dict[str, str], work: Path, variant: str, per_separate: float, how: str
) -> list[Figure]:
    """500 handouts from this kind of list against separate runs; memory at 50 and 500 rows."""
    batch_of = {}
    peaks = {}
    slug = variant.split()[0].strip(".").lower() + ("-combined" if "combined" in variant else "")
    for rows in (50, 500):
        path = write_list(work, rows, variant)
        out = work / f"{slug}-{rows}"
        argv = [*base, "handout", "--batch", str(path), "--out-dir", str(out)]
        if "combined" in variant:
            argv += ["--combined", str(work / f"{slug}-{rows}.pdf")]
        start = time.perf_counter()
        peak = int(subprocess.run(
            [sys.executable, "-c", PEAK_OF, *argv], env=env, capture_output=True,
            text=True, check=True,
        ).stdout)  # fmt: skip
        batch_of[rows] = time.perf_counter() - start
        if peak < 0:
            sys.exit(f"{' '.join(argv)} failed")
        peaks[rows] = peak
        shutil.rmtree(out, ignore_errors=True)
    per_batch = batch_of[500] / 500
    speedup = per_separate / per_batch
    print(f"batch of 500 handouts, {variant}: {batch_of[500]:.1f} s, "
          f"{per_batch * 1000:.1f} ms a handout")  # fmt: skip
    print(f"  separate runs: {per_separate * 1000:.1f} ms a handout ({how})")
    print(f"  {speedup:.1f} times faster a handout (target: at least {BATCH_SPEEDUP_TARGET:.0f})")
    growth = peaks[500] / peaks[50]
    print(
        f"  peak memory of one process: {peaks[50] / 1024:.1f} MiB for 50 rows, "
        f"{peaks[500] / 1024:.1f} MiB for 500 rows (x{growth:.2f}; "
        f"{'flat' if growth <= MEMORY_GROWTH_LIMIT else 'GROWS'})"
    )
    return [
        Figure(f"batch, {variant}: times faster", speedup, BATCH_SPEEDUP_TARGET, True),
        Figure(f"batch, {variant}: memory 500/50 rows", growth, MEMORY_GROWTH_LIMIT),
    ]


def bench_handouts(
    base: list[str], env: dict[str, str], rounds: int, separate: int
) -> list[Figure]:
    """One handout against the floor plus reportlab; a batch against separate runs; memory."""
    work = Path(tempfile.mkdtemp(prefix="vplan-bench-handouts-"))
    try:
        single = [*base, "handout", "2025-03-01", "--patient", "Ann Lee", "--phone", "555-0100"]
        run_once([*single, "-o", str(work / "warm.pdf")], env)
        floor_times, handout_times = [], []
        for n in range(rounds):
            floor_times.append(run_once(HANDOUT_FLOOR, env)[0])
            handout_times.append(run_once([*single, "-o", str(work / f"one-{n}.pdf")], env)[0])
        floor = statistics.median(floor_times)
        one = statistics.median(handout_times)
        print(f"handout, median of {rounds} runs each")
        stack = HANDOUT_FLOOR[2].removeprefix(COLLECTOR)
        print(f"  floor   {floor * 1000:7.1f} ms  {stack[:60]}...")
        print(f"  handout {one * 1000:7.1f} ms  ratio {one / floor:.2f}  (target {HANDOUT_TARGET})")
        if separate:
            start = time.perf_counter()
            for n in range(separate):
                run_once([*single, "-o", str(work / f"sep-{n}.pdf")], env)
            per_separate = (time.perf_counter() - start) / separate
            how = f"{separate} separate runs"
        else:
            per_separate = one
            how = f"median of the {rounds} runs above"
        figures = [Figure("handout / handout floor", one / floor, HANDOUT_TARGET)]
        for variant in VARIANTS:
            figures += bench_batch(base, env, work, variant, per_separate, how)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


PREVIEW_TARGET = 0.150  # seconds: the handout's preview, asked of a running 'vplan serve'


def bench_preview(base: list[str], env: dict[str, str], rounds: int) -> Figure:
    """The page's preview: the form posted and the handout fetched, from a running 'vplan serve'."""
    import re
    import urllib.parse
    import urllib.request

    server = subprocess.Popen(
        [*base, "serve", "--no-browser", "--idle-minutes", "5"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\S+)", server.stdout.readline())
        assert found is not None, "vplan serve printed no address"
        home = f"http://127.0.0.1:{found.group(1)}"
        headers = {"Cookie": f"vplan-{found.group(1)}={found.group(2)}", "Origin": home}
        form = urllib.parse.urlencode({
            "patient": "Ann Lee", "procedure_date": "2025-03-01", "phone": "555-0100",
            "do": "preview",
        }).encode()  # fmt: skip

        def preview() -> float:
            start = time.perf_counter()
            request = urllib.request.Request(f"{home}/", data=form, headers=headers)
            with urllib.request.urlopen(request) as answer:
                page = answer.read().decode()
            key = re.search(r'<iframe id="preview" src="(/made/[^"]+)"', page)
            assert key is not None, "no preview on the page"
            fetch = urllib.request.Request(home + key.group(1), headers=headers)
            with urllib.request.urlopen(fetch) as answer:
                answer.read()
            return time.perf_counter() - start

        first = preview()
        median = statistics.median(preview() for _ in range(rounds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"vplan serve: the handout's preview (form posted, handout fetched), {rounds} rounds")
    print(f"  first {first * 1000:7.1f} ms (the rules, fonts and templates loaded once)")
    print(f"  then  {median * 1000:7.1f} ms  (target under {PREVIEW_TARGET * 1000:.0f} ms)")
    return Figure("serve: preview (seconds)", median, PREVIEW_TARGET)


if __name__ == "__main__":
    main()
