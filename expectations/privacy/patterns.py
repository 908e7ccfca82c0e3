"""Identifier value patterns (email, phone, Chinese national ID), the national-ID check digit (Python and
SQL), normalisation of names and phones for dictionary matches, and masking of samples in the report."""

from __future__ import annotations

import re

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


def normalize_name(value: str) -> str:
    return " ".join(value.split()).lower()


def normalize_phone(value: str) -> str:
    """Digits only; mainland mobiles without the 86 / 0086 prefix (as in the SQL side)."""
    digits = re.sub(r"\D", "", value)
    cn = re.fullmatch(r"(?:00)?86(1[3-9]\d{9})", digits)
    return cn.group(1) if cn else digits
