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
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

# -------------------------------------------------------------------------------------------- settings

BLOCK_MIN_DISTINCT = 3  # distinct identifier values in one column that block publishing
BLOCK_MIN_SHARE = 0.01  # ... or this share of the column's non-null values
BLOCK_MIN_ROWS_FOR_SHARE = 3  # ... with at least this many rows (one row is never blocking by share alone)
MAX_ROWS_PER_TABLE = 100_000  # value scan of larger tables uses a row sample of about this size
FORBIDDEN_SCHEMAS = frozenset({"restricted", "raw"})  # never published
MART_PREFIXES = ("dim_", "fct_", "rpt_", "bridge_")

# Boundaries are "not a letter or digit" rather than \b so that runs of digits inside hex surrogate keys
# (an md5 has 11 consecutive digits about one time in ten) are not read as phone or ID numbers.
EMAIL_RE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
PHONE_RE = (r"(^|[^0-9A-Za-z+])"
            r"(((\+|00)?86[ -]?)?1[3-9][0-9]([ -]?[0-9]{4}){2}|\+[1-9]([ -]?[0-9]){7,14})"
            r"($|[^0-9A-Za-z])")  # group 2 is the number
NATIONAL_ID_RE = (r"(^|[^0-9A-Za-z])"
                  r"([1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx])"
                  r"($|[^0-9A-Za-z])")  # group 2 is the number: region, birth date, sequence, check digit
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_PY_EMAIL = re.compile(EMAIL_RE)
_PY_PHONE = re.compile(PHONE_RE)
_PY_NATIONAL_ID = re.compile(NATIONAL_ID_RE)

# ---------------------------------------------------------------------------------------- column names

# Columns whose name contains "name" but that name things, not people.
DEFAULT_ALLOW_COLUMNS = frozenset({
    "department_name", "org_unit_name", "pool_name", "survey_name", "skill_name", "event_name", "channel_name",
    "team_name", "job_name", "job_title", "position_title", "position_name", "stage_name", "dimension_name",
    "topic_name", "segment_name", "tag_name", "program_name", "programme_name", "course_name", "model_name",
    "source_name", "location_name", "site_name", "city_name", "country_name", "cost_center_name",
    "nine_box_name", "nine_box_label", "company_name", "legal_entity_name", "project_name", "question_name",
})
# A `<word>_name` column is a person's name when <word> is one of these.
_PERSON_WORDS = frozenset({
    "full", "first", "last", "given", "family", "middle", "display", "nick", "user", "real", "legal",
    "preferred", "maiden", "person", "people", "employee", "emp", "staff", "candidate", "applicant",
    "respondent", "sender", "recipient", "receiver", "author", "manager", "mgr", "supervisor", "boss", "head",
    "mentor", "mentee", "referrer", "referee", "referred", "reviewer", "interviewer", "interviewee",
    "incumbent", "successor", "owner", "contact", "member", "colleague", "spouse", "emergency", "leaver",
    "hire", "student", "all", "chinese", "english", "cn", "en", "zh", "local", "latin", "pinyin", "hanzi",
    "account",
})
_NAME_TOKENS = frozenset({"fullname", "firstname", "lastname", "surname", "givenname", "familyname",
                          "middlename", "nickname", "displayname", "realname", "username", "pinyin"})
_EMAIL_TOKENS = frozenset({"email", "emails", "mail", "mailbox"})
_PHONE_TOKENS = frozenset({"phone", "phones", "mobile", "telephone", "tel", "cellphone", "msisdn", "fax",
                           "wechat", "weixin", "whatsapp", "phonenumber"})
_ID_TOKENS = frozenset({"passport", "ssn", "nric", "idcard", "sfz", "shenfenzheng", "national"})
_ID_PAIRS = ({"id", "card"}, {"id", "number"}, {"id", "no"}, {"identity", "card"}, {"identity", "number"},
             {"social", "security"}, {"soc", "sec"})
_ADDRESS_TOKENS = frozenset({"address", "addr", "street", "residence", "domicile"})
_BIRTH_TOKENS = frozenset({"birth", "birthday", "birthdate", "dob"})
_SOURCE_ID_WORDS = frozenset({"employee", "emp", "staff", "candidate", "applicant", "account", "respondent"})
_ZH_PATTERNS = (("姓名", "name"), ("名字", "name"), ("全名", "name"), ("姓氏", "name"), ("拼音", "name"),
                ("手机", "phone"), ("电话", "phone"), ("联系方式", "phone"), ("微信", "phone"),
                ("邮箱", "email"), ("邮件", "email"), ("电邮", "email"),
                ("身份证", "national_id"), ("证件号", "national_id"), ("护照", "national_id"),
                ("地址", "address"), ("住址", "address"), ("出生", "birth_date"), ("生日", "birth_date"),
                ("工号", "source_id"))
_WHAT = {"name": "person name", "email": "email address", "phone": "phone number",
         "national_id": "national ID / passport number", "address": "postal address", "birth_date": "birth date"}


def _tokens(column: str) -> list[str]:
    snake = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", column)  # camelCase -> camel_case
    return [t for t in re.split(r"[^0-9a-z]+", snake.lower()) if t]


def classify_column_name(column: str, allow: Iterable[str] = ()) -> tuple[str, bool] | None:
    """(what, blocking) when the column name suggests a direct identifier, None when it looks safe.

    `what` is name / email / phone / national_id / address / birth_date (blocking), `possible_name` (a
    `<thing>_name` not in the allow-list, or initials: a warning, the value scan decides) or `source_id`
    (employee / candidate / IM account ids: business ids a BI user with HRIS access can look up; a warning).
    """
    lowered = column.lower()
    if lowered in DEFAULT_ALLOW_COLUMNS or lowered in {a.lower() for a in allow}:
        return None
    for pattern, what in _ZH_PATTERNS:
        if pattern in column:
            return what, what != "source_id"
    tokens = _tokens(column)
    words = set(tokens)
    # Hard identifiers are flagged even inside keys and hashes: an unkeyed hash of an email or phone is
    # reversible by hashing a list of them, and the keyed national ID hash must stay in `restricted`.
    if words & _EMAIL_TOKENS:
        return "email", True
    if words & _PHONE_TOKENS:
        return "phone", True
    if words & _ID_TOKENS or any(pair <= words for pair in _ID_PAIRS):
        return "national_id", True
    if words & _BIRTH_TOKENS:
        return "birth_date", True
    if words & _ADDRESS_TOKENS:
        return "address", True
    if tokens and tokens[-1] in {"key", "keys"}:
        return None  # person_key, manager_person_key, job_key: pseudonymous surrogates
    if words & _NAME_TOKENS:
        return "name", True
    if words & {"name", "names"}:
        if words & {"initial", "initials"}:
            return "possible_name", False  # an initial is a quasi-identifier, not a name
        others = words - {"name", "names"}
        if not others or others & _PERSON_WORDS:
            return "name", True
        return "possible_name", False
    if len(tokens) >= 2 and tokens[-1] in {"id", "ids", "no", "number"} and tokens[-2] in _SOURCE_ID_WORDS:
        return "source_id", False
    return None


# --------------------------------------------------------------------------------------------- masking


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@***.{tld}"


def mask_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    cn = re.fullmatch(r"(?:00)?(?:86)?(1[3-9]\d{9})", digits)
    if cn:
        return f"{cn.group(1)[:3]}****{cn.group(1)[-4:]}"
    return f"+{digits[:2]}{'*' * max(len(digits) - 4, 1)}{digits[-2:]}"


def mask_national_id(value: str) -> str:
    return value[:3] + "*" * (len(value) - 3)


def mask_name(value: str) -> str:
    return value.strip()[:1] + "***"


def national_id_is_valid(value: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an 18-character Chinese resident ID number."""
    if not re.fullmatch(r"\d{17}[\dXx]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def _sql_national_id_valid(expr: str) -> str:
    """The same check digit in SQL, on `expr` (an 18-character candidate)."""
    weights = "[" + ", ".join(map(str, _ID_WEIGHTS)) + "]"
    return (f"substr('{_ID_CHECK}', (list_sum(list_transform(range(1, 18), lambda i: "
            f"cast(substr({expr}, i, 1) as integer) * {weights}[i])) % 11)::integer + 1, 1) "
            f"= upper(substr({expr}, 18, 1))")


# ------------------------------------------------------------------------------------------ dictionary


def normalize_name(value: str) -> str:
    return " ".join(value.split()).lower()


def normalize_phone(value: str) -> str:
    """Digits only; mainland mobiles without the 86 / 0086 prefix (as in the SQL side)."""
    digits = re.sub(r"\D", "", value)
    cn = re.fullmatch(r"(?:00)?86(1[3-9]\d{9})", digits)
    return cn.group(1) if cn else digits


def _name_variants(value: str) -> set[str]:
    name = normalize_name(value)
    if len(name.replace(" ", "")) < 2 or name.isdigit():
        return set()
    parts = name.split(" ")
    if name.isascii():
        # A lone Latin token is a surname, nickname or handle ("li", "jack"): too many chance collisions.
        return {name, f"{parts[1]} {parts[0]}"} if len(parts) == 2 else ({name} if len(parts) > 2 else set())
    return {name, name.replace(" ", "")}  # "张 伟" = "张伟"


@dataclass(frozen=True)
class KnownIdentifiers:
    """Real names (Hanzi and pinyin, both orders), emails and phones, normalised, to look for in marts."""

    names: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()

    @classmethod
    def from_values(cls, names: Iterable[str] = (), emails: Iterable[str] = (),
                    phones: Iterable[str] = ()) -> KnownIdentifiers:
        name_set: set[str] = set()
        for name in names:
            if name:
                name_set |= _name_variants(str(name))
        return cls(
            names=frozenset(name_set),
            emails=frozenset(e.strip().lower() for e in emails if e and "@" in e),
            phones=frozenset(p for p in (normalize_phone(str(v)) for v in phones if v) if len(p) >= 7),
        )

    # Where the pipeline keeps people's identifiers; hashed and ID columns are left out by name.
    SOURCES = (("restricted", "restricted_person_identifiers"), ("raw", "hris__employees"),
               ("raw", "ats__candidates"), ("raw", "im__accounts"), ("raw", "ats__event_signups"))

    @classmethod
    def from_warehouse(cls, con: duckdb.DuckDBPyConnection) -> KnownIdentifiers:
        """Collects names, emails and phones from whichever of SOURCES exist (missing tables are skipped)."""
        found: dict[str, set[str]] = {"name": set(), "email": set(), "phone": set()}
        for schema, table in cls.SOURCES:
            columns = con.execute(
                "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
                "and data_type = 'VARCHAR'", [schema, table]).fetchall()
            for (column,) in columns:
                kind = classify_column_name(column)
                if kind is None or kind[0] not in found or "hash" in _tokens(column):
                    continue
                # all_names is "Zeng Linling | 曾林玲", all_emails / all_phones are comma-separated.
                rows = con.execute(
                    f"select distinct trim(part) from (select unnest(regexp_split_to_array({_q(column)}, "
                    f"'[|,;]')) as part from {_q(schema)}.{_q(table)} where {_q(column)} is not null) "
                    "where trim(part) <> ''").fetchall()
                found[kind[0]].update(r[0] for r in rows)
        return cls.from_values(found["name"], found["email"], found["phone"])

    def without(self, values: Iterable[str]) -> KnownIdentifiers:
        """A copy without values known not to identify anyone (e.g. a department named like a person)."""
        drop = {normalize_name(v) for v in values}
        return KnownIdentifiers(self.names - drop, self.emails - drop,
                                self.phones - {normalize_phone(v) for v in values})


# ---------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Finding:
    table: str
    column: str | None
    kind: str
    count: int  # offending rows (in the scanned sample for value findings on large tables)
    share: float | None  # of the column's non-null values / of the table's rows
    sample: tuple[str, ...]  # masked, never the identifier itself
    blocking: bool
    message: str  # what to fix
    distinct_values: int | None = None
    rows_scanned: int | None = None


@dataclass
class PrivacyReport:
    findings: list[Finding] = field(default_factory=list)
    tables_scanned: list[str] = field(default_factory=list)
    elapsed_seconds: float = 0.0

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]

    @property
    def passed(self) -> bool:
        return not self.blocking

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "blocking": len(self.blocking), "warnings": len(self.warnings),
                "tables_scanned": len(self.tables_scanned), "elapsed_seconds": round(self.elapsed_seconds, 3),
                "findings": [asdict(f) | {"sample": list(f.sample)} for f in self.findings]}

    def to_markdown(self) -> str:
        head = (f"**Privacy scan {'passed' if self.passed else 'FAILED'}**: {len(self.blocking)} blocking, "
                f"{len(self.warnings)} warnings, {len(self.tables_scanned)} tables, {self.elapsed_seconds:.1f} s")
        if not self.findings:
            return head
        lines = [head, "", "| | table | column | kind | rows | share | sample (masked) | what to fix |",
                 "|---|---|---|---|---|---|---|---|"]
        for f in sorted(self.findings, key=lambda f: (not f.blocking, f.table, f.column or "")):
            share = "" if f.share is None else f"{f.share:.2%}"
            rows = f"{f.count} of {f.rows_scanned}" if f.rows_scanned is not None else str(f.count)
            cells = ["BLOCK" if f.blocking else "warn", f.table, f.column or "", f.kind, rows, share,
                     ", ".join(f.sample), f.message]
            lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        return "\n".join(lines)


# -------------------------------------------------------------------------------------------- scanning


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Table:
    schema: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, duckdb type)

    @property
    def label(self) -> str:
        return self.name if self.schema == "main" else f"{self.schema}.{self.name}"

    @property
    def relation(self) -> str:
        return f"{_q(self.schema)}.{_q(self.name)}"


def _resolve_tables(con: duckdb.DuckDBPyConnection, tables: list[str] | None) -> tuple[list[_Table], list[str]]:
    rows = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() order by table_schema, table_name, ordinal_position").fetchall()
    catalog: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, dtype in rows:
        catalog.setdefault((schema, table), []).append((column, dtype))
    if tables is None:
        wanted = [key for key in catalog if key[0] == "main" and key[1].startswith(MART_PREFIXES)]
        return [_Table(s, t, tuple(catalog[(s, t)])) for s, t in sorted(wanted)], []
    resolved, missing = [], []
    for name in tables:
        schema, _, table = name.rpartition(".")
        matches = [k for k in catalog if k[1] == table and (k[0] == schema if schema else True)]
        if not schema and len(matches) > 1:
            matches = [k for k in matches if k[0] == "main"] or matches[:1]
        if matches:
            resolved.append(_Table(matches[0][0], matches[0][1], tuple(catalog[matches[0]])))
        else:
            missing.append(name)
    return resolved, missing


def _is_text(dtype: str) -> bool:
    upper = dtype.upper()
    return upper.startswith(("VARCHAR", "JSON", "ENUM", "STRUCT", "MAP", "UNION")) or (
        upper.endswith("]") and "VARCHAR" in upper)


def _is_wide_int(dtype: str) -> bool:
    return dtype.upper() in {"BIGINT", "HUGEINT", "UBIGINT", "UHUGEINT"}  # wide enough to hold a phone number


def _is_numeric(dtype: str) -> bool:
    upper = dtype.upper()
    return upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                     "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL"} or upper.startswith("DECIMAL")


def _can_hold_identifier(dtype: str, what: str) -> bool:
    """`has_email` or `email_count` are not identifiers: only text, wide integers (a phone stored as a number)
    and, for birth dates, dates and years can hold one."""
    upper = dtype.upper()
    if upper == "BOOLEAN":
        return False
    if _is_numeric(upper) and not _is_wide_int(upper):
        return what == "birth_date"
    return True


def _value_blocking(distinct: int, rows: int, share: float) -> bool:
    return distinct >= BLOCK_MIN_DISTINCT or (rows >= BLOCK_MIN_ROWS_FOR_SHARE and share >= BLOCK_MIN_SHARE)


def _scan_column_names(con: duckdb.DuckDBPyConnection, table: _Table, allow: set[str]) -> list[Finding]:
    allowed = {a.split(".")[-1] for a in allow if "." not in a or a.rsplit(".", 1)[0] in (table.name, table.label)}
    flagged = [(c, kind) for c, t in table.columns
               if (kind := classify_column_name(c, allowed)) and _can_hold_identifier(t, kind[0])]
    if not flagged:
        return []
    counts = con.execute("select count(*), " + ", ".join(f"count({_q(c)})" for c, _ in flagged)
                         + f" from {table.relation}").fetchall()[0]
    total = counts[0]
    findings = []
    for (column, (what, blocking)), non_null in zip(flagged, counts[1:], strict=True):
        if what == "source_id":
            kind, message = "source_identifier_column", (
                f"{column} in model {table.label} is a source-system business id (HRIS/ATS/IM) that anyone with "
                "source access can look up; publish person_key only unless analysts need it")
        elif what == "possible_name":
            kind, message = "identifier_column_name", (
                f"{column} in model {table.label} may hold person names: if it names a thing, add it to "
                "allow_columns; if it names people, drop it")
        else:
            kind, message = "identifier_column_name", (
                f"drop or hash column {column} in model {table.label}: its name says {_WHAT[what]}; "
                "published marts carry person_key only (identifiers live in the restricted schema)")
        findings.append(Finding(table.label, column, kind, int(non_null), non_null / total if total else None,
                                (), blocking, message))
    return findings


_VALUE_KINDS = ("email", "phone", "national_id", "name")


def _value_scan_sql(table: _Table, columns: list[str], total_rows: int, max_rows: int | None,
                    max_name_length: int) -> str:
    select = ", ".join(f"cast({_q(c)} as varchar) as {_q(c)}" for c in columns)
    sample = ""
    if max_rows and total_rows > max_rows:
        # Row-level Bernoulli: as cheap as a plain read, unlike a reservoir; vector-level `system` sampling
        # would miss the rows of one person, which are stored together.
        sample = f" using sample {min(100.0, 100.0 * max_rows / total_rows):.4f}% (bernoulli, 7)"
    email = f"regexp_extract(v, {_lit(EMAIL_RE)})"
    phone = f"regexp_extract(v, {_lit(PHONE_RE)}, 2)"
    phone_norm = (f"regexp_replace(regexp_replace({phone}, '[^0-9]', '', 'g'), "
                  f"'^(00)?86(1[3-9][0-9]{{9}})$', '\\2')")
    nid = f"regexp_extract(v, {_lit(NATIONAL_ID_RE)}, 2)"
    # Values are scanned once per distinct value (with its row count): most mart columns repeat a few values.
    aggregates = ["sum(n) as non_null"]
    for kind in _VALUE_KINDS:
        flag = f"is_{kind}"
        known = "is_name" if kind == "name" else f"is_known_{kind}"  # a name match is a dictionary match
        aggregates += [f"coalesce(sum(n) filter (where {flag}), 0)", f"count(*) filter (where {flag})",
                       f"count(*) filter (where {flag} and {known})",
                       f"(list(v order by n desc, v) filter (where {flag}))[1:50]"]
    return f"""
        with s as (select {select} from {table.relation}{sample}),
        u as (unpivot s on columns(*) into name col value v),
        d as (select col, v, count(*) as n from u group by all),
        m as (
            select col, v, n,
                case when contains(v, '@') and regexp_matches(v, {_lit(EMAIL_RE)}) then lower({email}) end
                    as email,
                case when regexp_matches(v, {_lit(PHONE_RE)}) then {phone_norm} end as phone,
                case when regexp_matches(v, {_lit(NATIONAL_ID_RE)}) then {_sql_national_id_valid(nid)}
                    else false end as is_national_id,
                case when length(v) between 2 and {max_name_length} then lower(trim(v)) end as name
            from d
        ),
        f as (
            select col, v, n, is_national_id, false as is_known_national_id,
                -- "null not in (empty set)" is true in SQL: test for null first.
                email is not null and email not in (select v from _trm_privacy_allow) as is_email,
                coalesce(email in (select v from _trm_privacy_emails), false) as is_known_email,
                phone is not null and phone not in (select v from _trm_privacy_allow) as is_phone,
                coalesce(phone in (select v from _trm_privacy_phones), false) as is_known_phone,
                coalesce(name in (select v from _trm_privacy_names), false) as is_name
            from m
        )
        select col, {", ".join(aggregates)} from f group by col
    """


def _masked_sample(kind: str, values: list[str], limit: int) -> tuple[str, ...]:
    masked: list[str] = []
    for value in values:
        if kind == "email":
            match = _PY_EMAIL.search(value)
            text = mask_email(match.group(0)) if match else "***"
        elif kind == "phone":
            match = _PY_PHONE.search(value)
            text = mask_phone(match.group(2)) if match else "***"
        elif kind == "national_id":
            match = _PY_NATIONAL_ID.search(value)
            text = mask_national_id(match.group(2)) if match else "***"
        else:
            text = mask_name(value)
        if text not in masked:
            masked.append(text)
        if len(masked) >= limit:
            break
    return tuple(masked)


def _scan_values(con: duckdb.DuckDBPyConnection, table: _Table, total_rows: int, max_rows: int | None,
                 max_name_length: int, sample_limit: int) -> list[Finding]:
    columns = [c for c, t in table.columns if _is_text(t) or _is_wide_int(t)]
    if not columns or total_rows == 0:
        return []
    rows = con.execute(_value_scan_sql(table, columns, total_rows, max_rows, max_name_length)).fetchall()
    findings = []
    for row in rows:
        column, non_null = row[0], int(row[1] or 0)
        for i, kind in enumerate(_VALUE_KINDS):
            count, distinct, known, values = row[2 + 4 * i: 6 + 4 * i]
            if not count:
                continue
            share = count / non_null if non_null else 0.0
            # A valid ID number is never chance; a known person's email or phone is a leak however rare.
            blocking = (kind == "national_id" or (kind in ("email", "phone") and bool(known))
                        or _value_blocking(distinct, int(count), share))
            what = {"email": "email addresses", "phone": "phone numbers",
                    "national_id": "national ID numbers (valid check digit)",
                    "name": "real people's names (exact matches of known names)"}[kind]
            fix = (f"drop or hash column {column} in model {table.label}, or clean the values upstream"
                   if blocking else f"check column {column} in model {table.label}; below the blocking threshold")
            known_note = f", {known} of them known people's" if kind in ("email", "phone") and known else ""
            findings.append(Finding(
                table.label, column, f"{kind}_values", int(count), share, _masked_sample(kind, values, sample_limit),
                blocking, f"{column} holds {what} ({distinct} distinct{known_note}): {fix}",
                distinct_values=int(distinct), rows_scanned=non_null))
    return findings


# ---------------------------------------------------------------------------------------- small groups

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
                  f"(list({label}{_lit(size + '=')} || coalesce(cast({s} as varchar), 'null')) filter "
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


def scan_privacy(
    con: duckdb.DuckDBPyConnection,
    tables: list[str] | None = None,
    *,
    min_group_size: int = 5,
    min_comment_group_size: int = 10,
    known_identifiers: KnownIdentifiers | None = None,
    sample_limit: int = 5,
    group_size_columns: Mapping[str, str | None] | None = None,
    allow_columns: Iterable[str] = (),
    allow_values: Iterable[str] = (),
    max_rows_per_table: int | None = MAX_ROWS_PER_TABLE,
) -> PrivacyReport:
    """Scans `tables` (names or schema.names; default: main.dim_/fct_/rpt_/bridge_*) of the database behind `con`.

    group_size_columns: {table: group-size column} for aggregates over people (wins over the name heuristics;
    None declares a table not to be one). allow_columns: extra safe column names (`column` or `table.column`).
    allow_values: values never treated as identifiers (e.g. a department named like a person).
    """
    started = time.perf_counter()
    con = con.cursor()  # own connection to the same database: our registered views stay out of the caller's
    resolved, missing = _resolve_tables(con, tables)
    allow_values = list(allow_values)
    known = (known_identifiers or KnownIdentifiers()).without(allow_values)
    allow_set = set(allow_columns)
    allowed_values = {x for v in allow_values for x in (normalize_name(v), normalize_phone(v)) if x}
    report = PrivacyReport(tables_scanned=[t.label for t in resolved])
    for name in missing:
        report.findings.append(Finding(name, None, "table_not_found", 0, None, (), False,
                                       f"{name} was listed for publishing but is not in the database"))
    frames = {"_trm_privacy_names": known.names, "_trm_privacy_emails": known.emails,
              "_trm_privacy_phones": known.phones, "_trm_privacy_allow": allowed_values}
    for view, values in frames.items():
        con.register(view, pd.DataFrame({"v": pd.Series(sorted(values), dtype="string")}))
    max_name_length = max((len(n) for n in known.names), default=2)
    try:
        for table in resolved:
            if table.schema in FORBIDDEN_SCHEMAS:
                report.findings.append(Finding(
                    table.label, None, "forbidden_schema", 0, None, (), True,
                    f"{table.label} is in schema {table.schema}, which is never published: remove it"))
            total = con.execute(f"select count(*) from {table.relation}").fetchall()[0][0]
            report.findings += _scan_column_names(con, table, allow_set)
            report.findings += _scan_values(con, table, total, max_rows_per_table, max_name_length, sample_limit)
            report.findings += _scan_groups(con, table, group_size_columns or {}, min_group_size,
                                            min_comment_group_size, sample_limit)
    finally:
        con.close()
    report.elapsed_seconds = time.perf_counter() - started
    return report


# ----------------------------------------------------------------------------------------- dbt helpers

DBT_MARTS_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts"


def mart_model_names(marts_dir: Path = DBT_MARTS_DIR) -> list[str]:
    """Names of the mart models (file stems of models/marts/**/*.sql): the tables to publish."""
    return sorted(p.stem for p in marts_dir.rglob("*.sql"))


def dbt_group_size_columns(marts_dir: Path = DBT_MARTS_DIR) -> dict[str, str]:
    """{model: column_respondents} of every min_group_size test in the marts YAMLs: the declarations to pass
    as group_size_columns (the scanner then checks the published rows, it does not trust the test ran)."""
    import yaml

    declared: dict[str, str] = {}
    for path in sorted(marts_dir.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []) or []:
            for test in model.get("data_tests", []) or []:
                if isinstance(test, dict) and "min_group_size" in test:
                    spec = test["min_group_size"] or {}
                    column = (spec.get("arguments") or spec).get("column_respondents")
                    if column:
                        declared[model["name"]] = column
    return declared
