"""Where tables become files: applies row-level dirt (duplicates, malformed rows), writes, counts rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import dirt, writers
from . import timeutil as tu
from .config import GeneratorConfig


def lookup(values: np.ndarray | list | tuple | pa.Array, idx: np.ndarray) -> pa.Array:
    """values[idx] as an Arrow string array (idx large; -1 -> null). Values already in Arrow are taken as they
    are (millions of candidate ids); others are a small lookup."""
    idx = np.asarray(idx, dtype=np.int64)
    if isinstance(values, pa.Array):
        return pc.take(values, pa.array(np.where(idx < 0, None, idx), pa.int64()))
    table = pa.array(list(values) + [None], pa.string())
    return pc.take(table, pa.array(np.where(idx < 0, len(values), idx)))


def iso_days(days: np.ndarray) -> pa.Array:
    """ISO dates as Arrow strings; sentinels (never / still employed) -> null."""
    days = np.asarray(days, dtype=np.int64)
    ok = (days > -100_000) & (days < 10_000_000)
    if not ok.any():
        return pa.nulls(len(days), pa.string())
    lo, hi = int(days[ok].min()), int(days[ok].max())
    return lookup(list(tu.iso(np.arange(lo, hi + 1))), np.where(ok, days - lo, -1))


def as_table(df: pd.DataFrame | dict) -> dirt.Table:
    """Column dict of numpy arrays (strings as object arrays) or Arrow arrays; pandas frames converted once."""
    if isinstance(df, pd.DataFrame):
        df = {c: df[c] for c in df.columns}
    n = max((len(v) for v in df.values() if isinstance(v, pa.Array) or np.ndim(v) > 0), default=0)
    out = {}
    for c, v in df.items():
        if isinstance(v, pa.Array):
            pass
        elif isinstance(v, pd.Series):
            v = v.to_numpy(dtype=object) if v.dtype == "str" or v.dtype == object else v.to_numpy()
        elif np.ndim(v) == 0:
            v = np.full(n, v, dtype=object)
        else:
            v = np.asarray(v)
            if v.dtype.kind == "U":
                v = v.astype(object)
        out[str(c)] = v
    return out


class Sink:
    def __init__(self, root: Path, cfg: GeneratorConfig) -> None:
        self.root = root
        self.cfg = cfg
        self.log = dirt.DirtLog()
        self.counts: dict[str, int] = {}

    def _rel(self, p: Path) -> str:
        return p.relative_to(self.root).as_posix()

    def _rows_dirt(self, rel: str, df: dirt.Table, id_col: str | None, date_col: str | None, csv: bool,
                   dup: bool) -> tuple[dirt.Table, np.ndarray]:
        rng = self.cfg.rng("rows:" + rel)
        if dup:
            df = dirt.duplicate_rows(df, rng, self.cfg.dirt_rate * self.cfg.duplicate_rate_factor, self.log, rel)
        short = dirt.malformed(df, rng, self.cfg.malformed_rate, self.log, rel, id_col=id_col, date_col=date_col,
                               csv=csv) if (id_col or date_col) and self.cfg.malformed_rate > 0 else np.zeros(0)
        return df, short

    def csv(self, rel: str, df: pd.DataFrame | dirt.Table, *, encoding: str = "utf-8", id_col: str | None = None,
            date_col: str | None = None, dup: bool = True) -> None:
        t, short = self._rows_dirt(rel, as_table(df), id_col, date_col, True, dup)
        self.counts[rel] = writers.write_csv(t, self.root / rel, encoding=encoding, short_rows=short)

    def arrow_csv(self, rel: str, table: pa.Table, *, id_col: str, date_col: str) -> None:
        """Large tables built in pyarrow: only malformed rows (missing id, impossible timestamp) are injected."""
        rng = self.cfg.rng("rows:" + rel)
        n = table.num_rows
        k = rng.binomial(n, self.cfg.malformed_rate) if n else 0
        rows = np.sort(rng.choice(n, k, replace=False)) if k else np.zeros(0, np.int64)
        bad_id = rows[rng.random(k) < 0.5]
        bad_date = np.setdiff1d(rows, bad_id)
        for col, sel, value, label in ((id_col, bad_id, None, "missing_required_id"),
                                       (date_col, bad_date, "2024-13-45T25:61:00+08:00", "unparseable_date")):
            if len(sel):
                mask = np.zeros(n, bool)
                mask[sel] = True
                i = table.column_names.index(col)
                table = table.set_column(i, col, pc.if_else(pa.array(mask), pa.scalar(value, pa.string()),
                                                            table.column(i)))
                self.log.add(rel, sel, label, col)
        self.counts[rel] = writers.write_csv(table, self.root / rel)

    def xlsx(self, rel: str, df: pd.DataFrame | dirt.Table, *, date_cols: tuple[str, ...] = (),
             id_col: str | None = None, date_col: str | None = None, dup: bool = True) -> None:
        df, _ = self._rows_dirt(rel, as_table(df), id_col, date_col, False, dup)
        for p, n in writers.write_xlsx(df, self.root / rel, self.cfg.as_of, date_cols).items():
            self.counts[self._rel(p)] = n

    def json(self, rel: str, obj: list | dict, n: int, indent: int | None = 2) -> None:
        writers.write_json(obj, self.root / rel, indent)
        self.counts[rel] = n

    def lines(self, rel: str, lines: list[str] | np.ndarray, broken: np.ndarray | None = None) -> None:
        """NDJSON; lines listed in `broken` are cut mid-object (invalid JSON) and logged."""
        lines = list(lines)
        if broken is not None and len(broken):
            for i in broken:
                lines[int(i)] = lines[int(i)][: max(len(lines[int(i)]) // 2, 1)]
            self.log.add(rel, np.asarray(broken), "invalid_json_line", header_lines=0)
        self.counts[rel] = writers.write_lines(lines, self.root / rel)
