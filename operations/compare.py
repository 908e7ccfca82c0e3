"""Compare two publications (or any two DuckDB files) table by table: same rows, both ways.

Used to prove that identical input gives an identical publication whether or not a run was interrupted, and
usable by hand: ``python -m operations.compare A.duckdb B.duckdb``. Rows are compared as multisets (``EXCEPT ALL``
both ways). Floating-point columns are compared after rounding to ``float_digits`` decimals: DuckDB aggregates
doubles in parallel, so two runs on the same input may differ in the last bits of a sum (decision log, 2026-12-06).
Columns that record *when* or *in which run* something happened are left out (``VOLATILE_COLUMNS``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.warehouse import sql_literal

VOLATILE_COLUMNS = frozenset({"run_id", "scored_at", "published_at", "resolved_at", "_loaded_at", "loaded_at"})
FLOAT_TYPES = ("DOUBLE", "FLOAT", "REAL")


@dataclass(frozen=True)
class TableDifference:
    table: str
    rows_a: int
    rows_b: int
    only_in_a: int
    only_in_b: int

    def __str__(self) -> str:
        return (f"{self.table}: {self.rows_a:,} vs {self.rows_b:,} rows; {self.only_in_a:,} only in the first, "
                f"{self.only_in_b:,} only in the second")


def _tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    return [t for (t,) in con.execute("select table_name from duckdb_tables() where database_name = ? and "
                                      "schema_name = ? order by 1", [catalog, schema]).fetchall()]


def compare_databases(a: Path, b: Path, schema: str = "main", float_digits: int = 9,
                      ignore_columns: frozenset[str] = VOLATILE_COLUMNS) -> list[TableDifference]:
    """Every table of ``schema`` in either file whose rows differ (a table missing on one side counts as empty)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_literal(str(a))} as a (read_only)")
        con.execute(f"attach {sql_literal(str(b))} as b (read_only)")
        in_a, in_b = set(_tables(con, "a", schema)), set(_tables(con, "b", schema))
        differences = []
        for table in sorted(in_a | in_b):
            if table not in in_a or table not in in_b:
                side = "a" if table in in_a else "b"
                n = con.execute(f'select count(*) from {side}.{schema}."{table}"').fetchall()[0][0]
                differences.append(TableDifference(table, n if side == "a" else 0, n if side == "b" else 0,
                                                   n if side == "a" else 0, n if side == "b" else 0))
                continue
            columns = con.execute("select column_name, data_type from duckdb_columns() where database_name = 'a' "
                                  "and schema_name = ? and table_name = ? order by column_index",
                                  [schema, table]).fetchall()
            select = ", ".join(f'round("{c}", {float_digits}) as "{c}"' if t in FLOAT_TYPES else f'"{c}"'
                               for c, t in columns if c not in ignore_columns)
            rows_a, rows_b, only_a, only_b = con.execute(f"""
                select (select count(*) from a.{schema}."{table}"), (select count(*) from b.{schema}."{table}"),
                       (select count(*) from (select {select} from a.{schema}."{table}"
                                              except all select {select} from b.{schema}."{table}")),
                       (select count(*) from (select {select} from b.{schema}."{table}"
                                              except all select {select} from a.{schema}."{table}"))""").fetchall()[0]
            if rows_a != rows_b or only_a or only_b:
                differences.append(TableDifference(table, rows_a, rows_b, only_a, only_b))
        return differences
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m operations.compare A.duckdb B.duckdb", file=sys.stderr)
        return 2
    differences = compare_databases(Path(args[0]), Path(args[1]))
    for difference in differences:
        print(difference)
    print("identical" if not differences else f"{len(differences)} table(s) differ")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
