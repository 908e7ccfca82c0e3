"""Running the GX expectations of a suite on a pandas DataFrame read from DuckDB.

One ephemeral GX context serves the whole process (GX 1.x has no DuckDB data source, and a file context
complains "datasource already exists" on rerun); data assets are created once per suite and reused, and the
ExpectationSuite is built fresh each run without being added to the context, so reruns never collide.
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import pandas as pd

from expectations.gx_setup import quiet_gx
from expectations.results import (
    MAX_SAMPLE_ROWS,
    ExpectationOutcome,
    is_pii_column,
    json_value,
    mask_row,
    mask_value,
    sanitise_gx_result,
)
from expectations.suites import Check, Suite

DATASOURCE = "trm"
PARTIAL_UNEXPECTED = 20  # row positions GX returns per failed expectation; the first 5 become sample rows
_SEVERITY = {"blocking": "critical", "warning": "warning"}
_lock = threading.Lock()
_state: dict[str, Any] = {}


def context_config(data_docs_dir: str | None = None):
    """An in-memory context config without progress bars, optionally with a filesystem Data Docs site."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if data_docs_dir:
        sites["trm"] = {"class_name": "SiteBuilder",
                        "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                          "base_directory": data_docs_dir},
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}}
    return DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(), analytics_enabled=False,
                             progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
                             data_docs_sites=sites)


def _datasource():
    if "datasource" not in _state:
        quiet_gx()
        import great_expectations as gx

        context = gx.get_context(project_config=context_config(), mode="ephemeral")
        _state["context"] = context
        _state["datasource"] = context.data_sources.add_pandas(DATASOURCE)
        _state["batch_definitions"] = {}
    return _state["datasource"]


def _batch_definition(asset_name: str):
    datasource = _datasource()
    cache = _state["batch_definitions"]
    if asset_name not in cache:
        cache[asset_name] = datasource.add_dataframe_asset(asset_name).add_batch_definition_whole_dataframe("all")
    return cache[asset_name]


def build_expectation(check: Check, index: int):
    from great_expectations.expectations.registry import get_expectation_impl

    cls = get_expectation_impl(check.kind)
    notes = check.why or None
    return cls(**check.kwargs, severity=_SEVERITY[check.severity], notes=notes,
               meta={"trm_index": index, "trm_severity": check.severity})


def build_gx_suite(suite: Suite, indices: list[int] | None = None):
    """A fresh GX ExpectationSuite (not added to the context) of the suite's GX entries, or those at ``indices``."""
    import great_expectations as gx

    if indices is None:
        indices = [i for i, c in enumerate(suite.checks) if c.is_gx]
    return gx.ExpectationSuite(name=suite.name, expectations=[build_expectation(suite.checks[i], i) for i in indices],
                               meta={"trm_table": suite.table, "trm_file": suite.source_file.name})


def validate_frame(suite: Suite, frame: pd.DataFrame,
                   indices: list[int]) -> tuple[dict[int, ExpectationOutcome], dict[str, Any]]:
    """Validate the GX entries at ``indices`` on ``frame``; outcomes keyed by entry index."""
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gx_suite = build_gx_suite(suite, indices)
        batch = _batch_definition(suite.name).get_batch(batch_parameters={"dataframe": frame})
        result = batch.validate(gx_suite, result_format={"result_format": "SUMMARY",
                                                         "partial_unexpected_count": PARTIAL_UNEXPECTED})
        raw = result.to_json_dict()
    outcomes: dict[int, ExpectationOutcome] = {}
    for item in raw.get("results", []):
        index = int((item.get("expectation_config", {}).get("meta") or {}).get("trm_index", -1))
        if 0 <= index < len(suite.checks):
            outcomes[index] = _outcome(suite, suite.checks[index], item, frame)
    return outcomes, sanitise_gx_result(raw)


def _describe(check: Check) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in check.kwargs.items() if k != "column")
    target = f" on {check.column}" if check.column else ""
    return f"{check.kind}{target}" + (f" ({args})" if args else "")


def _sample_rows(suite: Suite, check: Check, frame: pd.DataFrame, positions: list) -> list[dict[str, Any]]:
    cols = [c for c in dict.fromkeys([*suite.key_columns, *check.columns]) if c in frame.columns]
    if not cols or not positions:
        return []
    index = [p for p in positions if p in frame.index][:MAX_SAMPLE_ROWS]
    return [mask_row(r) for r in frame.loc[index, cols].to_dict(orient="records")]


def _outcome(suite: Suite, check: Check, item: dict[str, Any], frame: pd.DataFrame) -> ExpectationOutcome:
    success = bool(item.get("success"))
    res = item.get("result") or {}
    exc = item.get("exception_info") or {}
    where = f"{suite.source_file.name}, suite '{suite.name}'"
    base = dict(suite=suite.name, table=suite.table, expectation=check.kind, column=check.column,
                severity=check.severity, skipped=False, name=check.name)
    if exc.get("raised_exception"):
        message = (f"{_describe(check)} could not be evaluated: {exc.get('exception_message')}. "
                   f"Check the column names and kwargs in {where}.")
        return ExpectationOutcome(success=False, message=message, **base)
    count, percent = res.get("unexpected_count"), res.get("unexpected_percent")
    samples = [] if success else _sample_rows(suite, check, frame, res.get("partial_unexpected_index_list") or [])
    observed = res.get("observed_value")
    if count is not None:
        # GX's percent (and `mostly`) count rows with a value; say so when rows without one were ignored.
        missing = res.get("missing_count") or 0
        total = (res.get("element_count") or 0) - missing
        rows = "rows with a value" if missing else "rows"
        message = f"{count:,} of {total:,} {rows} ({percent or 0:.2f}%) unexpected for {_describe(check)}"
        mostly = check.kwargs.get("mostly")
        if mostly is not None:
            message += f"; up to {100 * (1 - float(mostly)):.2f}% is tolerated"
        if samples:  # failing rows with their keys (identifier columns already masked)
            message += ". Rows: " + "; ".join(", ".join(f"{k}={v}" for k, v in r.items()) for r in samples[:3])
        elif not success and not is_pii_column(check.column or ""):
            values = [json_value(v) for v in (res.get("partial_unexpected_list") or [])[:3]]
            message += f". Examples: {', '.join(map(str, values))}" if values else ""
    else:
        shown = mask_value(check.column, observed)
        message = f"observed {shown!s} for {_describe(check)}"
    if not success:
        message = "FAILED: " + message
        if check.why:
            message += f". Why it matters: {check.why}"
        message += f". Fix the rows at the source, or the rule in {where}."
    return ExpectationOutcome(success=success, message=message, unexpected_count=count,
                              unexpected_percent=percent, sample_rows=samples,
                              observed_value=mask_value(check.column, observed), **base)
