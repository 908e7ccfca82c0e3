"""Bilingual (zh / en) workplace texts with a known polarity and topic, for the demo generator only.

Texts are assembled from phrase tables (text_phrases) as opener + clause + closer (+ emoji) for IM
messages and as one to three sentences for survey comments. They are meant to look varied and plausible,
not to train a model: the sentiment model is trained and evaluated on real public corpora.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo_company import text_phrases as P

TOPICS: tuple[str, ...] = (
    "workload", "pay", "manager", "career_growth", "recognition", "colleagues", "work_life_balance", "process",
)
KINDS: tuple[str, ...] = ("message", "comment")
_LANGS: tuple[str, ...] = ("en", "zh")
_ALL_TOPICS: tuple[str, ...] = (*TOPICS, "")  # "" = no topic: everyday chatter / general remarks
_POLS: tuple[int, ...] = (-1, 0, 1)

_EMOJI_SHARE = {"en": 0.18, "zh": 0.25}  # emoji are more common in Chinese workplace chat
_CAPITALISE_SHARE = 0.6  # many people type English chat lines in lower case
_SECOND_SENTENCE_SHARE = 0.45
_CLOSING_SENTENCE_SHARE = 0.5


def _arr(items: list[str]) -> np.ndarray:
    out = np.empty(len(items), dtype=object)
    out[:] = items
    return out


@dataclass(frozen=True)
class _Group:
    """Precomputed phrase arrays for one (kind, lang, topic, polarity) cell."""

    cores: np.ndarray
    is_question: np.ndarray
    nouns: np.ndarray
    intens: np.ndarray
    openers: np.ndarray
    q_openers: np.ndarray
    closers: np.ndarray
    q_closers: np.ndarray
    emoji: np.ndarray


def _build_group(kind: str, lang: str, topic: str, pol: int) -> _Group:
    table = P.MESSAGE_CORES if kind == "message" else P.COMMENT_CORES
    cores = table[lang][topic][pol]
    if not cores:
        raise ValueError(f"no phrases for {kind}/{lang}/{topic!r}/{pol}")
    if kind == "message":
        openers, q_openers = P.MSG_OPENERS[lang][pol]
        closers, q_closers = P.MSG_CLOSERS[lang][pol]
        sep = " " if lang == "en" else ""
        emoji = [sep + e for e in P.EMOJI[lang][pol]]
    else:
        openers = q_openers = P.COMMENT_OPENERS[lang][pol]
        # "No further comments." followed by "No other comments." would read oddly, so general neutral
        # remarks get no closing sentence.
        generic = [] if (topic == "" and pol == 0) else P.COMMENT_CLOSERS[lang][pol]
        closers = q_closers = generic + (P.COMMENT_SUGGESTIONS[lang][topic] if pol == -1 else [])
        emoji = []
    return _Group(
        cores=_arr(cores),
        is_question=np.array([c.endswith(("?", "？")) for c in cores]),
        nouns=_arr(P.NOUNS[kind][lang][topic]),
        intens=_arr(P.INTENSIFIERS[kind][lang][pol]),
        openers=_arr(openers),
        q_openers=_arr(q_openers),
        closers=_arr(closers),
        q_closers=_arr(q_closers),
        emoji=_arr(emoji),
    )


# Group id layout: ((kind * n_langs + lang) * n_topics + topic) * 3 + (polarity + 1).
_GROUPS: list[_Group] = [
    _build_group(k, lang, t, p) for k in KINDS for lang in _LANGS for t in _ALL_TOPICS for p in _POLS
]


def _pick(rng: np.random.Generator, arr: np.ndarray, m: int) -> np.ndarray:
    return arr[rng.integers(0, len(arr), size=m)]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _render_messages(rng: np.random.Generator, g: _Group, m: int, lang: str) -> list[str]:
    ci = rng.integers(0, len(g.cores), size=m)
    q = g.is_question[ci]
    opener = np.where(q, _pick(rng, g.q_openers, m), _pick(rng, g.openers, m))
    closer = np.where(q, _pick(rng, g.q_closers, m), _pick(rng, g.closers, m))
    emoji = np.where(rng.random(m) < _EMOJI_SHARE[lang], _pick(rng, g.emoji, m), "")
    nouns, intens = _pick(rng, g.nouns, m), _pick(rng, g.intens, m)
    rows = zip(opener, g.cores[ci], nouns, intens, closer, emoji, strict=True)
    texts = [f"{o}{c.format(n=n, i=i)}{cl}{e}" for o, c, n, i, cl, e in rows]
    if lang == "en":
        cap = rng.random(m) < _CAPITALISE_SHARE
        texts = [_cap(t) if k else t for t, k in zip(texts, cap, strict=True)]
    return texts


def _render_comments(rng: np.random.Generator, g: _Group, m: int, lang: str) -> list[str]:
    sep = " " if lang == "en" else ""
    k = len(g.cores)
    c1 = rng.integers(0, k, size=m)
    c2 = rng.integers(0, k, size=m)
    has2 = (rng.random(m) < _SECOND_SENTENCE_SHARE) & (c1 != c2)  # never repeat the first sentence
    opener = _pick(rng, g.openers, m)
    nouns = _pick(rng, g.nouns, m)  # shared by both sentences so they talk about the same manager/project
    i1, i2 = _pick(rng, g.intens, m), _pick(rng, g.intens, m)
    u3 = rng.random(m)
    if len(g.closers):
        closer = _pick(rng, g.closers, m)
        closer = np.where(u3 < _CLOSING_SENTENCE_SHARE, closer, "")
    else:
        closer = np.full(m, "", dtype=object)
    cores = g.cores
    out = []
    for o, a, b, two, nn, ia, ib, cl in zip(opener, c1, c2, has2, nouns, i1, i2, closer, strict=True):
        parts = [_cap(o + cores[a].format(n=nn, i=ia))]
        if two:
            parts.append(_cap(cores[b].format(n=nn, i=ib)))
        if cl:
            parts.append(cl)
        out.append(sep.join(parts))
    return out


def _codes(values: np.ndarray, vocab: tuple, name: str) -> np.ndarray:
    """Map values to their index in vocab (vectorised over the unique values)."""
    uniq, inv = np.unique(values, return_inverse=True)
    lookup = {v: i for i, v in enumerate(vocab)}
    bad = [u for u in uniq.tolist() if u not in lookup]
    if bad:
        raise ValueError(f"unknown {name} values: {bad[:5]}")
    return np.array([lookup[u] for u in uniq.tolist()], dtype=np.int64)[inv.ravel()]


def render_texts(
    rng: np.random.Generator, lang: np.ndarray, polarity: np.ndarray, topic: np.ndarray, kind: str
) -> list[str]:
    """Render one text per item.

    lang: 'zh' / 'en'; polarity: -1 / 0 / 1; topic: one of TOPICS or '' (everyday chatter for messages,
    general remarks for comments); kind: 'message' (short IM lines) or 'comment' (1-3 survey sentences).
    Items are rendered group by group in a fixed order, so output depends only on the rng state and inputs.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    lang_a = np.asarray(lang)
    pol_a = np.asarray(polarity)
    topic_a = np.asarray(topic)
    n = len(lang_a)
    if pol_a.shape != (n,) or topic_a.shape != (n,) or lang_a.ndim != 1:
        raise ValueError("lang, polarity and topic must be 1-D arrays of the same length")
    if n == 0:
        return []
    pol_code = pol_a.astype(np.int64) + 1
    if pol_code.min() < 0 or pol_code.max() > 2 or not np.array_equal(pol_code - 1, pol_a):
        raise ValueError("polarity values must be -1, 0 or 1")
    gid = (
        (KINDS.index(kind) * len(_LANGS) + _codes(lang_a, _LANGS, "lang")) * len(_ALL_TOPICS)
        + _codes(topic_a, _ALL_TOPICS, "topic")
    ) * 3 + pol_code

    order = np.argsort(gid, kind="stable")
    ids, starts = np.unique(gid[order], return_index=True)
    ends = np.append(starts[1:], n)
    out = np.empty(n, dtype=object)
    render = _render_messages if kind == "message" else _render_comments
    for g_id, s, e in zip(ids.tolist(), starts.tolist(), ends.tolist(), strict=True):
        lang_name = _LANGS[(g_id // (3 * len(_ALL_TOPICS))) % len(_LANGS)]
        out[order[s:e]] = render(rng, _GROUPS[g_id], e - s, lang_name)
    return out.tolist()
