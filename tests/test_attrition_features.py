"""Attrition snapshot features (ml/attrition/features.py) and drivers (ml/attrition/drivers.py), on a small
generated company built like test_marts_workforce.py builds one (staging, in-process identity crosswalk, then
only the models the feature SQL reads), plus a synthetic ml.message_sentiment table.

No look-ahead: features at a snapshot computed on the full warehouse must equal those computed on a copy where
every source row dated after the snapshot is deleted (and facts recorded later about earlier rows - an exit,
a job record's end, the snapshot day's unfinished attendance - are undone). A deliberately leaky feature is
caught by the same comparison, so the check can fail."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from ml.attrition import drivers as drv
from ml.attrition import feature_sources as fs
from ml.attrition.features import (
    AGE_BANDS,
    FEATURES,
    GROUPS,
    LABEL,
    build_snapshots,
    shift_months,
    snapshot_info,
)

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 10, 31)
# One snapshot before attendance and IM exist, one with every source.
EARLY, LATE = dt.date(2025, 12, 31), dt.date(2026, 9, 30)
# Rows dated after a snapshot are deleted table by table (stg_* views read the raw tables).
DATED = {"main.int_employments_derived": "hire_date", "main.int_job_spans_derived": "valid_from",
         "main.int_performance_reviews_linked": "review_date", "main.int_candidates_linked": "created_date",
         "main.fct_attendance_daily": "work_date", "main.fct_survey_responses": "submitted_date_utc",
         "main.fct_im_activity_daily": "activity_date", "main.int_im_messages_linked": "sent_date_utc",
         "raw.hris__one_on_one_meetings": "meeting_date", "raw.hris__pay_bands": "effective_date"}
# Scores of the sentiment model are keyed by message / response: they go with their rows.
ORPHANS = {"ml.message_sentiment": "im_message_id in (select im_message_id from main.int_im_messages_linked)",
           "ml.comment_sentiment": "response_id in (select response_id from main.fct_survey_responses)"}
CONTEXT = ["department_id", "gender", "age_band"]


@pytest.fixture(scope="module")
def warehouse(company, tmp_path_factory) -> Path:
    """A private copy of the session's company (tests/shared_company.py: built as of the day after AS_OF, with
    deterministic stand-ins for the sentiment scores): the tests below make truncated copies beside it."""
    return company.copy_to(tmp_path_factory.mktemp("attrition_features"))

@pytest.fixture(scope="module")
def full(warehouse) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return build_snapshots(con, as_of=AS_OF, label_status=True)
    finally:
        con.close()


def _copy(warehouse: Path, name: str) -> Path:
    target = warehouse.with_name(f"{name}.duckdb")
    shutil.copyfile(warehouse, target)
    return target


def _truncate(path: Path, day: dt.date) -> dict[str, int]:
    """The warehouse as it was at the end of ``day``: later rows deleted, later facts about earlier rows undone."""
    con = duckdb.connect(str(path))
    try:
        deleted = {t: con.execute(f"delete from {t} where {c} > ?", [day]).fetchall()[0][0] for t, c in DATED.items()}
        deleted |= {t: con.execute(f"delete from {t} where not ({kept})").fetchall()[0][0] for t, kept in ORPHANS.items()}
        con.execute("""update main.int_employments_derived
                       set termination_date = null, termination_reason = null, is_voluntary_termination = null,
                           is_regretted_termination = null, has_exited = false, is_active = true
                       where termination_date > ?""", [day])
        con.execute("update main.int_job_spans_derived set valid_to = null, is_current = true where valid_to > ?", [day])
        # A night shift starting on the snapshot day ends after midnight: that day's figures were not final.
        con.execute("""update main.fct_attendance_daily
                       set overtime_hours = coalesce(overtime_hours, 0) + 3, is_late = not coalesce(is_late, false)
                       where work_date = ?""", [day])
    finally:
        con.close()
    return deleted


def _build(path: Path, dates: list[dt.date], as_of: dt.date) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return build_snapshots(con, snapshot_dates=dates, as_of=as_of, label_status=True)
    finally:
        con.close()


def _differing_columns(full: pd.DataFrame, past: pd.DataFrame, day: dt.date) -> list[str]:
    """Feature and context columns whose values at ``day`` differ between the two builds. A column missing
    from ``past`` (its source had no rows yet) must have been empty at that snapshot in ``full`` too."""
    a = full[full["snapshot_date"] == pd.Timestamp(day)].set_index("person_key").sort_index()
    b = past[past["snapshot_date"] == pd.Timestamp(day)].set_index("person_key").sort_index()
    assert list(a.index) == list(b.index), "the population changed"
    differ = []
    for col in [*CONTEXT, *snapshot_info(full).feature_columns]:
        if col not in b:
            if a[col].notna().any():
                differ.append(col)
            continue
        if pd.api.types.is_numeric_dtype(a[col]):
            same = np.isclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9, atol=1e-9, equal_nan=True)
        else:
            same = ((a[col] == b[col]) | (a[col].isna() & b[col].isna())).to_numpy(bool)
        if not same.all():
            differ.append(col)
    return differ


@pytest.fixture(scope="module")
def past(warehouse) -> dict[dt.date, tuple[pd.DataFrame, dict[str, int], Path]]:
    out = {}
    for day in (EARLY, LATE):
        path = _copy(warehouse, f"past_{day:%Y%m%d}")
        deleted = _truncate(path, day)
        out[day] = (_build(path, [day], as_of=day), deleted, path)
    return out


# ------------------------------------------------------------------------------------------- no look-ahead
@pytest.mark.parametrize("day", [EARLY, LATE])
def test_features_do_not_change_when_later_data_is_added(full, past, day):
    frame, deleted, _ = past[day]
    assert sum(deleted.values()) > 1000 and deleted["main.int_employments_derived"] > 0
    assert _differing_columns(full, frame, day) == []
    # The comparison is about real values, not empty columns.
    at_day = full[full["snapshot_date"] == pd.Timestamp(day)]
    informative = [c for c in snapshot_info(frame).feature_columns if at_day[c].notna().mean() > 0.5]
    assert len(informative) >= (35 if day == LATE else 25)
    # Nothing was labelled in the past world: its horizon had not started.
    assert frame[LABEL].isna().all() and set(frame["label_status"]) == {"horizon_open"}


def test_sources_appear_as_they_start(full, past):
    early = snapshot_info(past[EARLY][0])
    late = snapshot_info(past[LATE][0])
    assert {"attendance", "im", "sentiment"} <= set(early.groups_skipped)  # not exported yet at EARLY
    assert set(late.groups_used) == set(GROUPS)
    # In the full build those columns exist for EARLY but hold no value: missing, never zero.
    at_early = full[full["snapshot_date"] == pd.Timestamp(EARLY)]
    for col in ("overtime_monthly_3m", "late_days_monthly_3m", "messages_monthly_3m", "days_since_manager_dm"):
        assert at_early[col].isna().all(), col


def test_the_truncation_covers_every_table_read():
    """A new feature reading another table must add it to DATED (or say why it has no date), or the look-ahead
    test would not see it."""
    sql = "".join((ROOT / "ml" / "attrition" / name).read_text(encoding="utf-8")
                  for name in ("features.py", "feature_sources.py"))
    read = set(re.findall(r"\b(?:from|join)\s+((?:stg_|int_|fct_|dim_|raw\.|ml\.|restricted\.)[a-z0-9_.]+)", sql))
    covered = {t.split(".", 1)[1] for t in DATED} | {t.split(".", 1)[1] for t in ORPHANS}
    covered |= {"stg_" + t.split(".", 1)[1] for t in DATED if t.startswith("raw.")}  # stg views over raw
    dateless = {"int_person_records_resolved", "restricted_person_identifiers", "stg_hris__employees"}  # ids, birth
    names = {t.split(".", 1)[-1] for t in read}
    assert names and names - covered - dateless == set()


def test_a_leaky_feature_is_caught(warehouse, full, past, monkeypatch):
    """The comparison fails for a feature that reads a later row (here: tenure up to the last attendance day)."""
    original = fs.SQL_GROUPS["hris"]

    def leaky(con):
        group = original(con)
        columns = dict(group.columns)
        columns["tenure_years"] = ("date_diff('day', t.hire_date, (select max(work_date) "
                                   "from fct_attendance_daily)) / 365.25")
        return fs.GroupSQL(group.table, columns)

    monkeypatch.setitem(fs.SQL_GROUPS, "hris", leaky)
    leaky_full = _build(warehouse, [LATE], as_of=AS_OF)
    leaky_past = _build(past[LATE][2], [LATE], as_of=LATE)
    assert _differing_columns(leaky_full, leaky_past, LATE) == ["tenure_years"]


# ------------------------------------------------------------------------------------------- population, labels
def test_population_and_labels(warehouse, full):
    info = snapshot_info(full)
    assert info.snapshot_dates[-1] == AS_OF and all(d.day >= 28 for d in info.snapshot_dates)
    assert not full.duplicated(["person_key", "snapshot_date"]).any()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        emp = con.execute("select person_key, hire_date, termination_date, is_voluntary_termination "
                          "from int_employments_derived where person_key <> '-1'").df()
    finally:
        con.close()
    for col in ("hire_date", "termination_date"):
        emp[col] = pd.to_datetime(emp[col])
    for day in info.snapshot_dates[::5]:
        ts = pd.Timestamp(day)
        employed = emp[(emp.hire_date <= ts) & (emp.termination_date.isna() | (emp.termination_date > ts))]
        at_day = full[full["snapshot_date"] == ts]
        assert set(at_day["person_key"]) == set(employed["person_key"])
        # Independent label: the next exit of the person within 6 months, as of AS_OF.
        horizon = pd.Timestamp(shift_months(day, 6))
        expected = {}
        for pk in at_day["person_key"]:
            exits = emp[(emp.person_key == pk) & (emp.termination_date > ts)].sort_values("termination_date")
            if horizon > pd.Timestamp(AS_OF):
                expected[pk] = None
            elif exits.empty or exits.iloc[0].termination_date > horizon:
                expected[pk] = 0
            else:
                voluntary = exits.iloc[0].is_voluntary_termination
                expected[pk] = 1 if not pd.isna(voluntary) and bool(voluntary) else None
        got = at_day.set_index("person_key")[LABEL]
        assert {pk: (None if pd.isna(v) else int(v)) for pk, v in got.items()} == expected, day
    labelled = full[full[LABEL].notna()]
    assert labelled[LABEL].sum() >= 10 and (labelled[LABEL] == 0).sum() > 100
    open_rows = full[full["snapshot_date"] > pd.Timestamp(shift_months(AS_OF, -6))]
    assert open_rows[LABEL].isna().all() and set(open_rows["label_status"]) == {"horizon_open"}
    # Involuntary exits are censored (no label), not counted as stayers.
    assert full.loc[full["label_status"] == "involuntary_exit", LABEL].isna().all()
    # Fairness columns only: age bands, never a birth date.
    assert set(full["age_band"].dropna()) <= set(AGE_BANDS) and full["age_band"].notna().mean() > 0.8
    assert not [c for c in full.columns if "birth" in c]
    assert {"gender", "age_band", "department_id", LABEL, "label_status"} <= set(info.non_feature_columns)
    assert not set(info.feature_columns) & set(info.non_feature_columns)
    assert info.label_counts == {k: int(v) for k, v in full["label_status"].value_counts().items()}


def test_label_status_only_on_request(warehouse):
    """label_status is a function of the label: a table handed to a modelling tool should not carry it."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        frame = build_snapshots(con, snapshot_dates=[EARLY], as_of=AS_OF)
    finally:
        con.close()
    info = snapshot_info(frame)
    assert "label_status" not in frame.columns and "label_status" not in info.non_feature_columns
    assert sum(info.label_counts.values()) == len(frame) and info.label_counts.get("stayed", 0) > 0


# ------------------------------------------------------------------------------------------- missing sources
def test_hris_and_surveys_only(warehouse, full):
    path = _copy(warehouse, "hris_surveys_only")
    con = duckdb.connect(str(path))
    try:
        con.execute("drop table main.fct_attendance_daily")
        con.execute("delete from main.fct_im_activity_daily")  # an IM export with no rows
        con.execute("drop table raw.hris__one_on_one_meetings")  # the stg view now fails: no source
        con.execute("drop table main.int_candidates_linked")
        con.execute("drop schema ml cascade")
    finally:
        con.close()
    days = [EARLY, LATE]
    frame = _build(path, days, as_of=AS_OF)
    info = snapshot_info(frame)
    assert info.groups_used == ["hris", "reviews", "pay", "surveys"]
    assert set(info.groups_skipped) == {"referral", "one_on_ones", "attendance", "im", "sentiment",
                                        "comment_sentiment"}
    gone = [f for f, meta in FEATURES.items() if meta.group in info.groups_skipped]
    assert not set(gone) & set(frame.columns)  # left out, not filled with zeros
    assert set(info.feature_columns) == {f for f, m in FEATURES.items() if m.group in info.groups_used}
    reference = full[full["snapshot_date"].isin([pd.Timestamp(d) for d in days])].reset_index(drop=True)
    kept = ["person_key", "snapshot_date", *CONTEXT, *info.feature_columns, LABEL, "label_status"]
    left, right = frame[kept].copy(), reference[kept].copy()
    left.attrs, right.attrs = {}, {}
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-9)


def test_sentiment_in_the_simple_shape(warehouse, full):
    """ml.message_sentiment as (message_id, person_key, sent_date, sentiment_score) gives the same features."""
    path = _copy(warehouse, "simple_sentiment")
    con = duckdb.connect(str(path))
    try:
        con.execute("""create or replace table ml.message_sentiment as
            select s.message_id, m.sender_person_key as person_key, m.sent_date_utc as sent_date, s.sentiment_score
            from ml.message_sentiment as s inner join main.int_im_messages_linked as m using (im_message_id)""")
    finally:
        con.close()
    frame = _build(path, [LATE], as_of=AS_OF)
    reference = full[full["snapshot_date"] == pd.Timestamp(LATE)].reset_index(drop=True)
    assert "sentiment" in snapshot_info(frame).groups_used and frame["sentiment_3m"].notna().sum() > 10
    pd.testing.assert_series_equal(frame["sentiment_change"], reference["sentiment_change"])


def test_hris_is_required(warehouse):
    path = _copy(warehouse, "no_hris")
    con = duckdb.connect(str(path))
    try:
        con.execute("delete from main.int_employments_derived")
    finally:
        con.close()
    with pytest.raises(ValueError, match="HRIS"):
        _build(path, [LATE], as_of=AS_OF)


# ------------------------------------------------------------------------------------------- drivers
def _toy() -> tuple[pd.DataFrame, drv.PredictProba]:
    """40 typical people and one with overtime up 44%, no 1:1 in 60 days and pay 12% below the midpoint."""
    n = 41
    frame = pd.DataFrame({
        "person_key": [f"P{i:02d}" for i in range(n)],
        "snapshot_date": pd.Timestamp("2026-09-30"),
        "overtime_monthly_3m": 20.0, "overtime_monthly_prev_3m": 20.0, "overtime_change_pct": 0.0,
        "overtime_change_hours": 0.0, "days_since_one_on_one": 10.0, "one_on_ones_90d": 6.0,
        "pay_vs_band_mid_pct": 0.0, "band_position": 0.5, "tenure_years": 3.0,
    })
    frame.loc[0, ["overtime_monthly_3m", "overtime_monthly_prev_3m", "overtime_change_pct",
                  "overtime_change_hours"]] = [52.0, 36.0, 44.4, 16.0]
    frame.loc[0, ["days_since_one_on_one", "one_on_ones_90d", "pay_vs_band_mid_pct", "band_position"]] = [
        60.0, 1.0, -12.0, 0.2]
    frame.loc[1, "tenure_years"] = 0.4  # a new joiner: a driver the toy model ignores

    def predict_proba(x: pd.DataFrame) -> np.ndarray:
        z = (-3 + x["overtime_change_pct"] / 25 + x["days_since_one_on_one"] / 30
             - x["pay_vs_band_mid_pct"].clip(upper=0) / 8)
        p = 1 / (1 + np.exp(-z.to_numpy(float)))
        return np.column_stack([1 - p, p])

    return frame, predict_proba


def test_drivers_in_plain_language_with_actions():
    frame, model = _toy()
    out = drv.explain(model, frame)
    person = out[out["person_key"] == "P00"].sort_values("rank")
    assert list(person["rank"]) == [1, 2, 3]
    assert (person["risk_change"].diff().dropna() <= 0).all()
    texts = set(person["text"])
    assert texts == {"overtime up 44% versus the previous 3 months (52 h/month vs 36)",
                     "no 1:1 with manager in 60 days", "pay 12% below band midpoint (at 20% of the band)"}
    actions = dict(zip(person["driver"], person["action"], strict=True))
    assert "36 h/month legal limit" in actions["overtime"]
    assert actions["one_on_one"].startswith("Schedule a 1:1")
    assert "well below the band midpoint" in actions["pay"]
    # Typical people have no driver that raises their risk; the ignored tenure never shows.
    assert set(out["person_key"]) == {"P00"}
    wide = drv.top_drivers_wide(out)
    assert list(wide.columns[:3]) == ["person_key", "snapshot_date", "risk"]
    assert wide.loc[0, "driver_1"] in texts and isinstance(wide.loc[0, "action_3"], str)


def test_action_table_is_editable_and_checked(tmp_path):
    frame, model = _toy()
    rules = tmp_path / "actions.yaml"
    rules.write_text("rules:\n"
                     "  - driver: pay\n    when: {pay_vs_band_mid_pct: {lt: -20}}\n    action: Off-cycle raise.\n"
                     "  - driver: pay\n    when: {risk: {ge: 0.5}}\n    action: Pay review at risk {risk}.\n"
                     "  - driver: overtime\n    when: {overtime_monthly_3m: {gt: 60}}\n    action: Never.\n",
                     encoding="utf-8")
    out = drv.explain(model, frame, actions=rules).set_index("driver")
    assert out.loc["pay", "action"] == "Pay review at risk {risk}."  # first rule's condition fails
    assert pd.isna(out.loc["overtime", "action"]) and pd.isna(out.loc["one_on_one", "action"])
    rules.write_text("rules:\n  - driver: overtim\n    action: typo\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown driver 'overtim'"):
        drv.load_actions(rules)
    rules.write_text("rules:\n  - driver: pay\n    when: {pay: {lt: 1}}\n    action: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown column 'pay'"):
        drv.load_actions(rules)


def test_drivers_on_real_snapshots(full):
    """Every renderer on real values: a linear score that rises with every standardised numeric feature (the
    demo's attendance and IM start after its labelled snapshots, so a model fitted on labels would not use
    them)."""
    info = snapshot_info(full)
    scored = full[full["snapshot_date"] == pd.Timestamp(LATE)].reset_index(drop=True)
    features = [c for c in info.feature_columns if FEATURES[c].kind != "category" and scored[c].notna().any()]
    mean, std = scored[features].mean(), scored[features].std().replace(0, 1)

    def predict_proba(x: pd.DataFrame) -> np.ndarray:
        z = ((x[features] - mean) / std).fillna(0).sum(axis=1).to_numpy(float) / 4
        p = 1 / (1 + np.exp(-z))
        return np.column_stack([1 - p, p])

    out = drv.explain(predict_proba, scored, features=features)
    assert set(out["driver"]) >= {"overtime", "one_on_one", "pay", "engagement", "manager_dm", "sentiment"}
    assert len(out) > len(scored) and out.groupby("person_key")["rank"].max().max() == 3
    assert out["text"].str.len().gt(10).all() and not out["text"].str.contains(r"\bnan\b|\bNone\b").any()
    wordy = {"rehire", "referral", "referrer_left", "key_talent", "potential", "employment_type", "job_family",
             "direct_reports"}
    numeric = out[~out["driver"].isin(wordy)]
    assert numeric["text"].map(lambda t: bool(re.search(r"\d", t))).all()
    assert out["action"].notna().mean() > 0.5


# ------------------------------------------------------------------------------------------- documentation
def test_every_feature_documented_and_rendered():
    doc = (ROOT / "ml" / "attrition" / "FEATURES.md").read_text(encoding="utf-8")
    assert [f for f in FEATURES if f"`{f}`" not in doc] == []
    assert set(drv.RENDER) == {f.driver for f in FEATURES.values()}
    assert {f.group for f in FEATURES.values()} == set(GROUPS) == set(fs.SQL_GROUPS) | set(fs.DAILY_GROUPS)
    no_action = {"employment_type", "job_family", "level", "direct_reports"}  # nothing HR can change
    assert {r.driver for r in drv.load_actions()} == set(drv.RENDER) - no_action


def _feature_table(path: Path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        frame = con.execute("select * from ml.attrition_features order by snapshot_date, person_key").df()
    finally:
        con.close()
    numbers = frame.select_dtypes("number").columns
    frame[numbers] = frame[numbers].astype("float64").round(9)  # sums of doubles: the order threads add them in
    return frame


def test_a_nightly_feature_build_adds_snapshots_and_equals_a_full_build(warehouse):
    """The nightly adds the snapshot dates not stored yet and the recent ones, drops yesterday's as-of day and
    refreshes every label (horizons close, exits happen): the same table as a full build."""
    from ml.attrition.warehouse import build_feature_table

    earlier = _copy(warehouse, "features_mid_september")
    _truncate(earlier, dt.date(2026, 9, 15))
    build_feature_table(earlier, full=True)  # the table as a night in mid-September left it
    nightly, full = _copy(warehouse, "features_nightly"), _copy(warehouse, "features_full")
    con = duckdb.connect(str(nightly))
    try:
        con.execute(f"attach '{earlier}' as earlier (read_only)")
        con.execute("create schema if not exists ml")
        con.execute("create or replace table ml.attrition_features as select * from earlier.ml.attrition_features")
        stored = {r[0] for r in con.execute("select distinct cast(snapshot_date as date) from ml.attrition_features")
                  .fetchall()}
    finally:
        con.close()
    assert dt.date(2026, 8, 31) in stored and max(stored) <= dt.date(2026, 9, 15)
    written, info, skipped = build_feature_table(nightly, full=False)
    assert skipped is None and len(written) > 0
    assert min(info.snapshot_dates) > dt.date(2026, 8, 31)  # the older snapshots were kept, not rebuilt
    build_feature_table(full, full=True)
    expected, actual = _feature_table(full), _feature_table(nightly)
    assert list(actual.columns) == list(expected.columns) and len(actual) == len(expected)
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected.reset_index(drop=True))
    assert actual[LABEL].notna().sum() > 0
