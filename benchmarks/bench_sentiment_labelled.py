"""Sentiment on any human-labelled file you have (other domains than the training corpora): accuracy and macro-F1
per language, the confusion matrix and throughput.

    python benchmarks/bench_sentiment_labelled.py FILE --text-column text --label-column label
        [--positive pos,1] [--negative neg,0] [--neutral neu] [--model-dir DIR]

FILE is read like `trm sentiment` input (.csv UTF-8/GB18030, .tsv, .xlsx, .parquet). Labels are mapped with the
value lists (case-insensitive; defaults cover positive/negative/neutral, pos/neg/neu, 1/0 and 正面/负面/中性);
rows with another label are counted and skipped. A file with a neutral class is scored 3-way (the model's
label); a binary file by the sign of sentiment_score (score >= 0 counts as positive, as a 2-class reader would)
and also 3-way, so the share the model calls neutral is visible.

The files used for the figures in ml/sentiment/README.md are public but their licences do not allow shipping
them; the README names them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.sentiment.cli import InputError, read_input  # noqa: E402
from ml.sentiment.model import get_model  # noqa: E402

DEFAULTS = {
    "positive": "positive,pos,1,正面,积极,好评",
    "negative": "negative,neg,0,-1,负面,消极,差评",
    "neutral": "neutral,neu,中性",
}
CLASSES = ["negative", "neutral", "positive"]


def _values(text: str) -> set[str]:
    return {v.strip().lower() for v in text.split(",") if v.strip()}


def map_labels(raw: pd.Series, positive: str, negative: str, neutral: str) -> pd.Series:
    """Raw label values to positive/negative/neutral; anything else to None."""
    lookup = {}
    for name, values in (("neutral", neutral), ("negative", negative), ("positive", positive)):
        for v in _values(values):
            lookup[v] = name
    return raw.astype(str).str.strip().str.lower().map(lookup)


def report(gold: np.ndarray, pred: np.ndarray, title: str) -> None:
    labels = [c for c in CLASSES if c in set(gold) | set(pred)]
    print(f"  {title:<34} n={len(gold):>6,}  accuracy={accuracy_score(gold, pred):.3f}  "
          f"macro_f1={f1_score(gold, pred, average='macro', labels=sorted(set(gold))):.3f}")
    matrix = pd.DataFrame(confusion_matrix(gold, pred, labels=labels), index=[f"gold {c}" for c in labels],
                          columns=[f"pred {c}" for c in labels])
    print("    " + matrix.to_string().replace("\n", "\n    "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--label-column", default="label")
    for name, values in DEFAULTS.items():
        parser.add_argument(f"--{name}", default=values, help=f"label values meaning {name} (default {values})")
    parser.add_argument("--model-dir", type=Path)
    args = parser.parse_args()
    try:
        frame = read_input(args.file)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for column in (args.text_column, args.label_column):
        if column not in frame.columns:
            print(f"error: no column {column!r}; columns: {', '.join(map(str, frame.columns))}", file=sys.stderr)
            return 2
    gold = map_labels(frame[args.label_column], args.positive, args.negative, args.neutral)
    unknown = int(gold.isna().sum())
    frame, gold = frame[gold.notna()], gold[gold.notna()].to_numpy()
    model = get_model(args.model_dir)  # load (or train) before timing
    texts = frame[args.text_column].tolist()
    start = time.perf_counter()
    scored = model.score(texts)
    elapsed = time.perf_counter() - start
    print(f"{args.file}: {len(texts):,} labelled rows ({unknown:,} with other labels skipped); "
          f"gold {dict(pd.Series(gold).value_counts())}; {len(texts) / max(elapsed, 1e-9):,.0f} texts/s")
    three_way = "neutral" in set(gold)
    pred3 = scored["sentiment"].fillna("neutral").to_numpy()
    sign = np.where(scored["sentiment_score"].fillna(0).to_numpy() >= 0, "positive", "negative")
    for language in ["all", *sorted(scored["language"].dropna().unique())]:
        rows = np.ones(len(gold), bool) if language == "all" else (scored["language"] == language).to_numpy()
        if rows.sum() == 0:
            continue
        print(f"language {language}:")
        if three_way:
            report(gold[rows], pred3[rows], "3-way (model label)")
        else:
            report(gold[rows], sign[rows], "binary (sign of score)")
            report(gold[rows], pred3[rows], "3-way (share called neutral)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
