"""A scanned table (schema, name, columns and their DuckDB types), SQL quoting and column type tests."""

from __future__ import annotations

from dataclasses import dataclass


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'



@dataclass(frozen=True)
class _Table:
    schema: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, duckdb type)

    @property
    def label(self) -> str:
        return self.name if self.schema == "main" else f"{self.schema}.{self.name}"

    @property
    def relation(self) -> str:
        return f"{_q(self.schema)}.{_q(self.name)}"


def _is_text(dtype: str) -> bool:
    upper = dtype.upper()
    return upper.startswith(("VARCHAR", "JSON", "ENUM", "STRUCT", "MAP", "UNION")) or (
        upper.endswith("]") and "VARCHAR" in upper)


def _is_wide_int(dtype: str) -> bool:
    return dtype.upper() in {"BIGINT", "HUGEINT", "UBIGINT", "UHUGEINT"}  # wide enough to hold a phone number


def _is_numeric(dtype: str) -> bool:
    upper = dtype.upper()
    return upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                     "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL")
