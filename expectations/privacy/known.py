"""KnownIdentifiers: the dictionary of real names, emails and phones (from the warehouse or given values)
that mart values are matched against."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb

from expectations.privacy.names import _tokens, classify_column_name
from expectations.privacy.patterns import normalize_name, normalize_phone
from expectations.privacy.tables import _q


def _name_variants(value: str) -> set[str]:
    name = normalize_name(value)
    if len(name.replace(" ", "")) < 2 or name.isdigit():
        return set()
    parts = name.split(" ")
    if name.isascii():
        # A lone Latin token is a surname, nickname or handle ("li", "jack"): too many chance collisions.
        return {name, f"{parts[1]} {parts[0]}"} if len(parts) == 2 else ({name} if len(parts) > 2 else set())
    return {name, name.replace(" ", "")}  # "张 伟" = "张伟"


@dataclass(frozen=True)
class KnownIdentifiers:
    """Real names (Hanzi and pinyin, both orders), emails and phones, normalised, to look for in marts."""

    names: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()

    @classmethod
    def from_values(cls, names: Iterable[str] = (), emails: Iterable[str] = (),
                    phones: Iterable[str] = ()) -> KnownIdentifiers:
        name_set: set[str] = set()
        for name in names:
            if name:
                name_set |= _name_variants(str(name))
        return cls(
            names=frozenset(name_set),
            emails=frozenset(e.strip().lower() for e in emails if e and "@" in e),
            phones=frozenset(p for p in (normalize_phone(str(v)) for v in phones if v) if len(p) >= 7),
        )

    # Where the pipeline keeps people's identifiers; hashed and ID columns are left out by name.
    SOURCES = (("restricted", "restricted_person_identifiers"), ("raw", "hris__employees"),
               ("raw", "ats__candidates"), ("raw", "im__accounts"), ("raw", "ats__event_signups"))

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> KnownIdentifiers:
        """Collects names, emails and phones from whichever of SOURCES exist (missing tables are skipped)."""
        found: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set()}
        for schema, table in cls.SOURCES:
            columns = con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "and data_type = 'VARCHAR'", [schema, table]).fetchall()
            for (column,) in columns:
                kind = classify_column_name(column)
                if kind is None or kind[0] not in found or "hash" in _tokens(column):
                    continue
                # all_names is "Zeng Linling | 曾林玲", all_emails / all_phones are comma-separated.
                rows = con.execute(
                    f"select distinct trim(part) from (select unnest(regexp_split_to_array({_q(column)}, "
                    f"'[|,;]')) as part from {_q(schema)}.{_q(table)} where {_q(column)} is not null) "
                    "where trim(part) <> ''").fetchall()
                found[kind[0]].update(r[0] for r in rows)
        return cls.from_values(found["name"], found["email"], found["phone"])

    def without(self, values: Iterable[str]) -> KnownIdentifiers:
        """A copy without values known not to identify anyone (e.g. a department named like a person)."""
        drop = {normalize_name(v) for v in values}
        return KnownIdentifiers(self.names - drop, self.emails - drop,
                                self.phones - {normalize_phone(v) for v in values})
