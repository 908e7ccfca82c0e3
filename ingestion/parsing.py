"""Vectorised parsing of exported text values into contract types.

Every parser takes a Series of ``str``/``None`` and returns ``(values, bad)``: the converted values and a
boolean mask of cells that held something but could not be parsed. Missing stays missing; deciding whether a
missing value is allowed is the validator's job.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

# Text that exports use for "no value".
NULL_TOKENS = frozenset({"", "null", "none", "nan", "nat", "n/a", "na", "#n/a", "\\n", "无", "空"})
TRUE_TOKENS = frozenset({"true", "t", "yes", "y", "1", "是", "对", "真", "1.0"})
FALSE_TOKENS = frozenset({"false", "f", "no", "n", "0", "否", "错", "假", "0.0"})

# Year-month-day with -, /, . or 年月日 separators, optionally followed by a time part.
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(.*))?$")
_COMPACT_YMD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial day numbers we accept as dates: 1954-10-03 .. 2119-01-06; outside that a number is not a date.
_EXCEL_MIN, _EXCEL_MAX = 20000, 80000


def clean_text(values: pd.Series) -> pd.Series:
    """Strip whitespace and turn the usual null spellings into None."""
    def _one(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return None
        text = value.strip() if isinstance(value, str) else str(value).strip()
        return None if text.lower() in NULL_TOKENS else text

    return pd.Series([_one(v) for v in values.tolist()], index=values.index, dtype="object")


def _present(values: pd.Series) -> pd.Series:
    return values.notna()


def parse_string(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    return values, pd.Series(False, index=values.index)


def parse_boolean(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    lowered = values.map(lambda v: v.lower() if isinstance(v, str) else v)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[lowered.isin(TRUE_TOKENS)] = True
    out[lowered.isin(FALSE_TOKENS)] = False
    bad = _present(values) & out.isna()
    return out, bad


def _numeric_text(values: pd.Series) -> pd.Series:
    # Thousands separators, currency signs and spaces appear in HR exports ("¥12,000").
    return values.map(lambda v: re.sub(r"[,\s¥$€£￥]", "", v) if isinstance(v, str) else v)


def parse_number(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _numeric_text(values)
    ok = text.map(lambda v: isinstance(v, str) and bool(_NUMBER.match(v)))
    out = pd.to_numeric(text.where(ok, None), errors="coerce").astype("Float64")
    bad = _present(values) & out.isna()
    return out, bad


def parse_integer(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    numbers, bad = parse_number(values)
    whole = numbers.notna() & (numbers.round() == numbers)
    out = numbers.where(whole).astype("Int64")
    bad = bad | (numbers.notna() & ~whole)
    return out, bad


def _ymd_frame(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split ``2024-03-05``/``2024/3/5``/``2024年3月5日`` (+ optional time) into ISO date text and time text."""
    date_part = pd.Series(None, index=values.index, dtype="object")
    time_part = pd.Series(None, index=values.index, dtype="object")
    for idx, value in values.items():
        if not isinstance(value, str):
            continue
        match = _YMD.match(value) or _COMPACT_YMD.match(value)
        if match:
            year, month, day = match.group(1), match.group(2), match.group(3)
            date_part[idx] = f"{year}-{int(month):02d}-{int(day):02d}"
            if match.re is _YMD and match.group(4):
                time_part[idx] = match.group(4).strip()
    return date_part, time_part


def _excel_serial(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values.map(lambda v: v if isinstance(v, str) and _NUMBER.match(v) else None),
                            errors="coerce")
    in_range = numbers.between(_EXCEL_MIN, _EXCEL_MAX)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    if in_range.any():
        out[in_range] = _EXCEL_EPOCH + pd.to_timedelta(numbers[in_range] * 86400, unit="s").dt.round("s")
    return out


def parse_date(values: pd.Series, extra_formats: Sequence[str] = ()) -> tuple[pd.Series, pd.Series]:
    """Dates in ISO, slash, Chinese (``2024年3月5日``), compact, Excel-serial or any ``extra_formats``."""
    date_part, _ = _ymd_frame(values)
    out = pd.to_datetime(date_part, format="%Y-%m-%d", errors="coerce")
    serial = _excel_serial(values)
    out = out.fillna(serial.dt.normalize())
    for fmt in extra_formats:
        missing = out.isna() & _present(values)
        if missing.any():
            out[missing] = pd.to_datetime(values[missing], format=fmt, errors="coerce")
    out = out.dt.date.astype("object").where(out.notna(), None)
    bad = _present(values) & out.isna()
    return out, bad


def _assign(out: pd.Series, where: pd.Series | pd.Index, values: pd.Series) -> None:
    """Write parsed values into ``out`` at the same unit (pandas refuses silent unit changes)."""
    if len(values):
        out.loc[where] = values.dt.as_unit("us").astype(out.dtype)


def parse_timestamp(
    values: pd.Series, naive_timezone: str = "UTC", extra_formats: Sequence[str] = ()
) -> tuple[pd.Series, pd.Series]:
    """Timestamps as ISO-8601 (with or without offset), epoch seconds/milliseconds, Excel serials or dates.

    Values without an offset are read in ``naive_timezone``. Result is timezone-aware UTC.
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    text = values.where(_present(values), None)

    numeric = pd.to_numeric(text.map(lambda v: v if isinstance(v, str) and _NUMBER.match(v) else None),
                            errors="coerce")
    epoch_ms = numeric >= 1e11
    epoch_s = (numeric >= 1e8) & ~epoch_ms
    # Through integer microseconds: Slack's "1700000000.000100" must not pick up float noise.
    micros = (numeric * np.where(epoch_ms, 1e3, 1e6)).round()
    epoch = epoch_ms | epoch_s
    if epoch.any():
        _assign(out, epoch, pd.to_datetime(micros[epoch].astype("int64"), unit="us", utc=True))

    rest = out.isna() & text.notna() & numeric.isna()
    if rest.any():
        # Normalise Chinese/slash dates to ISO first, keeping any time part.
        date_part, time_part = _ymd_frame(text[rest])
        iso = date_part.where(date_part.isna(), date_part + time_part.map(lambda t: f" {t}" if t else ""))
        candidate = iso.fillna(text[rest])
        has_offset = candidate.str.contains(r"(?:[+-]\d{2}:?\d{2}|Z)$", regex=True, na=False)
        aware = pd.to_datetime(candidate[has_offset], format="ISO8601", utc=True, errors="coerce")
        naive = pd.to_datetime(candidate[~has_offset], format="ISO8601", errors="coerce")
        if len(naive):
            naive = naive.dt.tz_localize(naive_timezone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
        _assign(out, aware.index, aware)
        _assign(out, naive.index, naive)

    serial_days = numeric.between(_EXCEL_MIN, _EXCEL_MAX)
    if serial_days.any():
        local = _excel_serial(text[serial_days])
        _assign(out, serial_days,
                local.dt.tz_localize(naive_timezone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC"))
    for fmt in extra_formats:
        missing = out.isna() & text.notna()
        if missing.any():
            parsed = pd.to_datetime(text[missing], format=fmt, errors="coerce")
            if parsed.dt.tz is None:
                parsed = parsed.dt.tz_localize(naive_timezone, ambiguous="NaT", nonexistent="NaT")
            _assign(out, missing, parsed.dt.tz_convert("UTC"))
    bad = text.notna() & out.isna()
    return out, bad


def keyed_hash(values: pd.Series, key: bytes) -> pd.Series:
    """HMAC-SHA256 of normalised identifiers (upper-case, no spaces): equal inputs stay equal, but the value
    cannot be recovered by hashing guesses without the installation's key."""
    def _one(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        normalised = re.sub(r"\s+", "", value).upper()
        return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()

    return pd.Series([_one(v) for v in values.tolist()], index=values.index, dtype="object")


PARSERS = {
    "string": parse_string,
    "boolean": parse_boolean,
    "integer": parse_integer,
    "number": parse_number,
}


def as_object_array(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=object)
