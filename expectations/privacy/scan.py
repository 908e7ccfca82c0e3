"""scan_privacy: resolves the tables to publish and runs the column-name, value and small-group scans."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

from expectations.privacy.groups import _scan_groups
from expectations.privacy.known import KnownIdentifiers
from expectations.privacy.names import _scan_column_names
from expectations.privacy.patterns import normalize_name, normalize_phone
from expectations.privacy.report import Finding, PrivacyReport
from expectations.privacy.settings import FORBIDDEN_SCHEMAS, MART_PREFIXES, MAX_ROWS_PER_TABLE, MIN_GROUP_SIZE
from expectations.privacy.tables import _Table
from expectations.privacy.values import _scan_values


def _resolve_tables(con: duckdb.DuckDBPyConnection, tables: list[str] | None) -> tuple[list[_Table], list[str]]:
    rows = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() order by table_schema, table_name, ordinal_position").fetchall()
    catalog: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        catalog.setdefault((schema, table), []).append((column, dtype))
    if tables is None:
        wanted = [key for key in catalog if key[0] == "main" and key[1].startswith(MART_PREFIXES)]
        return [_Table(s, t, tuple(catalog[(s, t)])) for s, t in sorted(wanted)], []
    resolved, missing = [], []
    for name in tables:
        schema, _, table = name.rpartition(".")
        matches = [k for k in catalog if k[1] == table and (k[0] == schema if schema else True)]
        if not schema and len(matches) > 1:
            matches = [k for k in matches if k[0] == "main"] or matches[:1]
        if matches:
            resolved.append(_Table(matches[0][0], matches[0][1], tuple(catalog[matches[0]])))
        else:
            missing.append(name)
    return resolved, missing


def scan_privacy(
    con: duckdb.DuckDBPyConnection,
    tables: list[str] | None = None,
    *,
    min_group_size: int = MIN_GROUP_SIZE,
    min_comment_group_size: int = 10,
    known_identifiers: KnownIdentifiers | None = None,
    sample_limit: int = 5,
    group_size_columns: Mapping[str, str | None] | None = None,
    allow_columns: Iterable[str] = (),
    allow_values: Iterable[str] = (),
    max_rows_per_table: int | None = MAX_ROWS_PER_TABLE,
) -> PrivacyReport:
    """Scans `tables` (names or schema.names; default: main.dim_/fct_/rpt_/bridge_*) of the database behind `con`.

    group_size_columns: {table: group-size column} for aggregates over people (wins over the name heuristics;
    None declares a table not to be one). allow_columns: extra safe column names (`column` or `table.column`).
    allow_values: values never treated as identifiers (e.g. a department named like a person).
    """
    started = time.perf_counter()
    con = con.cursor()  # own connection to the same database: our registered views stay out of the caller's
    resolved, missing = _resolve_tables(con, tables)
    allow_values = list(allow_values)
    known = (known_identifiers or KnownIdentifiers()).without(allow_values)
    allow_set = set(allow_columns)
    allowed_values = {x for v in allow_values for x in (normalize_name(v), normalize_phone(v)) if x}
    report = PrivacyReport(tables_scanned=[t.label for t in resolved])
    for name in missing:
        report.findings.append(Finding(name, None, "table_not_found", 0, None, (), False,
                                       f"{name} was listed for publishing but is not in the database"))
    frames = {"_trm_privacy_names": known.names, "_trm_privacy_emails": known.emails,
              "_trm_privacy_phones": known.phones, "_trm_privacy_allow": allowed_values}
    for view, values in frames.items():
        con.register(view, pd.DataFrame({"v": pd.Series(sorted(values), dtype="string")}))
    max_name_length = max((len(n) for n in known.names), default=2)
    try:
        for table in resolved:
            if table.schema in FORBIDDEN_SCHEMAS:
                report.findings.append(Finding(
                    table.label, None, "forbidden_schema", 0, None, (), True,
                    f"{table.label} is in schema {table.schema}, which is never published: remove it"))
            total = con.execute(f"select count(*) from {table.relation}").fetchall()[0][0]
            report.findings += _scan_column_names(con, table, allow_set)
            report.findings += _scan_values(con, table, total, max_rows_per_table, max_name_length, sample_limit)
            report.findings += _scan_groups(con, table, group_size_columns or {}, min_group_size,
                                            min_comment_group_size, sample_limit)
    finally:
        con.close()
    report.elapsed_seconds = time.perf_counter() - started
    return report
