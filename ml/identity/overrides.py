"""Steward overrides: decisions a person made about two records, which beat any model score.

File format (CSV or YAML, chosen by extension):

CSV, with a header::

    record_id_a,record_id_b,decision,reason
    C00000017,E100234,must_link,confirmed by HR (ticket 4411)
    C00000017,C00000932,cannot_link,namesakes: different birth dates on passports

YAML, a list of the same fields (or a mapping with an ``overrides:`` list)::

    - {record_id_a: C00000017, record_id_b: E100234, decision: must_link, reason: confirmed by HR}

``decision`` is ``must_link`` or ``cannot_link``; ``reason`` is free text kept for the audit trail.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

OVERRIDE_COLUMNS = ["record_id_a", "record_id_b", "decision", "reason"]
DECISIONS = ("must_link", "cannot_link")


class OverrideError(ValueError):
    pass


def validate_overrides(frame: pd.DataFrame, where: str = "overrides") -> pd.DataFrame:
    missing = [c for c in OVERRIDE_COLUMNS[:3] if c not in frame.columns]
    if missing:
        raise OverrideError(f"{where}: missing column(s) {missing}; expected {OVERRIDE_COLUMNS}")
    out = frame.copy()
    if "reason" not in out.columns:
        out["reason"] = ""
    out = out[OVERRIDE_COLUMNS].astype("string").fillna("")
    out["decision"] = out["decision"].str.strip().str.lower().str.replace("-", "_")
    bad = out[~out["decision"].isin(DECISIONS)]
    if len(bad):
        raise OverrideError(f"{where}: decision must be one of {DECISIONS}; row {bad.index[0] + 1} has "
                            f"{bad['decision'].iloc[0]!r}")
    empty = out[(out["record_id_a"].str.strip() == "") | (out["record_id_b"].str.strip() == "")]
    if len(empty):
        raise OverrideError(f"{where}: row {empty.index[0] + 1} lacks a record id")
    return out.reset_index(drop=True)


def load_overrides(path: str | Path) -> pd.DataFrame:
    """Read and validate a steward override file (CSV or YAML)."""
    path = Path(path)
    if not path.exists():
        raise OverrideError(f"override file {path} does not exist")
    if path.suffix.lower() in (".yaml", ".yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if isinstance(doc, dict):
            doc = doc.get("overrides", [])
        if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
            raise OverrideError(f"{path}: expected a list of {{record_id_a, record_id_b, decision, reason}}")
        frame = pd.DataFrame(doc, columns=list(dict.fromkeys([*OVERRIDE_COLUMNS, *(k for r in doc for k in r)])))
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return validate_overrides(frame, str(path))
