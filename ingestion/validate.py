"""Apply a file spec and the entity contract to rows read from a file: map, translate, type-check.

Rows that break the contract (a required value missing, a value that does not parse as its type, a value
outside the accepted list) are rejected with every reason found, so a user fixes a row in one go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from ingestion.contracts import EntityContract
from ingestion.mapping import FileSpec, normalise_header
from ingestion.parsing import (
    PARSERS,
    clean_text,
    keyed_hash,
    parse_date,
    parse_timestamp,
)
from ingestion.readers import ROW_NUMBER, ReadResult, Reject


class MissingColumnError(ValueError):
    """A required contract column has no source column in the file."""


@dataclass
class ValidatedRows:
    frame: pd.DataFrame  # contract columns, typed, plus _row_number
    rejects: list[Reject]
    unmapped_columns: list[str]


SPECIALS = ("$parent", "$stem")


def _resolve_columns(spec: FileSpec, contract: EntityContract, header: list[str]) -> dict[str, list[str]]:
    """Contract column -> the alternative source columns present in this file, in the mapping's order.

    Alternatives are coalesced row by row: Slack messages carry ``client_msg_id`` only sometimes, and ``ts``
    identifies the others.
    """
    by_normalised = {normalise_header(h): h for h in header}
    resolved: dict[str, list[str]] = {}
    for column in contract.column_names:
        if column in spec.constants:
            continue
        present: list[str] = []
        for source in spec.sources_for(column):
            actual = source if source in SPECIALS or source in header else by_normalised.get(normalise_header(source))
            if actual is not None and actual not in present:
                present.append(actual)
        if present:
            resolved[column] = present
    return resolved


def _source_values(source: pd.DataFrame, columns: list[str], relative_path: str) -> pd.Series:
    parts = relative_path.split("/")
    special = {"$parent": parts[-2] if len(parts) > 1 else "", "$stem": parts[-1].rsplit(".", 1)[0]}
    values = pd.Series(None, index=source.index, dtype="object")
    for column in columns:
        candidate = (pd.Series(special[column], index=source.index, dtype="object") if column in SPECIALS
                     else clean_text(source[column]))
        values = values.where(values.notna(), candidate)
    return values


def _translate(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    if not mapping:
        return values
    lowered = {k.lower(): v for k, v in mapping.items()}
    return values.map(lambda v: mapping.get(v, lowered.get(v.lower(), v)) if isinstance(v, str) else v)


def _accepted(values: pd.Series, accepted: tuple, col_type: str) -> tuple[pd.Series, pd.Series]:
    """Case-insensitive match to the accepted list; returns canonical values and the mask of others."""
    if col_type in ("integer", "number"):
        allowed = set(accepted)
        bad = values.notna() & ~values.map(lambda v: v in allowed if v is not pd.NA and v is not None else True)
        return values, bad.astype(bool)
    canonical = {str(a).lower(): a for a in accepted}
    fixed = values.map(lambda v: canonical.get(v.lower(), v) if isinstance(v, str) else v)
    bad = fixed.notna() & ~fixed.isin(list(accepted))
    return fixed, bad


def validate_rows(
    read: ReadResult,
    spec: FileSpec,
    contract: EntityContract,
    relative_path: str,
    pii_key: bytes,
) -> ValidatedRows:
    source = read.frame
    header = [c for c in source.columns if c != ROW_NUMBER]
    resolved = _resolve_columns(spec, contract, header)
    missing = [c for c in contract.required_columns if c not in resolved and c not in spec.constants]
    if missing:
        tried = {c: list(spec.sources_for(c)) for c in missing}
        raise MissingColumnError(
            f"required column(s) {missing} not found (looked for {tried}; the file has {header})"
        )

    n = len(source)
    out = pd.DataFrame(index=source.index)
    problems = pd.Series([[] for _ in range(n)], index=source.index, dtype="object")

    def note(mask: pd.Series, message_of) -> None:
        for idx in mask[mask].index:
            problems[idx].append(message_of(idx))

    for col in contract.columns:
        if col.name in spec.constants:
            raw = pd.Series(spec.constants[col.name], index=source.index, dtype="object")
        elif col.name in resolved:
            raw = _source_values(source, resolved[col.name], relative_path)
        else:
            raw = pd.Series(None, index=source.index, dtype="object")
        text = _translate(clean_text(raw), spec.values.get(col.name, {}))

        if col.type == "date":
            values, bad = parse_date(text, spec.date_formats)
        elif col.type == "timestamp":
            values, bad = parse_timestamp(text, spec.timezone, spec.timestamp_formats)
        else:
            values, bad = PARSERS[col.type](text)
        bad = bad.fillna(False).astype(bool) if hasattr(bad, "fillna") else bad
        note(bad, lambda i, c=col.name, t=col.type, s=text: f"{c}: cannot read {s[i]!r} as {t}")

        if col.accepted is not None:
            values, not_accepted = _accepted(values, col.accepted, col.type)
            not_accepted = not_accepted & ~bad
            note(not_accepted, lambda i, c=col.name, v=values, a=col.accepted: f"{c}: {_show(v[i])} is not one of {list(a)}")
        if col.required:
            note(text.isna(), lambda i, c=col.name: f"{c}: required value is missing")
        if col.pii == "national_id":
            values = keyed_hash(values, pii_key)
        out[col.name] = values

    out[ROW_NUMBER] = source[ROW_NUMBER].to_numpy()
    has_problem = problems.map(bool)
    rejects = [
        Reject(int(source.at[idx, ROW_NUMBER]), "; ".join(problems[idx]),
               json.dumps(_redacted_record(source.loc[idx], contract, resolved), ensure_ascii=False))
        for idx in has_problem[has_problem].index
    ]
    mapped = {name for names in resolved.values() for name in names}
    unmapped = [h for h in header if h not in mapped]
    return ValidatedRows(out[~has_problem.to_numpy()].reset_index(drop=True), rejects, unmapped)


def _show(value: object) -> str:
    return repr(value.item() if hasattr(value, "item") else value)


def _redacted_record(row: pd.Series, contract: EntityContract, resolved: dict[str, list[str]]) -> dict:
    """The source record for the quarantine, with national-ID columns masked: quarantine must not leak them."""
    secret = {name for c in contract.columns if c.pii for name in resolved.get(c.name, [])}
    record = {}
    for key, value in row.items():
        if key == ROW_NUMBER:
            continue
        if value is not None and not isinstance(value, str) and pd.isna(value):
            value = None
        record[key] = "***" if key in secret and value is not None else value
    return record
