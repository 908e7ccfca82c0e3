"""Nightly cost night by night: the first night, then K nights that each bring one more day of exports.

    python benchmarks/bench_nightly.py --employees 1000 --nights 3 [--json OUT] [--work DIR] [--reuse]
                                        [--memory-limit 4GB] [--threads N] [--full-refresh-check]

Generates a company (or reuses the one in --work), holds the last K days of exports back
(demo_company/daily.py), runs `trm run` (the first night), then for each held day copies that day's exports into
the landing folder and runs `trm run` again, each night as of the day after its newest export (TRM_AS_OF_DATE). Per night it prints and writes: wall seconds, peak RSS of the whole
process tree (sampled every 0.5 s from /proc), seconds per step group from Dagster's event log, and rows in raw.
`raw_scan_s` is a bare DuckDB scan of every raw table (a group-by per table; median of 3) measured in the
same run after the last night, so a night's cost can be read as a ratio on a noisy machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo_company.daily import held_days, hold_back, release_day  # noqa: E402

STEP_GROUPS = (  # first match wins: Dagster step key (prefix or substring) -> group
    ("_expectations_", "checks"), ("quarantine_share", "checks"), ("raw__", "ingestion"), ("dbt_", "dbt"),
    ("identity", "identity"), ("sentiment", "sentiment"),
    ("attrition", "attrition"), ("publish", "publish"), ("report", "reports"), ("data_docs", "reports"),
    ("quality", "checks"), ("gx", "checks"), ("check", "checks"),
)
GROUPS = ("ingestion", "dbt", "identity", "sentiment", "attrition", "checks", "publish", "reports", "other")


def step_group(step_key: str) -> str:
    for marker, group in STEP_GROUPS:
        if step_key.startswith(marker) or marker in step_key:
            return group
    return "other"


def _tree_rss_kb(root: int) -> tuple[int, int, str]:
    """Resident memory of a process and all its descendants (kB), from /proc, with the largest single process
    of the tree (kB, command line) so a peak can be attributed."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/status") as fh:
                kb = next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = kb
    total, largest, largest_pid, stack = 0, 0, root, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        if rss.get(pid, 0) > largest:
            largest, largest_pid = rss[pid], pid
        stack.extend(children.get(pid, []))
    try:
        with open(f"/proc/{largest_pid}/cmdline", "rb") as fh:
            command = fh.read().replace(b"\0", b" ").decode(errors="replace").strip()[:160]
    except OSError:
        command = "?"
    return total, largest, command


def run_night(home: Path, env: dict[str, str], args: list[str], log: Path) -> tuple[float, dict, int]:
    """`trm run` in a subprocess: (wall seconds, the peak of the tree's RSS with when and in which process, exit
    code)."""
    peak = {"tree_kb": 0, "at": 0.0, "largest_kb": 0, "largest_command": ""}
    start = time.perf_counter()
    with log.open("w") as out:
        # This checkout's code (PYTHONPATH first), so a benchmark can run from a worktree of another commit.
        env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)}
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "run", *args], env=env, cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            while proc.poll() is None:
                tree, largest, command = _tree_rss_kb(proc.pid)
                if tree > peak["tree_kb"]:
                    peak.update(tree_kb=tree, at=time.time(), largest_kb=largest, largest_command=command)
                time.sleep(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        sampler.join()
    return time.perf_counter() - start, peak, code


def step_seconds(dagster_home: Path, at: float | None = None) -> tuple[dict[str, float], list[str]]:
    """Seconds per step group of the latest run in this Dagster home, and the steps running at time ``at``."""
    import warnings

    os.environ["DAGSTER_HOME"] = str(dagster_home)
    from dagster import DagsterEventType, DagsterInstance, EventRecordsFilter

    warnings.filterwarnings("ignore", category=DeprecationWarning)

    with DagsterInstance.get() as instance:
        run = instance.get_runs(limit=1)[0]
        spans: dict[str, list[float]] = {}
        for event_type in (DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            records = instance.get_event_records(EventRecordsFilter(event_type=event_type), limit=100_000)
            for record in records:
                entry = record.event_log_entry
                if entry.run_id != run.run_id or not entry.step_key:
                    continue
                span = spans.setdefault(entry.step_key, [entry.timestamp, entry.timestamp])
                span[0 if event_type == DagsterEventType.STEP_START else 1] = entry.timestamp
    totals = dict.fromkeys(GROUPS, 0.0)
    for key, (begin, end) in spans.items():
        totals[step_group(key)] += max(end - begin, 0.0)
    running = sorted(key for key, (begin, end) in spans.items() if at is not None and begin <= at <= end)
    return {k: round(v, 1) for k, v in totals.items() if v}, running


def raw_rows(warehouse: Path) -> int:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'raw'").fetchall()]
        return sum(con.execute(f'select count(*) from raw."{t}"').fetchone()[0] for t in tables)
    finally:
        con.close()


def raw_scan_seconds(warehouse: Path, repeat: int = 3) -> float:
    """The floor: read every raw table once (rows per source file and the largest row hash, so every row's hash
    is read), nothing else; median of ``repeat``."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'raw' and table_name like '%\\_\\_%' escape '\\'")
                  .fetchall()]
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            for t in tables:
                con.execute(f'select _source_file, count(*), max(_row_hash) from raw."{t}" group by 1').fetchall()
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        con.close()


def prepare(work: Path, employees: int, seed: int, nights: int, reuse: bool) -> list[dt.date]:
    """A company with its last ``nights`` days held back, in work/company (kept for --reuse)."""
    company = work / "company"
    marker = company / "held.json"
    if reuse and marker.exists() and json.loads(marker.read_text()) == {"employees": employees, "seed": seed,
                                                                         "nights": nights}:
        return held_days(company / "next_days")
    if company.exists():
        shutil.rmtree(company)
    from demo_company.generate import generate_company

    print(f"generating {employees:,} employees (seed {seed}) ...", flush=True)
    start = time.perf_counter()
    as_of = dt.date(2026, 10, 31)
    generate_company(company / "landing", employees=employees, seed=seed, as_of=as_of, progress=False)
    days = hold_back(company / "landing", company / "next_days", nights, as_of)
    marker.write_text(json.dumps({"employees": employees, "seed": seed, "nights": nights}))
    print(f"  generated and split in {time.perf_counter() - start:.0f} s; held back {[d.isoformat() for d in days]}")
    return days


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--nights", type=int, default=3, help="later nights after the first (days held back)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--work", type=Path, help="work folder (default /tmp/trm-bench-<employees>)")
    parser.add_argument("--reuse", action="store_true", help="reuse the generated company in --work")
    parser.add_argument("--memory-limit", help="TRM_MEMORY_LIMIT for the runs")
    parser.add_argument("--threads", help="TRM_THREADS for the runs")
    parser.add_argument("--full-refresh-check", action="store_true",
                        help="after the last night, time `trm run --full-refresh` over the same files")
    args = parser.parse_args()

    work = (args.work or Path(f"/tmp/trm-bench-{args.employees}")).resolve()
    days = prepare(work, args.employees, args.seed, args.nights, args.reuse)
    home = work / "home"
    if home.exists():
        shutil.rmtree(home)
    shutil.copytree(work / "company" / "landing", home / "landing")
    env = {**os.environ, "TRM_HOME": str(home), "DAGSTER_HOME": str(home / "dagster")}
    for name, value in (("TRM_MEMORY_LIMIT", args.memory_limit), ("TRM_THREADS", args.threads)):
        if value:
            env[name] = value
    result: dict = {"employees": args.employees, "seed": args.seed, "cores": os.cpu_count(),
                    "memory_limit": args.memory_limit, "measured_on": dt.date.today().isoformat(), "nights": []}
    plan = [(0, None), *[(i + 1, day) for i, day in enumerate(days)]]

    def save() -> None:  # after every night too: a long run stopped part-way keeps the nights it measured
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, indent=2) + "\n")

    print(f"{'night':>5} {'day':>10} {'wall_s':>8} {'peak_rss_mb':>11} {'raw_rows':>11}  steps")
    for night, day in plan:
        copied = release_day(work / "company" / "next_days", day, home / "landing") if day else []
        # The night runs the day after its newest export, as a company's nightly does (TRM_AS_OF_DATE), not on
        # the machine's date: the generated history ends on a fixed day, and a run weeks later would see no
        # recent days at all.
        env["TRM_AS_OF_DATE"] = ((day or days[0] - dt.timedelta(days=1)) + dt.timedelta(days=1)).isoformat() \
            if days else env.get("TRM_AS_OF_DATE", "")
        wall, peak, code = run_night(home, env, [], work / f"night-{night}.log")
        if code != 0:
            print(f"night {night} failed (exit {code}); see {work / f'night-{night}.log'}", file=sys.stderr)
            result["failed"] = {"night": night, "exit": code, "wall_s": round(wall, 1),
                                "peak_rss_mb": round(peak["tree_kb"] / 1024)}
            save()
            return 1
        steps, at_peak = step_seconds(home / "dagster", peak["at"])
        entry = {"night": night, "day": day.isoformat() if day else None, "as_of_date": env["TRM_AS_OF_DATE"],
                 "files_added": len(copied),
                 "wall_s": round(wall, 1), "peak_rss_mb": round(peak["tree_kb"] / 1024), "steps": steps,
                 "peak": {"steps_running": at_peak, "largest_process_mb": round(peak["largest_kb"] / 1024),
                          "largest_process": peak["largest_command"]},
                 "raw_rows": raw_rows(home / "warehouse.duckdb")}
        result["nights"].append(entry)
        print(f"{night:>5} {entry['day'] or 'history':>10} {entry['wall_s']:>8} {entry['peak_rss_mb']:>11} "
              f"{entry['raw_rows']:>11,}  {entry['steps']}\n      peak during {at_peak or '(start-up)'}: largest "
              f"process {entry['peak']['largest_process_mb']} MB ({entry['peak']['largest_process'][:80]})",
              flush=True)
        save()
    if args.full_refresh_check:
        wall, peak, code = run_night(home, env, ["--full-refresh"], work / "full-refresh.log")
        result["full_refresh"] = {"wall_s": round(wall, 1), "peak_rss_mb": round(peak["tree_kb"] / 1024),
                                  "exit": code, "steps": step_seconds(home / "dagster")[0]}
        print(f"full refresh: {result['full_refresh']}")
    result["raw_scan_s"] = round(raw_scan_seconds(home / "warehouse.duckdb"), 3)
    later = [n["wall_s"] for n in result["nights"][1:]]
    result["summary"] = {
        "first_night_s": result["nights"][0]["wall_s"],
        "later_night_median_s": statistics.median(later) if later else None,
        "peak_rss_mb": max(n["peak_rss_mb"] for n in result["nights"]),
        "first_night_per_raw_scan": round(result["nights"][0]["wall_s"] / result["raw_scan_s"], 1),
        "later_night_per_raw_scan": round(statistics.median(later) / result["raw_scan_s"], 1) if later else None,
    }
    print(f"raw_scan_s {result['raw_scan_s']}  summary {result['summary']}")
    save()
    if args.json:
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
