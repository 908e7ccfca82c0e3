"""``trm sentiment IN.csv OUT.csv --text-column text [--model-dir DIR] [--lexicon FILE] [--quiet]``

Copies every column and row of IN.csv to OUT.csv and adds ``sentiment`` (positive|neutral|negative),
``sentiment_score`` (-1..1) and ``topics`` (topic keys joined with ";"). Rows whose text is empty get an empty
sentiment and score and no topics. IN.csv may be UTF-8 (with or without BOM) or GB18030; OUT.csv is UTF-8.
By extension, IN may also be tab separated (.tsv, .tab), Excel (.xlsx, first sheet) or Parquet, and OUT tab
separated (.tsv, .tab); anything else is read and written as comma separated.
The first run trains the model (about 20 s) and caches it; see ml/sentiment/README.md.
Also runnable as ``python -m ml.sentiment.cli``. Exit codes: 0 done, 2 bad input or arguments.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from ml.cli_support import log_to_stderr, standalone_parser

from .model import default_model_dir, get_model
from .topics import LexiconError, load_lexicon, tag_topics

OUTPUT_COLUMNS = ("sentiment", "sentiment_score", "topics")
CHUNK = 5_000  # rows per scoring batch: large enough to vectorise, small enough for a useful progress bar
log = logging.getLogger(__name__)


class InputError(ValueError):
    pass


TAB_SEPARATED = {".tsv", ".tab"}


def read_input(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"input {path} does not exist or is not a file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except (OSError, ValueError, ImportError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    sep = "\t" if suffix in TAB_SEPARATED else ","
    last: Exception | None = None
    for encoding in ("utf-8-sig", "gb18030"):  # utf-8-sig also reads plain UTF-8
        try:
            # Everything as text and no NA guessing, so ids like 00123 and the word "NA" come back unchanged.
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep)
        except UnicodeDecodeError as exc:
            last = exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
    raise InputError(f"cannot read {path}: neither UTF-8 nor GB18030 ({last})")


DESCRIPTION = "Add sentiment, sentiment_score and topics columns to a CSV."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options, on any parser: `trm sentiment` registers them on its subcommand."""
    p.add_argument("input", type=Path, help="CSV to score (UTF-8 or GB18030)")
    p.add_argument("output", type=Path, help="CSV to write: the input columns plus " + ", ".join(OUTPUT_COLUMNS))
    p.add_argument("--text-column", default="text", help="column holding the message text (default: text)")
    p.add_argument("--model-dir", type=Path,
                   help=f"where the trained model is cached (default: {default_model_dir()}, from $TRM_HOME)")
    p.add_argument("--lexicon", type=Path, help="topic lexicon YAML (default: ml/sentiment/lexicon/topics.yaml)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or summary")


def build_parser() -> argparse.ArgumentParser:
    return standalone_parser("trm sentiment", DESCRIPTION, add_arguments)


def score_frame(df: pd.DataFrame, text_column: str, model_dir: Path | None = None,
                lexicon: Path | None = None, progress: bool = False) -> pd.DataFrame:
    """df with the three output columns added (replaced if already present); rows and order unchanged."""
    model = get_model(model_dir)
    texts = df[text_column].tolist()
    parts = []
    with tqdm(total=len(texts), unit="msg", disable=not progress or len(texts) <= CHUNK, file=sys.stderr) as bar:
        for start in range(0, len(texts), CHUNK):
            chunk = texts[start:start + CHUNK]
            scored = model.score(chunk)
            scored["topics"] = [";".join(t) for t in tag_topics(chunk, lexicon)]
            parts.append(scored)
            bar.update(len(chunk))
    scored = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*OUTPUT_COLUMNS, "language"])
    out = df.drop(columns=[c for c in OUTPUT_COLUMNS if c in df.columns])
    for col in OUTPUT_COLUMNS:
        out[col] = scored[col].to_numpy()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    log_to_stderr(args.quiet)
    try:
        df = read_input(args.input)
        if args.text_column not in df.columns:
            raise InputError(f"{args.input}: no column {args.text_column!r}; columns present: "
                             f"{', '.join(map(str, df.columns)) or 'none'} (choose one with --text-column)")
        if args.text_column in OUTPUT_COLUMNS:
            raise InputError(f"the text column may not be called {args.text_column!r}: the output adds a column "
                             "of that name; rename it first")
        if args.lexicon:
            load_lexicon(str(args.lexicon))  # fail before training or scoring, with the lexicon's own message
    except (InputError, LexiconError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    clash = [c for c in OUTPUT_COLUMNS if c in df.columns and c != args.text_column]
    if clash and not args.quiet:
        log.warning("replacing existing column(s) %s", ", ".join(clash))
    start = time.perf_counter()
    out = score_frame(df, args.text_column, args.model_dir, args.lexicon, progress=not args.quiet)
    elapsed = time.perf_counter() - start
    args.output.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.output, index=False, encoding="utf-8", float_format="%.4f",
               sep="\t" if args.output.suffix.lower() in TAB_SEPARATED else ",")
    if not args.quiet:
        counts = out["sentiment"].value_counts()
        empty = int(out["sentiment"].isna().sum())
        topics = Counter(t for cell in out["topics"] for t in cell.split(";") if t)
        top = ", ".join(f"{k} {v:,}" for k, v in topics.most_common(3)) or "none"
        print(f"{len(out):,} rows: {counts.get('positive', 0):,} positive, {counts.get('neutral', 0):,} neutral, "
              f"{counts.get('negative', 0):,} negative, {empty:,} empty; top topics: {top}; "
              f"{elapsed:.1f}s; wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
