"""Which suites exist: the YAML files under expectations/suites plus the rules every raw table takes from its
contract (expectations/contract_checks.py), loaded and validated once."""

from __future__ import annotations

from pathlib import Path

from expectations.suites import Suite, load_suite_files

_cache: dict[tuple[str, ...], list[Suite]] = {}


def load_suites(paths: list[Path] | list[str] | None = None) -> list[Suite]:
    """All suites of the YAML files (default: every file under expectations/suites, plus the rules every raw
    table takes from its contract: expectations/contract_checks.py), validated.

    Raises SuiteConfigError naming the file, suite and entry on an unknown key, expectation type or kwarg.
    """
    if paths:
        return load_suite_files([Path(p) for p in paths])
    from expectations.contract_checks import with_contract_checks

    return with_contract_checks(load_suite_files(None))


def suites_for_table(table: str, suites: list[Suite] | None = None) -> list[Suite]:
    """Suites validating ``table`` ('schema.table'; a bare name means schema main, where dbt builds marts)."""
    wanted = table if "." in table else f"main.{table}"
    if suites is None:
        suites = _cache.setdefault(("default",), load_suites())
    return [s for s in suites if s.table == wanted]
