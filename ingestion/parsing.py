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
import pyarrow as pa
import pyarrow.compute as pc

# Text that exports use for "no value".
NULL_TOKENS = frozenset({"", "null", "none", "nan", "nat", "n/a", "na", "#n/a", "\\n", "无", "空"})
TRUE_TOKENS = frozenset({"true", "t", "yes", "y", "1", "是", "对", "真", "1.0"})
_NULL_TOKENS = pa.array(sorted(NULL_TOKENS), type=pa.string())
FALSE_TOKENS = frozenset({"false", "f", "no", "n", "0", "否", "错", "假", "0.0"})

# Year-month-day with -, /, . or 年月日 separators, optionally followed by a time part.
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(.*))?$")
_COMPACT_YMD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# The same pattern for Arrow's RE2: Python's \d is any Unicode decimal digit, and its $ also matches before a final
# newline.
_NUMBER_RE2 = _NUMBER.pattern.replace(r"\d", r"\p{Nd}").removesuffix("$") + r"\n?$"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# Excel serial day numbers we accept as dates: 1954-10-03 .. 2119-01-06; outside that a number is not a date.
_EXCEL_MIN, _EXCEL_MAX = 20000, 80000


def _as_object(values: pd.Series) -> pd.Series:
    """Object dtype with None for missing: pandas 3 would otherwise infer its string dtype and NaN."""
    array = values.to_numpy(dtype=object, na_value=None)
    return pd.Series(array, index=values.index, dtype="object")


def clean_text(values: pd.Series) -> pd.Series:
    """Strip whitespace and turn the usual null spellings into None (vectorised in Arrow).

    Arrow's ``utf8_trim_whitespace`` strips exactly what ``str.strip`` strips (checked over every code point); its
    lower-casing differs from Python's on a few rare letters, none of which lower to a null spelling."""
    array = as_arrow_text(values)
    stripped = pc.utf8_trim_whitespace(array)
    null = pc.fill_null(pc.is_in(pc.utf8_lower(stripped), value_set=_NULL_TOKENS), True)
    cleaned = pc.if_else(null, pa.scalar(None, pa.string()), stripped)
    return pd.Series(cleaned.to_numpy(zero_copy_only=False), index=values.index, dtype="object")


def as_arrow_text(values: pd.Series) -> pa.StringArray:
    """Text cells as an Arrow string array (None and NaN become null); readers give str/None, and anything else
    (a number from a caller) becomes its text."""
    array = values.to_numpy(dtype=object)
    try:
        return pa.array(array, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([v if isinstance(v, str) or v is None or v != v else str(v) for v in array.tolist()],
                        type=pa.string(), from_pandas=True)


def number_like(values: pd.Series) -> pd.Series:
    """The cells that are plain numbers (``_NUMBER``), others None: the input of epoch and Excel-serial parsing."""
    array = as_arrow_text(values)
    matches = pc.fill_null(pc.match_substring_regex(array, _NUMBER_RE2), False)
    kept = pc.if_else(matches, array, pa.scalar(None, pa.string()))
    return pd.Series(kept.to_numpy(zero_copy_only=False), index=values.index, dtype="object")


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


_YMD_PATTERN = r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]+(.*))?$"


def _ymd_frame(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split ``2024-03-05``/``2024/3/5``/``2024年3月5日``/``20240305`` (+ optional time) into ISO date text and
    time text, vectorised."""
    text = values.astype("object")
    parts = text.str.extract(_YMD_PATTERN)
    compact = text.str.extract(_COMPACT_YMD.pattern)
    year = parts[0].fillna(compact[0])
    month = parts[1].fillna(compact[1])
    day = parts[2].fillna(compact[2])
    date_part = _as_object(year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2))
    time_part = _as_object(parts[3].str.strip())
    return date_part, time_part


def _excel_serial(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(number_like(values), errors="coerce")
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


def _assign_iso(out: pd.Series, candidate: pd.Series, naive_timezone: str) -> None:
    # Python's \d and $ read as RE2 reads them (see _NUMBER_RE2)
    offset = pc.match_substring_regex(as_arrow_text(candidate), r"(?:[+-]\p{Nd}{2}:?\p{Nd}{2}|Z)\n?$")
    has_offset = pd.Series(pc.fill_null(offset, False).to_numpy(zero_copy_only=False), index=candidate.index)
    aware = pd.to_datetime(candidate[has_offset], format="ISO8601", utc=True, errors="coerce")
    naive = pd.to_datetime(candidate[~has_offset], format="ISO8601", errors="coerce")
    if len(naive):
        naive = naive.dt.tz_localize(naive_timezone, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    _assign(out, aware.index[aware.notna()], aware.dropna())
    _assign(out, naive.index[naive.notna()], naive.dropna())


def parse_timestamp(
    values: pd.Series, naive_timezone: str = "UTC", extra_formats: Sequence[str] = ()
) -> tuple[pd.Series, pd.Series]:
    """Timestamps as ISO-8601 (with or without offset), epoch seconds/milliseconds, Excel serials or dates.

    Values without an offset are read in ``naive_timezone``. Result is timezone-aware UTC.
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    text = values.where(_present(values), None)

    numeric = pd.to_numeric(number_like(text), errors="coerce")
    epoch_ms = numeric >= 1e11
    epoch_s = (numeric >= 1e8) & ~epoch_ms
    # Through integer microseconds: Slack's "1700000000.000100" must not pick up float noise.
    micros = (numeric * np.where(epoch_ms, 1e3, 1e6)).round()
    epoch = epoch_ms | epoch_s
    if epoch.any():
        _assign(out, epoch, pd.to_datetime(micros[epoch].astype("int64"), unit="us", utc=True))

    rest = out.isna() & text.notna() & numeric.isna()
    if rest.any():
        _assign_iso(out, text[rest], naive_timezone)  # fast path: most exports are ISO-8601 already
    rest = out.isna() & text.notna() & numeric.isna()
    if rest.any():
        # Chinese/slash dates (+ optional time) normalised to ISO, then parsed the same way.
        date_part, time_part = _ymd_frame(text[rest])
        iso = pd.Series([None if d is None else (f"{d} {t}" if t else d)
                         for d, t in zip(date_part.tolist(), time_part.tolist(), strict=True)],
                        index=date_part.index, dtype="object")
        _assign_iso(out, iso.dropna(), naive_timezone)

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
