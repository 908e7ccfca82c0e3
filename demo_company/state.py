"""Employment-record state of the simulation (struct of arrays) and the event log behind job_history."""

from __future__ import annotations

import numpy as np

ACTIVE = np.int64(2**40)  # term day of records still employed
CHANGE_REASONS = ("hire", "rehire", "promotion", "transfer", "pay_change", "manager_change", "reorg", "demotion")
RC = {r: i for i, r in enumerate(CHANGE_REASONS)}
CHANNELS = ("referral", "job_board", "campus", "headhunter", "website", "event", "social", "other", "pre_ats")
CH = {c: i for i, c in enumerate(CHANNELS)}

_FIELDS: dict[str, tuple[type, object]] = {
    "person": (np.int64, -1), "dept": (np.int64, -1), "level": (np.int64, 0), "role": (np.int8, 0),
    "mgr": (np.int64, -1), "loc": (np.int64, 0), "hire": (np.int64, 0), "term": (np.int64, ACTIVE),
    "salary": (np.float64, 0.0), "rating": (np.int8, 3), "potential": (np.int8, 1), "key": (np.bool_, False),
    "eng": (np.float64, 0.0), "habit": (np.float64, 1.0), "pers1": (np.float64, 1.0),
    "last_mgr_change": (np.int64, -99), "last_promo": (np.int64, -99), "level_since": (np.int64, -99),
    "channel": (np.int8, 8), "referrer": (np.int64, -1), "prev_emp": (np.int64, -1), "night": (np.bool_, False),
    "vol": (np.bool_, False), "reason": (np.int8, -1), "regretted": (np.bool_, False),
    "hire_month": (np.int64, 0), "ot_prop": (np.float64, 1.0), "exit_m": (np.int64, 10**6),
}


class State:
    """Arrays indexed by employment record (employee_id = 'E' + index)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.cap = capacity
        for name, (dt, fill) in _FIELDS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dt))
        self.ev: list[tuple[np.ndarray, ...]] = []

    def add(self, k: int, **values: np.ndarray | float | int) -> np.ndarray:
        if self.n + k > self.cap:
            new_cap = max(2 * self.cap, self.n + k)
            for name, (dt, fill) in _FIELDS.items():
                arr = np.full(new_cap, fill, dtype=dt)
                arr[: self.n] = getattr(self, name)[: self.n]
                setattr(self, name, arr)
            self.cap = new_cap
        idx = np.arange(self.n, self.n + k)
        for name, v in values.items():
            getattr(self, name)[idx] = v
        self.n += k
        return idx

    def active(self, day: int) -> np.ndarray:
        """Records employed on `day`."""
        n = self.n
        return np.flatnonzero((self.hire[:n] <= day) & (self.term[:n] >= day))

    def active_between(self, first: int, last: int) -> np.ndarray:
        n = self.n
        return np.flatnonzero((self.hire[:n] <= last) & (self.term[:n] >= first))

    def record(self, emps: np.ndarray, days: np.ndarray | int, reason: str) -> None:
        """Snapshot of the records right after a change: one job_history row each."""
        emps = np.asarray(emps, dtype=np.int64)
        if len(emps) == 0:
            return
        d = np.broadcast_to(np.asarray(days, dtype=np.int64), emps.shape).copy()
        self.ev.append((emps, d, np.full(len(emps), RC[reason], np.int8), self.dept[emps].copy(),
                        self.level[emps].copy(), self.role[emps].copy(), self.mgr[emps].copy(),
                        self.loc[emps].copy(), self.salary[emps].copy()))

    def events(self) -> dict[str, np.ndarray]:
        cols = ("emp", "day", "reason", "dept", "level", "role", "mgr", "loc", "salary")
        if not self.ev:
            return {c: np.zeros(0) for c in cols}
        return {c: np.concatenate([e[i] for e in self.ev]) for i, c in enumerate(cols)}
