"""Apply a file spec and the entity contract to rows read from files: map, translate, type-check.

Rows that break the contract (a required value missing, a value that does not parse as its type, a value
outside the accepted list) are rejected with every reason found, so a user fixes a row in one go. Frames may
hold the rows of several files of the same spec (column ``_source_file``), so many small files (a Slack export
has one per channel and day) are validated in one vectorised pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd
import pyarrow.compute as pc

from ingestion.contracts import EntityContract
from ingestion.mapping import FileSpec, normalise_header
from ingestion.parsing import PARSERS, as_arrow_text, clean_text, keyed_hash, parse_date, parse_timestamp
from ingestion.readers import ROW_NUMBER, Reject

SOURCE_FILE = "_source_file"
SPECIALS = ("$parent", "$stem")
_LINEAGE = (ROW_NUMBER, SOURCE_FILE)


class MissingColumnError(ValueError):
    """A required contract column has no source column in the file."""


@dataclass
class ValidatedRows:
    frame: pd.DataFrame  # contract columns, typed, plus _row_number and _source_file
    rejects: list[Reject]


def resolve_columns(spec: FileSpec, contract: EntityContract, header: list[str]) -> dict[str, list[str]]:
    """Contract column -> the alternative source columns present, in the mapping's order.

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


def check_header(header: list[str], spec: FileSpec, contract: EntityContract) -> list[str]:
    """Raise if a required column cannot be found; return the file's columns the mapping does not use."""
    header = [h for h in header if h not in _LINEAGE]
    resolved = resolve_columns(spec, contract, header)
    missing = [c for c in contract.required_columns if c not in resolved and c not in spec.constants]
    if missing:
        tried = {c: list(spec.sources_for(c)) for c in missing}
        raise MissingColumnError(f"required column(s) {missing} not found (looked for {tried}; the file has {header})")
    used = {name for names in resolved.values() for name in names}
    return [h for h in header if h not in used]


def _special(files: pd.Series, which: str) -> pd.Series:
    parts = files.str.split("/")
    if which == "$parent":
        return parts.map(lambda p: p[-2] if len(p) > 1 else "").astype("object")
    return parts.map(lambda p: p[-1].rsplit(".", 1)[0]).astype("object")


def _source_values(source: pd.DataFrame, columns: list[str]) -> pd.Series:
    values = pd.Series(None, index=source.index, dtype="object")
    for column in columns:
        candidate = _special(source[SOURCE_FILE], column) if column in SPECIALS else clean_text(source[column])
        values = values.where(values.notna(), candidate)
    return values


def _lookup(values: pd.Series, table: dict[str, object]) -> pd.Series:
    """``table[value]``, else ``table[value.lower()]``, else the value (vectorised: hash lookups, not a Python call
    per row). A table may map a value to None."""
    keys = list(table)
    out = values.astype("object").copy()
    exact = values.isin(keys).to_numpy()
    if exact.any():
        out[exact] = values[exact].map(table)
    rest = ~exact & values.map(type).eq(str).to_numpy() if not exact.all() else exact & False
    if rest.any():
        lowered = pd.Series(pc.utf8_lower(as_arrow_text(values[rest])).to_numpy(zero_copy_only=False),
                            index=values.index[rest], dtype="object")
        folded = lowered.isin(keys)
        out[lowered.index[folded.to_numpy()]] = lowered[folded].map(table)
    return out


def _translate(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    if not mapping:
        return values
    lowered = {k.lower(): v for k, v in mapping.items()}
    return _lookup(values, {**lowered, **mapping})


def _accepted(values: pd.Series, accepted: tuple, col_type: str) -> tuple[pd.Series, pd.Series]:
    """Case-insensitive match to the accepted list; returns canonical values and the mask of others."""
    if col_type in ("integer", "number"):
        bad = values.notna() & ~values.isin(list(accepted))
        return values, bad.fillna(False).astype(bool)
    canonical = {str(a).lower(): a for a in accepted}
    fixed = _lookup(values, canonical) if values.notna().any() else values
    bad = fixed.notna() & ~fixed.isin(list(accepted))
    return fixed, bad


def _show(value: object) -> str:
    return repr(value.item() if hasattr(value, "item") else value)


def validate_rows(source: pd.DataFrame, spec: FileSpec, contract: EntityContract, pii_key: bytes) -> ValidatedRows:
    """Typed contract columns for the good rows, and a reject (with every reason) for each bad row.

    ``source`` holds text cells plus ``_row_number`` and ``_source_file``; headers were checked per file.
    """
    source = source.reset_index(drop=True)
    header = [c for c in source.columns if c not in _LINEAGE]
    resolved = resolve_columns(spec, contract, header)
    out = pd.DataFrame(index=source.index)
    problems: dict[int, list[str]] = {}

    def note(mask: pd.Series, message_of) -> None:
        for idx in mask.index[mask.to_numpy()]:
            problems.setdefault(idx, []).append(message_of(idx))

    for col in contract.columns:
        if col.name in spec.constants:
            text = pd.Series(spec.constants[col.name], index=source.index, dtype="object")
        elif col.name in resolved:
            text = _source_values(source, resolved[col.name])
        else:
            text = pd.Series(None, index=source.index, dtype="object")
        text = _translate(text, spec.values.get(col.name, {}))

        if col.type == "date":
            values, bad = parse_date(text, spec.date_formats)
        elif col.type == "timestamp":
            values, bad = parse_timestamp(text, spec.timezone, spec.timestamp_formats)
        else:
            values, bad = PARSERS[col.type](text)
        bad = bad.fillna(False).astype(bool)
        note(bad, lambda i, c=col.name, t=col.type, s=text: f"{c}: cannot read {s[i]!r} as {t}")
        if col.accepted is not None:
            values, not_accepted = _accepted(values, col.accepted, col.type)
            note(not_accepted & ~bad,
                 lambda i, c=col.name, v=values, a=col.accepted: f"{c}: {_show(v[i])} is not one of {list(a)}")
        if col.required:
            note(text.isna(), lambda i, c=col.name: f"{c}: required value is missing")
        if col.pii == "national_id":
            values = keyed_hash(values, pii_key)
        out[col.name] = values

    out[ROW_NUMBER] = source[ROW_NUMBER].to_numpy()
    out[SOURCE_FILE] = source[SOURCE_FILE].to_numpy()
    rejects = [
        Reject(int(source.at[idx, ROW_NUMBER]), "; ".join(reasons),
               json.dumps(_redacted_record(source.loc[idx], contract, resolved), ensure_ascii=False),
               source.at[idx, SOURCE_FILE], _key_of(out, idx, contract.primary_key))
        for idx, reasons in sorted(problems.items())
    ]
    keep = ~source.index.isin(list(problems))
    return ValidatedRows(out[keep].reset_index(drop=True), rejects)


def _key_of(out: pd.DataFrame, idx: int, key_columns: tuple[str, ...]) -> tuple | None:
    """The typed primary key of a rejected row, or None when a key value is missing or did not parse."""
    if not key_columns:
        return None
    values = tuple(out.at[idx, k] for k in key_columns)
    if any(v is None or (not isinstance(v, str) and pd.isna(v)) for v in values):
        return None
    return tuple(v.item() if hasattr(v, "item") else v for v in values)


def _redacted_record(row: pd.Series, contract: EntityContract, resolved: dict[str, list[str]]) -> dict:
    """The source record for the quarantine, with national-ID columns masked: quarantine must not leak them."""
    secret = {name for c in contract.columns if c.pii == "national_id" for name in resolved.get(c.name, [])}
    record = {}
    for key, value in row.items():
        if key in _LINEAGE:
            continue
        if value is not None and not isinstance(value, str) and pd.isna(value):
            continue  # a column of another file in the same batch
        record[key] = "***" if key in secret else value
    return record
