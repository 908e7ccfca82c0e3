"""Expectation suites as data: the YAML files under ``expectations/suites`` parsed into typed objects.

Users edit these files, so every mistake (a typo in a key, an unknown expectation type, kwargs GX does not
accept) is reported with the file, the suite and the entry, never as a traceback from deep inside GX.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

SUITES_DIR = Path(__file__).parent / "suites"
SEVERITIES = ("blocking", "warning")
# Our own checks: what GX cannot say about one DataFrame (time, history, other tables).
CUSTOM_TYPES = {
    "freshness": {"required": {"column", "max_age_days"}, "optional": set()},
    "metric_change": {"required": {"metric", "max_relative_change"}, "optional": {"column", "min_previous"}},
    "relationship": {"required": {"column", "to", "field"}, "optional": {"mostly"}},
    "sql": {"required": {"query"}, "optional": {"total", "mostly", "description"}},
    "key_conflicts": {"required": set(), "optional": {"columns", "mostly"}},
    "volume_drop": {"required": {"max_drop"}, "optional": {"history"}},
}
# Checks that need the raw lineage (batches, the ingestion ledger): raw tables with scope latest_load only.
BATCH_TYPES = ("key_conflicts", "volume_drop")
METRICS = ("row_count", "mean", "null_share", "distinct_count")
ENTRY_KEYS = {"expectation", "type", "kwargs", "severity", "why", "name"}
SUITE_KEYS = {"name", "table", "key_columns", "columns", "where", "limit", "scope", "skip_if_empty",
              "expectations", "description"}
SCOPES = ("all", "latest_load")
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
# Keys of GX kwargs that name the columns an expectation reads (to load only those columns).
_COLUMN_KWARGS = ("column", "column_A", "column_B")
_COLUMN_LIST_KWARGS = ("column_list",)


class SuiteConfigError(ValueError):
    """A suite file that cannot be used; the message names the file, suite and entry."""


@dataclass(frozen=True)
class Check:
    """One entry of a suite: a GX expectation (``expectation``) or one of our checks (``type``)."""

    kind: str  # the GX expectation type (snake_case) or a key of CUSTOM_TYPES
    is_gx: bool
    kwargs: dict[str, Any]
    severity: str
    why: str | None = None
    name: str | None = None  # always set once loaded: given in YAML or made from type and column

    @property
    def columns(self) -> list[str]:
        cols = [self.kwargs[k] for k in _COLUMN_KWARGS if isinstance(self.kwargs.get(k), str)]
        for key in _COLUMN_LIST_KWARGS:
            cols += list(self.kwargs.get(key) or [])
        return cols

    @property
    def column(self) -> str | None:
        cols = self.columns
        return ",".join(cols) if cols else None


@dataclass(frozen=True)
class Suite:
    name: str
    table: str  # schema.table
    checks: list[Check]
    source_file: Path
    key_columns: list[str] = field(default_factory=list)
    columns: list[str] | None = None  # None: key columns + the columns the GX expectations read
    where: str | None = None
    limit: int | None = None
    scope: str = "all"  # latest_load: only rows of the entity's latest ingestion run (raw tables)
    skip_if_empty: bool = False
    description: str | None = None

    @property
    def schema_name(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".", 1)[1]

    @property
    def gx_checks(self) -> list[Check]:
        return [c for c in self.checks if c.is_gx]

    def columns_to_load(self) -> list[str]:
        if self.columns is not None:
            return list(dict.fromkeys([*self.key_columns, *self.columns]))
        cols = [*self.key_columns]
        for check in self.gx_checks:
            cols += check.columns
        return list(dict.fromkeys(cols))


def _suggest(word: str, options: list[str] | set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _gx_lookup(name: str) -> tuple[Any, list[str]]:
    """The GX expectation class registered under a snake_case name (or None), and all registered names."""
    from expectations.gx_setup import quiet_gx

    quiet_gx()
    import great_expectations.expectations  # noqa: F401  (registers the core expectations)
    from great_expectations.expectations.registry import _registered_expectations

    return _registered_expectations.get(name), list(_registered_expectations)


def _check_gx_kwargs(cls, kwargs: dict[str, Any], where: str) -> None:
    try:
        cls(**kwargs)
    except Exception as exc:  # pydantic errors list every bad field: keep them, drop the traceback
        detail = " ".join(str(exc).split())
        raise SuiteConfigError(f"{where}: kwargs not accepted by {cls.__name__}: {detail}") from None


def _parse_check(entry: Any, where: str) -> Check:
    if not isinstance(entry, dict):
        raise SuiteConfigError(f"{where}: an entry must be a mapping, got {type(entry).__name__}")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise SuiteConfigError(f"{where}: unknown key '{key}'{_suggest(key, ENTRY_KEYS)}; "
                               f"allowed: {', '.join(sorted(ENTRY_KEYS))}")
    if ("expectation" in entry) == ("type" in entry):
        raise SuiteConfigError(f"{where}: give exactly one of 'expectation' (a GX expectation type) "
                               f"or 'type' (one of {', '.join(CUSTOM_TYPES)})")
    severity = entry.get("severity", "warning")
    if severity not in SEVERITIES:
        raise SuiteConfigError(f"{where}: severity must be blocking or warning, got '{severity}'")
    kwargs = entry.get("kwargs") or {}
    if not isinstance(kwargs, dict):
        raise SuiteConfigError(f"{where}: kwargs must be a mapping")
    why = entry.get("why")
    if "expectation" in entry:
        kind = str(entry["expectation"])
        cls, known = _gx_lookup(kind)
        if cls is None:
            raise SuiteConfigError(f"{where}: unknown GX expectation type '{kind}'{_suggest(kind, known)}")
        _check_gx_kwargs(cls, kwargs, f"{where} ({kind})")
        return Check(kind, True, dict(kwargs), severity, why, entry.get("name"))
    kind = str(entry["type"])
    if kind not in CUSTOM_TYPES:
        raise SuiteConfigError(f"{where}: unknown check type '{kind}'{_suggest(kind, CUSTOM_TYPES)}; "
                               f"GX expectations go under 'expectation:'")
    spec = CUSTOM_TYPES[kind]
    missing = spec["required"] - set(kwargs)
    extra = set(kwargs) - spec["required"] - spec["optional"]
    if missing:
        raise SuiteConfigError(f"{where} ({kind}): missing kwargs {', '.join(sorted(missing))}")
    if extra:
        key = sorted(extra)[0]
        raise SuiteConfigError(f"{where} ({kind}): unknown kwarg '{key}'"
                               f"{_suggest(key, spec['required'] | spec['optional'])}")
    if kind == "metric_change":
        if kwargs["metric"] not in METRICS:
            raise SuiteConfigError(f"{where}: metric must be one of {', '.join(METRICS)}")
        if kwargs["metric"] != "row_count" and not kwargs.get("column"):
            raise SuiteConfigError(f"{where}: metric '{kwargs['metric']}' needs a column")
    if kind == "relationship" and not _TABLE.match(str(kwargs["to"])):
        raise SuiteConfigError(f"{where}: 'to' must be schema.table, got '{kwargs['to']}'")
    if kind == "volume_drop" and not 0 <= float(kwargs["max_drop"]) < 1:
        raise SuiteConfigError(f"{where}: max_drop is a share between 0 and 1 (0.3 = a drop of 30%)")
    if kind == "sql" and "mostly" in kwargs and "total" not in kwargs:
        raise SuiteConfigError(f"{where}: 'mostly' needs 'total' (a query counting all rows considered)")
    return Check(kind, False, dict(kwargs), severity, why, entry.get("name"))


def _default_name(check: Check) -> str:
    kind = check.kind.removeprefix("expect_")
    detail = check.kwargs.get("metric") if check.kind == "metric_change" else None
    target = "__".join(str(p) for p in (detail, check.kwargs.get("column") or check.column) if p)
    return f"{kind}__{target}" if target else kind


def _with_unique_names(checks: list[Check], where: str) -> list[Check]:
    """Every entry gets a name usable as a Dagster asset-check name: given, or made from type and column."""
    named, seen = [], set()
    for check in checks:
        base = re.sub(r"[^A-Za-z0-9_]", "_", check.name or _default_name(check))
        if check.name and base in seen:
            raise SuiteConfigError(f"{where}: entry name '{check.name}' is used twice")
        name, n = base, 2
        while name in seen:
            name, n = f"{base}_{n}", n + 1
        seen.add(name)
        named.append(replace(check, name=name))
    return named


def _parse_suite(raw: Any, path: Path, index: int) -> Suite:
    where = f"{path.name}: suite #{index + 1}"
    if not isinstance(raw, dict):
        raise SuiteConfigError(f"{where}: a suite must be a mapping")
    unknown = set(raw) - SUITE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise SuiteConfigError(f"{where}: unknown key '{key}'{_suggest(key, SUITE_KEYS)}")
    table = str(raw.get("table", ""))
    if not _TABLE.match(table):
        raise SuiteConfigError(f"{where}: 'table' must be schema.table, got '{table}'")
    name = str(raw.get("name") or table)
    where = f"{path.name}: suite '{name}'"
    entries = raw.get("expectations")
    if not isinstance(entries, list) or not entries:
        raise SuiteConfigError(f"{where}: 'expectations' must be a non-empty list")
    scope = raw.get("scope", "all")
    if scope not in SCOPES:
        raise SuiteConfigError(f"{where}: scope must be one of {', '.join(SCOPES)}")
    limit = raw.get("limit")
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise SuiteConfigError(f"{where}: limit must be a positive integer")
    checks = _with_unique_names([_parse_check(e, f"{where}, entry #{i + 1}") for i, e in enumerate(entries)], where)
    batch_checks = [c.name for c in checks if c.kind in BATCH_TYPES]
    if batch_checks and (scope != "latest_load" or not table.startswith("raw.")):
        raise SuiteConfigError(f"{where}: {', '.join(batch_checks)} read(s) the ingestion batches: only for a raw "
                               "table with scope: latest_load")
    if any(c.kind == "key_conflicts" and not c.kwargs.get("columns") for c in checks) and not raw.get("key_columns"):
        raise SuiteConfigError(f"{where}: key_conflicts needs the suite's key_columns (or kwargs columns)")
    return Suite(name=name, table=table, checks=checks, source_file=path,
                 key_columns=list(raw.get("key_columns") or []),
                 columns=list(raw["columns"]) if raw.get("columns") is not None else None,
                 where=raw.get("where"), limit=limit, scope=scope,
                 # A raw table with no load is a source this company does not send: skip, do not fail.
                 skip_if_empty=bool(raw.get("skip_if_empty", scope == "latest_load")),
                 description=raw.get("description"))


def load_suite_file(path: Path) -> list[Suite]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SuiteConfigError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or set(doc) != {"suites"} or not isinstance(doc["suites"], list):
        raise SuiteConfigError(f"{path.name}: the file must hold one key 'suites' with a list of suites")
    return [_parse_suite(raw, path, i) for i, raw in enumerate(doc["suites"])]


def load_suite_files(paths: list[Path] | None = None) -> list[Suite]:
    """Every suite of the given files or folders (default: all YAML under expectations/suites)."""
    files: list[Path] = []
    for p in [Path(p) for p in (paths or [SUITES_DIR])]:
        files += sorted([*p.glob("*.yaml"), *p.glob("*.yml")]) if p.is_dir() else [p]
    suites: list[Suite] = []
    seen: dict[str, Path] = {}
    for f in files:
        for suite in load_suite_file(f):
            if suite.name in seen:
                raise SuiteConfigError(f"{f.name}: suite name '{suite.name}' is also used in {seen[suite.name].name}")
            seen[suite.name] = f
            suites.append(suite)
    return suites
