"""Owner-only files by default; the publication shared with one named group (operations/file_modes.py)."""

from __future__ import annotations

import grp
import os
import stat

import pytest

from operations.file_modes import secure_home
from operations.settings import Settings


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def home(tmp_path):
    """A TRM_HOME left readable by everyone (an older version, a copy with cp -r, a umask of 022)."""
    home = tmp_path / "home"
    for name in ("warehouse.duckdb", ".pii_key", "published.duckdb", "dagster/storage/runs.db", "logs/dbt.log",
                 "published_parquet/2026/dim_person.parquet", "landing/hris/employees.csv", "restricted.duckdb"):
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        path.chmod(0o644)
    for folder in [home, *(p for p in home.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    yield home
    os.umask(0o022)


def test_a_run_closes_what_others_could_read_and_keeps_new_files_owner_only(home):
    settings = Settings.for_home(home)
    # the home and its 7 files and 5 folders outside landing (the landing folder and its files are the exporters')
    assert secure_home(settings) == 1 + 7 + 5
    assert _mode(home) == 0o700
    for name in ("warehouse.duckdb", ".pii_key", "published.duckdb", "dagster/storage/runs.db", "logs/dbt.log"):
        assert _mode(home / name) == 0o600, name
    assert _mode(home / "dagster" / "storage") == 0o700
    # the exporters' files keep their modes (the home's 0700 already keeps other accounts out)
    assert _mode(home / "landing" / "hris" / "employees.csv") == 0o644
    assert secure_home(settings) == 0  # nothing left to close
    (home / "reports").mkdir()
    (home / "reports" / "people_health.html").write_text("report")
    assert _mode(home / "reports") == 0o700 and _mode(home / "reports" / "people_health.html") == 0o600


def test_the_publication_group_may_read_the_publication_and_nothing_else(home):
    group = grp.getgrgid(os.getgid()).gr_name  # a group this account belongs to (chgrp needs membership)
    settings = Settings.for_home(home, publication_group=group)
    secure_home(settings)
    assert _mode(home) == 0o711  # pass through to a known file, not list
    assert _mode(home / "published.duckdb") == 0o640
    assert _mode(home / "published_parquet") == 0o750
    assert _mode(home / "published_parquet" / "2026" / "dim_person.parquet") == 0o640
    for name in ("warehouse.duckdb", ".pii_key", "dagster/storage/runs.db", "restricted.duckdb"):
        assert _mode(home / name) == 0o600, name
    assert secure_home(settings) == 0  # the next run leaves the shared files shared: nothing to close, no flapping


def test_hr_staff_may_read_the_restricted_publication_when_their_group_is_named(home):
    group = grp.getgrgid(os.getgid()).gr_name
    secure_home(Settings.for_home(home, restricted_group=group))
    assert _mode(home) == 0o711
    assert _mode(home / "restricted.duckdb") == 0o640 and (home / "restricted.duckdb").stat().st_gid == os.getgid()
    for name in ("warehouse.duckdb", ".pii_key", "published.duckdb"):  # the BI publication is not theirs by this
        assert _mode(home / name) == 0o600, name


def test_an_unknown_publication_group_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    monkeypatch.setenv("TRM_PUBLICATION_GROUP", "no-such-group-trm")
    with pytest.raises(ValueError, match="TRM_PUBLICATION_GROUP='no-such-group-trm': no such group"):
        Settings.from_env()
