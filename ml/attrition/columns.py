"""Value coercion and column-name vocabulary shared by profiling, leakage screening and slicing.

Exports arrive with numbers as text ("1,234", "12%"), dates in several formats ("2024-03-05", "3/5/2024",
"2024年3月5日") and stray whitespace; these helpers turn them into floats, timestamps and clean strings the
same way at profiling time and at scoring time.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MISSING_CATEGORY = "(missing)"

_NUMBER_JUNK = re.compile(r"^[\s$€£¥￥]+|[\s%]+$")
# "1,234", "$12,345.50", "1,234%": the whole value in US thousands notation (first group 1-9, then ",ddd"
# groups). Matching the whole value keeps "0,125" (a decimal comma, 0.125) from being read as 125.
_THOUSANDS = re.compile(r"^\s*[-+]?[$€£¥￥]?\s*[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?\s*%?\s*$")
_DATE_LIKE = re.compile(r"^\s*\d{1,4}[-/.年]\d{1,2}[-/.月]\d{1,4}日?([ T]\d{1,2}:\d{2}(:\d{2})?(\.\d+)?)?\s*$")

# Column-name words (see ``name_words``) that identify a person or a place rather than describe them.
PII_WORDS = frozenset({"email", "mail", "e-mail", "phone", "mobile", "tel", "telephone", "cell", "address", "street",
                       "zip", "zipcode", "postcode", "postal", "ssn", "passport", "nationalid", "idcard", "iban",
                       "surname", "firstname", "lastname", "fullname", "username", "login", "ip"})
PII_CJK = ("姓名", "名字", "邮箱", "电话", "手机", "地址", "邮编", "身份证", "护照", "银行卡")
PERSON_WORDS = frozenset({"employee", "emp", "full", "first", "last", "given", "family", "middle", "person",
                          "manager", "supervisor", "candidate", "staff", "user", "worker", "leader", "contact"})
ID_WORDS = frozenset({"id", "uuid", "guid", "key", "pk", "identifier"})
ID_TAIL_WORDS = frozenset({"number", "no", "num", "nr", "code"})  # only when the last word: EmployeeNumber
ID_CJK = ("编号", "工号", "序号", "代码", "账号")
# Names of columns that typically record what happened *because* the person left.
LEAK_WORDS = frozenset({"termination", "terminated", "term", "termd", "exit", "exited", "resignation", "resigned",
                        "separation", "separated", "leaving", "leaver", "departure", "offboarding", "quit",
                        "status", "reason", "attrition", "churn", "left"})
LEAK_CJK = ("离职", "辞职", "流失", "退出")
BIRTH_WORDS = frozenset({"birth", "dob", "birthdate", "birthday"})
BIRTH_CJK = ("出生", "生日")


def name_words(name: object) -> list[str]:
    """Lower-case words of a column name: ``EmployeeNumber`` → employee, number; ``date_of_birth`` → date,
    of, birth; ``HR_ID`` → hr, id. CJK runs stay whole (matched by substring elsewhere)."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    return [w for w in re.split(r"[^0-9a-zA-Z\u4e00-\u9fff]+", text.lower()) if w]


def has_word(name: object, words: frozenset[str], cjk: tuple[str, ...] = ()) -> bool:
    return bool(set(name_words(name)) & words) or any(c in str(name) for c in cjk)


def looks_like_person_name_column(name: object) -> bool:
    words = name_words(name)
    if "姓名" in str(name) or "名字" in str(name):
        return True
    return "name" in words and (len(words) == 1 or bool(set(words) & PERSON_WORDS))


def looks_like_id_column(name: object) -> bool:
    words = name_words(name)
    return (bool(set(words) & ID_WORDS) or (bool(words) and words[-1] in ID_TAIL_WORDS)
            or any(c in str(name) for c in ID_CJK))


def is_birth_column(name: object) -> bool:
    return has_word(name, BIRTH_WORDS, BIRTH_CJK)


def _strings(series: pd.Series) -> pd.Series:
    """Pandas string dtype, stripped, empty as missing; integer-valued floats print without ".0"."""
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype(object).map(lambda v: _text(v) if pd.notna(v) else None)
        return values.astype("string")
    out = series.astype("string").str.strip()
    return out.mask(out == "")


def _text(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def clean_text(series: pd.Series) -> pd.Series:
    """Strings stripped, empty strings as missing (None), object dtype (what sklearn's encoders expect)."""
    out = _strings(series)
    return out.astype(object).where(out.notna(), None)


def to_number(series: pd.Series) -> pd.Series:
    """Floats from numbers, booleans or numeric text; anything else becomes NaN (never a made-up value)."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float)
    if pd.api.types.is_numeric_dtype(series):
        return pd.to_numeric(series, errors="coerce").astype(float).replace([np.inf, -np.inf], np.nan)
    text = _strings(series)
    bools = text.str.lower().map({"true": 1.0, "false": 0.0}).astype(float)
    thousands = text.str.match(_THOUSANDS).fillna(False).astype(bool)
    text = text.mask(thousands, text.str.replace(",", "", regex=False))
    text = text.str.replace(_NUMBER_JUNK, "", regex=True)
    out = pd.to_numeric(text.astype(object).where(text.notna(), None), errors="coerce").astype(float)
    return out.fillna(bools).replace([np.inf, -np.inf], np.nan)


def to_date(series: pd.Series, past: bool = False) -> pd.Series:
    """Timestamps (naive) from datetimes or date text; unparseable values become NaT. ``past`` (birth dates):
    a two-digit year read as a future date ("07/10/68" → 2068) is moved back a century."""
    if pd.api.types.is_datetime64_any_dtype(series):
        out = series
    else:
        text = _strings(series).str.replace(r"[年月]", "-", regex=True).str.replace("日", "", regex=False)
        out = pd.to_datetime(text.astype(object).where(text.notna(), None), errors="coerce", format="mixed")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_localize(None)
    out = out.astype("datetime64[ns]")
    if past:
        future = out > pd.Timestamp.today()
        out = out.where(~future, out - pd.DateOffset(years=100))
    return out


def date_like_share(series: pd.Series) -> float:
    """Share of non-missing values that look like a calendar date (checked on a sample, cheap)."""
    text = clean_text(series).dropna()
    if text.empty:
        return 0.0
    sample = text.sample(500, random_state=0) if len(text) > 500 else text
    return float(sample.astype("string").str.match(_DATE_LIKE).mean())


def years_before(dates: pd.Series, reference: pd.Series | pd.Timestamp) -> pd.Series:
    """Years from each date to the reference date (tenure, age); NaN where either is missing."""
    return (reference - dates).dt.days.astype(float) / 365.25


def as_time(values: pd.Series) -> pd.Series:
    """A time column as timestamps, or as numbers (periods, years) when it holds no dates."""
    numbers = to_number(values)
    if numbers.notna().mean() > 0.95 and not pd.api.types.is_datetime64_any_dtype(values):
        if numbers.dropna().between(1900, 2200).all() and (numbers.dropna() % 1 == 0).all():
            return pd.to_datetime(numbers.astype("Int64").astype(str), format="%Y", errors="coerce")  # years
        return numbers
    return to_date(values)
