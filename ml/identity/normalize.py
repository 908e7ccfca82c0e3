"""Raw person records -> one table of comparable values (see :func:`normalize_records`).

Every normaliser works on the *distinct* values of a column and maps back, so a million rows with repeated
cities, names or dates cost a fraction of a million Python calls. Missing or unusable values become ``None``:
the scorer treats them as "no evidence", never as a disagreement.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .config import ResolverConfig
from .names import ParsedName, fold_latin, hanzi_to_pinyin, has_hanzi, parse_full_name, parse_parts

FIELDS = ("full_name", "given_name", "family_name", "email", "phone", "birth_date", "national_id", "address",
          "city", "postcode")
# Other spellings of the input columns (first match wins when the canonical name is absent). They let public
# benchmark layouts (FEBRL, voter files) and HR exports run without renaming.
ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("name", "display_name", "real_name"),
    "given_name": ("first_name", "firstname", "givenname", "given", "forename"),
    "family_name": ("surname", "last_name", "lastname", "family"),
    "birth_date": ("date_of_birth", "dob", "birthdate", "birth_year"),
    "national_id": ("soc_sec_id", "ssn", "id_number", "national_id_hash"),
    "city": ("suburb", "town", "municipality"),
    "postcode": ("zip", "zipcode", "zip_code", "postal_code", "post_code"),
}
EXTRA_EMAILS = ("personal_email", "work_email", "email_2", "email2", "secondary_email")
EXTRA_PHONES = ("mobile", "phone_2", "phone2", "work_phone", "mobile_phone")
ADDRESS_PARTS = ("street_number", "address_1", "address_2", "street", "street_address")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_SPLIT = re.compile(r"[;,|\s]+")
_PHONE_SPLIT = re.compile(r"[;,|/]+")
_EXTENSION = re.compile(r"(?:ext\.?|x|#|转)\s*\d+\s*$", re.IGNORECASE)
_HEX_HASH = re.compile(r"^[0-9A-F]{32,}$")
_ID_JUNK = re.compile(r"[\s\-./]+")
_DATE_PATTERNS = (
    (re.compile(r"^(\d{4})[-/.年\s](\d{1,2})[-/.月\s](\d{1,2})日?(?:[ T].*)?$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})[-/.\s](\d{1,2})[-/.\s](\d{4})(?:[ T].*)?$"), "dmy"),
    (re.compile(r"^(\d{4})$"), "y"),
    (re.compile(r"^(\d{5})(?:\.0+)?$"), "serial"),
)
_EXCEL_EPOCH = date(1899, 12, 30)
# Token-level abbreviations: both spellings compare equal after this.
ADDRESS_ABBREVIATIONS = {
    "st": "street", "str": "street", "rd": "road", "ave": "avenue", "av": "avenue", "pl": "place",
    "cres": "crescent", "cr": "crescent", "dr": "drive", "drv": "drive", "ct": "court", "crt": "court",
    "ln": "lane", "hwy": "highway", "blvd": "boulevard", "pde": "parade", "cct": "circuit", "cir": "circuit",
    "tce": "terrace", "ter": "terrace", "sq": "square", "pkwy": "parkway", "mt": "mount", "apt": "apartment",
    "bldg": "building", "fl": "floor", "n": "north", "s": "south", "e": "east", "w": "west", "nth": "north",
    "sth": "south", "cl": "close", "gr": "grove", "hts": "heights", "jct": "junction", "rte": "route",
}
_PLACE_SUFFIX = re.compile(r"[市县區区]$")


def _present(value: object) -> bool:
    return isinstance(value, str) and value.strip() != "" or (
        value is not None and not isinstance(value, str) and not pd.isna(value))


def _text(value: object) -> str | None:
    if not _present(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip() or None


def map_unique(values: pd.Series, fn: Callable[[object], object], width: int = 0) -> np.ndarray | list[np.ndarray]:
    """``fn`` of every value, computed once per distinct value. ``width`` > 0: ``fn`` returns a tuple and one
    array per tuple position is returned."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [fn(u) for u in uniques] + [fn(None)]
    codes = np.where(codes < 0, len(uniques), codes)
    if not width:
        arr = np.empty(len(mapped), dtype=object)
        arr[:] = mapped
        return arr[codes]
    return [np.array([m[i] for m in mapped], dtype=object)[codes] for i in range(width)]


# ----------------------------------------------------------------------------------------------- values
def normalize_emails(value: object) -> list[str]:
    """All usable e-mail addresses in a cell, lower-cased ("a@x.com; B@Y.com" -> two)."""
    text = _text(value)
    if text is None:
        return []
    out = []
    for part in _EMAIL_SPLIT.split(text.lower().removeprefix("mailto:")):
        part = part.strip("<>\"'()[]")
        if _EMAIL.match(part) and part not in out:
            out.append(part)
    return out


def email_local(email: str | None) -> str | None:
    """The local part without dots, digits or +tags: a weak, name-like signal ("wei.zhang88" -> "weizhang")."""
    if not email:
        return None
    local = email.split("@", 1)[0].split("+", 1)[0]
    letters = re.sub(r"[^a-z]", "", local)
    return letters if len(letters) >= 4 else None


def normalize_phone(value: object, country_code: str = "86") -> str | None:
    """E.164-style digits without '+': '+86 138-0013-8000', '0086 13800138000', '13800138000' -> '8613800138000'.

    International prefixes ('+', '00') keep their country code; a national number drops its trunk '0' and
    gets ``country_code``. Fewer than 7 digits is not a usable phone."""
    text = _text(value)
    if text is None:
        return None
    text = _EXTENSION.sub("", text)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        e164 = digits
    elif digits.startswith("00"):
        e164 = digits[2:]
    elif digits.startswith(country_code) and len(digits) - len(country_code) >= 10:
        e164 = digits  # country code written without '+': 8613800138000
    else:
        e164 = country_code + digits.lstrip("0")
    return e164 if len(e164) >= 8 else None


def phone_key(e164: str | None, ndigits: int = 10) -> str | None:
    """The comparison key: last ``ndigits`` digits, so formats with or without country code agree."""
    return e164[-ndigits:] if e164 else None


def normalize_phones(value: object, country_code: str, ndigits: int) -> list[str]:
    text = _text(value)
    if text is None:
        return []
    keys: list[str] = []
    for part in _PHONE_SPLIT.split(text):
        key = phone_key(normalize_phone(part, country_code), ndigits)
        if key and key not in keys:
            keys.append(key)
    return keys


def parse_birth_date(value: object, dayfirst: bool = True) -> tuple[str | None, str | None]:
    """(YYYYMMDD, YYYY) from ISO, slashed, 年月日, compact, day-first/month-first, year-only or Excel serial."""
    if isinstance(value, pd.Timestamp | date):
        return value.strftime("%Y%m%d"), value.strftime("%Y")
    text = _text(value)
    if text is None:
        return None, None
    for pattern, kind in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        try:
            if kind == "y":
                year = int(m.group(1))
                return (None, str(year)) if 1850 <= year <= 2100 else (None, None)
            if kind == "serial":
                d = _EXCEL_EPOCH + timedelta(days=int(m.group(1)))
            elif kind == "ymd":
                d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            else:
                a, b = int(m.group(1)), int(m.group(2))
                day, month = (a, b) if (dayfirst and b <= 12) or a > 12 else (b, a)
                d = date(int(m.group(3)), month, day)
        except ValueError:
            return None, None
        if 1850 <= d.year <= 2100:
            return d.strftime("%Y%m%d"), str(d.year)
        return None, None
    return None, None


def normalize_id(value: object) -> tuple[str | None, bool]:
    """(id, looks_hashed). Upper-case without spaces/dashes; hex digests are flagged: only equality counts."""
    text = _text(value)
    if text is None:
        return None, False
    ident = _ID_JUNK.sub("", text.upper())
    if not ident or set(ident) <= {"0", "X", "*"}:  # masked or placeholder
        return None, False
    return ident, bool(_HEX_HASH.match(ident))


def normalize_address(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if has_hanzi(text):
        return re.sub(r"\s+", "", text)
    tokens = [ADDRESS_ABBREVIATIONS.get(t, t) for t in fold_latin(text).replace(",", " ").split()]
    return " ".join(tokens) or None


def normalize_place(value: object) -> str | None:
    """City / suburb: lower-case latin; Hanzi to pinyin ("深圳市" -> "shenzhen") so both scripts agree."""
    text = _text(value)
    if text is None:
        return None
    if has_hanzi(text):
        return hanzi_to_pinyin(_PLACE_SUFFIX.sub("", text)) or None
    return " ".join(fold_latin(text).replace(",", " ").split()) or None


def normalize_postcode(value: object) -> str | None:
    text = _text(value)
    if text is None:
        return None
    code = re.sub(r"[^0-9A-Z]", "", text.upper())
    return code or None


# ----------------------------------------------------------------------------------------------- table
def canonical_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Rename alias columns (case/space-insensitive) to the canonical field names; other columns are kept."""
    lookup = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()): c for c in df.columns}
    rename = {}
    for field in FIELDS:
        if field in df.columns:
            continue
        for name in (field, *ALIASES.get(field, ())):
            if name in lookup and lookup[name] not in rename:
                rename[lookup[name]] = field
                break
    return df.rename(columns=rename)


def _columns(df: pd.DataFrame, names: Iterable[str]) -> list[str]:
    lookup = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()): c for c in df.columns}
    return [lookup[n] for n in names if n in lookup]


def _vector_emails(text: pd.Series) -> np.ndarray:
    s = text.str.lower().str.removeprefix("mailto:").str.strip("<>\"'()[] ")
    return s.where(s.str.match(_EMAIL.pattern).fillna(False)).to_numpy(dtype=object, na_value=None)


def _vector_phone_keys(text: pd.Series, country_code: str, ndigits: int) -> np.ndarray:
    """Vectorised :func:`normalize_phone` + :func:`phone_key` (same rules, whole column at once)."""
    text = text.str.strip()
    digits = text.str.replace(_EXTENSION.pattern, "", regex=True, case=False).str.replace(r"\D", "", regex=True)
    plus = text.str.startswith("+").fillna(False)
    intl = digits.str.startswith("00").fillna(False)
    with_cc = (digits.str.startswith(country_code) & (digits.str.len() - len(country_code) >= 10)).fillna(False)
    e164 = (country_code + digits.str.lstrip("0")).where(~(plus | with_cc), digits)
    e164 = e164.where(~intl | plus, digits.str[2:])
    e164 = e164.where(e164.str.len() >= 8)
    return e164.str[-ndigits:].to_numpy(dtype=object, na_value=None)


def _value_slots(df: pd.DataFrame, cols: list[str], separators: str, vector: Callable[[pd.Series], np.ndarray],
                 scalar: Callable[[object], list[str]], k: int = 2) -> list[np.ndarray]:
    """Up to ``k`` distinct normalised values per row, from several columns whose cells may hold several
    values ("a@x.com; b@y.com"). Single values (the usual case) are normalised vectorised."""
    n = len(df)
    candidates: list[np.ndarray] = []
    for col in cols:
        text = df[col].astype("string").str.strip()
        multi = text.str.contains(separators, regex=True).fillna(False).to_numpy()
        first = vector(text.where(~multi))
        if multi.any():  # rare: several values in one cell
            idx = np.flatnonzero(multi)
            lists = [scalar(v) for v in text.to_numpy(dtype=object)[idx]]
            first[idx] = [v[0] if v else None for v in lists]
            candidates.append(first)
            for j in range(1, k):
                extra = np.full(n, None, dtype=object)
                extra[idx] = [v[j] if len(v) > j else None for v in lists]
                candidates.append(extra)
        else:
            candidates.append(first)
    slots = [np.full(n, None, dtype=object) for _ in range(k)]
    for cand in candidates:
        has = pd.notna(cand)
        for j in range(k):
            dup = np.zeros(n, dtype=bool)
            for prev in slots[:j]:
                dup |= prev == cand
            free = has & pd.isna(slots[j]) & ~dup
            if j > 0:
                free &= pd.notna(slots[j - 1])
            slots[j][free] = cand[free]
            has &= ~free & ~dup
    return slots


def _names(df: pd.DataFrame) -> list[np.ndarray]:
    """The six :class:`ParsedName` fields as arrays; separate family/given columns win over full_name."""
    n = len(df)
    width = len(ParsedName._fields)
    out = [np.full(n, None, dtype=object) for _ in range(width)]
    if "family_name" in df.columns or "given_name" in df.columns:
        fam = df["family_name"] if "family_name" in df.columns else pd.Series([None] * n, index=df.index)
        giv = df["given_name"] if "given_name" in df.columns else pd.Series([None] * n, index=df.index)
        pair = fam.astype("string").fillna("") + "\x1f" + giv.astype("string").fillna("")
        out = map_unique(pair, lambda s: parse_parts(*(s.split("\x1f", 1) if isinstance(s, str) else ("", ""))),
                         width)
    if "full_name" in df.columns:
        full = map_unique(df["full_name"], parse_full_name, width)
        use = pd.isna(out[0]) & pd.isna(out[1])
        for i in range(width):
            out[i] = np.where(use, full[i], out[i])
    return out


def _email_local(emails: np.ndarray) -> np.ndarray:
    """Vectorised :func:`email_local`."""
    s = pd.Series(emails, dtype="string").str.replace(r"[@+].*$", "", regex=True).str.replace(r"[^a-z]", "",
                                                                                             regex=True)
    return s.where(s.str.len() >= 4).to_numpy(dtype=object, na_value=None)


def normalize_records(records: pd.DataFrame, config: ResolverConfig | None = None) -> pd.DataFrame:
    """Comparable columns, one row per input row (same order). Columns: ``record_id``, ``fam``, ``giv``,
    ``fam_alt``, ``giv_alt``, ``hz_fam``, ``hz_giv``, ``email1``, ``email2``, ``local1``, ``local2``,
    ``phone1``, ``phone2``, ``dob``, ``dob_year``, ``nid``, ``nid_hash``, ``address``, ``city``, ``postcode``.
    Absent inputs give all-``None`` columns."""
    cfg = config or ResolverConfig()
    df = canonical_columns(records)
    n = len(df)
    none = np.full(n, None, dtype=object)
    out: dict[str, np.ndarray] = {"record_id": df["record_id"].astype(str).to_numpy(dtype=object)}
    for col, values in zip(("fam", "giv", "fam_alt", "giv_alt", "hz_fam", "hz_giv"), _names(df), strict=True):
        out[col] = values
    out["email1"], out["email2"] = _value_slots(df, _columns(df, ("email", *EXTRA_EMAILS)), _EMAIL_SPLIT.pattern,
                                                _vector_emails, normalize_emails)
    out["local1"], out["local2"] = _email_local(out["email1"]), _email_local(out["email2"])
    out["phone1"], out["phone2"] = _value_slots(
        df, _columns(df, ("phone", *EXTRA_PHONES)), _PHONE_SPLIT.pattern,
        lambda t: _vector_phone_keys(t, cfg.country_code, cfg.phone_match_digits),
        lambda v: normalize_phones(v, cfg.country_code, cfg.phone_match_digits))
    if "birth_date" in df.columns:
        out["dob"], out["dob_year"] = map_unique(df["birth_date"], lambda v: parse_birth_date(v, cfg.dayfirst), 2)
    else:
        out["dob"], out["dob_year"] = none.copy(), none.copy()
    if "national_id" in df.columns:
        out["nid"], hashed = map_unique(df["national_id"], normalize_id, 2)
        out["nid_hash"] = hashed.astype(bool)
    else:
        out["nid"], out["nid_hash"] = none.copy(), np.zeros(n, dtype=bool)
    address_cols = _columns(df, ("address", *ADDRESS_PARTS))
    if address_cols:
        joined = df[address_cols[0]]
        if len(address_cols) > 1:  # FEBRL-style street_number / address_1 / address_2
            parts = [df[c].astype("string").fillna("") for c in address_cols]
            joined = parts[0].str.cat(parts[1:], sep=" ").str.strip().replace("", None)
        out["address"] = map_unique(joined, normalize_address)
    else:
        out["address"] = none.copy()
    out["city"] = map_unique(df["city"], normalize_place) if "city" in df else none.copy()
    out["postcode"] = map_unique(df["postcode"], normalize_postcode) if "postcode" in df else none.copy()
    # explicit dtypes: no string-type inference over a million rows
    return pd.DataFrame({k: pd.Series(v, dtype=v.dtype, copy=False) for k, v in out.items()})
