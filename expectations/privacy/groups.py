"""Small-group scan: aggregates over people (surveys, sentiment, risk roll-ups, candidate experience) must
not show groups under min_group_size people (comment counts under min_comment_group_size)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import duckdb

from expectations.privacy.report import Finding
from expectations.privacy.tables import _is_numeric, _is_text, _q, _Table
from ingestion.warehouse import sql_literal

# The project's rule covers aggregates over people's opinions and risk: surveys / engagement, sentiment,
# attrition risk roll-ups and candidate experience. A table is such an aggregate when it has is_suppressed
# or a measure named like one of these; a department headcount or a talent-pool size is not.
_SENSITIVE_MEASURE = re.compile(
    r"score|sentiment|enps|(^|_)nps|favou?rable|promoter|detractor|passive|satisfaction|engagement|risk|conflict")
# Group-size columns, in order of preference; the last group counts comments (min_comment_group_size).
_SIZE_PATTERNS = (
    r"(n_|num_)?respondents|respondent_count",
    r"(n_|num_)?(people|persons)|(people|person)_count",
    r"(n_|num_|scored_)?members|member_count",
    r"(n_|num_)?senders|sender_count",
    r"(n_|num_)?participants|participant_count",
    r"(n_|num_)?(employees|candidates|applicants)|(employee|candidate|applicant)_count|headcount|team_size"
    r"|group_size",
)
_COMMENT_SIZE = r"(n_|num_)?comments|comment_count"
# Numeric columns that describe the group, not its people: keys, ranks, orders, calendar parts, parameters.
_NOT_A_MEASURE = re.compile(
    r"(^|_)(key|id|rank|order|version)s?$"  # a suffix only: high_risk_key_talents is a measure
    r"|(^|_)(horizon|limit|threshold)s?(_|$)"
    r"|^((calendar|fiscal|iso)_)?(year|quarter|month|week)(_number)?$")


def _size_column(table: _Table, declared: Mapping[str, str | None]) -> tuple[str | None, bool, bool]:
    """(size column, is a comment count, declared) for an aggregate over people, or (None, ...)."""
    for key in (table.label, table.name, f"{table.schema}.{table.name}"):
        if key in declared:
            column = declared[key]
            return column, bool(column and "comment" in column.lower()), True
    names = [c for c, t in table.columns if _is_numeric(t)]
    for pattern in (*_SIZE_PATTERNS, _COMMENT_SIZE):
        for column in names:
            if re.fullmatch(pattern, column.lower()):
                return column, pattern == _COMMENT_SIZE, False
    return None, False, False


def _scan_groups(con: duckdb.DuckDBPyConnection, table: _Table, declared: Mapping[str, str | None],
                 min_size: int, min_comment_size: int, sample_limit: int) -> list[Finding]:
    names = {c.lower(): c for c, _ in table.columns}
    has_flag = "is_suppressed" in names
    numeric = [c for c, t in table.columns if _is_numeric(t)]
    sensitive = any(_SENSITIVE_MEASURE.search(c.lower()) for c in numeric)
    size, size_is_comments, declared_here = _size_column(table, declared)
    if declared_here and not size:
        return []  # declared as not an aggregate over people
    if not declared_here and not (has_flag or sensitive):
        return []
    if size is None or size not in {c for c, _ in table.columns}:
        if not has_flag and not declared_here:
            return []  # person-level table with a score (e.g. risk scores): no groups to check
        missing = f"declared group-size column {size} is missing" if size else "no group-size column found"
        return [Finding(table.label, size, "undeclared_aggregate", 0, None, (), False,
                        f"{table.label} looks like an aggregate over people but {missing}: pass "
                        "group_size_columns={table: column} (and give it a min_group_size test) so small groups "
                        "can be checked")]
    minimum = min_comment_size if size_is_comments else min_size
    measures = [c for c in numeric if c != size and not _NOT_A_MEASURE.search(c.lower())]
    comment_measures = [c for c in measures if "comment" in c.lower()] if not size_is_comments else []
    measures = [c for c in measures if c not in comment_measures]
    s = _q(size)
    shown = " or ".join(f"{_q(m)} is not null" for m in measures) or "false"
    checks = [(size, minimum, f"({s} >= 1 and {s} < {minimum}) or (({s} is null or {s} < {minimum}) and ({shown}))")]
    checks += [(m, min_comment_size, f"{_q(m)} is not null and ({s} is null or {s} < {min_comment_size})")
               for m in comment_measures]
    key = next((c for c, t in table.columns if _is_text(t) and re.search(r"(_key|_id)$", c.lower())), None)
    label = f"{_q(key)} || ', ' || " if key else ""
    parts = []
    for _, _, condition in checks:
        parts += [f"count(*) filter (where {condition})",
                  f"(list({label}{sql_literal(size + '=')} || coalesce(cast({s} as varchar), 'null')) filter "
                  f"(where {condition}))[1:{sample_limit}]"]
    row = con.execute(f"select count(*), {', '.join(parts)} from {table.relation}").fetchall()[0]
    total = row[0]
    findings = []
    for i, (column, threshold, _) in enumerate(checks):
        count, sample = row[1 + 2 * i], row[2 + 2 * i]
        if not count:
            continue
        what = "comments" if (size_is_comments or column != size) else size
        findings.append(Finding(
            table.label, column, "small_group", int(count), count / total, tuple(sample or ()), True,
            f"{count} row(s) of {table.label} show {'the count or measures' if column == size else column} for "
            f"groups with fewer than {threshold} {what}: suppress them via suppress_small_groups "
            f"(measures and {size} null, is_suppressed true)",
            rows_scanned=int(total)))
    if not declared_here and not findings and not has_flag:
        findings.append(Finding(table.label, size, "undeclared_aggregate", 0, None, (), False,
                                f"{table.label} aggregates people's scores by {size} without is_suppressed: "
                                "declare it in group_size_columns and suppress via suppress_small_groups"))
    return findings
