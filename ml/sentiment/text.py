"""Text normalisation, language shares and tokenisation shared by training, scoring and topic tagging.

Chinese is handled as character n-grams (no segmenter: segmenters trained on news split informal chat badly,
and n-grams of 1-3 characters already cover words like 加班 and negations like 不好). English is tokenised into
words with negation scope marking, the usual cheap fix for "not good" looking like "good" to a bag of words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

import numpy as np

# CJK Unified Ideographs (+ extension A) and the compatibility block; kana/hangul are left out on purpose:
# the Chinese model knows nothing about Japanese or Korean, which therefore count as "other".
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_MENTION = re.compile(r"@\w+")
_REPEAT = re.compile(r"(.)\1{2,}")  # "soooo" -> "soo": keeps the emphasis signal, merges the spellings
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_WS = re.compile(r"\s+")

# English tokens: words (with n't contractions), runs of ! or ?, and a few ASCII emoticons.
_EN_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[!?]+|[:;=]-?[()dp/\\|]|[.,;:]")
NEGATORS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "without", "hardly", "barely",
    "scarcely", "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "wont", "wouldnt", "cant",
    "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint", "lack", "lacks",
})
_CLAUSE_END = frozenset(".,;:!?") | {"but", "however", "although", "though"}
NEGATION_SCOPE = 3  # words after a negator that get the not_ prefix (Das & Chen 2001; Pang et al. 2002 style)

# A CJK character carries about as much meaning as a short English word; the weight turns character counts
# into a comparable share when a message mixes both ("这个 deadline 太赶了").
CJK_WEIGHT = 1.0
LATIN_WORD_WEIGHT = 2.0


# Answers that say there is nothing to say. Matched on the whole text (case, spaces and punctuation aside), so
# "no cons" is a non-answer but "no career growth" is not.
_NON_ANSWER = re.compile(
    r"^\W*(?:"
    r"no|none|nothing|nil|nope|n/?a|not applicable|nothing (?:to (?:add|say|report|mention)|else|more|in particular)"
    r"|no (?:comments?|cons|pros|suggestions?|feedback|answer|idea|opinion)(?: at (?:this time|the moment|the time|present))?"
    r"|(?:none|nothing) (?:so far|at (?:this time|the moment|present))"
    r"|(?:i )?(?:can'?t|cannot) think of any(?:thing)?"
    r"|无|没|没有|暂无|暂时没有|没有了|无意见|没意见|没有意见|暂无意见|无建议|没建议|没有建议|暂无建议|无可奉告"
    r"|没什么|没什么可说的|没什么要说的|没有什么|没啥|同上|略|不清楚|不知道"
    r")\W*$", re.IGNORECASE)


def is_non_answer(text: str) -> bool:
    """The text only says there is nothing to say ("None.", "N/A", "no comment", "无", "没有意见")."""
    return len(text) <= 40 and bool(_NON_ANSWER.match(normalise(text)))


def is_blank(text: object) -> bool:
    return text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip()


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), HTML entities, URLs and @mentions to placeholders."""
    text = unicodedata.normalize("NFKC", html.unescape(str(text)))
    text = _URL.sub(" url ", text)
    text = _MENTION.sub(" @user ", text)
    return _WS.sub(" ", text).strip()


def share_and_language(text: str) -> tuple[float, str]:
    """(Chinese share of the message, language): the share counts CJK characters against weighted Latin
    words (0..1); the language is zh when Chinese dominates, en when Latin words do, other when neither
    script is present (emoji, digits, Cyrillic, kana...)."""
    cjk = len(_CJK.findall(text)) * CJK_WEIGHT
    latin = len(_LATIN_WORD.findall(text)) * LATIN_WORD_WEIGHT
    if not cjk and not latin:
        return 0.0, "other"
    share = cjk / (cjk + latin)
    return share, "zh" if share >= 0.5 else "en"


def zh_share(text: str) -> float:
    return share_and_language(text)[0]


def language(text: str) -> str:
    return share_and_language(text)[1]


@cache
def _simplified_table() -> dict[int, str]:
    """Traditional -> simplified characters from OpenCC's TSCharacters table (the first of several choices).

    Character by character, not OpenCC's phrase conversion: it is a C-speed ``str.translate`` and what the
    n-grams and lexicons need (the same character for the same meaning); OpenCC's phrase pass fixes word
    choice (e.g. Taiwan vocabulary), which matters for reading, not for matching."""
    table: dict[int, str] = {}
    source = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        traditional, _, simplified = line.partition("\t")
        choices = simplified.split()
        if len(traditional) == 1 and choices and choices[0] != traditional:
            table[ord(traditional)] = choices[0]
    return table


def to_simplified(text: str) -> str:
    """Traditional Chinese characters mapped to simplified ones (很不錯 -> 很不错); other text unchanged."""
    return text.translate(_simplified_table())


def zh_text(text: str) -> str:
    """Input for the Chinese character n-grams: simplified characters, lower case, digits collapsed, no spaces
    between characters."""
    text = _DIGITS.sub("0", to_simplified(normalise(text)).lower())
    return _REPEAT.sub(r"\1\1", text).replace(" ", "")


def en_tokens(text: str) -> list[str]:
    """Lower-cased English tokens; the NEGATION_SCOPE words after a negator are prefixed with ``not_``."""
    text = _REPEAT.sub(r"\1\1", normalise(text).lower().replace("\u2019", "'"))
    tokens: list[str] = []
    scope = 0
    for tok in _EN_TOKEN.findall(text):
        if tok in _CLAUSE_END or tok[0] in "!?":
            scope = 0
            if tok[0] in "!?" or tok.isalpha():  # keep "!!" and "but"; drop plain punctuation
                tokens.append(tok[:2] if tok[0] in "!?" else tok)
            continue
        bare = tok.replace("'", "")
        if bare in NEGATORS or tok.endswith("n't"):
            tokens.append(bare)
            scope = NEGATION_SCOPE
            continue
        tokens.append(f"not_{tok}" if scope else tok)
        scope = max(scope - 1, 0)
    return tokens


def en_tokens_many(texts: Iterable[str]) -> list[list[str]]:
    return [en_tokens(t) for t in texts]
