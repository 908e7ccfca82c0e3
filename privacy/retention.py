"""The retention policy (privacy/retention.yaml, or the file TRM_RETENTION names) and its nightly enforcement.

``load_policy`` validates the whole file first and raises :class:`RetentionError` naming the line of the first
problem, so a malformed policy stops the run before anything is deleted.

Two moments of the nightly run: after the warehouse build, ``due_people`` evaluates the people rules on the fresh
``dim_person`` (lifecycle stage, consent, latest exit) and activity and ``write_due`` keeps the result in
``privacy.retention_due`` (who falls due when, person keys only; the mart rpt_retention_due summarises it). The
next night, before the build, ``enforce`` erases the people of that list whose day has come through the erasure
mechanism (privacy/erasure.py: every layer, landing files included, record ids suppressed) and deletes the rows
older than each row rule. A rerun over the same data computes the same list; the first night erases nobody (there
is no list yet). Row rules with ``blank_columns`` (the IM
text) are applied by the step that must read the text first (ml/sentiment), with the days given here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from ingestion.contracts import EntityContract
from ingestion.mapping import Mapping
from ingestion.warehouse import RAW_SCHEMA, table_exists

DEFAULT_POLICY = Path(__file__).parent / "retention.yaml"
DUE_TABLE = "privacy.retention_due"
STAGES = ("prospect", "candidate", "employee", "alumnus")
CLOCKS = ("last_activity", "latest_exit")


class RetentionError(ValueError):
    """The retention policy is malformed; nothing was deleted."""


@dataclass(frozen=True)
class PersonRule:
    rule: str
    description: str
    stages: tuple[str, ...]
    after: str
    months: int
    unless_contact_consent: bool = False
    consent_months: int | None = None


@dataclass(frozen=True)
class RowRule:
    rule: str
    description: str
    entity: str
    date_column: str
    days: int
    blank_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetentionPolicy:
    path: Path
    people: tuple[PersonRule, ...] = ()
    rows: tuple[RowRule, ...] = ()

    def text_days(self, entity: str) -> int | None:
        """Days a blank_columns rule keeps text of ``entity`` (None: no such rule)."""
        found = [r.days for r in self.rows if r.entity == entity and r.blank_columns]
        return min(found) if found else None


def _line(node: yaml.Node | None) -> str:
    return f"line {node.start_mark.line + 1}" if node is not None else "the file"


def _nodes(root: yaml.Node | None, section: str) -> list[yaml.Node]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == section and isinstance(value, yaml.SequenceNode):
            return value.value
    return []


def load_policy(path: Path | None, contracts: dict[str, EntityContract]) -> RetentionPolicy:
    path = Path(path or DEFAULT_POLICY)
    if not path.exists():
        raise RetentionError(f"{path}: the retention policy does not exist (TRM_RETENTION)")
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text)
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "the file"
        raise RetentionError(f"{path}, {where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(doc, dict) or set(doc) - {"people", "rows"}:
        raise RetentionError(f"{path}: expected the sections 'people' and 'rows' only, found {sorted(doc or {})}")
    people, rows, names = [], [], {}
    for index, spec in enumerate(doc.get("people") or []):
        where = f"{path}, {_line(_nodes(root, 'people')[index] if index < len(_nodes(root, 'people')) else None)}"
        people.append(_person_rule(spec, where))
    for index, spec in enumerate(doc.get("rows") or []):
        where = f"{path}, {_line(_nodes(root, 'rows')[index] if index < len(_nodes(root, 'rows')) else None)}"
        rows.append(_row_rule(spec, where, contracts))
    for rule in [*people, *rows]:
        if rule.rule in names:
            raise RetentionError(f"{path}: rule {rule.rule!r} is defined twice")
        names[rule.rule] = rule
    return RetentionPolicy(path, tuple(people), tuple(rows))


def _months(spec: dict, key: str, where: str) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise RetentionError(f"{where}: {key} must be a whole number of at least 1, got {value!r}")
    return value


def _person_rule(spec: object, where: str) -> PersonRule:
    if not isinstance(spec, dict) or not spec.get("rule"):
        raise RetentionError(f"{where}: each people rule needs a name ('rule:')")
    unknown = set(spec) - {"rule", "description", "lifecycle_stage", "after", "months", "unless_contact_consent",
                           "consent_months"}
    if unknown:
        raise RetentionError(f"{where}: unknown key(s) {sorted(unknown)} in rule {spec['rule']!r}")
    stages = spec.get("lifecycle_stage")
    stages = [stages] if isinstance(stages, str) else stages
    if not stages or any(s not in STAGES for s in stages):
        raise RetentionError(f"{where}: lifecycle_stage must list some of {STAGES}, got {spec.get('lifecycle_stage')!r}")
    if spec.get("after") not in CLOCKS:
        raise RetentionError(f"{where}: after must be one of {CLOCKS}, got {spec.get('after')!r}")
    months = _months(spec, "months", where)
    if months is None:
        raise RetentionError(f"{where}: rule {spec['rule']!r} needs months")
    return PersonRule(str(spec["rule"]), str(spec.get("description", "")), tuple(stages), spec["after"], months,
                      bool(spec.get("unless_contact_consent", False)), _months(spec, "consent_months", where))


def _row_rule(spec: object, where: str, contracts: dict[str, EntityContract]) -> RowRule:
    if not isinstance(spec, dict) or not spec.get("rule"):
        raise RetentionError(f"{where}: each rows rule needs a name ('rule:')")
    unknown = set(spec) - {"rule", "description", "entity", "date_column", "months", "days", "blank_columns"}
    if unknown:
        raise RetentionError(f"{where}: unknown key(s) {sorted(unknown)} in rule {spec['rule']!r}")
    contract = contracts.get(str(spec.get("entity")))
    if contract is None:
        raise RetentionError(f"{where}: entity {spec.get('entity')!r} is not a contract entity (ingestion/contracts)")
    columns = {c.name: c for c in contract.columns}
    date_column = spec.get("date_column")
    if date_column not in columns or columns[date_column].type not in ("date", "timestamp"):
        raise RetentionError(f"{where}: date_column must be a date or timestamp column of {contract.name}, "
                             f"got {date_column!r}")
    months, days = _months(spec, "months", where), _months(spec, "days", where)
    if (months is None) == (days is None):
        raise RetentionError(f"{where}: give either months or days for rule {spec['rule']!r}")
    blank = tuple(spec.get("blank_columns") or ())
    if any(c not in columns for c in blank):
        raise RetentionError(f"{where}: blank_columns {list(blank)} are not all columns of {contract.name}")
    return RowRule(str(spec["rule"]), str(spec.get("description", "")), contract.name, date_column,
                   days if days is not None else round(months * 30.4375), blank)


def due_people(con: duckdb.DuckDBPyConnection, policy: RetentionPolicy, as_of: dt.date) -> pd.DataFrame:
    """(rule, person_key, due_on) for every person a people rule applies to, from the last build's marts; a
    person matched by two rules is due on the earlier date. Empty before the first build."""
    columns = ["rule", "person_key", "due_on"]
    if not policy.people or not table_exists(con, "main", "dim_person"):
        return pd.DataFrame(columns=columns)
    activity = ("(select person_key, max(activity_date) as last_activity from main.int_person_activity_days_unioned "
                "group by person_key)" if table_exists(con, "main", "int_person_activity_days_unioned")
                else "(select null as person_key, cast(null as date) as last_activity)")
    parts = []
    for rule in policy.people:
        clock = ("coalesce(a.last_activity, d.first_seen_date)" if rule.after == "last_activity"
                 else "d.latest_exit_date")
        keep = f"interval {rule.months} month"
        if rule.unless_contact_consent:
            consented = f"interval {rule.consent_months} month" if rule.consent_months else None
            due = (f"case when coalesce(d.has_contact_consent, false) then "
                   f"{f'{clock} + {consented}' if consented else 'null'} else {clock} + {keep} end")
        else:
            due = f"{clock} + {keep}"
        stages = ", ".join(f"'{s}'" for s in rule.stages)
        parts.append(f"""select '{rule.rule}' as rule, d.person_key, cast({due} as date) as due_on
                         from main.dim_person d left join {activity} a on a.person_key = d.person_key
                         where not d.is_unknown_member and d.lifecycle_stage in ({stages})""")
    frame = con.execute(" union all ".join(parts)).df()
    frame = frame.dropna(subset=["due_on"]).sort_values(["due_on", "rule"], kind="stable")
    return frame.drop_duplicates("person_key").reset_index(drop=True)[columns] if len(frame) else frame


def write_due(con: duckdb.DuckDBPyConnection, due: pd.DataFrame, as_of: dt.date) -> None:
    """Who falls due when (person keys only), as of ``as_of``: the source of the mart rpt_retention_due."""
    con.execute("create schema if not exists privacy")
    con.register("_due", due.assign(as_of_date=as_of))
    try:
        con.execute(f"""create or replace table {DUE_TABLE} as
                        select cast(rule as varchar) as rule, cast(person_key as varchar) as person_key,
                               cast(due_on as date) as due_on, cast(as_of_date as date) as as_of_date
                        from _due""")
    finally:
        con.unregister("_due")


def purge_rows(con: duckdb.DuckDBPyConnection, rule: RowRule, contract: EntityContract, as_of: dt.date) -> int:
    """Delete the raw rows older than ``rule`` and their copy in an incremental staging table; rows deleted."""
    if rule.blank_columns or not table_exists(con, RAW_SCHEMA, rule.entity):
        return 0
    cutoff = as_of - dt.timedelta(days=rule.days)
    condition = f'cast("{rule.date_column}" as date) < ?'
    count = con.execute(f"select count(*) from {RAW_SCHEMA}.{rule.entity} where {condition}", [cutoff]).fetchone()[0]
    if not count:
        return 0
    con.execute(f"delete from {RAW_SCHEMA}.{rule.entity} where {condition}", [cutoff])
    staged = f"stg_{rule.entity}"
    if contract.primary_key and table_exists(con, "main", staged):
        kind = con.execute("select table_type from information_schema.tables where table_schema = 'main' "
                           "and table_name = ?", [staged]).fetchone()[0]
        if kind == "BASE TABLE":  # an incremental copy, no longer rebuilt from raw every night
            match = " and ".join(f'cast(r."{k}" as varchar) = cast(s."{k}" as varchar)' for k in contract.primary_key)
            con.execute(f"delete from main.{staged} as s where not exists "
                        f"(select 1 from {RAW_SCHEMA}.{rule.entity} as r where {match})")
    return int(count)


def read_due(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The list the last build wrote (empty before the first)."""
    if not table_exists(con, "privacy", "retention_due"):
        return pd.DataFrame(columns=["rule", "person_key", "due_on"])
    return con.execute(f"select rule, person_key, due_on from {DUE_TABLE}").df()


def enforce(con: duckdb.DuckDBPyConnection, policy: RetentionPolicy, contracts: dict[str, EntityContract],
            mapping: Mapping, landing: Path, key: bytes, audit_key: bytes, as_of: dt.date, run_id: str) -> dict[str, int]:
    """Apply every rule as of ``as_of``; returns what each rule removed (people or rows). People of the last
    build's list whose day has come are erased per rule in one batch (privacy/erasure.py); their record ids are
    suppressed, their identifiers are not (they may come back through a new record: a new application is a new
    purpose). People still in the crosswalk only: the list may name someone erased since."""
    from operations.audit_log import append_event
    from privacy.erasure import apply_erasure, plan_erasure
    from privacy.landing_files import commit, discard, prepare, remove_leftovers

    removed: dict[str, int] = {}
    due = read_due(con)
    now = due[pd.to_datetime(due["due_on"]) <= pd.Timestamp(as_of)] if len(due) else due
    if len(now):
        known = {r[0] for r in con.execute("select distinct person_key from identity.person_crosswalk where "
                                           "person_key in (select unnest(?::varchar[]))",
                                           [sorted(set(now["person_key"]))]).fetchall()}
        now = now[now["person_key"].isin(known)]
    for rule in policy.people:
        keys = sorted(now.loc[now["rule"] == rule.rule, "person_key"]) if len(now) else []
        removed[rule.rule] = len(keys)
        if not keys:
            continue
        plan = plan_erasure(con, contracts, mapping, keys)
        remove_leftovers(landing)
        rewritten = [r for r in (prepare(landing, e) for e in plan.landing.values()) if r]
        try:
            apply_erasure(con, contracts, plan, key, audit_key, rule.description, rewritten,
                          kind=f"retention:{rule.rule}", suppress_identifiers=False, run_id=run_id)
        except Exception:
            discard(rewritten)
            raise
        commit(landing, rewritten)
    for rule in (r for r in policy.rows if not r.blank_columns):  # text rules: the sentiment step
        con.execute("begin")
        try:
            removed[rule.rule] = purge_rows(con, rule, contracts[rule.entity], as_of)
            if removed[rule.rule]:
                append_event(con, audit_key, "retention_purged",
                             {"rule": rule.rule, "rows": removed[rule.rule], "older_than_days": rule.days}, run_id)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    if len(now):  # the erased leave the list at once
        con.execute(f"delete from {DUE_TABLE} where person_key in (select unnest(?::varchar[]))",
                    [sorted(now["person_key"])])
    return removed
