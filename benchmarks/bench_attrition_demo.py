"""Attrition risk on a built warehouse (e.g. after `make demo`, or a 10k company): feature snapshots, the
time-based hold-out the nightly model uses (train on earlier snapshots, validate on the last labelled months),
metrics overall and by gender and age band, and the time to explain every current employee.

    python benchmarks/bench_attrition_demo.py --warehouse data/warehouse.duckdb [--repeat 3]

Opens the warehouse read-only (temp tables only), so it can run beside a reader but not during a nightly run.
Prints medians of --repeat runs for timings; metrics are deterministic.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

import duckdb

from ml.attrition.drivers import explain
from ml.attrition.features import CONTEXT_COLUMNS, build_snapshots, label_column, snapshot_info
from ml.attrition.holdout import select_and_train

HORIZON = 6


def _fmt(metrics: dict) -> str:
    keys = ("n_rows", "n_positives", "base_rate", "roc_auc", "pr_auc", "brier", "brier_no_skill", "top_decile_lift")
    return "  ".join(f"{k}={metrics[k]}" for k in keys if k in metrics)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=Path("data/warehouse.duckdb"))
    parser.add_argument("--repeat", type=int, default=1, help="runs to take timing medians over")
    parser.add_argument("--validation-snapshots", type=int, default=6)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    label = label_column(HORIZON)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    timings: dict[str, list[float]] = {"snapshots": [], "train_and_validate": [], "explain": []}
    for _ in range(args.repeat):
        start = time.perf_counter()
        frame = build_snapshots(con, horizon_months=HORIZON)
        timings["snapshots"].append(time.perf_counter() - start)
        labelled = frame[frame[label].notna()]
        start = time.perf_counter()
        result = select_and_train(labelled, label, exclude=["person_key", *CONTEXT_COLUMNS],
                                  horizon_months=HORIZON, validation_snapshots=args.validation_snapshots)
        timings["train_and_validate"].append(time.perf_counter() - start)
        latest = frame[frame["snapshot_date"] == frame["snapshot_date"].max()]
        start = time.perf_counter()
        drivers = explain(result.model.pipeline.predict_proba, latest, features=result.model.features,
                          reference=labelled.sample(min(len(labelled), 20000), random_state=7), top_n=3)
        timings["explain"].append(time.perf_counter() - start)
    info = snapshot_info(frame)
    print(f"warehouse {args.warehouse}: {len(frame):,} snapshot rows, {len(info.snapshot_dates)} month ends "
          f"({info.snapshot_dates[0]} .. {info.snapshot_dates[-1]}), {len(labelled):,} labelled, "
          f"{int(labelled[label].sum()):,} voluntary exits")
    print(f"feature groups used {info.groups_used}; skipped {list(info.groups_skipped)}")
    print(f"validation: {json.dumps(result.validation)}")
    for name, metrics in result.candidates.items():
        print(f"candidate {name:24s} {_fmt(metrics)}")
    print(f"chosen {result.chosen_model}: {_fmt(result.metrics)}")
    for column, groups in result.slices.items():
        for group, metrics in groups.items():
            print(f"  by {column:8s} {group:10s} " + (_fmt(metrics) if "suppressed" not in metrics
                                                      else f"suppressed ({metrics.get('reason')})"))
    print(f"drivers: {drivers['person_key'].nunique():,} of {len(latest):,} employees have at least one driver; "
          f"most common first driver: {drivers[drivers['rank'] == 1]['driver'].value_counts().head(5).to_dict()}")
    for step, values in timings.items():
        print(f"time {step:20s} median {statistics.median(values):.1f} s over {len(values)} run(s)")


if __name__ == "__main__":
    main()
