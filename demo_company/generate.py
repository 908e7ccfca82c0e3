"""Entry point of the demo-company generator (called by `trm generate`).

Order matters only through data dependencies: the workforce simulation first (it decides who works where and
why they leave), then every source derived from it. Each module draws from its own named random stream
(GeneratorConfig.rng), so adding a table does not change the others."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import hris, surveys, talent, truth
from .ats import write_ats
from .config import GeneratorConfig
from .org import build_org
from .people import Registry
from .sink import Sink
from .worker import side_job
from .workforce import simulate

LANDING_DIRS = ("ats", "hris", "attendance", "surveys", "im")
DATA_SUFFIXES = {".csv", ".xlsx", ".json", ".jsonl"}


def generate_company(out: Path, employees: int = 1000, seed: int = 7, as_of: date = date(2026, 10, 31),
                     dirt_rate: float = 0.03, truth_out: Path | None = None, attendance_days: int = 365,
                     im_days: int = 180, progress: bool = True) -> dict[str, int]:
    """Writes landing files under `out` (ats/, hris/, attendance/, surveys/, im/) and the ground truth under truth_out
    (default: out.parent / 'ground_truth'). Returns {relative file path: row count}."""
    cfg = GeneratorConfig(employees=employees, seed=seed, as_of=as_of, dirt_rate=dirt_rate,
                          attendance_days=attendance_days, im_days=im_days, progress=progress)
    return generate(cfg, Path(out), Path(truth_out) if truth_out is not None else None)


MARKER = ".trm-demo-company"
PARALLEL_MAX_EMPLOYEES = 50_000


def _clear_previous_run(out: Path) -> None:
    """Delete data files of an earlier run in the landing sub-folders (the loader would read stale months or
    channels too); nothing else is touched, and ground-truth files are simply overwritten.

    Only a folder this generator wrote (it holds the marker file) is cleared: pointing --out at a real landing
    folder by mistake must not delete anyone's exports.
    """
    if not (out / MARKER).exists():
        if out.exists() and any(p.is_file() for p in out.rglob("*")):
            raise ValueError(f"{out} already holds files that trm generate did not write; "
                             "choose an empty folder for the demo company")
        return
    for d in LANDING_DIRS:
        for p in sorted((out / d).rglob("*"), reverse=True):
            if p.is_file() and p.suffix in DATA_SUFFIXES:
                p.unlink()
            elif p.is_dir() and not any(p.iterdir()):
                p.rmdir()


def _start_worker(tmp: Path, args: tuple) -> subprocess.Popen:
    with (tmp / "in.pkl").open("wb") as fh:
        pickle.dump(args, fh, protocol=pickle.HIGHEST_PROTOCOL)
    # The package's root on PYTHONPATH so the worker imports this very code, installed or not.
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)}
    return subprocess.Popen([sys.executable, "-m", "demo_company.worker", str(tmp / "in.pkl"), str(tmp / "out.pkl")],
                            env=env)


def _finish_worker(tmp: Path, proc: subprocess.Popen) -> tuple:
    if proc.wait() != 0:
        raise RuntimeError(f"demo generator worker (attendance/IM) failed with exit code {proc.returncode}")
    with (tmp / "out.pkl").open("rb") as fh:
        return pickle.load(fh)


def generate(cfg: GeneratorConfig, out: Path, truth_out: Path | None = None) -> dict[str, int]:
    """Same as generate_company, for a fully specified configuration."""
    if cfg.employees < 50:
        raise ValueError("employees must be at least 50")
    out = out.resolve()  # the worker process must write to the same place
    truth_out = truth_out.resolve() if truth_out is not None else out.parent / "ground_truth"
    _clear_previous_run(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Written by `trm generate`; a rerun may replace the data files in this folder.\n")
    # With workers > 1, attendance + IM run in a second process. Up to PARALLEL_MAX_EMPLOYEES it runs alongside
    # the ATS; above, its peak would add to the ATS's, so it runs first and exits (its memory goes back to the
    # system, this process's heap stays small) and a 100k company stays within issue 14's 6 GB.
    parallel = cfg.workers > 1 and cfg.employees <= PARALLEL_MAX_EMPLOYEES
    separate = cfg.workers > 1 and not parallel
    side_steps = (0 if parallel else 1) if cfg.workers > 1 else (cfg.attendance_days + cfg.im_days) // 30 + 2
    bar = tqdm(total=cfg.history_months + 6 + side_steps, desc=f"demo company ({cfg.employees:,} employees)",
               unit="step", disable=not cfg.progress, leave=False)

    def step(label: str) -> None:
        bar.set_postfix_str(label)
        bar.update(1)

    sink = Sink(out, cfg)
    org = build_org(cfg)
    reg = Registry()
    wf = simulate(cfg, org, reg, tick=lambda: step("workforce"))
    rng = cfg.rng("hris.identity")
    emails = hris.company_emails(wf, reg, cfg, rng)
    etype = hris.employment_types(wf, org, rng)
    hris.employees(wf, reg, cfg, emails, etype, sink)
    hris.departments(wf, org, sink)
    hris.job_history(wf, org, cfg, sink)
    hris.pay_bands(cfg, org, sink)
    hris.reviews(wf, cfg, sink)
    talent.contracts(wf, cfg, etype, sink)
    still_active = talent.offboarding(wf, org, cfg, sink)
    talent.mentoring(wf, cfg, sink)
    talent.idps(wf, cfg, sink)
    talent.succession(wf, org, cfg, sink)
    talent.one_on_ones(wf, cfg, sink)
    step("hris")

    # Attendance + IM need only the workforce and the employees' persons: with workers > 1 they run in a
    # second process (before or alongside the ATS, which adds millions of candidates, see `parallel` above).
    args = (cfg, out, wf, reg, org, emails, still_active)
    with tempfile.TemporaryDirectory(prefix="trm-demo-") as tmp:
        side = _start_worker(Path(tmp), args) if cfg.workers > 1 else None
        try:
            if side is None:
                side_result = side_job(*args, tick=lambda: step("attendance/im"))
            elif separate:
                side_result = _finish_worker(Path(tmp), side)
                side = None
                step("attendance/im")
            ats_out = write_ats(wf, reg, org, cfg, emails, sink)
            # Keep only what the truth needs of the ATS (its funnel and profiles are millions of rows at 100k).
            ats_truth = [
                truth.rec("ats", "candidates", ats_out.cand_ids, ats_out.cand_person),
                truth.rec("ats", "event_signups", ats_out.signups["signup_id"].to_numpy(),
                          ats_out.signups["person"].to_numpy()),
            ]
            survey_input = ats_out.survey_input
            del ats_out
            step("ats")
            respondents = surveys.write_surveys(wf, reg, cfg, emails, survey_input, sink)
            step("surveys")
            if side is not None:
                side_result = _finish_worker(Path(tmp), side)
                side = None
        finally:
            if side is not None and side.poll() is None:  # an error here must not leave the worker running
                side.kill()
                side.wait()
    counts, log_rows, acc = side_result
    sink.counts.update(counts)
    sink.log.rows.extend(log_rows)

    st = wf.st
    records = [
        truth.rec("hris", "employees", hris.emp_ids(np.arange(st.n)), st.person[: st.n]),
        *ats_truth,
        truth.rec("im", "accounts", acc["wecom"]["account"].to_numpy(), acc["wecom"]["person"].to_numpy(), "wecom"),
        truth.rec("im", "accounts", acc["slack"]["account"].to_numpy(), acc["slack"]["person"].to_numpy(), "slack"),
        truth.rec("surveys", "responses", respondents["respondent_id"].to_numpy(), respondents["person"].to_numpy()),
    ]
    truth.write_truth(truth_out, cfg, wf, reg, records, sink)
    step("truth")
    bar.close()
    return dict(sorted(sink.counts.items()))


__all__ = ["generate_company", "generate", "GeneratorConfig"]
