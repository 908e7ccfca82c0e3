"""The expectation suites of ``expectations/suites/`` as Dagster asset checks: one check per suite, on its table.

A suite with a blocking expectation is a *blocking* check: when it fails (severity ERROR), Dagster skips every asset
downstream of the table in that run — so a bad raw batch never reaches the marts, and the publish step never runs.
Warnings are reported and do not stop anything. Each check also writes its result to
``$TRM_HOME/reports/quality/<run>/`` and re-renders the Data Docs, so the docs exist even when the gate fails.
"""

import json
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from expectations.batches import remember_blocked_batches
from expectations.engine import Suite, SuiteResult, run_suite
from orchestration.resources import TRMResource

MAX_SAMPLE_FAILURES = 3


def suite_asset_key(table: str) -> AssetKey:
    """raw.x → raw/x (ingestion assets), ml.x → ml/x (ML assets), main.x → x (dbt models)."""
    schema, name = table.split(".", 1)
    return AssetKey([name]) if schema == "main" else AssetKey([schema, name])


def quality_dir(home: str | Path, run_id: str) -> Path:
    return Path(home) / "reports" / "quality" / run_id


def data_docs_dir(home: str | Path) -> Path:
    return Path(home) / "reports" / "data_docs"


def _samples_markdown(result: SuiteResult) -> str:
    parts = []
    for outcome in [*result.blocking_failures, *result.warnings][:MAX_SAMPLE_FAILURES]:
        parts.append(f"**{outcome.severity}** `{outcome.name or outcome.expectation}`"
                     f"{f' on `{outcome.column}`' if outcome.column else ''}: {outcome.message}")
        if outcome.sample_rows:
            columns = list(outcome.sample_rows[0])
            parts.append("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n" + "\n".join(
                "| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in outcome.sample_rows))
    return "\n\n".join(parts) or "all expectations passed"


def _summary(result: SuiteResult) -> str:
    """One line per failed expectation: what the run prints and the publication records."""
    lines = [f"{o.severity}: {o.name or o.expectation}{f' ({o.column})' if o.column else ''} — {o.message}"
             + (f" e.g. {json.dumps(o.sample_rows[:2], ensure_ascii=False, default=str)}"
                if o.sample_rows and "Rows:" not in o.message else "")
             for o in [*result.blocking_failures, *result.warnings]]
    return "\n".join(lines) or result.summary()


MAX_BATCHES_NAMED = 5


def _batch_hint(entity: str, failing: dict[str, list[str]]) -> str:
    """The batches that make blocking checks fail, and how to deal with them; they fail every night until then."""
    if not failing:
        return ""
    named = [f"{batch} ({', '.join(checks)})" for batch, checks in sorted(failing.items())[:MAX_BATCHES_NAMED]]
    more = f" and {len(failing) - MAX_BATCHES_NAMED} more" if len(failing) > MAX_BATCHES_NAMED else ""
    return (f"Failing batch(es): {'; '.join(named)}{more} (trm batches --entity {entity} lists them). They fail "
            "every night until a corrected export replaces them or they are set aside: trm batches --reject "
            "BATCH_ID --reason '...'; or, if the data is right, trm batches --accept BATCH_ID --check CHECK "
            "--reason '...'.")


def _render_docs(home: str, run_id: str, result: SuiteResult) -> Path | None:
    """Keep the result as JSON and add it to the Data Docs of this run (its GX page and the index)."""
    from expectations.docs import render_incremental
    from expectations.results import suite_result_from_dict

    # Per run for the record, and the latest result of every suite for the docs: a run that validates only some
    # suites (a hand-picked run in the UI) updates those and keeps the others' last results.
    text = json.dumps(result.to_dict(), default=str, ensure_ascii=False)
    for folder in (quality_dir(home, run_id), quality_dir(home, "latest")):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{result.suite}.json").write_text(text)
    latest = quality_dir(home, "latest")
    results = [suite_result_from_dict(json.loads(p.read_text())) for p in sorted(latest.glob("*.json"))]
    return render_incremental(result, results, data_docs_dir(home))


def _build_check(suite: Suite, key: AssetKey) -> AssetChecksDefinition:
    blocking = any(c.severity == "blocking" for c in suite.checks)
    counts = {s: sum(c.severity == s for c in suite.checks) for s in ("blocking", "warning")}

    @asset_check(
        asset=key,
        name=f"expectations_{suite.name}",
        blocking=blocking,
        description=(f"{suite.description or 'Expectations on ' + suite.table}. {counts['blocking']} blocking and "
                     f"{counts['warning']} warning expectation(s) from {suite.source_file.name} "
                     f"(Great Expectations{', latest load only' if suite.scope == 'latest_load' else ''})."),
        metadata={"suite_file": str(suite.source_file.name), "table": suite.table},
    )
    def _check(context: AssetCheckExecutionContext, trm: TRMResource) -> AssetCheckResult:
        with trm.connect() as con:  # writable: metric_change keeps its history in audit.quality_metrics
            # Freshness is judged against the day the build describes (TRM_AS_OF_DATE when pinned, else today).
            result = run_suite(con, suite, context.run.run_id, trm.settings.pinned_as_of)
            failing = {} if result.skipped else remember_blocked_batches(con, suite, result, context.run.run_id)
            hint = _batch_hint(suite.table_name, failing)
        for outcome in result.blocking_failures:
            context.log.error(f"{suite.table}: blocking expectation failed — {outcome.message}")
        for outcome in result.warnings:
            context.log.warning(f"{suite.table}: {outcome.message}")
        try:
            index = _render_docs(trm.home, context.run.run_id, result)
        except Exception as exc:  # the docs are a view of the result; they must not change the check's verdict
            context.log.warning(f"Data Docs not rendered: {exc}")
            index = None
        metadata = {
            "summary": MetadataValue.text(_summary(result) + (f"\n{hint}" if hint else "")),
            "failures": MetadataValue.md(_samples_markdown(result)),
            "rows_validated": result.rows_validated or 0,
            "blocking_failures": len(result.blocking_failures),
            "warnings": len(result.warnings),
            "seconds": result.duration_seconds,
            **({"skipped": result.skipped_reason} if result.skipped else {}),
            **({"data_docs": MetadataValue.path(str(index))} if index else {}),
        }
        return AssetCheckResult(
            passed=not result.blocking_failures and not result.warnings,
            severity=AssetCheckSeverity.ERROR if result.blocking_failures else AssetCheckSeverity.WARN,
            metadata=metadata,
            description=result.summary(),
        )

    return _check


def gated_assets(asset_keys: set[AssetKey], suites: list[Suite]) -> set[AssetKey]:
    """The assets of these definitions that have an expectation suite with a blocking expectation."""
    return {suite_asset_key(s.table) for s in suites if suite_asset_key(s.table) in asset_keys
            and any(c.severity == "blocking" for c in s.checks)}


def build_quality_checks(asset_keys: set[AssetKey], suites: list[Suite]) -> list[AssetChecksDefinition]:
    """A check per suite whose table is an asset of these definitions (others belong to sources not built)."""
    return [_build_check(suite, suite_asset_key(suite.table)) for suite in suites
            if suite_asset_key(suite.table) in asset_keys]
