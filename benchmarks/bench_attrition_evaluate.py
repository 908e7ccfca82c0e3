"""Attrition model evaluation: out-of-fold metrics and wall time of ``trm attrition evaluate``.

    python benchmarks/bench_attrition_evaluate.py [--repeat 3] [--seed 0]
    python benchmarks/bench_attrition_evaluate.py --csv WA_Fn-UseC_-HR-Employee-Attrition.csv --label Attrition

Synthetic mode writes two CSVs shaped like the public files (``ml.attrition.synth``): IBM HR Analytics Employee
Attrition (1,470 rows, with a leaked termination date and exit reason, names, e-mails, a hire date and missing
values added) and Kaggle HR_comma_sep (14,999 rows), then runs the CLI entry point on each, as a user would.
Times are the median of ``--repeat`` runs of the whole command (reading, profiling, leakage screen, model
selection, calibrated out-of-fold predictions). Machines are shared and noisy: compare figures from one machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

from ml.attrition.cli import main as attrition_main
from ml.attrition.synth import hr_comma_sep_like, ibm_like


def run(path: Path, label: str, repeat: int, extra: list[str]) -> None:
    walls, cpus, document = [], [], {}
    for _ in range(repeat):
        out = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(out):
            code = attrition_main(["evaluate", str(path), "--label", label, "--quiet", *extra])
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        if code != 0:
            raise SystemExit(f"evaluate exited with {code} on {path}")
        document = json.loads(out.getvalue())
    m = document["metrics"]
    cands = "  ".join(f"{name}: pr_auc {c['pr_auc']['mean']:.3f}±{c['pr_auc']['std']:.3f} "
                      f"roc_auc {c['roc_auc']['mean']:.3f}" for name, c in document["candidates"].items())
    print(f"{path.name}: rows={m['n_rows']:,} positives={m['n_positives']:,} base_rate={m['base_rate']:.3f}")
    print(f"  candidates (uncalibrated, CV mean±std): {cands}")
    print(f"  chosen={document['chosen_model']} calibration={document['calibration']}  out-of-fold: "
          f"ROC AUC={m['roc_auc']:.3f} PR AUC={m['pr_auc']:.3f} Brier={m['brier']:.4f} "
          f"(no-skill {m['brier_no_skill']:.4f}) top-decile lift={m['top_decile_lift']:.2f}")
    for kind, found in document["slices"].items():
        groups = ", ".join(f"{g}: " + ("suppressed" if v.get("suppressed") else
                                       f"n={v['n_rows']} auc={v['roc_auc']}")
                           for g, v in found["groups"].items())
        print(f"  {kind} ({found['column']}): {groups}")
    dropped = ", ".join(f"{d['column']} ({d['reason']})" for d in document["dropped_columns"]
                        if d["reason"] != "excluded")
    print(f"  dropped: {dropped or 'none'}")
    for warning in document["warnings"]:
        print(f"  warning: {warning}")
    print(f"  wall time: median {statistics.median(walls):.1f}s of {repeat} run(s) "
          f"({', '.join(f'{w:.1f}' for w in walls)}); CPU time median {statistics.median(cpus):.1f}s "
          f"(wall minus CPU is waiting for a core on a shared machine)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, help="evaluate this file instead of the synthetic ones")
    parser.add_argument("--label", help="label column of --csv")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="more evaluate options after --, e.g. -- --folds 3")
    args = parser.parse_args()
    extra = [a for a in args.extra if a != "--"]
    if args.csv:
        if not args.label:
            parser.error("--csv needs --label")
        run(args.csv, args.label, args.repeat, extra)
        return
    with tempfile.TemporaryDirectory() as tmp:
        ibm = Path(tmp) / "ibm_like_attrition.csv"
        ibm_like(1470, seed=args.seed, extras=True).to_csv(ibm, index=False)
        run(ibm, "Attrition", args.repeat, extra)
        hr = Path(tmp) / "hr_comma_sep_like.csv"
        hr_comma_sep_like(14999, seed=args.seed).to_csv(hr, index=False)
        run(hr, "left", args.repeat, extra)


if __name__ == "__main__":
    main()
