"""Settings read from the environment: TRM_AS_OF_DATE pins the day the build describes, and reaches dbt."""

import pytest

from operations.settings import Settings


def test_the_as_of_date_setting_reaches_dbt_and_the_python_steps(monkeypatch, tmp_path):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    monkeypatch.setenv("TRM_AS_OF_DATE", "2026-10-31")
    settings = Settings.from_env()
    assert settings.dbt_vars()["as_of_date"] == "2026-10-31"
    assert settings.pinned_as_of.isoformat() == "2026-10-31"
    monkeypatch.delenv("TRM_AS_OF_DATE")
    unpinned = Settings.from_env()
    assert "as_of_date" not in unpinned.dbt_vars() and unpinned.pinned_as_of is None  # dbt uses today


def test_a_malformed_as_of_date_is_refused_with_the_expected_form(monkeypatch, tmp_path):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    monkeypatch.setenv("TRM_AS_OF_DATE", "31/10/2026")
    with pytest.raises(ValueError, match=r"TRM_AS_OF_DATE='31/10/2026': expected a date as YYYY-MM-DD"):
        Settings.from_env()
