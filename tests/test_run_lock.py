"""One run at a time per TRM_HOME: a second run waits or stops at once naming the first; a killed run's lock clears."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from dagster import SkipReason, build_sensor_context

from operations.run_lock import RunInProgress, current_holder, lock_path, run_lock

ROOT = Path(__file__).resolve().parents[1]


def _hold(home: Path, run_id: str = "run-A") -> subprocess.Popen:
    """Another process holding the run lock of ``home`` until killed."""
    # SIGTERM back to its default: a test worker may ignore it (something in the session sets SIG_IGN, which a
    # child inherits), and then terminate() would not end the holder and the test would wait out its sleep.
    code = textwrap.dedent(f"""
        import signal, sys, time
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from operations.run_lock import run_lock
        with run_lock({str(home)!r}, {run_id!r}, "nightly"):
            print("held", flush=True)
            time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture
def holder(tmp_path):
    proc = _hold(tmp_path)
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_a_second_run_stops_at_once_naming_the_run_in_progress(tmp_path, holder):
    started = time.monotonic()
    with pytest.raises(RunInProgress) as info, run_lock(tmp_path, "run-B", "nightly"):
        pass
    assert time.monotonic() - started < 2
    message = str(info.value)
    assert "a run is in progress" in message and "run-A" in message and f"pid {holder.pid}" in message
    assert current_holder(tmp_path).run_id == "run-A"


def test_a_second_run_can_wait_for_the_first(tmp_path, holder):
    messages: list[str] = []
    with pytest.raises(RunInProgress, match="in progress"), run_lock(tmp_path, "run-B", "nightly",
                                                                      wait_seconds=0.5, log=messages.append):
        pass
    assert any("waiting for run run-A" in m for m in messages)
    holder.terminate()
    holder.wait()
    with run_lock(tmp_path, "run-B", "nightly", wait_seconds=5) as held:
        assert held.run_id == "run-B" and current_holder(tmp_path).run_id == "run-B"
    assert current_holder(tmp_path) is None


def test_a_killed_runs_lock_is_detected_and_cleared(tmp_path, holder):
    os.kill(holder.pid, signal.SIGKILL)  # no cleanup runs: the holder record stays in the file
    holder.wait()
    assert "run-A" in lock_path(tmp_path).read_text()
    assert current_holder(tmp_path) is None  # the kernel released the lock with the process
    messages: list[str] = []
    with run_lock(tmp_path, "run-B", "nightly", log=messages.append):
        pass
    assert any("stale run lock" in m and "run-A" in m for m in messages)


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    with run_lock(tmp_path, "outer", "nightly"), run_lock(tmp_path, "inner", "nightly") as inner:
        assert inner.run_id == "outer"  # the resource of a run started by `trm run` joins that run's lock
    assert current_holder(tmp_path) is None


def test_trm_run_exits_at_once_while_another_run_holds_the_home(tmp_path, holder):
    (tmp_path / "landing").mkdir()
    env = {**os.environ, "TRM_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster")}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "cli.main", "run"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "a run is in progress" in done.stderr and "run-A" in done.stderr
    assert time.monotonic() - started < 30  # Python start-up; no step ran
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_run_started_by_dagster_fails_clearly_instead_of_colliding(tmp_path, holder):
    from dagster import DagsterInstance

    from operations.settings import Settings
    from orchestration.definitions import build_definitions

    (tmp_path / "landing").mkdir()
    settings = Settings.for_home(tmp_path, run_lock_wait_seconds=0)
    result = build_definitions(settings).resolve_job_def("ingestion").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False)
    assert not result.success
    assert any("a run is in progress" in str(e.event_specific_data) and "run-A" in str(e.event_specific_data)
               for e in result.all_events if e.is_failure)
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_the_sensor_does_not_start_a_run_while_one_is_in_progress(tmp_path, holder):
    from operations.settings import Settings
    from orchestration.definitions import build_definitions

    (tmp_path / "landing" / "hris").mkdir(parents=True)
    (tmp_path / "landing" / "hris" / "departments.csv").write_text("department_id,department_name\nD1,Eng\n")
    settings = Settings.for_home(tmp_path, sensor_settle_seconds=0)
    sensor = build_definitions(settings).resolve_sensor_def("landing_sensor")
    context = build_sensor_context(cursor=None)
    skipped = sensor(context)
    assert isinstance(skipped, SkipReason) and "run-A" in skipped.skip_message
    assert context.cursor is None  # the files are still new for the next tick
    holder.kill()
    holder.wait()
    assert not isinstance(sensor(build_sensor_context(cursor=None)), SkipReason)


def test_the_instance_queues_runs_one_at_a_time(tmp_path):
    from operations.dagster_home import ensure_dagster_home

    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # an instance made before this setting
    ensure_dagster_home(home)
    ensure_dagster_home(home)
    text = (home / "dagster.yaml").read_text()
    assert text.count("telemetry:") == 1 and text.count("max_concurrent_runs: 1") == 1
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_dbt_started_by_a_run_dies_with_it(tmp_path):
    """kill -9 of a run used to leave its dbt child building the warehouse, holding DuckDB's lock against the next
    run. Runs start dbt through trm-dbt, which the kernel kills with its parent."""
    guard = Path(sys.executable).parent / "trm-dbt"
    assert guard.exists(), "make install creates .venv/bin/trm-dbt"
    dbt_dir = ROOT / "dbt_project"
    code = textwrap.dedent(f"""
        import subprocess, sys
        child = subprocess.Popen([{str(guard)!r}, "parse", "--project-dir", {str(dbt_dir)!r}, "--profiles-dir",
                                  {str(dbt_dir)!r}, "--target-path", {str(tmp_path / "target")!r}, "--log-path",
                                  {str(tmp_path / "logs")!r}], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(child.pid, flush=True)
        child.wait()
    """)
    env = {**os.environ, "TRM_WAREHOUSE": str(tmp_path / "w.duckdb")}
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    child = int(parent.stdout.readline())
    time.sleep(1.0)
    assert _alive(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child), "dbt outlived the run that started it"


def test_runs_start_dbt_through_the_guard():
    from orchestration.assets.dbt import dbt_resource

    assert Path(dbt_resource().dbt_executable).name == "trm-dbt"


def test_dbt_reuses_its_parse_whichever_warehouse_file_it_points_at():
    """trm-dbt leaves the file path and DuckDB's limits out of dbt's parse check (operations/dbt_guard.py); the
    database name stays."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    from operations.dbt_guard import parse_once_for_every_warehouse

    parse_once_for_every_warehouse()
    parse_once_for_every_warehouse()  # idempotent

    def info(database: str, path: str, memory_limit: str = "4GB") -> list:
        credentials = DuckDBCredentials(database=database, schema="main", path=path,
                                        settings={"memory_limit": memory_limit, "threads": "2"})
        return list(credentials.connection_info())

    assert info("warehouse", "/a/warehouse.duckdb") == info("warehouse", "/b/warehouse.duckdb")
    assert info("warehouse", "/a/warehouse.duckdb", "4GB") == info("warehouse", "/a/warehouse.duckdb", "512MB")
    assert info("warehouse", "/a/warehouse.duckdb") != info("other", "/a/other.duckdb")


def test_an_erasure_refuses_alongside_a_run_and_changes_nothing(tmp_path, holder):
    """`trm erase` takes the same lock: never half-applied next to a nightly run."""
    import duckdb

    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema identity")
    con.execute("create table identity.person_crosswalk (record_id varchar, record_source varchar, "
                "source_record_id varchar, person_key varchar)")
    con.execute("insert into identity.person_crosswalk values ('hris__employees:E1', 'hris__employees', 'E1', 'P1')")
    con.close()
    before = (tmp_path / "warehouse.duckdb").read_bytes()
    env = {**os.environ, "TRM_HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path / "dagster")}
    done = subprocess.run([sys.executable, "-m", "cli.main", "erase", "--person-key", "P1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "a run is in progress" in done.stderr and "run-A" in done.stderr
    assert (tmp_path / "warehouse.duckdb").read_bytes() == before
