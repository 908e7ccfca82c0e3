"""Thresholds and scope of the privacy scan: what blocks publishing, how much of a table is value-scanned,
which schemas and table prefixes are (never) published."""

from __future__ import annotations

# The privacy policy's defaults (an installation sets its own: TRM_MIN_GROUP_SIZE, TRM_MIN_COMMENT_GROUP_SIZE in
# operations/settings.py, which dbt receives as vars): aggregates over fewer people are suppressed in the marts and
# refused by the scan; comment counts need a larger group.
MIN_GROUP_SIZE = 5
MIN_COMMENT_GROUP_SIZE = 10

BLOCK_MIN_DISTINCT = 3  # distinct identifier values in one column that block publishing
BLOCK_MIN_SHARE = 0.01  # ... or this share of the column's non-null values
BLOCK_MIN_ROWS_FOR_SHARE = 3  # ... with at least this many rows (one row is never blocking by share alone)
MAX_ROWS_PER_TABLE = 100_000  # value scan of larger tables uses a row sample of about this size
FORBIDDEN_SCHEMAS = frozenset({"restricted", "raw"})  # never published
MART_PREFIXES = ("dim_", "fct_", "rpt_", "bridge_")
