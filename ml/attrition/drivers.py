"""Per-person attrition drivers in plain language, and suggested actions from an editable rule table.

Method (model-agnostic, works with any ``predict_proba(DataFrame) -> ndarray``): a *driver* is a group of
related features (``Feature.driver`` in features.py, e.g. "overtime" = the 3-month rate, the previous rate
and their change). For every scored person and driver, the driver's features are set to a reference value -
the median of the reference population (mode for categories), by default the scored population itself -
and the person is scored again. The driver's contribution is ``risk - risk with typical values``: how much
higher this person's risk is because their values differ from a typical colleague's. The ``top_n`` drivers
with a contribution above ``min_risk_change`` are rendered with the person's own values ("overtime up 45%
versus the previous 3 months (52 h/month vs 36)"). Missing values are left missing: a person without IM data
gets no IM driver. All persons x drivers go through the model in a few batched calls, so 10k people with ~25
drivers take a few seconds.

Actions: ``actions.yaml`` next to this file (or any file of the same shape) lists rules ``driver`` + optional
``when`` conditions on the person's values + ``action``; the first matching rule per driver wins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .features import FEATURES

ACTIONS_PATH = Path(__file__).with_name("actions.yaml")
PredictProba = Callable[[pd.DataFrame], np.ndarray]
Row = Mapping[str, Any]
BATCH_ROWS = 200_000
REF = "_reference"  # key of the reference values in the row a renderer gets


def _ok(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _n(value: float, digits: int = 0) -> str:
    """A number for a sentence: no trailing .0, thousands separated."""
    text = f"{value:,.{digits}f}"
    return text[:-2] if digits == 1 and text.endswith(".0") else text


def _change(pct: Any, what: str, since: str = "versus the previous 3 months") -> str | None:
    if not _ok(pct) or abs(pct) < 1:
        return None
    return f"{what} {'up' if pct > 0 else 'down'} {_n(abs(pct))}% {since}"


def _was(previous: Any, unit: str = "", digits: int = 1) -> str:
    return f" (previously {_n(previous, digits)}{unit})" if _ok(previous) else ""


def _typical(r: Row, feature: str, digits: int = 0, scale: float = 1.0, unit: str = "") -> str:
    """'typical 74' from the reference values, or ''."""
    value = (r.get(REF) or {}).get(feature)
    return f"typical {_n(scale * value, digits)}{unit}" if isinstance(value, int | float) and _ok(value) else ""


def _delta(change: Any, unit: str = "") -> str:
    return f"{'up' if change > 0 else 'down'} {_n(abs(change))}{unit}" if _ok(change) and change else ""


def _notes(*notes: str) -> str:
    kept = [n for n in notes if n]
    return f" ({', '.join(kept)})" if kept else ""


# ----------------------------------------------------------------------------------------------- renderers
def _tenure(r: Row) -> str:
    years = r["tenure_years"]
    return f"{_n(years * 12)} months in the company" if years < 2 else f"{_n(years, 1)} years in the company"


def _overtime(r: Row) -> str:
    cur, prev = r.get("overtime_monthly_3m"), r.get("overtime_monthly_prev_3m")
    rates = f" ({_n(cur)} h/month vs {_n(prev)})" if _ok(cur) and _ok(prev) else ""
    text = _change(r.get("overtime_change_pct"), "overtime")
    if text:
        return text + rates
    if _ok(cur):
        return f"{_n(cur)} overtime hours a month in the last 3 months{_was(prev, ' h', 0)}"
    return f"overtime {_n(r.get('overtime_change_hours', 0), 1)} h/month versus the previous 3 months"


def _one_on_one(r: Row) -> str:
    days, n90 = r.get("days_since_one_on_one"), r.get("one_on_ones_90d")
    if _ok(days) and days >= 30:
        return f"no 1:1 with manager in {_n(days)} days"
    if _ok(n90):
        return f"1:1 meetings with manager: {_n(n90)} in the last 90 days" + _notes(_typical(r, "one_on_ones_90d"))
    return f"last 1:1 with manager {_n(days)} days ago"


def _manager_dm(r: Row) -> str:
    days, n90 = r.get("days_since_manager_dm"), r.get("manager_dm_days_90d")
    if _ok(days) and days >= 21:
        return f"no direct message with manager in {_n(days)} days"
    return (f"direct messages with manager on {_n(n90)} days in the last 90 days"
            + _notes(_typical(r, "manager_dm_days_90d")))


def _pay(r: Row) -> str:
    pct, pos = r.get("pay_vs_band_mid_pct"), r.get("band_position")
    where = "" if not _ok(pos) else " (below the band minimum)" if pos < 0 else (
        " (above the band maximum)" if pos > 1 else f" (at {_n(100 * pos)}% of the band)")
    if not _ok(pct):
        return f"pay position in band {_n(100 * pos)}%"
    if abs(pct) < 0.5:
        return f"pay at the band midpoint{where}"
    return f"pay {_n(abs(pct))}% {'below' if pct < 0 else 'above'} band midpoint{where}"


def _salary_growth(r: Row) -> str:
    pct = r["salary_change_12m_pct"]
    return "no pay rise in 12 months" if abs(pct) < 0.5 else f"salary {pct:+.1f}% in 12 months"


def _promotion(r: Row) -> str:
    months, tenure = r["months_since_promotion"], r.get("tenure_years")
    if _ok(tenure) and abs(months - tenure * 12) < 0.5:
        return f"no promotion since joining {_n(months)} months ago"
    return f"no promotion in {_n(months)} months"


def _manager_change(r: Row) -> str:
    n, months = r.get("manager_changes_6m"), r.get("months_since_manager_change")
    if _ok(n) and n >= 2:
        return f"{_n(n)} manager changes in the last 6 months"
    if _ok(months):
        if months >= 12:
            return f"same manager for {_n(months)} months"
        return "new manager this month" if months < 0.5 else (
            f"new manager {_n(months)} month{'' if round(months) == 1 else 's'} ago")
    return "new manager in the last 6 months" if n >= 1 else "no manager change in 6 months"


def _team(r: Row, exits: str, rate: str, whose: str) -> str:
    n, share = r.get(exits), r.get(rate)
    pct = f" ({_n(100 * share)}% of the team)" if _ok(share) else ""
    return f"{_n(n)} voluntary exit{'' if n == 1 else 's'} from {whose} in 12 months{pct}"


def _performance(r: Row) -> str:
    rating, change = r.get("performance_rating"), r.get("rating_change")
    delta = "" if not _ok(change) or change == 0 else (
        f" ({'up' if change > 0 else 'down'} {_n(abs(change))} from the previous review)")
    return f"latest rating {_n(rating)} of 5{delta}"


def _potential(r: Row) -> str:
    level = r.get("potential_level")
    if _ok(level):
        return f"potential rated {({1: 'low', 2: 'medium', 3: 'high'}).get(round(level), _n(level))}"
    return "rated high potential" if r.get("is_high_potential") == 1 else "not rated high potential"


def _engagement(r: Row) -> str:
    latest, change, mean = (r.get("engagement_score_latest"), r.get("engagement_score_change"),
                            r.get("engagement_score_12m"))
    # The driver resets the latest score, its change and the 12-month mean together: show them all.
    text = f"engagement {_n(mean)}/100 over 12 months" + _notes(_typical(r, "engagement_score_12m"))
    if _ok(latest):
        text += f", {_n(latest)} in the latest pulse" + _notes(_delta(change, " points"))
    return text


def _enps(r: Row) -> str:
    latest, change, mean = r.get("enps_latest"), r.get("enps_change"), r.get("enps_12m")
    if _ok(latest):
        return f"would recommend the company {_n(latest)}/10" + _notes(_typical(r, "enps_latest"), _delta(change))
    return f"would recommend the company {_n(mean, 1)}/10 over 12 months" + _notes(_typical(r, "enps_12m", 1))


def _im_activity(r: Row) -> str:
    cur, prev = r.get("messages_monthly_3m"), r.get("messages_monthly_prev_3m")
    text = _change(r.get("messages_change_pct"), "IM messages")
    rates = f" ({_n(cur)}/month vs {_n(prev)})" if _ok(cur) and _ok(prev) else ""
    return text + rates if text else f"{_n(cur)} IM messages a month{_was(prev, '', 0)}"


def _sentiment(r: Row) -> str:
    cur, change = r.get("sentiment_3m"), r.get("sentiment_change")
    if _ok(change) and abs(change) >= 0.01:
        return f"message sentiment {'up' if change > 0 else 'down'} {abs(change):.2f} versus the previous 3 months"
    return f"message sentiment {cur:+.2f} in the last 3 months"


def _comment_sentiment(r: Row) -> str:
    score, n = r.get("comment_sentiment_12m"), r.get("comments_12m")
    if not _ok(score):
        return f"{_n(n)} survey comments in 12 months" + _notes(_typical(r, "comments_12m"))
    tone = "negative" if score < -0.1 else "positive" if score > 0.1 else "neutral"
    count = f" over {_n(n)} comment{'' if n == 1 else 's'}" if _ok(n) else ""
    return f"{tone} survey comments in 12 months (mean sentiment {score:+.2f}{count})"


RENDER: dict[str, Callable[[Row], str]] = {
    "tenure": _tenure,
    "rehire": lambda r: "rehired after an earlier exit" if r["is_rehire"] else "first employment here",
    "employment_type": lambda r: f"employment type {r['employment_type']}",
    "job_family": lambda r: f"job family {r['job_family']}",
    "level": lambda r: f"job level {_n(r['job_level_number'])}"
                       + (" (management)" if r.get("is_manager_level") == 1 else ""),
    "salary_growth": _salary_growth,
    "promotion": _promotion,
    "manager_change": _manager_change,
    "direct_reports": lambda r: "no direct reports" if r["direct_reports"] < 1 else
                                f"manages {_n(r['direct_reports'])} people",
    "team_attrition": lambda r: _team(r, "dept_voluntary_exits_12m", "dept_voluntary_attrition_12m",
                                      "their department"),
    "manager_team_attrition": lambda r: _team(r, "manager_team_voluntary_exits_12m",
                                              "manager_team_voluntary_attrition_12m", "their manager's team"),
    "performance": _performance,
    "potential": _potential,
    "key_talent": lambda r: "flagged key talent" if r["is_key_talent"] == 1 else "not flagged key talent",
    "pay": _pay,
    "referral": lambda r: "joined through a referral" if r["was_referred"] == 1 else "not referred",
    "referrer_left": lambda r: ("their referrer left in the last 12 months" if r.get("referrer_left_12m") == 1
                                else "their referrer left more than a year ago" if r.get("referrer_gone") == 1
                                else "their referrer is still here"),
    "one_on_one": _one_on_one,
    "overtime": _overtime,
    "lateness": lambda r: f"late {_n(r['late_days_monthly_3m'], 1)} days a month in the last 3 months"
                          + _was(r.get("late_days_monthly_prev_3m")),
    "absence": lambda r: f"absent {_n(r['absent_days_monthly_3m'], 1)} days a month in the last 3 months"
                         + _was(r.get("absent_days_monthly_prev_3m")),
    "weekend_work": lambda r: f"worked {_n(r['weekend_days_monthly_3m'], 1)} weekend days a month in the last "
                              f"3 months",
    "leave": lambda r: f"{_n(r['leave_days_12m'])} leave days in 12 months" + _notes(_typical(r, "leave_days_12m")),
    "engagement": _engagement,
    "enps": _enps,
    "survey_participation": lambda r: f"answered {_n(100 * r['survey_response_rate_12m'])}% of surveys in the "
                                      f"last 12 months" + _notes(_typical(r, "survey_response_rate_12m", 0, 100,
                                                                          "%")),
    "im_activity": _im_activity,
    "manager_dm": _manager_dm,
    "sentiment": _sentiment,
    "comment_sentiment": _comment_sentiment,
}


def _generic(driver: str, features: tuple[str, ...]) -> Callable[[Row], str]:
    def render(r: Row) -> str:
        parts = [f"{f} {_n(r[f], 2) if isinstance(r[f], float) else r[f]}" for f in features if _ok(r.get(f))]
        return f"{driver}: " + ", ".join(parts)
    return render


def driver_features(columns: list[str] | pd.Index) -> dict[str, tuple[str, ...]]:
    """Driver -> its features present in ``columns`` (order of FEATURES)."""
    present = set(columns)
    out: dict[str, list[str]] = {}
    for f in FEATURES.values():
        if f.name in present:
            out.setdefault(f.driver, []).append(f.name)
    return {d: tuple(fs) for d, fs in out.items()}


def reference_values(frame: pd.DataFrame, features: list[str]) -> dict[str, Any]:
    """Median of each numeric feature (flags: the majority value), mode of categories, over ``frame``."""
    ref: dict[str, Any] = {}
    for f in features:
        col = frame[f].dropna()
        if col.empty:
            continue
        kind = FEATURES[f].kind if f in FEATURES else "number"
        if kind == "category" or not pd.api.types.is_numeric_dtype(col):
            ref[f] = col.mode().iloc[0]
        elif kind == "flag":
            ref[f] = float(col.mean() >= 0.5)
        else:
            ref[f] = float(col.median())
    return ref


# ----------------------------------------------------------------------------------------------- actions
_OPS: dict[str, Callable[[pd.Series, Any], pd.Series]] = {
    "gt": lambda s, v: s > v, "ge": lambda s, v: s >= v, "lt": lambda s, v: s < v, "le": lambda s, v: s <= v,
    "eq": lambda s, v: s == v, "ne": lambda s, v: s != v, "in": lambda s, v: s.isin(list(v)),
    "is_null": lambda s, v: s.isna() if v else s.notna(),
}


@dataclass(frozen=True)
class ActionRule:
    driver: str
    action: str
    when: dict[str, dict[str, Any]] = field(default_factory=dict)  # column -> {op: value}


def load_actions(path: Path | str | None = None) -> list[ActionRule]:
    """Rules of an actions file (default ``actions.yaml`` here), checked: unknown drivers, columns or
    operators are errors, so a typo does not silently switch an action off."""
    path = Path(path) if path else ACTIONS_PATH
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    drivers = {f.driver for f in FEATURES.values()}
    columns = set(FEATURES) | {"risk"}
    rules = []
    for i, item in enumerate(raw.get("rules") or [], start=1):
        where = f"{path.name} rule {i}"
        if not isinstance(item, dict) or not item.get("driver") or not item.get("action"):
            raise ValueError(f"{where}: needs 'driver' and 'action'")
        if item["driver"] not in drivers:
            raise ValueError(f"{where}: unknown driver {item['driver']!r} (known: {', '.join(sorted(drivers))})")
        when = item.get("when") or {}
        for column, test in when.items():
            if column not in columns:
                raise ValueError(f"{where}: unknown column {column!r} in 'when'")
            if not isinstance(test, dict) or not test or set(test) - set(_OPS):
                raise ValueError(f"{where}: condition on {column!r} must map operators {sorted(_OPS)} to values")
        rules.append(ActionRule(item["driver"], str(item["action"]).strip(), when))
    return rules


def apply_actions(drivers: pd.DataFrame, values: pd.DataFrame, rules: list[ActionRule]) -> pd.Series:
    """Action text per driver row (NaN when no rule matches). ``values`` holds each driver row's feature
    values (same index) plus ``risk``."""
    action = pd.Series(pd.NA, index=drivers.index, dtype="object")
    for rule in rules:
        hit = (drivers["driver"] == rule.driver) & action.isna()
        for column, test in rule.when.items():
            if column not in values:
                hit &= False
                continue
            for op, value in test.items():
                hit &= _OPS[op](values[column], value).fillna(False).astype(bool)
        action[hit] = rule.action
    return action


# ----------------------------------------------------------------------------------------------- explain
def explain(predict_proba: PredictProba, frame: pd.DataFrame, features: list[str] | None = None,
            reference: pd.DataFrame | Mapping[str, Any] | None = None, top_n: int = 3,
            min_risk_change: float = 0.01, actions: list[ActionRule] | Path | str | None = None) -> pd.DataFrame:
    """Top drivers of every row of ``frame``, one output row per (person, rank).

    ``predict_proba`` receives frames with the columns of ``frame`` (only feature values changed).
    ``features``: the columns drivers may use (default: every FEATURES column present). ``reference``: a
    frame to take medians from (e.g. the training rows) or ready reference values; default ``frame``.
    Returns the keys of ``frame`` (person_key, snapshot_date when present), ``risk``, ``rank``, ``driver``,
    ``risk_change`` (risk minus risk with the driver's features at the reference), ``text`` and ``action``.
    """
    features = [f for f in (features or list(FEATURES)) if f in frame.columns]
    groups = driver_features(features)
    if isinstance(reference, Mapping):
        ref = dict(reference)
    else:
        ref = reference_values(frame if reference is None else reference, features)
    base = np.asarray(predict_proba(frame))[:, 1]
    names = [d for d, fs in groups.items() if any(f in ref for f in fs)]
    n = len(frame)
    deltas = np.full((n, len(names)), np.nan)
    # Only rows whose observed values differ from the reference need scoring (a flag is mostly at its
    # reference already); missing values stay missing. Batches of up to BATCH_ROWS rows per model call.
    pending: list[tuple[int, np.ndarray, pd.DataFrame]] = []
    size = 0

    def flush() -> None:
        nonlocal pending, size
        if pending:
            scores = np.asarray(predict_proba(pd.concat([v for _, _, v in pending], ignore_index=True)))[:, 1]
            start = 0
            for j, rows, _ in pending:
                deltas[rows, j] = base[rows] - scores[start:start + len(rows)]
                start += len(rows)
        pending, size = [], 0

    for j, d in enumerate(names):
        cols = [f for f in groups[d] if f in ref]
        observed = frame[cols].notna()
        differs = np.zeros(n, dtype=bool)
        for f in cols:
            differs |= (observed[f] & (frame[f] != ref[f])).to_numpy(bool)
        deltas[observed.any(axis=1).to_numpy(bool) & ~differs, j] = 0.0
        rows = np.flatnonzero(differs)
        if not len(rows):
            continue
        variant = frame.iloc[rows].copy()
        for f in cols:
            variant[f] = variant[f].where(~observed[f].to_numpy(bool)[rows], ref[f])
        pending.append((j, rows, variant))
        size += len(rows)
        if size >= BATCH_ROWS:
            flush()
    flush()
    ranked = np.argsort(-np.nan_to_num(deltas, nan=-np.inf), axis=1)[:, :top_n]
    rows, cols = np.nonzero(np.ones_like(ranked, dtype=bool))
    picked = ranked[rows, cols]
    change = deltas[rows, picked]
    keep = np.nan_to_num(change, nan=-np.inf) > min_risk_change
    rows, ranks, picked, change = rows[keep], cols[keep] + 1, picked[keep], change[keep]
    keys = [k for k in ("person_key", "snapshot_date") if k in frame.columns]
    out = frame.iloc[rows][keys].reset_index(drop=True)
    out["risk"] = base[rows]
    out["rank"] = ranks
    out["driver"] = [names[i] for i in picked]
    out["risk_change"] = change  # sorted, so the kept drivers of a person are ranks 1..k without gaps
    values = frame.iloc[rows].reset_index(drop=True)
    records = values.to_dict("records")
    for record in records:
        record[REF] = ref  # lets a sentence say what is typical ("engagement 52/100, typical 74")
    out["text"] = [(RENDER.get(d) or _generic(d, groups[d]))(v)
                   for d, v in zip(out["driver"], records, strict=True)]
    rules = actions if isinstance(actions, list) else load_actions(actions)
    values = values.assign(risk=out["risk"].to_numpy())
    out["action"] = apply_actions(out, values, rules)
    return out


def top_drivers_wide(drivers: pd.DataFrame) -> pd.DataFrame:
    """One row per person: driver_1..n and action_1..n (texts), from ``explain`` output."""
    keys = [k for k in ("person_key", "snapshot_date") if k in drivers.columns]
    wide = drivers.set_index([*keys, "risk", "rank"])[["text", "action"]].unstack("rank")
    wide.columns = [f"{'driver' if what == 'text' else 'action'}_{rank}" for what, rank in wide.columns]
    order = sorted(wide.columns, key=lambda c: (int(c.rsplit("_", 1)[1]), c.startswith("action")))
    return wide[order].reset_index()
