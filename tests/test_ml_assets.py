"""ML assets in the nightly job (orchestration/assets/sentiment.py, attrition.py): message and comment sentiment
scored once and written without text, raw IM text minimised after the retention, the marts on the scores built in
the same run, and attrition scoring that says why it is skipped when the history is too short to train.
Uses the session's nightly run on the hand-written landing folder (conftest.nightly_run)."""

import duckdb
from dagster import AssetKey, DagsterInstance

from orchestration.definitions import build_definitions
from orchestration.settings import Settings


def _metadata(result, node: str) -> dict:
    return {k: v.value for k, v in result.asset_materializations_for_node(node)[0].metadata.items()}


def _query(settings: Settings, sql: str) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_attrition_scoring_is_skipped_with_a_reason_on_a_short_history(nightly_run):
    settings, result = nightly_run
    assert result.success
    scores = _metadata(result, "ml__attrition_scores")
    assert scores["employees_scored"] == 0
    assert "voluntary exits" in scores["skipped"]
    assert _query(settings, "select count(*) from ml.attrition_scores")[0][0] == 0
    assert _query(settings, "select count(*) from rpt_attrition_watch_list")[0][0] == 0


def test_nightly_scores_sentiment_once_minimises_text_and_builds_the_marts(nightly_run):
    settings, first = nightly_run
    assert first.success
    scored = _metadata(first, "ml__message_sentiment")
    messages = _query(settings, "select count(*) from stg_im__messages where message_text is not null")[0][0]
    assert scored["scored_this_run"] == messages >= 3
    assert scored["raw_texts_minimised"] == 0  # the first night kept texts (long retention)
    # The scores carry no text; the mart on them has one row per scored message.
    columns = {c for (c,) in _query(settings, "select column_name from information_schema.columns "
                                              "where table_schema = 'ml' and table_name = 'message_sentiment'")}
    assert not columns & {"text", "message_text"}
    assert _query(settings, "select count(*) from fct_message_sentiment")[0][0] == messages
    sentiments = {s for (s,) in _query(settings, "select sentiment from ml.message_sentiment")}
    assert sentiments <= {"positive", "neutral", "negative"}
    built = {e.asset_key for e in first.get_asset_materialization_events()}
    assert {AssetKey(["fct_message_sentiment"]), AssetKey(["rpt_attrition_risk_team"])} <= built

    # Another night with the default 30-day retention: nothing new to score; the (2025) texts are removed.
    defs = build_definitions(settings)
    second = defs.resolve_job_def("nightly").execute_in_process(
        instance=DagsterInstance.ephemeral(), asset_selection=[AssetKey(["ml", "message_sentiment"])])
    assert second.success
    again = _metadata(second, "ml__message_sentiment")
    assert again["scored_this_run"] == 0
    assert again["raw_texts_minimised"] == messages and again["raw_texts_still_held"] == 0
    assert _query(settings, "select count(*) from raw.im__messages where text is not null")[0][0] == 0
    assert _query(settings, "select count(*) from ml.message_sentiment")[0][0] == messages
