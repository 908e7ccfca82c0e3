"""Humans behind every record: names, contact details, national id and latent traits.

A person exists once (person_id = row index in the Registry); employment records, candidate profiles,
event sign-ups and IM accounts all point to it, which is what the ground truth exposes."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    region = REGION_CODES[rng.integers(0, len(REGION_CODES), n)]
    bd = np.char.replace(tu.iso(birth_day).astype(str), "-", "")
    seq = rng.integers(0, 500, n) * 2 + np.where(male, 1, 0)
    seq = np.char.zfill(seq.astype(str), 3)
    body = np.char.add(np.char.add(region.astype(str), bd), seq)
    digits = np.frombuffer(np.ascontiguousarray(body).astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17) - 48
    check = ID_CHECK[(digits.astype(np.int64) @ ID_WEIGHTS) % 11]
    return np.char.add(body, check).astype(object)


def mobile(rng: np.random.Generator, cc: np.ndarray) -> np.ndarray:
    """National significant number per country code (digits only)."""
    n = len(cc)
    cn = np.char.add(CN_MOBILE_PREFIX[rng.integers(0, len(CN_MOBILE_PREFIX), n)],
                     np.char.zfill(rng.integers(0, 100_000_000, n).astype(str), 8))
    sg = np.char.add(rng.choice(np.array(["8", "9"]), n), np.char.zfill(rng.integers(0, 10_000_000, n).astype(str), 7))
    uk = np.char.add("7", np.char.zfill(rng.integers(100_000_000, 999_999_999, n).astype(str), 9))
    us = np.char.add(rng.choice(np.array(["415", "628", "650", "510"]), n),
                     np.char.zfill(rng.integers(2_000_000, 9_999_999, n).astype(str), 7))
    return np.select([cc == "86", cc == "65", cc == "44"], [cn, sg, uk], us).astype(object)


def personal_emails(rng: np.random.Generator, fam: pd.Series, giv: pd.Series, chinese: np.ndarray,
                    birth_year: np.ndarray) -> np.ndarray:
    n = len(fam)
    f, g = ascii_lower(fam).to_numpy(dtype=object), ascii_lower(giv).to_numpy(dtype=object)
    num = rng.integers(1, 999, n).astype(str).astype(object)
    yy = (birth_year % 100).astype(str).astype(object)
    style = rng.integers(0, 5, n)
    local = np.select(
        [style == 0, style == 1, style == 2, style == 3],
        [f + g + num, g + "." + f, f + "_" + g + yy, g + f + (birth_year.astype(str)).astype(object)],
        g[0:n] + f + num,
    )
    qq = rng.integers(10_000_000, 3_999_999_999, n).astype(str).astype(object)
    dom_cn = PERSONAL_DOMAINS_CN[rng.integers(0, len(PERSONAL_DOMAINS_CN), n)].astype(object)
    dom_in = PERSONAL_DOMAINS_INTL[rng.integers(0, len(PERSONAL_DOMAINS_INTL), n)].astype(object)
    dom = np.where(chinese, dom_cn, dom_in)
    local = np.where(dom == "qq.com", qq, local)
    return local + "@" + dom


class Registry:
    """All humans generated so far; person_id = index. Creation order is deterministic."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.n = 0
        self._df: pd.DataFrame | None = None

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
        df = pd.DataFrame({
            "gender": gender, "birth_day": birth, "chinese": chinese,
            "family_name": names["family_name"].to_numpy(dtype=object),
            "given_name": names["given_name"].to_numpy(dtype=object),
            "family_latin": names["family_latin"].to_numpy(dtype=object),
            "given_latin": names["given_latin"].to_numpy(dtype=object),
            "phone_cc": cc, "phone": mobile(rng, cc),
            "personal_email": personal_emails(rng, names["family_latin"], names["given_latin"], chinese, by),
            "national_id": np.where(chinese, national_ids(rng, birth, gender == "M"), ""),
            "ability": rng.normal(0, 1, n), "disposition": rng.normal(0, 1, n),
            "ot_propensity": rng.lognormal(0, 0.5, n), "chattiness": rng.lognormal(0, 0.6, n),
            "first_channel": first_channel,
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
