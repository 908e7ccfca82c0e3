"""Tests for the demo name and text banks (demo_company.name_bank / text_bank)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from demo_company.name_bank import CHINESE_GIVEN_CHARS, CHINESE_SURNAMES, sample_names
from demo_company.text_bank import TOPICS, render_texts

CJK = re.compile(r"[\u4e00-\u9fff]")
HANZI_ONLY = re.compile(r"^[\u4e00-\u9fff]+$")
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z' -]*$")


def _people(n: int, seed: int = 0, chinese_share: float = 0.7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.choice(np.array(["F", "M", "X"]), size=n), rng.random(n) < chinese_share


# ---------------------------------------------------------------- names


def test_sample_names_deterministic_and_seed_sensitive():
    genders, chinese = _people(5_000)
    a = sample_names(np.random.default_rng(42), genders, chinese)
    b = sample_names(np.random.default_rng(42), genders, chinese)
    c = sample_names(np.random.default_rng(43), genders, chinese)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_sample_names_shape_and_columns():
    genders, chinese = _people(1_234)
    df = sample_names(np.random.default_rng(1), genders, chinese)
    assert list(df.columns) == ["family_name", "given_name", "family_latin", "given_latin"]
    assert len(df) == 1_234
    assert df.notna().all().all()
    assert sample_names(np.random.default_rng(1), np.array([], dtype=str), np.array([], dtype=bool)).empty


def test_chinese_rows_hanzi_and_ascii_latin():
    genders, chinese = _people(20_000, seed=2)
    df = sample_names(np.random.default_rng(2), genders, chinese)
    zh, other = df[chinese], df[~chinese]
    assert zh["family_name"].map(lambda s: bool(HANZI_ONLY.match(s)) and len(s) <= 2).all()
    assert zh["given_name"].map(lambda s: bool(HANZI_ONLY.match(s)) and len(s) in (1, 2)).all()
    for col in ("family_latin", "given_latin"):
        assert zh[col].map(lambda s: s.isascii() and s.isalpha() and s[0].isupper()).all(), col
    # Roughly 70% two-character given names.
    assert 0.65 < (zh["given_name"].str.len() == 2).mean() < 0.75
    # Non-Chinese rows carry the same Latin name in both column pairs.
    assert (other["family_name"] == other["family_latin"]).all()
    assert (other["given_name"] == other["given_latin"]).all()
    assert other["given_latin"].map(lambda s: bool(LATIN_NAME.match(s))).all()
    assert not other["family_name"].str.contains(CJK).any()


def test_latin_fields_are_the_pinyin_of_the_hanzi():
    genders, chinese = _people(5_000, seed=3, chinese_share=1.0)
    df = sample_names(np.random.default_rng(3), genders, chinese)
    given_py = {h: p for pool in CHINESE_GIVEN_CHARS.values() for h, p in pool}
    sur_py = {h: p for h, p, _ in CHINESE_SURNAMES}
    expect_given = df["given_name"].map(lambda s: "".join(given_py[ch] for ch in s).capitalize())
    assert (df["given_latin"] == expect_given).all()
    assert (df["family_latin"] == df["family_name"].map(sur_py)).all()
    # Polyphonic surnames use the surname reading, not the everyday one.
    assert sur_py["曾"] == "Zeng" and sur_py["单"] == "Shan" and sur_py["区"] == "Ou" and sur_py["解"] == "Xie"


def test_given_chars_follow_gender():
    genders, chinese = _people(20_000, seed=4, chinese_share=1.0)
    df = sample_names(np.random.default_rng(4), genders, chinese)
    female_ok = {h for h, _ in CHINESE_GIVEN_CHARS["F"] + CHINESE_GIVEN_CHARS["U"]}
    male_ok = {h for h, _ in CHINESE_GIVEN_CHARS["M"] + CHINESE_GIVEN_CHARS["U"]}
    assert df.loc[genders == "F", "given_name"].map(lambda s: set(s) <= female_ok).all()
    assert df.loc[genders == "M", "given_name"].map(lambda s: set(s) <= male_ok).all()


def test_two_char_surnames_appear_and_surnames_are_skewed():
    genders, chinese = _people(100_000, seed=5, chinese_share=1.0)
    df = sample_names(np.random.default_rng(5), genders, chinese)
    two_char = (df["family_name"].str.len() == 2).sum()
    assert 30 <= two_char <= 1_000  # ~0.15% expected: present, but rare
    top = df["family_name"].value_counts()
    assert set(top.index[:3]) <= {"王", "李", "张", "刘"}


# ---------------------------------------------------------------- texts

ALL_TOPICS = (*TOPICS, "")


def _batch(n: int, seed: int, topics: tuple[str, ...] = TOPICS, langs: tuple[str, ...] = ("zh", "en")):
    rng = np.random.default_rng(seed)
    return rng.choice(np.array(langs), n), rng.choice(np.array([-1, 0, 1]), n), rng.choice(np.array(topics), n)


@pytest.mark.parametrize("kind", ["message", "comment"])
def test_render_texts_deterministic_and_length(kind: str):
    lang, pol, topic = _batch(3_000, seed=10, topics=ALL_TOPICS)
    a = render_texts(np.random.default_rng(7), lang, pol, topic, kind)
    b = render_texts(np.random.default_rng(7), lang, pol, topic, kind)
    c = render_texts(np.random.default_rng(8), lang, pol, topic, kind)
    assert a == b
    assert a != c
    assert isinstance(a, list) and len(a) == 3_000
    assert all(isinstance(t, str) and t for t in a)
    assert render_texts(np.random.default_rng(7), lang[:0], pol[:0], topic[:0], kind) == []


@pytest.mark.parametrize("kind", ["message", "comment"])
def test_language_of_each_row_matches_input_order(kind: str):
    lang, pol, topic = _batch(4_000, seed=11, topics=ALL_TOPICS)
    texts = render_texts(np.random.default_rng(0), lang, pol, topic, kind)
    zh = [t for t, lg in zip(texts, lang, strict=True) if lg == "zh"]
    en = [t for t, lg in zip(texts, lang, strict=True) if lg == "en"]
    assert all(CJK.search(t) for t in zh)
    assert not any(CJK.search(t) for t in en)
    # English is ASCII apart from the occasional emoji.
    assert all("".join(ch for ch in t if ord(ch) < 0x2000).isascii() for t in en)
    assert np.mean([t.isascii() for t in en]) > 0.7


@pytest.mark.parametrize("kind", ["message", "comment"])
def test_every_combination_renders(kind: str):
    combos = [(lg, p, t) for lg in ("zh", "en") for p in (-1, 0, 1) for t in ALL_TOPICS]
    reps = 30
    lang = np.array([c[0] for c in combos for _ in range(reps)])
    pol = np.array([c[1] for c in combos for _ in range(reps)])
    topic = np.array([c[2] for c in combos for _ in range(reps)])
    texts = render_texts(np.random.default_rng(0), lang, pol, topic, kind)
    for i, combo in enumerate(combos):
        chunk = texts[i * reps:(i + 1) * reps]
        assert all(t.strip() for t in chunk), combo
        assert not any("{" in t or "}" in t for t in chunk), combo
        assert len(set(chunk)) > 1, combo


def test_messages_with_topic_are_varied_and_short():
    lang, pol, topic = _batch(10_000, seed=12)
    texts = render_texts(np.random.default_rng(12), lang, pol, topic, "message")
    assert len(set(texts)) / len(texts) > 0.5
    for t, lg in zip(texts, lang, strict=True):
        if lg == "en":
            assert 3 <= len(t.split()) <= 30, t
        else:
            assert 5 <= len(t) <= 40, t


def test_comments_have_one_to_three_sentences():
    lang, pol, topic = _batch(5_000, seed=13, topics=ALL_TOPICS)
    texts = render_texts(np.random.default_rng(13), lang, pol, topic, "comment")
    counts = [t.count("。") if lg == "zh" else len(re.findall(r"[.!?](?:\s|$)", t))
              for t, lg in zip(texts, lang, strict=True)]
    assert min(counts) >= 1 and max(counts) <= 3
    assert len(set(counts)) == 3  # all three lengths occur


def test_polarity_cues_do_not_leak():
    n = 20_000
    lang, _, topic = _batch(n, seed=14, topics=ALL_TOPICS, langs=("en",))
    cues = {
        -1: ("ugh", "sigh", "not great", "😩", "😭", "exhausted", "burnt out", "frustrating"),
        1: ("love it", "🎉", "🙌", "yay", "good news", "thanks all", "appreciated"),
    }
    for pol_value in (-1, 0, 1):
        texts = render_texts(np.random.default_rng(pol_value + 5), lang, np.full(n, pol_value), topic, "message")
        lowered = [t.lower() for t in texts]
        for cue_pol, words in cues.items():
            pattern = re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words))
            hits = sum(bool(pattern.search(t)) for t in lowered)
            if cue_pol == pol_value:
                assert hits > n * 0.05, (pol_value, cue_pol)
            else:
                assert hits == 0, (pol_value, cue_pol)


def test_bad_inputs_raise():
    rng = np.random.default_rng(0)
    ok = (np.array(["en"]), np.array([1]), np.array(["pay"]))
    with pytest.raises(ValueError):
        render_texts(rng, *ok, kind="tweet")
    with pytest.raises(ValueError):
        render_texts(rng, np.array(["fr"]), ok[1], ok[2], "message")
    with pytest.raises(ValueError):
        render_texts(rng, ok[0], np.array([2]), ok[2], "message")
    with pytest.raises(ValueError):
        render_texts(rng, ok[0], ok[1], np.array(["salary"]), "message")
    with pytest.raises(ValueError):
        render_texts(rng, ok[0], np.array([1, 0]), ok[2], "message")
