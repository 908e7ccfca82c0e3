"""Sentiment and topics of IM messages and survey comments (ml/sentiment), then IM text minimisation.

Scores are written to ``ml.message_sentiment`` and ``ml.comment_sentiment`` (no text). Only texts not scored yet
are scored, so a nightly run costs what the day brought. Raw IM text is needed only for scoring: once a message
is scored and older than the retention (``TRM_IM_TEXT_RETENTION_DAYS``, default 30 days), its text in
``raw.im__messages`` is set to null. Survey comments are kept (HR reads them under the survey's anonymity rules).
"""


import os
from pathlib import Path

import duckdb
import pandas as pd
from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset

from ingestion.warehouse import fetch_one, table_exists
from orchestration.assets.ingestion import OWNER, TRANSIENT_RETRY
from orchestration.resources import TRMResource

ML_SCHEMA = "ml"
SCORE_COLUMNS = ["language", "sentiment", "sentiment_score", "topics", "model_version", "scored_at"]


class SentimentConfig(Config):
    im_text_retention_days: int = int(os.environ.get("TRM_IM_TEXT_RETENTION_DAYS", "30"))


def model_dir(trm: TRMResource) -> Path:
    from ml.sentiment.model import default_model_dir

    return default_model_dir(Path(trm.home))


def score_frame(texts: pd.Series, model_path: Path) -> pd.DataFrame:
    """Sentiment, score, language and ';'-joined topics for each text (index kept)."""
    from ml.sentiment.model import get_model
    from ml.sentiment.topics import tag_topics

    model = get_model(model_path)
    scored = model.score(list(texts)).set_index(texts.index)
    scored["topics"] = [";".join(t) for t in tag_topics(list(texts))]
    scored["model_version"] = str(model.meta.get("model_version", ""))
    scored["scored_at"] = pd.Timestamp.now(tz="UTC")
    return scored


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


def _unscored(con: duckdb.DuckDBPyConnection, query: str, table: str, key: str) -> pd.DataFrame:
    if table_exists(con, ML_SCHEMA, table):
        query = f"select * from ({query}) as t where {key} not in (select {key} from {ML_SCHEMA}.{table})"
    return con.execute(query).df()


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
    count = fetch_one(con, f"""
        select count(*) from raw.im__messages as r
        where r.text is not null
          and r.sent_at < current_timestamp - to_days(?)
          and exists (select 1 from {ML_SCHEMA}.message_sentiment as s
                      where s.platform = r.platform and s.message_id = r.message_id)""", [retention_days])[0]
    con.execute(f"""
        update raw.im__messages as r set text = null
        where r.text is not null
          and r.sent_at < current_timestamp - to_days(?)
          and exists (select 1 from {ML_SCHEMA}.message_sentiment as s
                      where s.platform = r.platform and s.message_id = r.message_id)""", [retention_days])
    return int(count)


def _distribution(frame: pd.DataFrame) -> dict[str, int]:
    return {str(k): int(v) for k, v in frame["sentiment"].value_counts().items()} if len(frame) else {}


def score_new(trm: TRMResource, table: str, key: str, query: str, text_column: str,
              keep: list[str], key_types: dict[str, str], log) -> pd.DataFrame:
    """Score the texts not scored yet and store them; returns what was scored this run.

    Each step opens its own connection: the file is not held while the model works, and (DuckDB 2.0) a large
    insert committed on a connection was seen as empty by later queries on that same connection.
    """
    with trm.connect(read_only=True) as con:
        todo = _unscored(con, query, table, key)
    log.info(f"{len(todo):,} texts to score for {ML_SCHEMA}.{table}")
    with trm.connect() as con:
        if len(todo):
            scored = score_frame(todo[text_column], model_dir(trm))
            _append(con, table, pd.concat([todo[keep], scored[SCORE_COLUMNS]], axis=1), key)
            return scored
        _ensure_empty_table(con, table, key_types)
    return pd.DataFrame(columns=["sentiment"])

@asset(
    key=AssetKey([ML_SCHEMA, "message_sentiment"]),
    retry_policy=TRANSIENT_RETRY,  # a reader's lock or a full disk; bad data fails for good
    group_name="ml",
    owners=[OWNER],
    kinds={"python", "scikitlearn", "duckdb"},
    deps=[AssetKey(["stg_im__messages"])],
    description=(
        "Sentiment (positive / neutral / negative, score in [-1, 1]) and topics of every IM message, Chinese and "
        "English (ml/sentiment: scikit-learn trained on public labelled text, zh/en topic lexicon). Writes "
        "`ml.message_sentiment` (no text); then nulls the raw text of scored messages older than the retention "
        "(TRM_IM_TEXT_RETENTION_DAYS, default 30)."
    ),
)
def message_sentiment(context: AssetExecutionContext, config: SentimentConfig,
                      trm: TRMResource) -> MaterializeResult:
    scored = score_new(trm, "message_sentiment", "im_message_id",
                       "select im_message_id, platform, message_id, message_text from stg_im__messages "
                       "where message_text is not null", "message_text", ["im_message_id", "platform", "message_id"],
                       {"im_message_id": "varchar", "platform": "varchar", "message_id": "varchar"}, context.log)
    with trm.connect() as con:
        minimised = minimise_im_text(con, config.im_text_retention_days)
    with trm.connect(read_only=True) as con:
        total = fetch_one(con, f"select count(*) from {ML_SCHEMA}.message_sentiment")[0]
        texts_left = fetch_one(con, "select count(*) from raw.im__messages where text is not null")[0]
    context.log.info(f"scored {len(scored):,}; raw texts set to null: {minimised:,}; still held: {texts_left:,}")
    return MaterializeResult(metadata={
        "scored_this_run": len(scored),
        "sentiment_this_run": MetadataValue.json(_distribution(scored)),
        "raw_texts_minimised": minimised,
        "raw_texts_still_held": int(texts_left),
        "retention_days": config.im_text_retention_days,
        "dagster/row_count": int(total),
    })


@asset(
    key=AssetKey([ML_SCHEMA, "comment_sentiment"]),
    retry_policy=TRANSIENT_RETRY,  # a reader's lock or a full disk; bad data fails for good
    group_name="ml",
    owners=[OWNER],
    kinds={"python", "scikitlearn", "duckdb"},
    deps=[AssetKey(["stg_surveys__responses"])],
    description=(
        "Sentiment and topics of every free-text survey comment (ml/sentiment). Writes `ml.comment_sentiment` "
        "(no text); marts aggregate it with the comment anonymity threshold (10)."
    ),
)
def comment_sentiment(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    scored = score_new(trm, "comment_sentiment", "response_id",
                       "select response_id, comment from stg_surveys__responses where comment is not null",
                       "comment", ["response_id"], {"response_id": "varchar"}, context.log)
    with trm.connect(read_only=True) as con:
        total = fetch_one(con, f"select count(*) from {ML_SCHEMA}.comment_sentiment")[0]
    return MaterializeResult(metadata={
        "scored_this_run": len(scored),
        "sentiment_this_run": MetadataValue.json(_distribution(scored)),
        "dagster/row_count": int(total),
    })
