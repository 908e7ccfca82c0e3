"""The identity step of the nightly run: staged person records in, ``identity.person_crosswalk`` out.

Reads the person-bearing staging views, resolves them with ``ml.identity`` (keys carried over from the last
crosswalk, steward overrides applied) and writes ``identity.person_crosswalk``: every source record, its
``person_key``, the rule and score that linked it. Direct identifiers stay in staging; the crosswalk holds ids.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ingestion.warehouse import table_exists
from ml.identity.config import ResolverConfig
from ml.identity.overrides import load_overrides
from ml.identity.resolve import ResolutionResult, resolve
from operations.audit_log import append_event, latest_detail

IDENTITY_SCHEMA = "identity"
# Keys of erased people (privacy/erasure.py): never issued again.
RETIRED_KEYS = f"{IDENTITY_SCHEMA}.retired_keys"
# Source of each person record: staging view, its id column, and the columns the resolver compares.
PERSON_SOURCES = {
    "hris__employees": ("stg_hris__employees", "employee_id",
                        "full_name, work_email, personal_email, phone, birth_date, national_id_hash as national_id"),
    "ats__candidates": ("stg_ats__candidates", "candidate_id", "full_name, email, phone, birth_date, city"),
    "ats__event_signups": ("stg_ats__event_signups", "signup_id", "full_name, email, phone"),
    "im__accounts": ("stg_im__accounts", "im_account_id", "display_name as full_name, email, phone"),
}


def person_records(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """All person-bearing records; ``record_id`` is ``<source>:<id>`` so ids never collide across systems."""
    parts = []
    for source, (view, id_column, columns) in PERSON_SOURCES.items():
        # In id order: the resolver's sampling and tie-breaks then see the same input whatever order a view returns.
        frame = con.execute(f"select cast({id_column} as varchar) as source_record_id, {columns} from {view} "
                            "order by 1").df()
        frame.insert(0, "record_source", source)
        parts.append(frame)
    records = pd.concat(parts, ignore_index=True)
    records.insert(0, "record_id", records["record_source"] + ":" + records["source_record_id"])
    return records


def known_links(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """IM accounts that carry an employee id belong to that employee: a deterministic link, not a guess."""
    return con.execute(
        """select 'im__accounts:' || a.im_account_id as record_id_a, 'hris__employees:' || e.employee_id as record_id_b
           from stg_im__accounts a join stg_hris__employees e on a.employee_id = e.employee_id"""
    ).df()


# Schemas of tables written outside dbt and kept across nights (ML feature snapshots, score history): their
# person_key follows the crosswalk (follow_key_changes) so a retired key never outlives its merge.
KEPT_PERSON_SCHEMAS = ("ml",)


def follow_key_changes(con: duckdb.DuckDBPyConnection, changes: pd.DataFrame) -> dict[str, int]:
    """Move rows of every kept person-keyed table from keys retired by a merge to the key that absorbed them.

    Rows of a retired key whose records went to more than one person cannot be told apart: they are deleted
    rather than given to someone else. Where the absorbing key already has a row for the same snapshot_date (two
    employee records of one person, both scored), the absorbing key's row is kept. Returns rows moved per table.
    """
    merged = changes[changes["change"] == "merged"][["old_key", "new_key"]].drop_duplicates()
    if merged.empty:
        return {}
    moved: dict[str, int] = {}
    con.register("_merged", merged)
    con.execute("""create or replace temp table _retired as
                   select old_key, case when count(distinct new_key) = 1 then min(new_key) end as new_key
                   from _merged group by old_key""")
    tables = con.execute(
        f"""select table_schema, table_name, bool_or(column_name = 'snapshot_date') as has_snapshot
            from information_schema.columns
            where table_schema in ({", ".join("?" for _ in KEPT_PERSON_SCHEMAS)})
              and table_catalog = current_database()
            group by all having bool_or(column_name = 'person_key') order by 1, 2""",
        list(KEPT_PERSON_SCHEMAS)).fetchall()
    for schema, table, has_snapshot in tables:
        name = f'{schema}."{table}"'
        gone = "person_key in (select old_key from _retired where new_key is null)"
        if has_snapshot:
            gone += (f""" or exists (select 1 from _retired r join {name} t2 on t2.person_key = r.new_key
                                     where r.old_key = {name}.person_key and t2.snapshot_date = {name}.snapshot_date)""")
        con.execute(f"delete from {name} where {gone}")
        count = con.execute(f"""update {name} set person_key = r.new_key from _retired r
                                where {name}.person_key = r.old_key and r.new_key is not null""").fetchone()[0]
        if count:
            moved[f"{schema}.{table}"] = int(count)
    con.execute("drop table _retired")
    con.unregister("_merged")
    return moved


def _write(con: duckdb.DuckDBPyConnection, crosswalk: pd.DataFrame, pairs: pd.DataFrame,
           changes: pd.DataFrame, run_id: str, audit_key: bytes | None = None) -> None:
    con.execute(f"create schema if not exists {IDENTITY_SCHEMA}")
    con.execute("begin")
    try:
        con.register("_crosswalk", crosswalk)
        con.execute(f"""create or replace table {IDENTITY_SCHEMA}.person_crosswalk as
                        select *, current_timestamp as resolved_at, ? as run_id from _crosswalk""", [run_id])
        con.register("_pairs", pairs)
        con.execute(f"create or replace table {IDENTITY_SCHEMA}.match_pairs as select * from _pairs")
        if len(changes):
            con.register("_changes", changes.astype(str))
            if not table_exists(con, IDENTITY_SCHEMA, "key_changes"):
                con.execute(f"""create table {IDENTITY_SCHEMA}.key_changes as
                                select *, current_timestamp as changed_at, ? as run_id from _changes limit 0""",
                            [run_id])
            con.execute(f"insert into {IDENTITY_SCHEMA}.key_changes by name "
                        "select *, current_timestamp as changed_at, ? as run_id from _changes", [run_id])
            follow_key_changes(con, changes)
            if audit_key is not None:  # counts only: which keys changed is in identity.key_changes
                append_event(con, audit_key, "identity_keys_changed",
                             {"records": len(crosswalk), "persons": int(crosswalk["person_key"].nunique()),
                              **{str(k): int(v) for k, v in changes["change"].value_counts().items()}}, run_id)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _audit_overrides(con: duckdb.DuckDBPyConnection, key: bytes, path: Path | None, overrides: pd.DataFrame | None,
                     run_id: str) -> None:
    """A steward decision is an audited act: when the override file's content differs from the last one recorded,
    append its hash and counts (never the reasons, which may name people)."""
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.exists() else None
    last = latest_detail(con, "steward_overrides_changed")
    if (last or {}).get("file_sha256") == digest or (last is None and digest is None):
        return
    counts = overrides["decision"].value_counts().to_dict() if overrides is not None else {}
    append_event(con, key, "steward_overrides_changed",
                 {"file_sha256": digest, "must_link": int(counts.get("must_link", 0)),
                  "cannot_link": int(counts.get("cannot_link", 0))}, run_id)


def resolve_people(con: duckdb.DuckDBPyConnection, overrides_path: Path | None, run_id: str,
                   audit_key: bytes | None = None) -> tuple[pd.DataFrame, ResolutionResult, pd.DataFrame | None]:
    """Resolve the staged person records and write the identity tables; returns (crosswalk, result, previous).

    Keys of the previous crosswalk carry over; steward overrides at ``overrides_path`` (if it exists) win.
    """
    records = person_records(con)
    previous = (con.execute(f"select record_id, person_key from {IDENTITY_SCHEMA}.person_crosswalk").df()
                if table_exists(con, IDENTITY_SCHEMA, "person_crosswalk") else None)
    overrides = load_overrides(overrides_path) if overrides_path and overrides_path.exists() else None
    retired = ({r[0] for r in con.execute(f"select person_key from {RETIRED_KEYS}").fetchall()}
               if table_exists(con, IDENTITY_SCHEMA, "retired_keys") else set())
    result = resolve(records.drop(columns=["record_source", "source_record_id"]), ResolverConfig(progress=False),
                     previous=previous, overrides=overrides, must_links=known_links(con), retired_keys=retired)
    if audit_key is not None:
        _audit_overrides(con, audit_key, overrides_path, overrides, run_id)
    crosswalk = records[["record_id", "record_source", "source_record_id"]].merge(
        result.crosswalk, on="record_id", how="left", validate="one_to_one")
    _write(con, crosswalk, result.pairs[["record_id_a", "record_id_b", "match_probability", "match_weight"]],
           result.key_changes, run_id, audit_key)
    return crosswalk, result, previous
