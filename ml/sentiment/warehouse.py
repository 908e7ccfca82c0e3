"""The sentiment step of the nightly run: texts not scored yet in, ``ml.message_sentiment`` and
``ml.comment_sentiment`` out (no text), then IM text minimisation.

Only texts not scored yet are scored, so a nightly run costs what the day brought. Raw IM text is needed only for
scoring: once a message is scored and older than the retention policy's IM text rule (privacy/retention.yaml), its text in
``raw.im__messages`` is set to null. Survey comments are kept (HR reads them under the survey's anonymity rules).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ingestion.warehouse import ML_SCHEMA, fetch_one, opened, table_exists

SCORE_COLUMNS = ["language", "sentiment", "sentiment_score", "topics", "model_version", "scored_at"]
# Texts scored and committed at a time: memory holds one chunk's texts and scores.
CHUNK_ROWS = 50_000
# Below this many texts a night scores in its own process: starting worker processes (each loads the model) costs
# a few seconds, more than they save on a small night.
PARALLEL_MIN_TEXTS = 40_000


@dataclass(frozen=True)
class TextSource:
    """Where the texts of one score table come from."""

    table: str  # ml.<table>
    key: str  # one row per key
    query: str  # selects the key, the kept columns and the text
    text_column: str
    keep: list[str]  # columns stored beside the scores
    key_types: dict[str, str]  # column types of the empty table


MESSAGES = TextSource(
    "message_sentiment", "im_message_id",
    "select im_message_id, platform, message_id, message_text from stg_im__messages where message_text is not null",
    "message_text", ["im_message_id", "platform", "message_id"],
    {"im_message_id": "varchar", "platform": "varchar", "message_id": "varchar"})
COMMENTS = TextSource(
    "comment_sentiment", "response_id",
    "select response_id, comment from stg_surveys__responses where comment is not null",
    "comment", ["response_id"], {"response_id": "varchar"})


def _append(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: str) -> None:
    """Insert new scores (creating the table on first use) in one transaction; rows of known keys are replaced."""
    con.execute(f"create schema if not exists {ML_SCHEMA}")
    con.execute("begin")
    try:
        con.register("_scores", frame)
        if not table_exists(con, ML_SCHEMA, table):
            con.execute(f"create table {ML_SCHEMA}.{table} as select * from _scores limit 0")
        con.execute(f"delete from {ML_SCHEMA}.{table} where {key} in (select {key} from _scores)")
        con.execute(f"insert into {ML_SCHEMA}.{table} by name select * from _scores")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_scores")


def _unscored_query(source: TextSource) -> str:
    return (f"select * from ({source.query}) as t "
            f"where {source.key} not in (select {source.key} from {ML_SCHEMA}.{source.table})")


def _ensure_empty_table(con: duckdb.DuckDBPyConnection, table: str, key_columns: dict[str, str]) -> None:
    """Downstream marts read the table even when a source has nothing to score yet."""
    if table_exists(con, ML_SCHEMA, table):
        return
    columns = ", ".join([f"{name} {kind}" for name, kind in key_columns.items()] + [
        "language varchar", "sentiment varchar", "sentiment_score double", "topics varchar",
        "model_version varchar", "scored_at timestamp with time zone"])
    con.execute(f"create schema if not exists {ML_SCHEMA}")
    con.execute(f"create table {ML_SCHEMA}.{table} ({columns})")


def minimise_im_text(con: duckdb.DuckDBPyConnection, retention_days: int) -> int:
    """Null the raw text of scored messages sent more than ``retention_days`` ago; returns rows changed."""
    if not table_exists(con, ML_SCHEMA, "message_sentiment"):
        return 0
    condition = f"""
        r.text is not null
        and r.sent_at < current_timestamp - to_days(?)
        and exists (select 1 from {ML_SCHEMA}.message_sentiment as s
                    where s.platform = r.platform and s.message_id = r.message_id)"""
    count = fetch_one(con, f"select count(*) from raw.im__messages as r where {condition}", [retention_days])[0]
    con.execute(f"update raw.im__messages as r set text = null where {condition}", [retention_days])
    # Staging keeps messages as an incremental table (the night's new rows only): the same rule applies there,
    # or the text would outlive its retention in the one copy dbt no longer rebuilds from raw.
    if table_exists(con, *STAGED_MESSAGES.split(".")):
        con.execute(f"""update {STAGED_MESSAGES} as r set message_text = null
                        where r.message_text is not null
                          and r.sent_at_utc < current_timestamp - to_days(?)
                          and exists (select 1 from {ML_SCHEMA}.message_sentiment as s
                                      where s.platform = r.platform and s.message_id = r.message_id)""",
                    [retention_days])
    return int(count)


STAGED_MESSAGES = "main.stg_im__messages"



def sentiment_counts(frame: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in frame["sentiment"].value_counts().items()} if len(frame) else {}


def scoring_workers(settings) -> int:
    """Processes that score texts: one per DuckDB thread (setting ``threads``, TRM_THREADS; default one per core),
    the same share of the machine the rest of the nightly takes."""
    return int(settings.duckdb_config()["threads"])


@dataclass
class ScoringResult:
    """What one scoring step did: texts scored, and how many per sentiment."""

    scored: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, frame: pd.DataFrame) -> None:
        self.scored += len(frame)
        for label, n in sentiment_counts(frame).items():
            self.counts[label] = self.counts.get(label, 0) + n


def score_new(warehouse: Path, model_path: Path, source: TextSource, log, *, workers: int = 1,
              chunk_rows: int = CHUNK_ROWS) -> ScoringResult:
    """Score the texts not scored yet and store them, ``chunk_rows`` at a time; returns what this run scored.

    Texts are streamed from the warehouse, so memory holds one chunk whatever the backlog (a first night at a large
    company has millions of messages), and each chunk is committed on its own: a run stopped part-way keeps what it
    scored, and the next run scores the rest. With ``workers`` > 1 a chunk is split across that many processes
    (ml/sentiment/parallel.py). The result is the same whatever ``chunk_rows`` and ``workers`` are (tested).
    """
    from ml.sentiment.parallel import Scorer

    result = ScoringResult()
    with opened(warehouse) as con:
        _ensure_empty_table(con, source.table, source.key_types)
        query = _unscored_query(source)
        todo = fetch_one(con, f"select count(*) from ({query}) as q")[0]
        log.info(f"{todo:,} texts to score for {ML_SCHEMA}.{source.table}")
        if not todo:
            return result
        # A cursor of its own streams the texts; chunks are written through another (DuckDB: one snapshot for the
        # stream, so rows written meanwhile do not come back into it).
        reader, writer = con.cursor(), con.cursor()
        try:
            stream = reader.sql(query).to_arrow_reader(chunk_rows)
            with Scorer(model_path, workers if todo >= PARALLEL_MIN_TEXTS else 1) as scorer:
                for batch in stream:
                    frame = batch.to_pandas()
                    scored = scorer.score(frame[source.text_column])
                    _append(writer, source.table, pd.concat([frame[source.keep], scored[SCORE_COLUMNS]], axis=1),
                            source.key)
                    result.add(scored)
                    log.info(f"{ML_SCHEMA}.{source.table}: {result.scored:,} of {todo:,} texts scored")
        finally:
            reader.close()
            writer.close()
    return result
