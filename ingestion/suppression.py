"""The suppression list: keyed hashes of an erased person's identifiers and record ids, so that the source systems
exporting them again (the HRIS still lists the employee, the ATS still holds the candidate) never bring them back.

``privacy.suppressions`` (a warehouse schema) holds (kind, value_hash, erasure_id, added_at) and nothing readable: ``value_hash`` is the
HMAC-SHA256 of the normalised value under the installation's PII key (the same keyed hash raw uses for national
ids). Kinds: ``email``, ``phone``, ``national_id`` (direct identifiers, on any entity declaring the column's
``pii:`` kind), and a person source or entity name (``hris__employees``, ``ats__applications``…) for ids in
``subject`` columns of the contracts. At load time (ingestion/loader.py) a row matching any entry is dropped and
counted (``rows_suppressed`` in ``raw.ingestion_files``), never stored, not even in quarantine; the ids of the
rows it drops join the list, so rows that belong to them (an application's stages) follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pandas as pd

from ingestion.contracts import EntityContract
from ingestion.parsing import keyed_hash

SCHEMA = "privacy"
TABLE = f"{SCHEMA}.suppressions"
IDENTIFIER_KINDS = ("email", "phone", "national_id")
_DIGITS = re.compile(r"\D+")
_TOKENS = re.compile(r"[\s,;|\t\"'{}\[\]()<>:=]+")


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"""create table if not exists {TABLE} (
                        kind varchar not null, value_hash varchar not null, erasure_id varchar not null,
                        added_at timestamptz not null default current_timestamp)""")


def normalise(kind: str, value: str) -> str:
    """The form a value is hashed in: phones as their national digits, ids as ``<kind>:<id>``."""
    if kind == "phone":
        digits = _DIGITS.sub("", value)
        for prefix in ("0086", "86"):
            if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
                return digits[len(prefix):]
        return digits
    if kind in ("email", "national_id"):
        return value
    return f"{kind}:{value}"


def hashes(kind: str, values: Iterable[object], key: bytes) -> list[str | None]:
    """Keyed hashes of ``values`` as ``kind`` (national ids arrive hashed already: raw never holds them)."""
    if kind == "national_id":
        return [v if isinstance(v, str) else None for v in values]
    texts = pd.Series([normalise(kind, str(v)) if isinstance(v, str) and v.strip() else None for v in values],
                      dtype="object")
    return keyed_hash(texts, key).tolist()


@dataclass
class Suppressions:
    """The list in memory for one load: kind -> set of hashes."""

    key: bytes
    entries: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, key: bytes) -> Suppressions:
        found = cls(key)
        exists = con.execute("select count(*) from information_schema.tables where table_schema = ? and "
                             "table_name = 'suppressions'", [SCHEMA]).fetchone()[0]
        if exists:
            for kind, value_hash in con.execute(f"select kind, value_hash from {TABLE}").fetchall():
                found.entries.setdefault(kind, set()).add(value_hash)
        return found

    def __bool__(self) -> bool:
        return any(self.entries.values())

    def _matches(self, kind: str, values: pd.Series) -> pd.Series:
        wanted = self.entries.get(kind)
        if not wanted:
            return pd.Series(False, index=values.index)
        return pd.Series([h in wanted for h in hashes(kind, values.tolist(), self.key)], index=values.index)

    def mask(self, frame: pd.DataFrame, contract: EntityContract) -> pd.Series:
        """True for the validated rows of ``contract`` that belong to a suppressed person."""
        hit = pd.Series(False, index=frame.index)
        if not self or frame.empty:
            return hit
        for column, refers in contract.subject.items():
            for kind in refers:
                hit |= self._matches(kind, frame[column])
        for col in contract.columns:
            if col.pii in IDENTIFIER_KINDS and col.name in frame.columns:
                hit |= self._matches(col.pii, frame[col.name])
        return hit

    def text_matches(self, text: str) -> bool:
        """True when a quarantine-bound raw record holds a suppressed value (its fields could not be typed)."""
        if not self:
            return False
        tokens = [t for t in _TOKENS.split(text) if t]
        for kind, wanted in self.entries.items():
            # national ids are hashed in raw; a quarantined record still holds the text (masked, if recognised)
            found = (keyed_hash(pd.Series(tokens, dtype="object"), self.key).tolist() if kind == "national_id"
                     else hashes(kind, tokens, self.key))
            if wanted and any(h in wanted for h in found):
                return True
        return False

    def add_ids(self, con: duckdb.DuckDBPyConnection, kind: str, values: Iterable[object], erasure_id: str) -> int:
        """Add the ids of dropped rows (their dependants follow them); returns how many were new."""
        new = {h for h in hashes(kind, list(values), self.key) if h} - self.entries.get(kind, set())
        if not new:
            return 0
        ensure_table(con)
        con.execute(f"insert into {TABLE} (kind, value_hash, erasure_id) select ?, unnest(?::varchar[]), ?",
                    [kind, sorted(new), erasure_id])  # one statement per batch, not one per hash
        self.entries.setdefault(kind, set()).update(new)
        return len(new)


@cache
def referred_entities() -> frozenset[str]:
    """Entities whose ids other entities' subject columns hold (ats__applications: stages, interviews, offers)."""
    from ingestion.contracts import PERSON_SOURCES, load_contracts

    return frozenset(r for c in load_contracts().values() for refers in c.subject.values() for r in refers
                     if r not in PERSON_SOURCES)
