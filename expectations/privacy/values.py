"""Value scan: emails, phones, checksum-valid national IDs and known names in the text (and 64-bit integer)
columns of a table, in one SQL pass over distinct values (on a row sample for large tables)."""

from __future__ import annotations

import duckdb

from expectations.privacy.patterns import (
    _PY_EMAIL,
    _PY_NATIONAL_ID,
    _PY_PHONE,
    EMAIL_RE,
    NATIONAL_ID_RE,
    PHONE_RE,
    _sql_national_id_valid,
    mask_email,
    mask_name,
    mask_national_id,
    mask_phone,
)
from expectations.privacy.report import Finding
from expectations.privacy.settings import BLOCK_MIN_DISTINCT, BLOCK_MIN_ROWS_FOR_SHARE, BLOCK_MIN_SHARE
from expectations.privacy.tables import _is_text, _is_wide_int, _q, _Table
from ingestion.warehouse import sql_literal


def _value_blocking(distinct: int, rows: int, share: float) -> bool:
    return distinct >= BLOCK_MIN_DISTINCT or (rows >= BLOCK_MIN_ROWS_FOR_SHARE and share >= BLOCK_MIN_SHARE)


_VALUE_KINDS = ("email", "phone", "national_id", "name")


def _value_scan_sql(table: _Table, columns: list[str], total_rows: int, max_rows: int | None,
                    max_name_length: int) -> str:
    select = ", ".join(f"cast({_q(c)} as varchar) as {_q(c)}" for c in columns)
    sample = ""
    if max_rows and total_rows > max_rows:
        # Row-level Bernoulli: as cheap as a plain read, unlike a reservoir; vector-level `system` sampling
        # would miss the rows of one person, which are stored together.
        sample = f" using sample {min(100.0, 100.0 * max_rows / total_rows):.4f}% (bernoulli, 7)"
    email = f"regexp_extract(v, {sql_literal(EMAIL_RE)})"
    phone = f"regexp_extract(v, {sql_literal(PHONE_RE)}, 2)"
    phone_norm = (f"regexp_replace(regexp_replace({phone}, '[^0-9]', '', 'g'), "
                  f"'^(00)?86(1[3-9][0-9]{{9}})$', '\\2')")
    nid = f"regexp_extract(v, {sql_literal(NATIONAL_ID_RE)}, 2)"
    # Values are scanned once per distinct value (with its row count): most mart columns repeat a few values.
    aggregates = ["sum(n) as non_null"]
    for kind in _VALUE_KINDS:
        flag = f"is_{kind}"
        known = "is_name" if kind == "name" else f"is_known_{kind}"  # a name match is a dictionary match
        aggregates += [f"coalesce(sum(n) filter (where {flag}), 0)", f"count(*) filter (where {flag})",
                       f"count(*) filter (where {flag} and {known})",
                       f"(list(v order by n desc, v) filter (where {flag}))[1:50]"]
    return f"""
        with s as (select {select} from {table.relation}{sample}),
        u as (unpivot s on columns(*) into name col value v),
        d as (select col, v, count(*) as n from u group by all),
        m as (
            select col, v, n,
                case when contains(v, '@') and regexp_matches(v, {sql_literal(EMAIL_RE)}) then lower({email}) end
                    as email,
                case when regexp_matches(v, {sql_literal(PHONE_RE)}) then {phone_norm} end as phone,
                case when regexp_matches(v, {sql_literal(NATIONAL_ID_RE)}) then {_sql_national_id_valid(nid)}
                    else false end as is_national_id,
                case when length(v) between 2 and {max_name_length} then lower(trim(v)) end as name
            from d
        ),
        f as (
            select col, v, n, is_national_id, false as is_known_national_id,
                -- "null not in (empty set)" is true in SQL: test for null first.
                email is not null and email not in (select v from _trm_privacy_allow) as is_email,
                coalesce(email in (select v from _trm_privacy_emails), false) as is_known_email,
                phone is not null and phone not in (select v from _trm_privacy_allow) as is_phone,
                coalesce(phone in (select v from _trm_privacy_phones), false) as is_known_phone,
                coalesce(name in (select v from _trm_privacy_names), false) as is_name
            from m
        )
        select col, {", ".join(aggregates)} from f group by col
    """


def _masked_sample(kind: str, values: list[str], limit: int) -> tuple[str, ...]:
    masked: list[str] = []
    for value in values:
        if kind == "email":
            match = _PY_EMAIL.search(value)
            text = mask_email(match.group(0)) if match else "***"
        elif kind == "phone":
            match = _PY_PHONE.search(value)
            text = mask_phone(match.group(2)) if match else "***"
        elif kind == "national_id":
            match = _PY_NATIONAL_ID.search(value)
            text = mask_national_id(match.group(2)) if match else "***"
        else:
            text = mask_name(value)
        if text not in masked:
            masked.append(text)
        if len(masked) >= limit:
            break
    return tuple(masked)


def _scan_values(con: duckdb.DuckDBPyConnection, table: _Table, total_rows: int, max_rows: int | None,
                 max_name_length: int, sample_limit: int) -> list[Finding]:
    columns = [c for c, t in table.columns if _is_text(t) or _is_wide_int(t)]
    if not columns or total_rows == 0:
        return []
    rows = con.execute(_value_scan_sql(table, columns, total_rows, max_rows, max_name_length)).fetchall()
    findings = []
    for row in rows:
        column, non_null = row[0], int(row[1] or 0)
        for i, kind in enumerate(_VALUE_KINDS):
            count, distinct, known, values = row[2 + 4 * i: 6 + 4 * i]
            if not count:
                continue
            share = count / non_null if non_null else 0.0
            # A valid ID number is never chance; a known person's email or phone is a leak however rare.
            blocking = (kind == "national_id" or (kind in ("email", "phone") and bool(known))
                        or _value_blocking(distinct, int(count), share))
            what = {"email": "email addresses", "phone": "phone numbers",
                    "national_id": "national ID numbers (valid check digit)",
                    "name": "real people's names (exact matches of known names)"}[kind]
            fix = (f"drop or hash column {column} in model {table.label}, or clean the values upstream"
                   if blocking else f"check column {column} in model {table.label}; below the blocking threshold")
            known_note = f", {known} of them known people's" if kind in ("email", "phone") and known else ""
            findings.append(Finding(
                table.label, column, f"{kind}_values", int(count), share, _masked_sample(kind, values, sample_limit),
                blocking, f"{column} holds {what} ({distinct} distinct{known_note}): {fix}",
                distinct_values=int(distinct), rows_scanned=non_null))
    return findings
