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


class Registry:
    """All humans generated so far; person_id = index. Creation order is deterministic."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.n = 0
        self._df: pd.DataFrame | None = None
        self._emails: set[str] = set()

    def _unique_emails(self, rng: np.random.Generator, emails: np.ndarray) -> np.ndarray:
        """A mailbox belongs to one human: namesakes get a number, as mail providers make them do."""
        out = emails.copy()
        for i, email in enumerate(out):
            while email in self._emails:
                local, domain = email.split("@", 1)
                email = f"{local}{int(rng.integers(1, 10_000))}@{domain}"
            self._emails.add(email)
            out[i] = email
        return out

    def create(self, rng: np.random.Generator, n: int, *, cc: np.ndarray, chinese: np.ndarray,
               age_lo: np.ndarray | float, age_hi: np.ndarray | float, ref_day: np.ndarray | int,
               first_channel: np.ndarray | str) -> np.ndarray:
        """Create n people; returns their person ids."""
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        gender = np.where(rng.random(n) < 0.46, "F", "M")
        gender[rng.random(n) < 0.002] = "X"
        age = age_lo + rng.beta(1.6, 3.2, n) * (np.asarray(age_hi) - np.asarray(age_lo))
        birth = (np.asarray(ref_day) - age * 365.25).astype(np.int64)
        names = sample_names(rng, gender, chinese)
        by = tu.ymd(birth)[0]
        obj = lambda a: pd.Series(np.asarray(a, dtype=object), dtype=object)  # noqa: E731 - no str-dtype round trips
        df = pd.DataFrame({
            "gender": obj(gender), "birth_day": birth, "chinese": chinese,
            "family_name": obj(names["family_name"]), "given_name": obj(names["given_name"]),
            "family_latin": obj(names["family_latin"]), "given_latin": obj(names["given_latin"]),
            "phone_cc": obj(cc), "phone": obj(mobile(rng, cc)),
            "personal_email": obj(self._unique_emails(
                rng, personal_emails(rng, names["family_latin"], names["given_latin"], chinese, by))),
            "national_id": obj(np.where(chinese, national_ids(rng, birth, gender == "M"), "")),
            "ability": rng.normal(0, 1, n), "disposition": rng.normal(0, 1, n),
            "ot_propensity": rng.lognormal(0, 0.5, n), "chattiness": rng.lognormal(0, 0.6, n),
            "first_channel": obj(np.broadcast_to(np.asarray(first_channel, dtype=object), (n,))),
        })
        ids = np.arange(self.n, self.n + n)
        self.frames.append(df)
        self.n += n
        self._df = None
        return ids

    @property
    def df(self) -> pd.DataFrame:
        if self._df is None:
            self._df = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame(
                columns=PERSON_COLUMNS)
            self.frames = [self._df]
        return self._df

    def col(self, name: str, ids: np.ndarray) -> np.ndarray:
        return self.df[name].to_numpy()[ids]


def display_name(reg: Registry, ids: np.ndarray) -> np.ndarray:
    """Name as an HR system in China stores it: Hanzi for Chinese people, 'Given Family' otherwise."""
    df = reg.df
    fam, giv = df["family_name"].to_numpy(dtype=object)[ids], df["given_name"].to_numpy(dtype=object)[ids]
    zh = df["chinese"].to_numpy()[ids]
    return np.where(zh, fam + giv, giv + " " + fam)


def latin_name(reg: Registry, ids: np.ndarray, family_first: np.ndarray | bool = False) -> np.ndarray:
    df = reg.df
    fam = df["family_latin"].to_numpy(dtype=object)[ids]
    giv = df["given_latin"].to_numpy(dtype=object)[ids]
    return np.where(family_first, fam + " " + giv, giv + " " + fam)
