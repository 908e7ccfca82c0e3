"""Privacy gate for the marts published to BI: an independent second line after dbt's column-name and
min-group-size tests. It reads the database actually being published (any DuckDB connection) and checks

1. column names: no names, emails, phones, national ID / passport numbers, addresses or birth dates
   (English and Chinese variants); `*_key` columns are pseudonymous; `allow_columns` extends the allow-list;
2. values of string (and 64-bit integer) columns: emails, phone numbers (mainland mobiles with or without
   +86, international +E.164), Chinese national ID numbers with a valid MOD 11-2 check digit, and exact
   (trimmed, case-insensitive) matches against a dictionary of real names/emails/phones (`KnownIdentifiers`);
3. small groups: aggregates over people (surveys, sentiment, risk roll-ups, candidate experience) must hide
   groups under `min_group_size` people (comment counts under `min_comment_group_size`).

Value thresholds (a stray collision, such as a department called like a surname, must not stop publishing):
  - national ID numbers block from the first one: a valid check digit after a valid birth date is not chance;
  - emails / phones block when any matched value is a known person's contact detail (dictionary hit);
  - otherwise emails, phones and names block at >= 3 distinct values, or >= 3 rows that are >= 1% of the
    column's non-null values; fewer is a warning with a masked sample.
Tables over `max_rows_per_table` rows are value-scanned on a row sample of about that size (Bernoulli): a
column that carries identifiers shows them in any sample, a handful of stray values in a million rows may be
missed (they would be under the blocking threshold anyway); counts are then counts in the sample.
Samples in the report are always masked (`z***@***.com`, `138****0000`, `110***************`, `张***`).

Modules: `settings` (thresholds), `names` (column-name classification, allow-list, name scan), `patterns`
(value patterns, national-ID check digit, normalisation, masking), `known` (KnownIdentifiers), `report`
(Finding, PrivacyReport), `tables` (table and column types), `values` (value scan), `groups` (small-group
scan), `scan` (scan_privacy), `dbt` (mart models and their declared group-size columns).
"""

from __future__ import annotations

from expectations.privacy.dbt import DBT_MARTS_DIR, dbt_group_size_columns, mart_model_names
from expectations.privacy.known import KnownIdentifiers
from expectations.privacy.names import DEFAULT_ALLOW_COLUMNS, classify_column_name
from expectations.privacy.patterns import (
    EMAIL_RE,
    NATIONAL_ID_RE,
    PHONE_RE,
    mask_email,
    mask_name,
    mask_national_id,
    mask_phone,
    national_id_is_valid,
    normalize_name,
    normalize_phone,
)
from expectations.privacy.report import Finding, PrivacyReport
from expectations.privacy.scan import scan_privacy
from expectations.privacy.settings import (
    BLOCK_MIN_DISTINCT,
    BLOCK_MIN_ROWS_FOR_SHARE,
    BLOCK_MIN_SHARE,
    FORBIDDEN_SCHEMAS,
    MART_PREFIXES,
    MAX_ROWS_PER_TABLE,
)

__all__ = [
    "BLOCK_MIN_DISTINCT",
    "BLOCK_MIN_ROWS_FOR_SHARE",
    "BLOCK_MIN_SHARE",
    "DBT_MARTS_DIR",
    "DEFAULT_ALLOW_COLUMNS",
    "EMAIL_RE",
    "FORBIDDEN_SCHEMAS",
    "MART_PREFIXES",
    "MAX_ROWS_PER_TABLE",
    "NATIONAL_ID_RE",
    "PHONE_RE",
    "Finding",
    "KnownIdentifiers",
    "PrivacyReport",
    "classify_column_name",
    "dbt_group_size_columns",
    "mart_model_names",
    "mask_email",
    "mask_name",
    "mask_national_id",
    "mask_phone",
    "national_id_is_valid",
    "normalize_name",
    "normalize_phone",
    "scan_privacy",
]
