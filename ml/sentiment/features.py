"""Features: English word n-grams with negation scope + the VADER lexicon; Chinese character n-grams + a
zh polarity lexicon with negators.

Bag-of-words alone learns the training domain's vocabulary ("plot", "hotel"); a valence lexicon (VADER's
7,500 human-rated words and emoticons with its negation, booster and "but" rules; lexicon/zh_polarity.yaml)
carries polarity that does not depend on the domain, so the two together transfer better (see the benchmark).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from vaderSentiment.vaderSentiment import N_SCALAR as VADER_N_SCALAR
from vaderSentiment.vaderSentiment import NEGATE as VADER_NEGATE
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .text import en_tokens, normalise, to_simplified, zh_text
from .vectorise import tfidf_transform

ZH_LEXICON = Path(__file__).parent / "lexicon" / "zh_polarity.yaml"
EN_DIRECTION = Path(__file__).parent / "lexicon" / "en_quantity_direction.yaml"
ZH_NEGATION_REACH = 3  # characters between a negator and the word it flips (不太开心, 并没有那么满意)
_ZH_CLAUSE = "，。！？；、,.!?;~… \n"

# The four VADER outputs are dense and of unit scale while a TF-IDF row spreads a unit norm over many
# columns; scaling them lets the (shared) L2 penalty treat them as the strong features they are.
VADER_SCALE = 5.0
LEXICON_SCALE = 2.0  # the same for the Chinese counts (which are larger than VADER's 0..1 proportions)
VADER_ALPHA = 15.0  # VADER's normalisation constant
DIRECTION_SHARE = 0.15  # share of the text the quantity-direction rule moves from neutral to its polarity


# Per-text caches (the functions are pure): message exports repeat texts ("ok", "收到", "+1"), and the
# benchmark scores the same sentences under several train/test splits.
CACHE_SIZE = 1 << 17


_VADER_NEGATE = frozenset(VADER_NEGATE)


class _Vader(SentimentIntensityAnalyzer):
    """VADER with its negation check computed on the (up to) three words it reads. The library lower-cases every
    word of the text again for each sentiment word it checks (a quarter of VADER's time); the result is the same
    (tests/test_sentiment_bulk.py compares the two on the corpora)."""

    @staticmethod
    def _negation_check(valence: float, words_and_emoticons: list[str], start_i: int, i: int) -> float:
        def word(at: int) -> str:
            return str(words_and_emoticons[at]).lower()

        def negated(w: str) -> bool:
            return w in _VADER_NEGATE or "n't" in w

        if start_i == 0 and negated(word(i - 1)):
            valence = valence * VADER_N_SCALAR
        if start_i == 1:
            if word(i - 2) == "never" and word(i - 1) in ("so", "this"):
                valence = valence * 1.25
            elif word(i - 2) == "without" and word(i - 1) == "doubt":
                pass
            elif negated(word(i - 2)):
                valence = valence * VADER_N_SCALAR
        if start_i == 2:
            if word(i - 3) == "never" and word(i - 2) in ("so", "this") or word(i - 1) in ("so", "this"):
                valence = valence * 1.25
            elif word(i - 3) == "without" and (word(i - 2) == "doubt" or word(i - 1) == "doubt"):
                pass
            elif negated(word(i - 3)):
                valence = valence * VADER_N_SCALAR
        return valence


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return _Vader()


@lru_cache(maxsize=CACHE_SIZE)
def en_ngrams(text: str) -> tuple[str, ...]:
    """Word unigrams and bigrams over the negation-marked tokens (a module-level function so it pickles)."""
    tokens = en_tokens(text)
    return tuple(tokens) + tuple(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))


@dataclass(frozen=True)
class DirectionLexicon:
    up: frozenset[str]
    down: frozenset[str]
    good: frozenset[str]
    bad: frozenset[str]
    max_distance: int
    weight: float


@cache
def _direction_lexicon() -> DirectionLexicon:
    raw = yaml.safe_load(EN_DIRECTION.read_text(encoding="utf-8")) or {}
    words = {k: frozenset(str(w).strip().lower() for w in raw.get(k) or []) for k in ("up", "down", "good", "bad")}
    return DirectionLexicon(**words, max_distance=int(raw.get("max_distance", 8)),
                            weight=float(raw.get("weight", 3.0)))


_DIRECTION_CLAUSE = re.compile(r"[.;,:!?]|\b(?:but|while|whereas)\b")
_WORD = re.compile(r"[a-z]+")


def quantity_direction(text: str) -> int:
    """+1 when the text says a good quantity rose or a bad one fell ("costs fell"), -1 for the opposite
    ("profit fell", "overtime increased"), 0 when it says neither or both equally (lexicon above)."""
    lex = _direction_lexicon()
    total = 0
    for clause in _DIRECTION_CLAUSE.split(text.lower()):
        tokens = _WORD.findall(clause)
        quantities = [(i, 1 if t in lex.good else -1) for i, t in enumerate(tokens) if t in lex.good or t in lex.bad]
        moves = [(i, 1 if t in lex.up else -1) for i, t in enumerate(tokens) if t in lex.up or t in lex.down]
        if not quantities or not moves:
            continue
        q_at, q_sign = quantities[0]  # the clause's subject is usually its first quantity
        m_at, m_sign = min(moves, key=lambda m: abs(m[0] - q_at))
        if abs(m_at - q_at) <= lex.max_distance:
            total += q_sign * m_sign
    return int(np.sign(total))


@lru_cache(maxsize=CACHE_SIZE)
def _vader_row(text: str) -> tuple[float, float, float, float]:
    """VADER's neg, neu, pos, compound, with the quantity-direction rule counted as one more valence word."""
    text = normalise(text)
    r = _vader().polarity_scores(text)
    neg, neu, pos, compound = r["neg"], r["neu"], r["pos"], r["compound"]
    direction = quantity_direction(text)
    if direction:
        # Undo VADER's normalisation (compound = s / sqrt(s^2 + 15)), add the rule's valence, normalise again.
        raw = compound * np.sqrt(VADER_ALPHA / max(1e-9, 1 - compound * compound))
        raw += direction * _direction_lexicon().weight
        compound = float(raw / np.sqrt(raw * raw + VADER_ALPHA))
        shift = min(neu, DIRECTION_SHARE)  # the rule's words move from the neutral share to the polar one
        neu -= shift
        if direction > 0:
            pos += shift
        else:
            neg += shift
    return neg, neu, pos, compound


def vader_features(texts: Sequence[str]) -> np.ndarray:
    """VADER neg, neu, pos, compound per text (n x 4)."""
    return np.array([_vader_row(t) for t in texts], dtype=float).reshape(-1, 4)


class EnglishFeatures:
    """Sparse [word 1-2-gram TF-IDF | scaled VADER neg, neu, pos, compound]."""

    def __init__(self, min_df: int = 2, use_lexicon: bool = True) -> None:
        self.use_lexicon = use_lexicon
        self.words = TfidfVectorizer(analyzer=en_ngrams, min_df=min_df, sublinear_tf=True, dtype=np.float32)

    def _stack(self, words: sp.csr_matrix, texts: Sequence[str]) -> sp.csr_matrix:
        if not self.use_lexicon:
            return words.tocsr()
        return sp.hstack([words, sp.csr_matrix(vader_features(texts) * VADER_SCALE)], format="csr")

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._stack(self.words.fit_transform(texts), texts)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._stack(tfidf_transform(self.words, texts), texts)

    def has_signal(self, x: sp.csr_matrix) -> np.ndarray:
        """Rows with a known word or a lexicon hit; the others (emoji only, other scripts) score 0."""
        n_words = len(self.words.vocabulary_)
        words = np.diff(x[:, :n_words].tocsr().indptr) > 0
        if not self.use_lexicon:
            return words
        return words | (x[:, n_words + 3].toarray().ravel() != 0)


def lexicons_sha256() -> str:
    """Hash of the lexicons the model's features read (zh polarity and en quantity direction): part of the
    cached model's key, so editing either retrains it."""
    return hashlib.sha256(ZH_LEXICON.read_bytes() + EN_DIRECTION.read_bytes()).hexdigest()


@cache
def _zh_lexicon() -> tuple[re.Pattern[str], dict[str, str]]:
    raw = yaml.safe_load(ZH_LEXICON.read_text(encoding="utf-8"))
    kinds: dict[str, str] = {}
    for kind in ("ignore", "negators", "negative", "positive"):  # later kinds win a duplicate entry
        for word in raw.get(kind) or []:
            kinds[to_simplified(str(word).strip().lower())] = kind  # matched against zh_text (simplified, lower)
    for ch in _ZH_CLAUSE:
        kinds[ch] = "clause"
    # Longest alternatives first: Python's regex takes the first alternative that matches at a position.
    pattern = re.compile("|".join(re.escape(w) for w in sorted(kinds, key=len, reverse=True) if w))
    return pattern, kinds


@lru_cache(maxsize=CACHE_SIZE)
def _zh_lexicon_row(text: str) -> tuple[float, float, float]:
    pattern, kinds = _zh_lexicon()
    pos = neg = 0.0
    negator_end = -1  # end of the last negator in the current clause
    for m in pattern.finditer(text):
        kind = kinds[m.group()]
        if kind == "clause":
            negator_end = -1
        elif kind == "negators":
            negator_end = m.end()
        elif kind in ("positive", "negative"):
            flipped = negator_end >= 0 and m.start() - negator_end <= ZH_NEGATION_REACH
            if (kind == "positive") != flipped:
                pos += 1
            else:
                neg += 1
            negator_end = -1
    return pos, neg, (pos - neg) / (pos + neg + 1.0)


@cache
def _too_before_positive() -> re.Pattern[str]:
    """太 right before a positive lexicon word (太好了, 太棒了, 太感谢了)."""
    _, kinds = _zh_lexicon()
    words = sorted({w.removeprefix("太") for w, kind in kinds.items() if kind == "positive"}, key=len, reverse=True)
    return re.compile("太(?=(?:" + "|".join(re.escape(w) for w in words if w) + "))")


def zh_model_text(text: str) -> str:
    """``zh_text`` with 太 before a positive word read as 很: 太 means "too" (太贵, 太慢, 加班太多: negative,
    which the review corpus teaches its n-grams) except before a positive word, where it means "so" (太好了,
    太感谢了), which the n-grams scored neutral to negative."""
    return _too_before_positive().sub("很", zh_text(text))


def zh_lexicon_features(prepared: Sequence[str]) -> np.ndarray:
    """Chinese lexicon hits per text (already through ``zh_model_text``) after negation: positive count,
    negative count, balance (n x 3)."""
    return np.array([_zh_lexicon_row(t) for t in prepared], dtype=float).reshape(-1, 3)


class ChineseFeatures:
    """[character 1-3-gram TF-IDF | scaled zh lexicon counts]: n-grams cover words without a segmenter and
    不好 / 不太好 as units; the lexicon carries everyday words the review corpus hardly uses."""

    def __init__(self, min_df: int = 2, use_lexicon: bool = True) -> None:
        self.use_lexicon = use_lexicon
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), min_df=min_df, sublinear_tf=True, dtype=np.float32
        )

    def _stack(self, chars: sp.csr_matrix, prepared: list[str]) -> sp.csr_matrix:
        if not self.use_lexicon:
            return chars.tocsr()
        return sp.hstack([chars, sp.csr_matrix(zh_lexicon_features(prepared) * LEXICON_SCALE)], format="csr")

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        prepared = [zh_model_text(t) for t in texts]  # once for both the n-grams and the lexicon
        return self._stack(self.chars.fit_transform(prepared), prepared)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        prepared = [zh_model_text(t) for t in texts]
        return self._stack(tfidf_transform(self.chars, prepared), prepared)

    def has_signal(self, x: sp.csr_matrix) -> np.ndarray:
        return np.diff(x.tocsr().indptr) > 0
