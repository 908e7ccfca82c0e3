"""Incremental equals full: a company built night by night holds the same rows as a full refresh over the same files.

The generator's last three days are held back (demo_company/daily.py) and arrive one per night, with two
awkward deliveries on the way: a corrected re-export of an earlier day's punches (same punch ids, one time moved),
a back-dated job change in the HRIS snapshot, a clock-in corrected weeks late (before the lookback), and a steward
decision that merges two people who were both in
talent pools long before the incremental models' lookback (the retired key must leave every past day). Each night loads the landing folder, resolves identities and
runs the incremental models with what they read (they add what is new); after the last night every model is
built, then a copy of the warehouse is rebuilt with --full-refresh and every table dbt built is compared, both
ways, row for row.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from dbt_support import dbt, write_crosswalk
from shared_company import ml_stand_ins

from demo_company.daily import hold_back, release_day
from ingestion.contracts import load_contracts
from ingestion.loader import load_entity
from ingestion.mapping import load_mapping
from ingestion.warehouse import connect

EMPLOYEES, SEED, AS_OF = 60, 5, dt.date(2026, 10, 31)
NIGHTS = 3
# Columns a build stamps with its own time: not part of what the rows say.
RUN_TIME_COLUMNS = {"_built_at", "built_at", "scored_at", "published_at"}
FLOATS = {"DOUBLE", "FLOAT", "REAL"}


def _dbt(args: list[str], root: Path, warehouse: Path | None = None):
    """dbt on ``warehouse`` (default: the one under ``root``), with dbt's target folder under ``root``."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TRM_WAREHOUSE", str(warehouse or root / "warehouse.duckdb"))
        result = dbt(args, root)
    assert result.success, result.exception
    return result


def _night(root: Path, day: dt.date | None, run: str) -> None:
    """One night: ingest what is in landing, staging, identity, then every model (as of the day after ``day``)."""
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    path = root / "warehouse.duckdb"
    con = connect(path)
    try:
        for contract in contracts.values():
            load_entity(con, contract, mapping, root / "landing", b"test-key", run)
    finally:
        con.close()
    as_of = {"as_of_date": ((day or AS_OF - dt.timedelta(days=NIGHTS)) + dt.timedelta(days=1)).isoformat()}
    _dbt(["run", "--select", "path:models/staging", "--vars", json.dumps(as_of)], root)
    overrides = root / "steward_overrides.csv"
    write_crosswalk(path, overrides if overrides.exists() else None)
    ml_stand_ins(path)
    # The incremental models and what they read. The models downstream of them are plain tables, rebuilt whole
    # from their inputs by every build: building them once, after the last night, gives the same rows.
    _dbt(["run", "--select", "+config.materialized:incremental", "--exclude", "path:models/staging",
          "--vars", json.dumps(as_of)], root)


def _correct_punches(root: Path, day: dt.date) -> str:
    """Re-export ``day``'s punches with the first clock-in moved 30 minutes later (a corrected file)."""
    original = root / "landing" / "attendance" / f"punches_{day.isoformat()}.csv"
    rows = list(csv.reader(original.open(encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    at = header.index("punched_at")
    first_in = next(i for i, r in enumerate(body) if r[header.index("punch_type")] == "in")
    stamp = dt.datetime.fromisoformat(body[first_in][at])
    body[first_in][at] = (stamp + dt.timedelta(minutes=30)).isoformat()
    corrected = original.with_name(f"punches_{day.isoformat()}_corrected.csv")
    with corrected.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *body])
    return body[first_in][header.index("punch_id")]


def _correct_old_punch(root: Path, day: dt.date) -> str:
    """A late correction of one clock-in of ``day`` (weeks ago, before the incremental lookback): re-exported alone
    in a file of its own, 30 minutes later than the monthly export said."""
    original = root / "landing" / "attendance" / f"punches_{day:%Y-%m}.csv"
    rows = list(csv.reader(original.open(encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    at, kind = header.index("punched_at"), header.index("punch_type")
    row = next(list(r) for r in body if len(r) == len(header) and r[kind] == "in" and r[at][:10] == day.isoformat())
    row[at] = (dt.datetime.fromisoformat(row[at]) + dt.timedelta(minutes=30)).isoformat()
    # And a clock-in the export had missed, on a day that employee has no punch at all: a new activity day weeks
    # back, which the talent-pool days must see (their days since the last touch change).
    employee, ident = header.index("employee_id"), header.index("punch_id")
    punched = {r[at][:10] for r in body if len(r) == len(header) and r[employee] == row[employee]}
    missed_day = next(d for d in (day - dt.timedelta(days=n) for n in range(1, 30)) if d.isoformat() not in punched)
    missed = list(row)
    missed[ident] = f"{row[ident]}-missed"
    missed[at] = dt.datetime.fromisoformat(row[at]).replace(
        year=missed_day.year, month=missed_day.month, day=missed_day.day).isoformat()
    late = original.with_name(f"punches_{day.isoformat()}_late.csv")
    with late.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, row, missed])
    return row[ident]


def _back_date_transfer(root: Path, effective: dt.date) -> str:
    """Add to the HRIS job-history snapshot a transfer of an active employee, effective weeks ago."""
    path = root / "landing" / "hris" / "job_history.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    header, body = rows[0], rows[1:]
    col = {name: header.index(name) for name in header}
    departments = sorted({r[col["department_id"]] for r in body if len(r) == len(header)})
    latest = {}
    for r in body:
        if len(r) == len(header) and r[col["effective_date"]][:4].isdigit():
            latest[r[col["employee_id"]]] = max(latest.get(r[col["employee_id"]], r), r,
                                                key=lambda x: x[col["effective_date"]])
    employee, last = sorted(latest.items())[len(latest) // 2]
    moved = list(last)
    moved[col["effective_date"]] = effective.isoformat()
    moved[col["change_reason"]] = "transfer"
    moved[col["department_id"]] = next(d for d in departments if d != last[col["department_id"]])
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(moved)
    return employee


def _merge_two_pool_members(root: Path) -> dict[str, str]:
    """A steward must-link between two candidates with talent-pool days older than the lookback (keys of both)."""
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        records = con.execute(
            """with old as (select person_key from main.int_talent_pool_member_days_expanded
                            group by person_key
                            having min(date_day) < (select max(date_day) - interval 60 day
                                                    from main.int_talent_pool_member_days_expanded))
               select min(c.record_id), c.person_key
               from identity.person_crosswalk c join old using (person_key)
               where c.record_source = 'ats__candidates' and c.cluster_size = 1
               group by c.person_key order by c.person_key limit 2""").fetchall()
    finally:
        con.close()
    assert len(records) == 2, records
    with (root / "steward_overrides.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([
            ["record_id_a", "record_id_b", "decision", "reason"],
            [records[0][0], records[1][0], "must_link", "test: the same person, confirmed by HR"]])
    return {"merged_keys": [key for _, key in records]}


# Records of what the last build of a per-person incremental model rebuilt (macros/person_day_increments.sql):
# they describe that build, not the data, and differ by design between a night and a full refresh.
BUILD_RECORDS = ("__resume", "__rebuild")


def _built_tables(path: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [(schema, table) for schema, table in con.execute(
            """select table_schema, table_name from information_schema.tables
               where table_type = 'BASE TABLE' and table_schema in ('main', 'restricted')
               order by 1, 2""").fetchall() if not table.endswith(BUILD_RECORDS)]
    finally:
        con.close()


def _differences(incremental: Path, full: Path) -> dict[str, tuple[int, int]]:
    """Rows in one build and not the other, per table (both ways), run-time columns left out."""
    con = duckdb.connect()
    con.execute(f"attach '{incremental}' as inc (read_only)")
    con.execute(f"attach '{full}' as ful (read_only)")
    found = {}
    for schema, table in _built_tables(full):
        columns = [(name, kind) for name, kind in con.execute(
            "select column_name, data_type from information_schema.columns where table_catalog = 'ful' "
            "and table_schema = ? and table_name = ? order by ordinal_position", [schema, table]).fetchall()
            if name not in RUN_TIME_COLUMNS]
        # Sums of doubles depend on the order threads add them in: compare them to 9 significant places.
        listed = ", ".join(f'round("{c}", 9 - cast(ceil(log10(abs("{c}") + 1)) as int))' if kind in FLOATS
                           else f'"{c}"' for c, kind in columns)
        only_inc = con.execute(f'select count(*) from (select {listed} from inc.{schema}."{table}" except all '
                               f'select {listed} from ful.{schema}."{table}")').fetchone()[0]
        only_full = con.execute(f'select count(*) from (select {listed} from ful.{schema}."{table}" except all '
                                f'select {listed} from inc.{schema}."{table}")').fetchone()[0]
        if only_inc or only_full:
            found[f"{schema}.{table}"] = (only_inc, only_full)
    con.close()
    return found


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    from demo_company.generate import generate_company

    root = tmp_path_factory.mktemp("incremental")
    generate_company(root / "landing", employees=EMPLOYEES, seed=SEED, as_of=AS_OF, attendance_days=45,
                     im_days=30, progress=False)
    days = hold_back(root / "landing", root / "next_days", NIGHTS, AS_OF)
    _night(root, None, "night-0")
    events = {}
    for number, day in enumerate(days, start=1):
        release_day(root / "next_days", day, root / "landing")
        if number == 2:
            events["corrected_punch"] = _correct_punches(root, days[0])
            events.update(_merge_two_pool_members(root))
        if number == 3:
            events["transferred"] = _back_date_transfer(root, day - dt.timedelta(days=20))
            events["late_punch"] = _correct_old_punch(root, AS_OF - dt.timedelta(days=40))
        _night(root, day, f"night-{number}")
    as_of = {"as_of_date": (days[-1] + dt.timedelta(days=1)).isoformat()}
    _dbt(["run", "--exclude", "path:models/staging", "--vars", json.dumps(as_of)], root)
    full = root / "full"
    full.mkdir()
    shutil.copyfile(root / "warehouse.duckdb", full / "warehouse.duckdb")
    _dbt(["run", "--full-refresh", "--vars", json.dumps(as_of)], root, full / "warehouse.duckdb")
    return {"root": root, "full": full, "days": days, **events}


def test_incremental_nights_equal_a_full_refresh(nights):
    differences = _differences(nights["root"] / "warehouse.duckdb", nights["full"] / "warehouse.duckdb")
    assert differences == {}, differences


def test_incremental_models_saw_the_corrections(nights):
    """The comparison above is only worth something if the late deliveries reached the incremental tables."""
    con = duckdb.connect(str(nights["root"] / "warehouse.duckdb"), read_only=True)
    try:
        kinds = dict(con.execute("""select table_name, table_type from information_schema.tables
                                    where table_name in ('stg_attendance__punches', 'stg_im__messages')""").fetchall())
        assert kinds == {"stg_attendance__punches": "BASE TABLE", "stg_im__messages": "BASE TABLE"}, kinds
        versions = con.execute("select count(*) from raw.attendance__punches where punch_id = ?",
                               [nights["corrected_punch"]]).fetchone()[0]
        staged = con.execute("select count(*), max(_loaded_at) = (select max(_loaded_at) from raw.attendance__punches "
                             "where punch_id = ?) from main.stg_attendance__punches where punch_id = ?",
                             [nights["corrected_punch"]] * 2).fetchone()
        moved = con.execute("select count(*) from main.stg_hris__job_changes where employee_id = ? and "
                            "change_reason = 'transfer' and effective_date = ?",
                            [nights["transferred"], nights["days"][-1] - dt.timedelta(days=20)]).fetchone()[0]
        # The person x day fact rebuilt the transferred person's past days (incremental, per-person fingerprint).
        kinds["fct_employment_daily"] = con.execute(
            "select table_type from information_schema.tables where table_name = 'fct_employment_daily'").fetchone()[0]
        transfer_days = con.execute(
            """select count(*) from main.fct_employment_daily f
               join main.int_employments_derived e on e.person_key = f.person_key and e.employee_id = ?
               where f.is_transfer and f.date_day = ?""",
            [nights["transferred"], nights["days"][-1] - dt.timedelta(days=20)]).fetchone()[0]
        # The clock-in corrected weeks late (before the lookback) reached its person's day in the attendance fact.
        late = con.execute(
            """select p.work_date, f.first_in_at_local = p.punched_at_local
               from main.int_punches_localised p
               join main.fct_attendance_daily f on f.person_key = p.person_key and f.work_date = p.work_date
               where p.punch_id = ?""", [nights["late_punch"]]).fetchone()
        late_versions = con.execute("select count(*) from raw.attendance__punches where punch_id = ?",
                                    [nights["late_punch"]]).fetchone()[0]
        # The steward merge retired one of the two keys: none of its days is left, the survivor holds them all.
        merged = con.execute(
            """select person_key, count(*), min(date_day) from main.int_talent_pool_member_days_expanded
               where person_key in (?, ?) group by person_key""", nights["merged_keys"]).fetchall()
        crosswalk = con.execute("select count(distinct person_key) from identity.person_crosswalk "
                                "where person_key in (?, ?)", nights["merged_keys"]).fetchone()[0]
    finally:
        con.close()
    assert crosswalk == 1 and len(merged) == 1, merged
    assert versions == 2 and staged == (1, True)
    assert moved == 1 and transfer_days == 1
    assert late_versions == 2 and late[1] and late[0] < AS_OF - dt.timedelta(days=35), late
    assert kinds["fct_employment_daily"] == "BASE TABLE"


def test_a_rejected_batch_leaves_the_incremental_staging(nights, tmp_path):
    """Raw rows can disappear (trm batches --reject): the incremental model then recomputes, as a full build would."""
    from ingestion.batches import reject_batch

    root = tmp_path
    shutil.copyfile(nights["root"] / "warehouse.duckdb", root / "warehouse.duckdb")
    con = connect(root / "warehouse.duckdb")
    try:
        batch = con.execute("select _batch_id from raw.attendance__punches where _source_file like ? limit 1",
                            [f"%punches_{nights['days'][0].isoformat()}_corrected.csv"]).fetchone()[0]
        reject_batch(con, batch, "test: a bad correction")
    finally:
        con.close()
    as_of = {"as_of_date": (nights["days"][-1] + dt.timedelta(days=1)).isoformat()}
    (root / "full").mkdir()
    shutil.copyfile(root / "warehouse.duckdb", root / "full" / "warehouse.duckdb")
    select = ["--select", "stg_attendance__punches", "--vars", json.dumps(as_of)]
    _dbt(["run", *select], nights["root"], root / "warehouse.duckdb")
    _dbt(["run", "--full-refresh", *select], nights["root"], root / "full" / "warehouse.duckdb")
    con = duckdb.connect()
    con.execute(f"attach '{root / 'warehouse.duckdb'}' as inc (read_only)")
    con.execute(f"attach '{root / 'full' / 'warehouse.duckdb'}' as ful (read_only)")
    one_way = con.execute("select count(*) from (select * from inc.main.stg_attendance__punches except all "
                          "select * from ful.main.stg_attendance__punches)").fetchone()[0]
    other_way = con.execute("select count(*) from (select * from ful.main.stg_attendance__punches except all "
                            "select * from inc.main.stg_attendance__punches)").fetchone()[0]
    corrected = con.execute("select count(*) from inc.main.stg_attendance__punches where _batch_id = ?",
                            [batch]).fetchone()[0]
    con.close()
    assert (one_way, other_way, corrected) == (0, 0, 0)


def test_heavy_tests_check_what_the_night_rebuilt(nights):
    """The large day-grain tests check tonight's rows on an incremental night and every row after a full refresh
    (macros/test_scope.sql), and pass on both."""
    as_of = {"as_of_date": (nights["days"][-1] + dt.timedelta(days=1)).isoformat()}
    select = ["--select", "fct_employment_daily int_talent_pool_member_days_expanded int_person_day_features_joined"]
    compiled = {}
    for label, warehouse in (("night", nights["root"] / "warehouse.duckdb"), ("full", nights["full"] / "warehouse.duckdb")):
        result = _dbt(["test", *select, "--exclude-resource-type", "unit_test", "--vars", json.dumps(as_of)],
                      nights["root"] / f"tests-{label}", warehouse)
        compiled[label] = {r.node.name: r.node.compiled_code for r in result.result.results}
    night, full = compiled["night"], compiled["full"]
    unique_days = next(name for name in night if name.startswith("unique_fct_employment_daily_employment_day_id"))
    pool_days = next(name for name in night if name.startswith("unique_combination_int_talent_pool_member_days"))
    features = next(name for name in night if name.startswith("primary_key_int_person_day_features_joined"))
    for name in (unique_days, pool_days):
        assert re.search(r"date_day >\s*cast\('", night[name]), night[name]  # the night's rows: a literal day ...
        assert "dbt_subquery" not in full[name], full[name]  # ... and every row after a full refresh
    assert re.search(r"date_day >=\s*cast\('", night[features]), night[features]  # a literal reaches the view
