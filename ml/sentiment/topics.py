"""Topic tags from the editable zh/en lexicon in ``lexicon/topics.yaml`` (see the comments there).

English (and any ASCII) terms are matched on whole tokens of ASCII letters and digits, so "deadline" is found
in "这个deadline太赶了" but "ceo" not in "ceos"; a trailing ``*`` matches any ending of the last word. Chinese
terms are substrings. Matching is set operations on a message's distinct words plus substring tests for the
terms that can occur (a phrase only when its first word is there, a Chinese term only when its first character
is), rather than one big regular expression per topic (which cost ~1 ms a message).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from .text import is_blank, to_simplified

DEFAULT_LEXICON = Path(__file__).parent / "lexicon" / "topics.yaml"


class LexiconError(ValueError):
    pass


_TOKEN = re.compile(r"[a-z0-9]+")
PREFIX_KEY = 3  # wildcard prefixes are indexed by their first 3 characters, hence need at least 3


@dataclass(frozen=True)
class Lexicon:
    keys: tuple[str, ...]
    labels: dict[str, str]
    exact: dict[tuple[str, ...], frozenset[str]]  # token n-gram -> topics
    prefix: dict[tuple[tuple[str, ...], str], tuple[tuple[str, frozenset[str]], ...]]  # (head, key) -> (prefix, topics)
    substrings: dict[str, frozenset[str]]  # Chinese term -> topics
    max_tokens: int

    def match(self, text: str) -> list[str]:
        norm = to_simplified(unicodedata.normalize("NFKC", text).lower())
        found: set[str] = set()
        tokens = _TOKEN.findall(norm)
        if tokens:
            # Set operations on the text's distinct words, and substring tests on the words joined by spaces for
            # terms of several words (" internal mov" finds "internal" followed by a word starting with "mov"),
            # instead of a dict look-up per position and n-gram: the same matches, several times faster.
            derived = self._derived
            unique = set(tokens)
            for token in unique.intersection(derived["exact_words"]):
                found |= self.exact[(token,)]
            keys = {token[:PREFIX_KEY] for token in unique}.intersection(derived["prefix_keys"])
            if keys:  # wildcard terms of one word
                for token in unique:
                    if token[:PREFIX_KEY] in keys:
                        for pfx, topics in self.prefix[((), token[:PREFIX_KEY])]:
                            if token.startswith(pfx):
                                found |= topics
            firsts = unique.intersection(derived["phrases_by_first"])
            if firsts:
                joined = f" {' '.join(tokens)} "
                for first in firsts:
                    for needle, topics in derived["phrases_by_first"][first]:
                        if needle in joined:
                            found |= topics
        if not norm.isascii():  # Chinese terms: only those whose first character occurs in the text
            by_first = self._derived["substrings_by_first"]
            for first in by_first.keys() & set(norm):
                for term, topics in by_first[first]:
                    if term in norm:
                        found |= topics
        return [k for k in self.keys if k in found]

    @cached_property
    def _derived(self) -> dict:
        """Look-up structures derived from ``exact``, ``prefix`` and ``substrings`` (built on first use)."""
        # Terms of several words as needles in the text's words joined by spaces: an exact phrase is " a b ", a
        # wildcard phrase " a b" + the prefix of its last word (no space after: any ending).
        phrases: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for gram, topics in self.exact.items():
            if len(gram) > 1:
                phrases[gram[0]].append((f" {' '.join(gram)} ", topics))
        for (head, _), entries in self.prefix.items():
            if head:
                for pfx, topics in entries:
                    phrases[head[0]].append((f" {' '.join(head)} {pfx}", topics))
        by_first: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for term, topics in self.substrings.items():
            by_first[term[0]].append((term, topics))
        return {"exact_words": frozenset(gram[0] for gram in self.exact if len(gram) == 1),
                "prefix_keys": frozenset(key for head, key in self.prefix if not head),
                "phrases_by_first": dict(phrases),
                "substrings_by_first": dict(by_first)}


def _build(topics: dict) -> Lexicon:
    exact: dict[tuple[str, ...], set[str]] = defaultdict(set)
    prefix: dict[tuple[str, ...], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    substrings: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for key, spec in topics.items():
        key = str(key)
        if not isinstance(spec, dict):
            raise LexiconError(f"topic {key!r}: expected a mapping with label/en/zh, got {type(spec).__name__}")
        labels[key] = str(spec.get("label", key))
        n_terms = 0
        for lang in ("en", "zh"):
            terms = spec.get(lang) or []
            if not isinstance(terms, list):
                raise LexiconError(f"topic {key!r}: {lang} must be a list of terms")
            for raw in terms:
                term = to_simplified(unicodedata.normalize("NFKC", str(raw)).strip().lower())
                if lang == "zh" and not term.isascii():
                    substrings[term].add(key)
                    n_terms += 1
                    continue
                words = _TOKEN.findall(term.rstrip("*"))
                if not words:
                    continue
                n_terms += 1
                if term.endswith("*"):
                    if len(words[-1]) < PREFIX_KEY:
                        raise LexiconError(f"topic {key!r}: wildcard term {raw!r} needs at least "
                                           f"{PREFIX_KEY} letters before the *")
                    prefix[tuple(words[:-1])][words[-1]].add(key)
                else:
                    exact[tuple(words)].add(key)
        if not n_terms:
            raise LexiconError(f"topic {key!r} has no en or zh terms")
    prefix_index: dict[tuple[tuple[str, ...], str], list[tuple[str, frozenset[str]]]] = defaultdict(list)
    for head, by_prefix in prefix.items():
        for pfx, keys in by_prefix.items():
            prefix_index[(head, pfx[:PREFIX_KEY])].append((pfx, frozenset(keys)))
    lengths = [len(g) for g in exact] + [len(h) + 1 for h in prefix]
    return Lexicon(
        keys=tuple(labels), labels=labels,
        exact={g: frozenset(k) for g, k in exact.items()},
        prefix={k: tuple(v) for k, v in prefix_index.items()},
        substrings={t: frozenset(k) for t, k in substrings.items()},
        max_tokens=max(lengths, default=1),
    )


@cache
def load_lexicon(path: Path | str | None = None) -> Lexicon:
    path = Path(path) if path else DEFAULT_LEXICON
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"cannot read topic lexicon {path}: {exc}") from exc
    topics = (raw or {}).get("topics") if isinstance(raw, dict) else None
    if not isinstance(topics, dict) or not topics:
        raise LexiconError(f"{path}: expected a top-level 'topics' mapping")
    return _build(topics)


def tag_topics(texts: Sequence[object], lexicon: Path | str | None = None) -> list[list[str]]:
    """Topic keys per text, in lexicon order; [] for empty text or no match."""
    lex = load_lexicon(str(lexicon) if lexicon else None)
    return [[] if is_blank(text) else lex.match(str(text)) for text in texts]
