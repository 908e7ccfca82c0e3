"""Identity resolution: pairwise precision / recall / F1 and time per phase.

    python benchmarks/bench_identity.py [--records 10000 100000 1000000] [--threshold 0.9] [--seed 1]
    python benchmarks/bench_identity.py --landing data/landing [--truth data/ground_truth]

Synthetic mode generates people with ``ml.identity.synth`` (about 2.5 records each: Hanzi/pinyin name
variants, typos, company vs personal e-mails, phone formats, hashed ids on HRIS rows, missing values) and
resolves them. Demo mode loads a ``trm generate`` landing folder with the project's own ingestion into a
temporary DuckDB, builds one person table from ATS candidates, event sign-ups, HRIS employees and IM accounts
(an IM account's employee_id becomes a known must-link) and scores the result against
``ground_truth/person_records.csv``. No labels are used for fitting in either mode: the model is unsupervised.
Machines are shared and noisy: compare figures from the same machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from ml.identity import ResolutionResult, ResolverConfig, evaluate, resolve
from ml.identity.synth import generate

PHASES = ("normalize", "blocking", "compare", "train", "score", "cluster", "keys")


def report(name: str, n: int, result: ResolutionResult, metrics: dict, wall: float) -> None:
    t = result.timings
    print(f"{name:>12} records={n:>9,} candidates={result.candidate_pairs:>11,}  P={metrics['precision']:.4f} "
          f"R={metrics['recall']:.4f} F1={metrics['f1']:.4f}  total={wall:6.1f}s  "
          + " ".join(f"{p}={t.get(p, 0):.1f}" for p in PHASES), flush=True)


def synthetic(sizes: list[int], threshold: float, seed: int) -> None:
    for n in sizes:
        start = time.perf_counter()
        records, truth = generate(max(1, round(n / 2.5)), seed=seed)
        gen = time.perf_counter() - start
        start = time.perf_counter()
        result = resolve(records, ResolverConfig(threshold=threshold))
        wall = time.perf_counter() - start
        report("synthetic", len(records), result, evaluate(result.crosswalk, truth), wall)
        print(f"{'':>12} (generating the data took {gen:.1f}s, not counted)")


# ------------------------------------------------------------------------------------------- demo mode
ENTITIES = ("ats__candidates", "ats__event_signups", "hris__employees", "im__accounts")
QUERIES = {
    "ats__candidates": """select 'ats:candidates:' || candidate_id as record_id, full_name, email, phone,
        cast(birth_date as varchar) as birth_date, city from raw.ats__candidates
        qualify row_number() over (partition by candidate_id order by _loaded_at desc, _row_number desc) = 1""",
    "ats__event_signups": """select 'ats:event_signups:' || signup_id as record_id, full_name, email, phone
        from raw.ats__event_signups
        qualify row_number() over (partition by signup_id order by _loaded_at desc, _row_number desc) = 1""",
    "hris__employees": """select 'hris:employees:' || employee_id as record_id, full_name, email, personal_email,
        phone, national_id, cast(birth_date as varchar) as birth_date, location as city from raw.hris__employees
        qualify row_number() over (partition by employee_id order by _loaded_at desc, _row_number desc) = 1""",
    "im__accounts": """select 'im:accounts:' || platform || ':' || account_id as record_id, display_name as full_name,
        email, phone, employee_id from raw.im__accounts
        qualify row_number() over (partition by platform, account_id order by _loaded_at desc, _row_number desc) = 1""",
}


def demo_records(landing: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, must_links) from a landing folder, through the project's ingestion."""
    from ingestion.contracts import load_contracts
    from ingestion.loader import load_entity
    from ingestion.mapping import load_mapping
    from ingestion.warehouse import connect

    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "identity.duckdb")
        for entity in ENTITIES:
            load_entity(con, contracts[entity], mapping, landing, b"bench-identity-key")
        frames = [con.sql(QUERIES[e]).df() for e in ENTITIES]
        con.close()
    records = pd.concat(frames, ignore_index=True)
    im = records[records["record_id"].str.startswith("im:") & records["employee_id"].notna()]
    must = pd.DataFrame({"record_id_a": im["record_id"], "record_id_b": "hris:employees:" + im["employee_id"]})
    must = must[must["record_id_b"].isin(set(records["record_id"]))]
    return records.drop(columns=["employee_id"]), must


def demo_truth(truth_dir: Path) -> pd.DataFrame:
    pr = pd.read_csv(truth_dir / "person_records.csv", dtype=str, keep_default_na=False)
    platform = pr["platform"].where(pr["platform"] == "", pr["platform"] + ":")
    pr["record_id"] = pr["source"] + ":" + pr["entity"] + ":" + platform + pr["record_id"]
    return pr[["record_id", "person_id"]]


def demo(landing: Path, truth_dir: Path, threshold: float) -> None:
    start = time.perf_counter()
    records, must = demo_records(landing)
    print(f"loaded {len(records):,} person records ({len(must):,} IM-HRIS known links) through ingestion in "
          f"{time.perf_counter() - start:.1f}s")
    truth = demo_truth(truth_dir)
    for label, links in (("demo", must), ("demo-no-ml", None)):
        start = time.perf_counter()
        result = resolve(records, ResolverConfig(threshold=threshold), must_links=links)
        wall = time.perf_counter() - start
        metrics = evaluate(result.crosswalk, truth)
        report(label, len(records), result, metrics, wall)
    print(f"{'':>12} (records without truth: {metrics['records_only_in_crosswalk']}; "
          "demo-no-ml = without the known IM->HRIS must-links)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--threshold", type=float, default=ResolverConfig.threshold)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--landing", type=Path, help="a `trm generate` landing folder (demo mode)")
    parser.add_argument("--truth", type=Path, help="ground truth folder (default: LANDING/../ground_truth)")
    args = parser.parse_args()
    if args.landing:
        demo(args.landing, args.truth or args.landing.parent / "ground_truth", args.threshold)
    else:
        synthetic(args.records, args.threshold, args.seed)


if __name__ == "__main__":
    main()
