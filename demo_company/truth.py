"""Ground truth (never read by the pipeline): the person behind every person-bearing record, the persons
themselves, every exit with its true drivers, the dirt log and a manifest of all files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import timeutil as tu
from . import writers
from .config import GENERATOR_VERSION, GeneratorConfig
from .factors import FACTORS, REASONS
from .hris import emp_ids
from .people import Registry
from .sink import Sink, as_table
from .workforce import Workforce


def person_ids(p: np.ndarray) -> np.ndarray:
    return np.char.add("H", np.char.zfill(np.asarray(p).astype(str), 8)).astype(object)


def write_truth(root: Path, cfg: GeneratorConfig, wf: Workforce, reg: Registry, records: list[pd.DataFrame],
                sink: Sink) -> dict[str, int]:
    root.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}

    def put(name: str, df: pd.DataFrame | dict) -> None:
        counts[name] = writers.write_csv(as_table(df), root / name)

    pr = pd.concat(records, ignore_index=True).drop_duplicates(["source", "entity", "record_id", "platform"])
    pr["person_id"] = person_ids(pr["person"].to_numpy())
    put("person_records.csv", pr[["source", "entity", "record_id", "person_id", "platform"]])

    put("persons.csv", {
        "person_id": person_ids(np.arange(reg.n)), "family_name": reg.column("family_name"),
        "given_name": reg.column("given_name"), "family_latin": reg.column("family_latin"),
        "given_latin": reg.column("given_latin"), "birth_date": tu.iso(reg.column("birth_day")),
        "gender": reg.column("gender"), "is_chinese": reg.column("chinese"), "first_channel": reg.column("first_channel")})

    st, ex = wf.st, wf.exits
    e = ex["emp"].to_numpy()
    rehired_as = np.full(st.n, -1)
    back = np.flatnonzero(st.prev_emp[: st.n] >= 0)
    rehired_as[st.prev_emp[back]] = back
    put("exits.csv", pd.DataFrame({
        "employee_id": emp_ids(e), "person_id": person_ids(st.person[e]), "exit_date": tu.iso(st.term[e]),
        "voluntary": st.vol[e], "regretted": st.regretted[e],
        "reason": np.array(REASONS, dtype=object)[st.reason[e]],
        "department_id": [f"D{d + 1:03d}" for d in st.dept[e]],
        **{k: np.round(ex[k].to_numpy(), 4) for k in ["hazard", "ot_hours", "compa", "one_on_one_rate", "engagement"]},
        **{f"x_{f}": np.round(ex[f"x_{f}"].to_numpy(), 4) for f in FACTORS},
        "top_drivers": ex["top_drivers"], "rehired_as_employee_id": emp_ids(rehired_as[e]),
    }).sort_values(["exit_date", "employee_id"], kind="stable"))
    put("dirt_log.csv", sink.log.frame())
    manifest = {"generator_version": GENERATOR_VERSION, "seed": cfg.seed, "employees": cfg.employees,
                "as_of": cfg.as_of.isoformat(), "dirt_rate": cfg.dirt_rate, "attendance_days": cfg.attendance_days,
                "im_days": cfg.im_days, "betas": cfg.betas.as_dict(),
                "scenario": {"surge_department_id": f"D{wf.surge_dept + 1:03d}",
                             "surge_months": [str(np.datetime64(int(wf.abs_months[m]), "M")) for m in wf.surge_months],
                             "freeze_months": [str(np.datetime64(int(wf.abs_months[m]), "M")) for m in wf.freeze_months],
                             "restructuring_department_id": f"D{wf.restructure[0] + 1:03d}",
                             "restructuring_month": str(np.datetime64(int(wf.abs_months[wf.restructure[1]]), "M"))},
                "landing_files": dict(sorted(sink.counts.items())), "truth_files": dict(sorted(counts.items()))}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return counts


def rec(source: str, entity: str, ids: np.ndarray, persons: np.ndarray, platform: str = "") -> pd.DataFrame:
    ids = np.asarray(ids, dtype=object)
    ok = np.array([v is not None for v in ids])
    return pd.DataFrame({"source": source, "entity": entity, "record_id": ids[ok], "person": np.asarray(persons)[ok],
                         "platform": platform})
