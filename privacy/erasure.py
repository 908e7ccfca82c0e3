"""Erase one person from the warehouse: find them, plan what goes, and remove it in one transaction.

A person is found through the identity crosswalk (``--person-key``) or by a direct identifier matched in the raw
person records (email, phone, national id: the latter as the keyed hash raw holds). What goes:

- every raw row whose ``subject`` column (ingestion contracts) names one of the person's source records, and the
  rows belonging to those (an application's stages, interviews and offers); their quarantined rows;
- the landing-file rows those rows came from (privacy/landing_files.py, renamed into place after the commit);
- the person's rows in every table dbt built (``person_key``; incremental staging by its subject columns), in ML
  tables kept across nights (feature snapshots, scores, the sentiment of their messages and comments);
- their crosswalk records and match pairs; the key is recorded in ``identity.retired_keys`` and never issued again.

The suppression list (ingestion/suppression.py) gains keyed hashes of their record ids, emails, phones and
national id, so the next export that still holds them is dropped at load. ``privacy.erasures`` keeps the receipt
(counts per layer and file, no identifiers) and the audit log an ``erased`` event. Callers hold the run lock,
then compact the DuckDB file and republish (cli/erase.py).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.contracts import PERSON_SOURCES, EntityContract
from ingestion.mapping import Mapping
from ingestion.suppression import SCHEMA, Suppressions, ensure_table, hashes, normalise
from ingestion.warehouse import RAW_SCHEMA, table_exists
from ml.identity.warehouse import RETIRED_KEYS
from operations.audit_log import append_event
from privacy.landing_files import FileEdit

FINDERS = ("person_key", "email", "phone", "national_id")
RECEIPTS = f"{SCHEMA}.erasures"
# Receipt columns added after the first version of the table (a warehouse built before keeps working).
RECEIPT_COLUMNS_ADDED = (("kind", "varchar"), ("persons", "integer"), ("run_id", "varchar"))
DBT_SCHEMAS = ("main", "restricted")
ML_SCHEMA = "ml"


class ErasureError(ValueError):
    """The person cannot be erased as asked (unknown, ambiguous); nothing was changed."""


@dataclass
class ErasurePlan:
    erasure_id: str
    person_keys: list[str]  # one person on request; a batch for a retention rule
    record_ids: list[str]  # crosswalk record ids
    ids: dict[str, set[str]]  # person source or entity -> raw ids of the person's rows
    raw_where: dict[str, str]  # entity -> SQL condition selecting the person's raw rows
    raw_rows: dict[str, int] = field(default_factory=dict)
    entity_keys: dict[str, pd.DataFrame] = field(default_factory=dict)  # entity -> primary keys of erased rows
    quarantine_rowids: list[int] = field(default_factory=list)
    landing: dict[str, FileEdit] = field(default_factory=dict)
    warehouse_rows: dict[str, int] = field(default_factory=dict)  # dbt and ML tables -> rows
    warehouse_where: dict[str, str] = field(default_factory=dict)  # the same tables -> condition selecting them
    identifiers: dict[str, set[str]] = field(default_factory=dict)  # email/phone/national_id values (memory only)

    def summary(self) -> dict[str, object]:
        """The receipt: counts per layer and file, no identifiers."""
        return {"erasure_id": self.erasure_id, "persons": len(self.person_keys),
                "person_key": self.person_keys[0] if len(self.person_keys) == 1 else None,
                "source_records": len(self.record_ids),
                "raw_rows": {k: v for k, v in sorted(self.raw_rows.items()) if v},
                "quarantine_rows": len(self.quarantine_rowids),
                "landing_files": {k: len(e.rows) + sum(len(v) for v in e.elements.values())
                                  for k, e in sorted(self.landing.items())},
                "warehouse_rows": {k: v for k, v in sorted(self.warehouse_rows.items()) if v},
                "suppressed_values": sum(len(v) for v in self.identifiers.values())
                + sum(len(v) for v in self.ids.values())}


def _in(values: set[str] | list[str]) -> str:
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values)) + ")"


def find_person(con: duckdb.DuckDBPyConnection, contracts: dict[str, EntityContract], by: str, value: str,
                key: bytes) -> str:
    """The person_key of the one person ``value`` names; ErasureError if none or several."""
    if by not in FINDERS:
        raise ErasureError(f"find a person by one of {FINDERS}")
    if not table_exists(con, "identity", "person_crosswalk"):
        raise ErasureError("the warehouse has no identity crosswalk yet: run the nightly job first")
    if by == "person_key":
        keys = {r[0] for r in con.execute("select distinct person_key from identity.person_crosswalk "
                                          "where person_key = ?", [value.strip()]).fetchall()}
    else:
        wanted = _national_id_hash(value, key) if by == "national_id" else normalise(by, value.strip())
        record_ids: set[str] = set()
        for source, id_column in PERSON_SOURCES.items():
            contract = contracts[source]
            for col in (c for c in contract.columns if c.pii == by):
                column = f'"{col.name}"'
                if by == "email":
                    match = f"lower(trim({column})) = lower(?)"
                elif by == "phone":
                    digits = f"regexp_replace({column}, '[^0-9]', '', 'g')"
                    match = (f"(case when length({digits}) = 13 and {digits} like '86%' then substr({digits}, 3) "
                             f"when length({digits}) = 15 and {digits} like '0086%' then substr({digits}, 5) "
                             f"else {digits} end) = ?")
                else:
                    match = f"{column} = ?"
                record_ids |= {r[0] for r in con.execute(
                    f"select distinct {_record_id_sql(source, id_column)} from {RAW_SCHEMA}.{source} "
                    f"where {match}", [wanted]).fetchall()}
        keys = {r[0] for r in con.execute(
            f"select distinct person_key from identity.person_crosswalk where record_id in {_in(record_ids)}"
        ).fetchall()} if record_ids else set()
    if not keys:
        raise ErasureError(f"no person found by {by.replace('_', ' ')}; nothing was changed")
    if len(keys) > 1:
        raise ErasureError(f"the {by.replace('_', ' ')} names {len(keys)} different people ({', '.join(sorted(keys))})"
                           "; erase each by --person-key after checking who they are (trm sql --restricted)")
    return keys.pop()


def _national_id_hash(value: str, key: bytes) -> str:
    from ingestion.parsing import keyed_hash

    return keyed_hash(pd.Series([value], dtype="object"), key).iloc[0]


def _record_id_sql(source: str, id_column: str) -> str:
    """The crosswalk record id of a raw person row (IM accounts are keyed by platform and account, as staging does)."""
    if source == "im__accounts":
        return ("'im__accounts:' || md5(coalesce(cast(platform as varchar), '_trm_null_') || '|' || "
                f"coalesce(cast({id_column} as varchar), '_trm_null_'))")
    return f"'{source}:' || cast({id_column} as varchar)"


def plan_erasure(con: duckdb.DuckDBPyConnection, contracts: dict[str, EntityContract], mapping: Mapping,
                 person_keys: list[str]) -> ErasurePlan:
    """Everything that goes with ``person_keys``, counted; nothing is changed."""
    records = con.execute("select record_id, record_source, source_record_id from identity.person_crosswalk "
                          f"where person_key in {_in(person_keys)}").fetchall() if person_keys else []
    ids: dict[str, set[str]] = {}
    accounts = [f"{source}:{source_id}" for _r, source, source_id in records if source == "im__accounts"]
    for _record_id, source, source_id in records:
        if source != "im__accounts":
            ids.setdefault(source, set()).add(str(source_id))
    if accounts:  # the crosswalk holds the staging surrogate; raw holds the account id
        found = con.execute(f"select distinct cast(account_id as varchar) from {RAW_SCHEMA}.im__accounts where "
                            f"{_record_id_sql('im__accounts', 'account_id')} in {_in(accounts)}").fetchall()
        ids.setdefault("im__accounts", set()).update(r[0] for r in found)
    plan = ErasurePlan(uuid.uuid4().hex[:16], sorted(person_keys), [r[0] for r in records], ids, {})
    pending = [c for c in contracts.values() if c.subject and table_exists(con, RAW_SCHEMA, c.name)]
    while True:  # entities whose rows belong to erased rows of another entity follow once that one is planned
        ready = [c for c in pending if all(r in PERSON_SOURCES or r in plan.raw_where
                                           for refers in c.subject.values() for r in refers)]
        if not ready:
            break
        for contract in ready:
            pending.remove(contract)
            _plan_entity(con, contract, plan)
    for contract in (c for c in contracts.values() if c.name in PERSON_SOURCES):
        for col in (c for c in contract.columns if c.pii in ("email", "phone", "national_id")):
            if contract.name in plan.raw_where:
                values = con.execute(f'select distinct cast("{col.name}" as varchar) from {RAW_SCHEMA}.{contract.name} '
                                     f"where ({plan.raw_where[contract.name]}) and \"{col.name}\" is not null").fetchall()
                plan.identifiers.setdefault(col.pii, set()).update(v[0] for v in values if v[0].strip())
    _plan_quarantine(con, plan, contracts)
    _plan_landing(con, plan, contracts, mapping)
    _plan_warehouse(con, plan, contracts)
    return plan


def _plan_entity(con: duckdb.DuckDBPyConnection, contract: EntityContract, plan: ErasurePlan) -> None:
    parts = [f'cast("{column}" as varchar) in {_in(plan.ids[r])}'
             for column, refers in contract.subject.items() for r in refers if plan.ids.get(r)]
    where = " or ".join(parts) if parts else "false"
    plan.raw_where[contract.name] = where
    plan.raw_rows[contract.name] = con.execute(
        f"select count(*) from {RAW_SCHEMA}.{contract.name} where {where}").fetchone()[0]
    if plan.raw_rows[contract.name] and contract.primary_key:
        key = ", ".join(f'cast("{k}" as varchar) as "{k}"' for k in contract.primary_key)
        keys = con.execute(f"select distinct {key} from {RAW_SCHEMA}.{contract.name} where {where}").df()
        plan.entity_keys[contract.name] = keys
        if len(contract.primary_key) == 1:
            plan.ids.setdefault(contract.name, set()).update(keys[contract.primary_key[0]].tolist())


def _memory_list(plan: ErasurePlan) -> Suppressions:
    """The person's values as a suppression list held in memory (to find them in quarantined text); any key will
    do, the hashes never leave this plan."""
    found = Suppressions(b"erasure-plan")
    for kind, values in {**plan.ids, **{k: v for k, v in plan.identifiers.items() if k != "national_id"}}.items():
        found.entries[kind] = {h for h in hashes(kind, list(values), found.key) if h}
    return found


def _plan_quarantine(con: duckdb.DuckDBPyConnection, plan: ErasurePlan,
                     contracts: dict[str, EntityContract]) -> None:
    if not table_exists(con, RAW_SCHEMA, "quarantine"):
        return
    memory = _memory_list(plan)
    names = [c.name for c in contracts.values() if c.subject]
    rows = con.execute(f"select rowid, raw_record from {RAW_SCHEMA}.quarantine where entity in {_in(names)}").fetchall()
    plan.quarantine_rowids = [rowid for rowid, text in rows if text and memory.text_matches(text)]


def _plan_landing(con: duckdb.DuckDBPyConnection, plan: ErasurePlan, contracts: dict[str, EntityContract],
                  mapping: Mapping) -> None:
    lineage: list[tuple[str, str, int]] = []
    for entity, where in plan.raw_where.items():
        if plan.raw_rows.get(entity):
            lineage += [(entity, f, int(n)) for f, n in con.execute(
                f"select distinct _source_file, _row_number from {RAW_SCHEMA}.{entity} where {where} "
                "and _source_file is not null and _row_number is not null").fetchall()]
    if plan.quarantine_rowids:
        lineage += [(e, f, int(n)) for e, f, n in con.execute(
            f"select entity, source_file, row_number from {RAW_SCHEMA}.quarantine where rowid in "
            f"{_in([str(r) for r in plan.quarantine_rowids])} and row_number is not null").fetchall()]
    for entity, relative, number in lineage:
        spec = mapping.spec_for(entity, relative)
        edit = plan.landing.setdefault(relative, FileEdit(relative))
        if spec is not None:
            edit.format, edit.encoding, edit.records = spec.format, spec.encoding, spec.records
            edit.delimiter, edit.sheet = spec.delimiter, spec.sheet
        if spec is not None and spec.explode:  # the record is shared (a channel): drop the person's elements
            for column, refers in contracts[entity].subject.items():
                for source_column in spec.columns.get(column, (column,)):
                    if source_column.split(".")[0] == spec.explode:
                        ids = set().union(*(plan.ids.get(r, set()) for r in refers))
                        edit.elements.setdefault(source_column, set()).update(ids)
        else:
            edit.rows.add(number)


def tables_with(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...], column: str) -> list[tuple[str, str]]:
    """(schema, table) of the base tables in ``schemas`` of the connection's database that have ``column``."""
    return con.execute(
        f"""select c.table_schema, c.table_name from information_schema.columns c
            join information_schema.tables t using (table_catalog, table_schema, table_name)
            where c.table_schema in {_in(list(schemas))} and c.column_name = ? and t.table_type = 'BASE TABLE'
              and c.table_catalog = current_database() order by 1, 2""", [column]).fetchall()


def _warehouse_targets(con: duckdb.DuckDBPyConnection, plan: ErasurePlan,
                       contracts: dict[str, EntityContract]) -> dict[str, str]:
    """Tables outside raw holding the person's rows -> the condition selecting them."""
    targets = {f'{s}."{t}"': f"person_key in {_in(plan.person_keys)}"
               for s, t in tables_with(con, (*DBT_SCHEMAS, ML_SCHEMA), "person_key")}
    for schema, table in tables_with(con, DBT_SCHEMAS, "_batch_id"):  # incremental staging, by whose row it is
        contract = contracts.get(table.removeprefix("stg_"))
        if contract is not None and contract.name in plan.raw_where:
            targets[f'{schema}."{table}"'] = plan.raw_where[contract.name]
    for keys in plan.entity_keys.values():  # ML tables keyed like an erased entity (message sentiment)
        columns = list(keys.columns)
        for schema, table in tables_with(con, (ML_SCHEMA,), columns[-1]):
            have = {r[0] for r in con.execute("select column_name from information_schema.columns where "
                                              "table_schema = ? and table_name = ?", [schema, table]).fetchall()}
            if set(columns) <= have and "person_key" not in have:
                tuples = ", ".join("(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in row) + ")"
                                   for row in keys.itertuples(index=False))
                cast = ", ".join(f'cast("{c}" as varchar)' for c in columns)
                targets[f'{schema}."{table}"'] = f"({cast}) in ({tuples})"
    return targets


def _plan_warehouse(con: duckdb.DuckDBPyConnection, plan: ErasurePlan, contracts: dict[str, EntityContract]) -> None:
    plan.warehouse_where = _warehouse_targets(con, plan, contracts)
    for table, where in plan.warehouse_where.items():
        plan.warehouse_rows[table] = con.execute(f"select count(*) from {table} where {where}").fetchone()[0]


def ensure_receipts_table(con: duckdb.DuckDBPyConnection) -> None:
    """privacy.erasures, with the columns of this version (a table of an earlier version gains them)."""
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"""create table if not exists {RECEIPTS} (erasure_id varchar primary key, erased_at timestamptz,
                    kind varchar, persons integer, reason varchar, receipt json, run_id varchar)""")
    for column, column_type in RECEIPT_COLUMNS_ADDED:  # a receipts table of an earlier version gains them
        con.execute(f"alter table {RECEIPTS} add column if not exists {column} {column_type}")


def apply_erasure(con: duckdb.DuckDBPyConnection, contracts: dict[str, EntityContract], plan: ErasurePlan,
                  key: bytes, audit_key: bytes, reason: str, rewritten: list, kind: str = "request",
                  suppress_identifiers: bool = True, run_id: str | None = None) -> dict[str, object]:
    """Remove what ``plan`` lists, add the suppression entries, the retired keys and the receipt: one transaction.
    ``rewritten``: the landing files prepared without the person's rows (their new hashes go to the ledger).
    ``kind``: 'request' (trm erase) or 'retention:<rule>'; a retention purge suppresses the record ids only
    (``suppress_identifiers`` False), so the person may come back through a new record, e.g. a new application."""
    receipt = plan.summary()
    ensure_table(con)
    ensure_receipts_table(con)
    con.execute(f"create table if not exists {RETIRED_KEYS} (person_key varchar primary key, retired_at timestamptz, "
                "reason varchar)")
    con.execute("begin")
    try:
        for entity, where in plan.raw_where.items():
            if plan.raw_rows.get(entity):
                con.execute(f"delete from {RAW_SCHEMA}.{entity} where {where}")
        if plan.quarantine_rowids:
            con.execute(f"delete from {RAW_SCHEMA}.quarantine where rowid in "
                        f"{_in([str(r) for r in plan.quarantine_rowids])}")
        for table, where in plan.warehouse_where.items():
            con.execute(f"delete from {table} where {where}")
        if plan.record_ids:
            con.execute(f"delete from identity.person_crosswalk where person_key in {_in(plan.person_keys)}")
            if table_exists(con, "identity", "match_pairs"):
                con.execute(f"delete from identity.match_pairs where record_id_a in {_in(plan.record_ids)} "
                            f"or record_id_b in {_in(plan.record_ids)}")
        # One statement for the whole batch (a first retention purge retires tens of thousands of keys; executemany
        # runs one insert per key).
        con.execute(f"insert or ignore into {RETIRED_KEYS} select unnest(?::varchar[]), current_timestamp, ?",
                    [list(plan.person_keys), "erased" if kind == "request" else kind])
        suppressions = Suppressions(key)
        for source, values in plan.ids.items():
            suppressions.add_ids(con, source, values, plan.erasure_id)
        for identifier, values in plan.identifiers.items() if suppress_identifiers else ():
            suppressions.add_ids(con, identifier, list(values), plan.erasure_id)
        for item in rewritten:
            con.execute(f"update {RAW_SCHEMA}.ingestion_files set content_hash = ?, file_bytes = ? "
                        "where source_file = ? and content_hash = ?",
                        [item.new_hash, item.new_bytes, item.relative, item.old_hash])
        con.execute(f"insert into {RECEIPTS} (erasure_id, erased_at, kind, persons, reason, receipt, run_id) "
                    "values (?, ?, ?, ?, ?, ?, ?)",
                    [plan.erasure_id, dt.datetime.now(dt.UTC), kind, len(plan.person_keys), reason,
                     json.dumps(receipt | {"person_keys": plan.person_keys}), run_id or plan.erasure_id])
        append_event(con, audit_key, "erased" if kind == "request" else "retention_purged",
                     {k: v for k, v in receipt.items() if k not in ("landing_files", "raw_rows", "warehouse_rows")}
                     | {"kind": kind, "landing_files": len(receipt["landing_files"]),
                        "raw_rows": sum(receipt["raw_rows"].values()),
                        "warehouse_rows": sum(receipt["warehouse_rows"].values())}, plan.erasure_id)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return receipt


def erased_since_publication(warehouse: Path, published: Path) -> bool:
    """True when a person was erased after the latest publication of ``published`` was written: the next one is
    written as a fresh file (a copy of the previous would carry the erased rows' bytes in its free blocks)."""
    from ingestion.warehouse import opened
    from publication.publish import latest_publication

    with opened(warehouse) as con:
        if not table_exists(con, SCHEMA, "erasures"):
            return False
        latest = con.execute(f"select max(erased_at) from {RECEIPTS}").fetchone()[0]
    if latest is None:
        return False
    last = latest_publication(published)
    if last is None:
        return True
    published_at = pd.Timestamp(last["published_at"])
    if published_at.tzinfo is None:
        published_at = published_at.tz_localize("UTC")
    return pd.Timestamp(latest) > published_at

