"""Candidate pairs from cheap blocking keys, so the work grows about linearly with the number of records.

Each rule maps a record to zero or more integer keys (built from the coded columns, no string work); records
sharing a key are compared. Rules are deliberately redundant (identifiers, name + birth year, name + place,
birth date + initials, one name part + a selective field, a consonant skeleton, ...) so that a pair survives
blocking if *any* reasonably clean combination of fields agrees. A block bigger than ``max_block_size`` (a
shared switchboard number, a very common name) is not expanded to all its pairs: it is sorted by a secondary
key and only records within ``window`` places of each other are paired. Keys that are weak on their own (a
name, a name + city, an e-mail user name, a phonetic skeleton) use the smaller ``weak_block_size`` and their
bigger blocks are skipped: a value shared by that many records cannot link two of them without other
evidence, and the other rules already block on that evidence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .coded import Prepared, at, combine, unordered

log = logging.getLogger("ml.identity")

Keys = list[np.ndarray]  # one int64 key array per value slot; -1 = no key
_VOWELS = re.compile(r"(?<!^)[aeiouyhw]")
_REPEATS = re.compile(r"(.)\1+")
WEAK_RULES = frozenset({"name", "name_city", "email_local", "name_skeleton"})


@dataclass(frozen=True)
class BlockStats:
    rule: str
    keys: int
    pairs: int
    oversized_blocks: int
    records_in_oversized: int


def unique_int(values: np.ndarray) -> np.ndarray:
    """Sorted distinct integers. (np.unique is ~15x slower on large int64 arrays in numpy 2.4.)"""
    out = np.sort(values)
    return out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out


def skeleton(name: str) -> str | None:
    """A crude phonetic key: first letter + consonants, repeats collapsed ("zhang"/"zang" -> "zng")."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", name))[:5] or None


def default_rules(prep: Prepared) -> dict[str, Callable[[], Keys]]:
    """The blocking rules. Rules on absent columns yield no keys and cost nothing."""
    names = prep.names()
    f, g, fa, ga = names.codes
    c = prep.codes

    def parts(fn_name: str, fn: Callable[[str], object]) -> tuple[np.ndarray, ...]:
        mapping = names.derived(fn_name, fn)
        return tuple(at(x, mapping) for x in (f, g, fa, ga))

    def with_name(*other: str) -> Keys:
        return [combine(prep.name_key(), *(c(o) for o in other)),
                combine(prep.name_key(alt=True), *(c(o) for o in other))]

    def initials() -> Keys:
        i_f, i_g, _, _ = parts("initial", lambda v: v[:1])
        return [combine(c("dob"), unordered(i_f, i_g))]

    def skeleton_keys() -> Keys:
        s_f, s_g, s_fa, s_ga = parts("skeleton", skeleton)
        return [unordered(s_f, s_g), unordered(s_fa, s_ga)]

    def prefix_postcode() -> Keys:
        p3 = parts("prefix3", lambda v: v[:3])[0]
        i1 = parts("initial", lambda v: v[:1])[1]
        return [combine(p3, i1, c("postcode"))]

    email, phone, local = prep.coded("email1", "email2"), prep.coded("phone1", "phone2"), prep.coded("local1", "local2")
    return {
        "email": lambda: list(email.codes),
        "phone": lambda: list(phone.codes),
        "national_id": lambda: [c("nid")],
        "email_local": lambda: list(local.codes),
        "name_year": lambda: with_name("dob_year"),
        "name_city": lambda: with_name("city"),
        "name_postcode": lambda: with_name("postcode"),
        "name": lambda: [prep.name_key(), prep.name_key(alt=True)],
        "dob_initials": initials,
        # one name part + one selective field: survives a replaced or badly garbled other name part
        "name_part_dob": lambda: [combine(f, c("dob")), combine(g, c("dob"))],
        "name_part_postcode": lambda: [combine(f, c("postcode")), combine(g, c("postcode"))],
        "dob_postcode": lambda: [combine(c("dob"), c("postcode"))],
        "family3_given1_postcode": prefix_postcode,
        "name_skeleton": skeleton_keys,
        "address": lambda: [c("address")],
    }


def block_pairs(rec: np.ndarray, codes: np.ndarray, order_key: np.ndarray, max_block: int,
                window: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """All pairs inside blocks of size <= max_block; a sliding window inside bigger blocks."""
    order = np.lexsort((order_key, codes))
    rec, codes = rec[order], codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, len(codes)])
    size_of = np.repeat(sizes, sizes)
    start_of = np.repeat(starts, sizes)
    pos = np.arange(len(codes))
    small = (size_of <= max_block) & (size_of > 1)
    # all pairs: position p pairs with every later position of its block
    p = pos[small]
    count = (start_of[small] + size_of[small]) - p - 1
    total = int(count.sum())
    left_pos = np.repeat(p, count)
    offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    lefts, rights = [rec[left_pos]], [rec[left_pos + 1 + offset]]
    big = size_of > max_block
    if big.any():
        end_of = start_of + size_of
        for k in range(1, window + 1):
            m = big & (pos + k < end_of)
            lefts.append(rec[pos[m]])
            rights.append(rec[pos[m] + k])
    big_blocks = int((sizes > max_block).sum())
    return np.concatenate(lefts), np.concatenate(rights), big_blocks, int(sizes[sizes > max_block].sum())


def key_pairs(keys: Keys, n: int, order_key: np.ndarray, max_block: int, window: int
              ) -> tuple[np.ndarray, int, int, int]:
    """Distinct pair codes (lo * n + hi) of records sharing a key, plus (keys, oversized blocks, records)."""
    rec = np.concatenate([np.arange(n, dtype=np.int64)] * len(keys))
    codes = np.concatenate(keys).astype(np.int64)
    present = codes >= 0
    rec, codes = rec[present], codes[present]
    if len(codes) < 2:
        return np.zeros(0, dtype=np.int64), 0, 0, 0
    uniq = unique_int(codes * n + rec)  # one entry per (key, record) even if two slots share the key
    codes, rec = uniq // n, uniq % n
    left, right, big, big_recs = block_pairs(rec, codes, order_key[rec], max_block, window)
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    keep = lo != hi
    return unique_int(lo[keep] * n + hi[keep]), len(unique_int(codes)), big, big_recs


def candidate_pairs(prep: Prepared, max_block_size: int = 60, window: int = 6, weak_block_size: int = 20,
                    rules: dict[str, Callable[[], Keys]] | None = None
                    ) -> tuple[np.ndarray, np.ndarray, list[BlockStats]]:
    """De-duplicated candidate pairs (left < right, positional indices) and per-rule statistics."""
    n = len(prep)
    rules = rules if rules is not None else default_rules(prep)
    # secondary order inside oversized blocks: birth date, then name, then e-mail
    order_key = np.lexsort((prep.codes("email1"), prep.codes("giv"), prep.codes("fam"), prep.codes("dob")))
    rank = np.empty(n, dtype=np.int64)
    rank[order_key] = np.arange(n)
    codes_all: list[np.ndarray] = []
    stats: list[BlockStats] = []
    for name, make in rules.items():
        cap, win = (weak_block_size, 0) if name in WEAK_RULES else (max_block_size, window)
        pair_codes, n_keys, big, big_recs = key_pairs(make(), n, rank, cap, win)
        codes_all.append(pair_codes)
        stats.append(BlockStats(name, n_keys, len(pair_codes), big, big_recs))
        if big:
            log.info("blocking rule %s: %d blocks over %d records (%d records) %s", name, big, cap, big_recs,
                     f"sub-blocked with window {win}" if win else "skipped (too common to link on their own)")
    merged = unique_int(np.concatenate(codes_all)) if codes_all else np.zeros(0, dtype=np.int64)
    return merged // max(n, 1), merged % max(n, 1), stats
