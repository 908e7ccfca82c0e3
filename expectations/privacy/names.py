"""Column names: classification (person names, emails, phones, national IDs, addresses, birth dates,
source-system ids; English and Chinese), the allow-list of `*_name` columns that name things, and the scan
of a table's column names."""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

from expectations.privacy.report import Finding
from expectations.privacy.tables import _is_numeric, _is_wide_int, _q, _Table

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


def _can_hold_identifier(dtype: str, what: str) -> bool:
    """`has_email` or `email_count` are not identifiers: only text, wide integers (a phone stored as a number)
    and, for birth dates, dates and years can hold one."""
    upper = dtype.upper()
    if upper == "BOOLEAN":
        return False
    if _is_numeric(upper) and not _is_wide_int(upper):
        return what == "birth_date"
    return True


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
