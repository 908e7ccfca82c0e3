"""Sentiment and topics of IM messages and survey comments as assets; the step is ``ml.sentiment.warehouse``.

Scores go to ``ml.message_sentiment`` and ``ml.comment_sentiment`` (no text); then the raw text of scored IM
messages older than the retention policy's IM text rule (privacy/retention.yaml, TRM_RETENTION) is set to null.
"""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset

from ingestion.warehouse import fetch_one
from ml.sentiment.warehouse import (
    COMMENTS,
    MESSAGES,
    ML_SCHEMA,
    minimise_im_text,
    score_new,
    scoring_workers,
)
from orchestration.assets.ingestion import OWNER, TRANSIENT_RETRY
from orchestration.resources import TRMResource
from privacy.retention import load_policy

# What both scoring assets share: a retry for a reader's lock or a full disk (bad data fails for good).
SCORING_ASSET = {"retry_policy": TRANSIENT_RETRY, "group_name": "ml", "owners": [OWNER],
                 "kinds": {"python", "scikitlearn", "duckdb"}}


class SentimentConfig(Config):
    # None: the retention policy's IM text rule (TRM_RETENTION); a run may set its own in the launchpad.
    im_text_retention_days: int | None = None


@asset(
    key=AssetKey([ML_SCHEMA, "message_sentiment"]),
    **SCORING_ASSET,
    deps=[AssetKey(["stg_im__messages"])],
    description=(
        "Sentiment (positive / neutral / negative, score in [-1, 1]) and topics of every IM message, Chinese and "
        "English (ml/sentiment: scikit-learn trained on public labelled text, zh/en topic lexicon). Writes "
        "`ml.message_sentiment` (no text); then nulls the raw text of scored messages older than the retention "
        "(the retention policy's im_message_text rule, default 30 days)."
    ),
)
def message_sentiment(context: AssetExecutionContext, config: SentimentConfig,
                      trm: TRMResource) -> MaterializeResult:
    retention = (load_policy(trm.settings.retention, trm.contracts).text_days("im__messages")
                 if config.im_text_retention_days is None else config.im_text_retention_days)
    scored = score_new(Path(trm.warehouse), trm.settings.sentiment_models, MESSAGES, context.log,
                       workers=scoring_workers(trm.settings))
    with trm.connect() as con:
        minimised = minimise_im_text(con, retention)
    if minimised:
        trm.audit("retention_purged", {"rule": "im_text", "retention_days": retention, "rows": minimised},
                  context.run.run_id)
    with trm.connect(read_only=True) as con:
        total = fetch_one(con, f"select count(*) from {ML_SCHEMA}.message_sentiment")[0]
        texts_left = fetch_one(con, "select count(*) from raw.im__messages where text is not null")[0]
    context.log.info(f"scored {scored.scored:,}; raw texts set to null: {minimised:,}; still held: {texts_left:,}")
    return MaterializeResult(metadata={
        "scored_this_run": scored.scored,
        "sentiment_this_run": MetadataValue.json(scored.counts),
        "raw_texts_minimised": minimised,
        "raw_texts_still_held": int(texts_left),
        "retention_days": retention,
        "dagster/row_count": int(total),
    })


@asset(
    key=AssetKey([ML_SCHEMA, "comment_sentiment"]),
    **SCORING_ASSET,
    deps=[AssetKey(["stg_surveys__responses"])],
    description=(
        "Sentiment and topics of every free-text survey comment (ml/sentiment). Writes `ml.comment_sentiment` "
        "(no text); marts aggregate it with the comment anonymity threshold (10)."
    ),
)
def comment_sentiment(context: AssetExecutionContext, trm: TRMResource) -> MaterializeResult:
    scored = score_new(Path(trm.warehouse), trm.settings.sentiment_models, COMMENTS, context.log,
                       workers=scoring_workers(trm.settings))
    with trm.connect(read_only=True) as con:
        total = fetch_one(con, f"select count(*) from {ML_SCHEMA}.comment_sentiment")[0]
    return MaterializeResult(metadata={
        "scored_this_run": scored.scored,
        "sentiment_this_run": MetadataValue.json(scored.counts),
        "dagster/row_count": int(total),
    })
