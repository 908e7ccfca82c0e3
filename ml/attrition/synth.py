"""Synthetic tables shaped like the two public HR attrition exports, for tests and benchmarks.

``ibm_like``: the IBM HR Analytics Employee Attrition file (35 columns, ``Attrition`` Yes/No at ~16%, the
``EmployeeNumber`` id, constant ``EmployeeCount``/``Over18``/``StandardHours``, text categoricals), with a
mostly additive signal (OverTime, single, junior, unsatisfied, frequent travel). ``extras=True`` adds what real
exports also carry: a termination date and exit reason only filled in for leavers (leakage), names and e-mails,
a hire date, missing values. ``hr_comma_sep_like``: the Kaggle HR_comma_sep file (``left`` 0/1 at ~24%, leavers in
three clusters of satisfaction/evaluation/hours, so the signal is non-linear, and many duplicate rows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _pick(rng: np.random.Generator, values: list[str], p: list[float], n: int) -> np.ndarray:
    return rng.choice(np.array(values, dtype=object), size=n, p=np.array(p) / np.sum(p))


def ibm_like(n: int = 1470, seed: int = 0, signal: bool = True, extras: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = np.clip(rng.normal(37, 9, n).round(), 18, 60).astype(int)
    job_level = np.clip(((age - 18) / 9 + rng.normal(0, 0.8, n)).round(), 1, 5).astype(int)
    total_years = np.clip((age - 20) * rng.uniform(0.3, 1.0, n), 0, 40).round().astype(int)
    years_at = np.minimum(total_years, rng.poisson(6, n))
    frame = pd.DataFrame({
        "Age": age,
        "BusinessTravel": _pick(rng, ["Travel_Rarely", "Travel_Frequently", "Non-Travel"], [71, 19, 10], n),
        "DailyRate": rng.integers(102, 1500, n),
        "Department": _pick(rng, ["Research & Development", "Sales", "Human Resources"], [65, 30, 5], n),
        "DistanceFromHome": rng.integers(1, 30, n),
        "Education": rng.integers(1, 6, n),
        "EducationField": _pick(rng, ["Life Sciences", "Medical", "Marketing", "Technical Degree", "Other",
                                      "Human Resources"], [41, 32, 11, 9, 5, 2], n),
        "EmployeeCount": 1,
        "EmployeeNumber": np.sort(rng.choice(np.arange(1, int(n * 1.4) + 2), n, replace=False)),
        "EnvironmentSatisfaction": rng.integers(1, 5, n),
        "Gender": _pick(rng, ["Male", "Female"], [60, 40], n),
        "HourlyRate": rng.integers(30, 101, n),
        "JobInvolvement": rng.integers(1, 5, n),
        "JobLevel": job_level,
        "JobRole": _pick(rng, ["Sales Executive", "Research Scientist", "Laboratory Technician",
                               "Manufacturing Director", "Healthcare Representative", "Manager",
                               "Sales Representative", "Research Director", "Human Resources"],
                         [22, 20, 18, 10, 9, 7, 6, 5, 3], n),
        "JobSatisfaction": rng.integers(1, 5, n),
        "MaritalStatus": _pick(rng, ["Married", "Single", "Divorced"], [46, 32, 22], n),
        "MonthlyIncome": (1000 + job_level * 3200 + rng.normal(0, 1200, n)).clip(1009).round().astype(int),
        "MonthlyRate": rng.integers(2094, 27000, n),
        "NumCompaniesWorked": rng.integers(0, 10, n),
        "Over18": "Y",
        "OverTime": _pick(rng, ["No", "Yes"], [72, 28], n),
        "PercentSalaryHike": rng.integers(11, 26, n),
        "PerformanceRating": _pick(rng, ["3", "4"], [85, 15], n).astype(int),
        "RelationshipSatisfaction": rng.integers(1, 5, n),
        "StandardHours": 80,
        "StockOptionLevel": rng.choice([0, 1, 2, 3], n, p=[0.43, 0.41, 0.11, 0.05]),
        "TotalWorkingYears": total_years,
        "TrainingTimesLastYear": rng.integers(0, 7, n),
        "WorkLifeBalance": rng.choice([1, 2, 3, 4], n, p=[0.05, 0.23, 0.61, 0.11]),
        "YearsAtCompany": years_at,
        "YearsInCurrentRole": np.minimum(years_at, rng.poisson(4, n)),
        "YearsSinceLastPromotion": np.minimum(years_at, rng.poisson(2, n)),
        "YearsWithCurrManager": np.minimum(years_at, rng.poisson(4, n)),
    })
    if signal:
        logit = (-3.5 + 1.4 * (frame["OverTime"] == "Yes") + 0.9 * (frame["MaritalStatus"] == "Single")
                 + 0.8 * (frame["BusinessTravel"] == "Travel_Frequently") - 0.45 * (job_level - 2)
                 - 0.35 * (frame["JobSatisfaction"] - 2.5) - 0.3 * (frame["EnvironmentSatisfaction"] - 2.5)
                 - 0.04 * (age - 37) + 0.6 * (frame["StockOptionLevel"] == 0) - 0.08 * (years_at - 6)
                 + 0.03 * (frame["DistanceFromHome"] - 9))
        left = rng.random(n) < 1 / (1 + np.exp(-logit))
    else:
        left = rng.random(n) < 0.16
    frame.insert(1, "Attrition", np.where(left, "Yes", "No"))
    if extras:
        hire = pd.Timestamp("2024-06-30") - pd.to_timedelta(years_at * 365 + rng.integers(0, 365, n), unit="D")
        frame["HireDate"] = hire.strftime("%Y-%m-%d")
        exit_days = rng.integers(1, 400, n)
        frame["TerminationDate"] = np.where(left, (pd.Timestamp("2024-06-30") - pd.to_timedelta(exit_days, unit="D"))
                                            .strftime("%Y/%m/%d"), None)
        frame["ExitReason"] = np.where(left, _pick(rng, ["Another position", "Career change", "Relocation",
                                                         "More money", "Unhappy"], [4, 2, 1, 3, 2], n),
                                       "Still employed")
        frame["EmployeeName"] = [f"Person {i:05d} {rng.choice(['Lee', 'Wang', 'Smith', 'Garcia'])}" for i in range(n)]
        frame["Email"] = [f"person{i}@example.com" for i in range(n)]
        frame.loc[rng.random(n) < 0.1, "MonthlyIncome"] = np.nan
        frame.loc[rng.random(n) < 0.05, "Department"] = None
    return frame


def hr_comma_sep_like(n: int = 14999, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    left = rng.random(n) < 0.238
    cluster = rng.choice(3, n, p=[0.45, 0.3, 0.25])
    sat = rng.uniform(0.12, 1.0, n)
    ev = rng.uniform(0.36, 1.0, n)
    projects = rng.choice([2, 3, 4, 5, 6], n, p=[0.06, 0.33, 0.34, 0.2, 0.07])
    hours = rng.integers(96, 288, n)
    tenure = rng.choice([2, 3, 4, 5, 6, 7, 8, 10], n, p=[0.25, 0.42, 0.16, 0.07, 0.05, 0.02, 0.015, 0.015])
    # Leavers: burnt-out (low satisfaction, many projects, long hours), under-used (mid satisfaction, few
    # projects, short hours), high performers leaving after 5-6 years; a third of leavers look like stayers.
    typical = left & (rng.random(n) < 0.85)
    c0, c1, c2 = typical & (cluster == 0), typical & (cluster == 1), typical & (cluster == 2)
    sat[c0], ev[c0] = rng.uniform(0.09, 0.12, c0.sum()), rng.uniform(0.77, 1.0, c0.sum())
    projects[c0], hours[c0], tenure[c0] = rng.choice([6, 7], c0.sum()), rng.integers(240, 311, c0.sum()), 4
    sat[c1], ev[c1] = rng.uniform(0.37, 0.46, c1.sum()), rng.uniform(0.45, 0.57, c1.sum())
    projects[c1], hours[c1], tenure[c1] = 2, rng.integers(126, 162, c1.sum()), 3
    sat[c2], ev[c2] = rng.uniform(0.72, 0.92, c2.sum()), rng.uniform(0.8, 1.0, c2.sum())
    projects[c2], hours[c2], tenure[c2] = rng.choice([4, 5], c2.sum()), rng.integers(215, 281, c2.sum()), 5
    frame = pd.DataFrame({
        "satisfaction_level": sat.round(2), "last_evaluation": ev.round(2), "number_project": projects,
        "average_montly_hours": hours, "time_spend_company": tenure,
        "Work_accident": (rng.random(n) < np.where(left, 0.05, 0.17)).astype(int), "left": left.astype(int),
        "promotion_last_5years": (rng.random(n) < np.where(left, 0.005, 0.026)).astype(int),
        "sales": _pick(rng, ["sales", "technical", "support", "IT", "product_mng", "marketing", "RandD",
                             "accounting", "hr", "management"], [28, 18, 15, 8, 6, 6, 5, 5, 5, 4], n),
        "salary": np.where(left, _pick(rng, ["low", "medium", "high"], [61, 37, 2], n),
                           _pick(rng, ["low", "medium", "high"], [45, 45, 10], n)),
    })
    # The public file repeats about a fifth of its rows exactly.
    rows = np.arange(n)
    copies = rng.random(n) < 0.2
    rows[copies] = rng.integers(0, n, copies.sum())
    return frame.iloc[rows].reset_index(drop=True)
