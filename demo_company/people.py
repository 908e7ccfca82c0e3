"""Humans behind every record: names, contact details, national id and latent traits.

A person exists once (person_id = row index in the Registry); employment records, candidate profiles,
event sign-ups and IM accounts all point to it, which is what the ground truth exposes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import timeutil as tu
from .name_bank import sample_names

# Region codes (first 6 digits of a PRC id) of districts that feed the company's sites.
REGION_CODES = np.array([
    "440305", "440304", "440306", "440307", "310115", "310104", "310112", "110108", "110105", "110101",
    "510107", "510104", "510122", "420106", "430104", "360102", "350203", "330106", "320106", "370102",
    "410105", "450103", "500103", "610113", "130104", "340104", "220104", "230103", "440106", "441900",
])
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = np.array(list("10X98765432"))
CN_MOBILE_PREFIX = np.array(["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                             "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "185", "186",
                             "187", "188", "189", "191", "198", "199"])
PERSONAL_DOMAINS_CN = np.array(["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com"])
PERSONAL_DOMAINS_INTL = np.array(["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"])
PERSON_COLUMNS = ["gender", "birth_day", "chinese", "family_name", "given_name", "family_latin", "given_latin",
                  "phone_cc", "phone", "personal_email", "national_id", "ability", "disposition",
                  "ot_propensity", "chattiness", "first_channel"]


def ascii_lower(a: pd.Series) -> pd.Series:
    return a.str.lower().str.replace("ü", "v").str.replace(r"[^a-z]", "", regex=True)


def national_ids(rng: np.random.Generator, birth_day: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Valid-looking 18-character PRC resident ids: region + YYYYMMDD + sequence (odd = male) + ISO 7064 check."""
    n = len(birth_day)
    region = REGION_CODES[rng.integers(0, len(REGION_CODES), n)].astype(np.int64)
    y, m, d = tu.ymd(birth_day)
    seq = rng.integers(0, 500, n) * 2 + np.where(male, 1, 0)
    body = region * 10**11 + (y * 10_000 + m * 100 + d) * 1000 + seq  # 17 digits, fits int64
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = ID_CHECK[(digits @ ID_WEIGHTS) % 11]
    return pa.compute.binary_join_element_wise(pa.array(body.astype(str)), pa.array(check), "").to_numpy(
        zero_copy_only=False).astype(object)


def mobile(rng: np.random.Generator, cc: np.ndarray) -> np.ndarray:
    """National significant number per country code (digits only), built arithmetically."""
    n = len(cc)
    cn = CN_MOBILE_PREFIX[rng.integers(0, len(CN_MOBILE_PREFIX), n)].astype(np.int64) * 10**8 + \
        rng.integers(0, 10**8, n)
    sg = rng.integers(8, 10, n) * 10**7 + rng.integers(0, 10**7, n)
    uk = 7 * 10**9 + rng.integers(10**8, 10**9, n)
    us = np.array([415, 628, 650, 510])[rng.integers(0, 4, n)] * 10**7 + rng.integers(2_000_000, 10**7, n)
    return np.select([cc == "86", cc == "65", cc == "44"], [cn, sg, uk], us).astype(str).astype(object)


def personal_emails(rng: np.random.Generator, fam: pd.Series, giv: pd.Series, chinese: np.ndarray,
                    birth_year: np.ndarray) -> np.ndarray:
    n = len(fam)
    f = pa.array(ascii_lower(pd.Series(np.asarray(fam, dtype=object), dtype="str"))).cast(pa.string())
    g = pa.array(ascii_lower(pd.Series(np.asarray(giv, dtype=object), dtype="str"))).cast(pa.string())
    num = pa.array(rng.integers(1, 999, n).astype(str))
    yy = pa.array((birth_year % 100).astype(str))
    yyyy = pa.array(birth_year.astype(str))
    style = rng.integers(0, 5, n)
    j = lambda *p: pc.binary_join_element_wise(*p, "")  # noqa: E731
    options = [j(f, g, num), j(g, ".", f), j(f, "_", g, yy), j(g, f, yyyy), j(g, f, num)]
    local = options[4]
    for k in range(4):
        local = pc.if_else(pa.array(style == k), options[k], local)
    qq = pa.array(rng.integers(10_000_000, 3_999_999_999, n).astype(str))
    dom_cn = PERSONAL_DOMAINS_CN[rng.integers(0, len(PERSONAL_DOMAINS_CN), n)]
    dom_in = PERSONAL_DOMAINS_INTL[rng.integers(0, len(PERSONAL_DOMAINS_INTL), n)]
    dom = np.where(chinese, dom_cn, dom_in)
    local = pc.if_else(pa.array(dom == "qq.com"), qq, local)
    return np.asarray(j(local, "@", pa.array(dom)).to_numpy(zero_copy_only=False), dtype=object)


STRING_COLUMNS = frozenset({"gender", "family_name", "given_name", "family_latin", "given_latin", "phone_cc", "phone",
                            "personal_email", "national_id", "first_channel"})


# People created per batch. Smaller than the candidate population of a 10k company, so the 1k and 10k demos are
# generated exactly as before; a 100k company's millions of candidates are created in batches of this size.
CREATE_CHUNK = 500_000


def _hash64(values: np.ndarray) -> np.ndarray:
    """Deterministic 64-bit hashes of strings (pandas' hash, fixed key): the same in every process and run."""
    return pd.util.hash_array(np.asarray(values, dtype=object), categorize=False)


class Registry:
    """All humans generated so far; person_id = index. Creation order is deterministic.

    Millions of candidates are created for a 100k company, so strings are kept as Arrow arrays (bytes plus an
    offset each, instead of a Python object each) and the mailbox set holds 64-bit hashes, not the addresses:
    this is what keeps the 100k generation within issue 14's memory budget."""

    def __init__(self) -> None:
        self._chunks: dict[str, list] = {c: [] for c in PERSON_COLUMNS}
        self._whole: dict[str, np.ndarray | pa.Array] = {}
        self.n = 0
        self._emails: set[int] = set()

    def _unique_emails(self, rng: np.random.Generator, emails: np.ndarray) -> np.ndarray:
        """A mailbox belongs to one human: namesakes get a number, as mail providers make them do."""
        out = emails.copy()
        seen = self._emails
        for i, h in enumerate(_hash64(out).tolist()):
            if h in seen:
                email = out[i]
                while h in seen:
                    local, domain = email.split("@", 1)
                    email = f"{local}{int(rng.integers(1, 10_000))}@{domain}"
                    h = int(_hash64(np.array([email], dtype=object))[0])
                out[i] = email
            seen.add(h)
        return out

    def create(self, rng: np.random.Generator, n: int, *, cc: np.ndarray, chinese: np.ndarray,
               age_lo: np.ndarray | float, age_hi: np.ndarray | float, ref_day: np.ndarray | int,
               first_channel: np.ndarray | str) -> np.ndarray:
        """Create n people; returns their person ids."""
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        if n > CREATE_CHUNK:  # bounded temporaries (names, addresses) when millions of candidates arrive at once
            part = lambda a, lo, hi: a[lo:hi] if np.ndim(a) else a  # noqa: E731
            return np.concatenate([
                self.create(rng, min(CREATE_CHUNK, n - lo), cc=part(cc, lo, lo + CREATE_CHUNK),
                            chinese=part(chinese, lo, lo + CREATE_CHUNK), age_lo=part(age_lo, lo, lo + CREATE_CHUNK),
                            age_hi=part(age_hi, lo, lo + CREATE_CHUNK), ref_day=part(ref_day, lo, lo + CREATE_CHUNK),
                            first_channel=part(first_channel, lo, lo + CREATE_CHUNK))
                for lo in range(0, n, CREATE_CHUNK)])
        gender = np.where(rng.random(n) < 0.46, "F", "M")
        gender[rng.random(n) < 0.002] = "X"
        age = age_lo + rng.beta(1.6, 3.2, n) * (np.asarray(age_hi) - np.asarray(age_lo))
        birth = (np.asarray(ref_day) - age * 365.25).astype(np.int64)
        names = sample_names(rng, gender, chinese)
        by = tu.ymd(birth)[0]
        cols = {
            "gender": gender, "birth_day": birth, "chinese": np.asarray(chinese, dtype=bool),
            "family_name": names["family_name"], "given_name": names["given_name"],
            "family_latin": names["family_latin"], "given_latin": names["given_latin"],
            "phone_cc": cc, "phone": mobile(rng, cc),
            "personal_email": self._unique_emails(
                rng, personal_emails(rng, names["family_latin"], names["given_latin"], chinese, by)),
            "national_id": np.where(chinese, national_ids(rng, birth, gender == "M"), ""),
            "ability": rng.normal(0, 1, n), "disposition": rng.normal(0, 1, n),
            "ot_propensity": rng.lognormal(0, 0.5, n), "chattiness": rng.lognormal(0, 0.6, n),
            "first_channel": np.broadcast_to(np.asarray(first_channel, dtype=object), (n,)),
        }
        for name, values in cols.items():
            values = np.asarray(values, dtype=object) if name in STRING_COLUMNS else np.asarray(values)
            self._chunks[name].append(pa.array(values, pa.string()) if name in STRING_COLUMNS else values)
        ids = np.arange(self.n, self.n + n)
        self.n += n
        self._whole.clear()
        return ids

    def column(self, name: str) -> np.ndarray | pa.Array:
        """The whole column: numpy for numbers and flags, an Arrow string array for text."""
        if name not in self._whole:
            chunks = self._chunks[name]
            if name in STRING_COLUMNS:
                whole = pa.concat_arrays(chunks) if chunks else pa.array([], pa.string())
            else:
                whole = np.concatenate(chunks) if chunks else np.zeros(0)
            self._chunks[name] = [whole]
            self._whole[name] = whole
        return self._whole[name]

    def col(self, name: str, ids: np.ndarray) -> np.ndarray:
        """Values of some people (strings as an object array, the way the table builders use them)."""
        whole = self.column(name)
        if isinstance(whole, pa.Array):
            return whole.take(pa.array(np.asarray(ids, dtype=np.int64))).to_numpy(zero_copy_only=False)
        return whole[ids]


def display_name(reg: Registry, ids: np.ndarray) -> np.ndarray:
    """Name as an HR system in China stores it: Hanzi for Chinese people, 'Given Family' otherwise."""
    fam, giv = reg.col("family_name", ids), reg.col("given_name", ids)
    zh = reg.col("chinese", ids)
    return np.where(zh, fam + giv, giv + " " + fam)


def latin_name(reg: Registry, ids: np.ndarray, family_first: np.ndarray | bool = False) -> np.ndarray:
    fam = reg.col("family_latin", ids)
    giv = reg.col("given_latin", ids)
    return np.where(family_first, fam + " " + giv, giv + " " + fam)
