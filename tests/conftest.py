"""Shared fixtures: a tiny hand-written landing folder covering every reader and some dirt."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from ingestion.contracts import load_contracts
from ingestion.mapping import load_mapping

EMPLOYEES_ZH = (
    "工号,姓名,公司邮箱,手机号,身份证号,性别,出生日期,入职日期,离职日期,是否主动离职\n"
    "E001,张伟,zhang.wei@corp.cn,13800138000,110101199003071234,男,1990-03-07,2024/3/5,,\n"
    "E002,李娜,li.na@corp.cn,+86 139 0000 1111,110101199104152345,女,1991年4月15日,45356,2025-06-30,是\n"
    "E003,王芳,wang.fang@corp.cn,,,女,1992-01-01,2024-13-45,,\n"  # bad hire date
    ",赵磊,zhao.lei@corp.cn,,,男,1993-01-01,2024-01-01,,\n"  # missing required id
    "E005,陈静,chen.jing@corp.cn,,,女,1994-01-01\n"  # truncated line
)


# Modules that start the session's long builds go first. With `--dist loadfile --no-loadscope-reorder`
# (pyproject.toml) xdist hands files out in collection order: one worker starts with the end-to-end module (it
# runs the first night, `nightly_run`), the other with the core dbt module (it builds the shared company,
# tests/shared_company.py); the recovery module, which copies the first night, comes next, then the night-by-night
# incremental module (its own company, ~2.5 minutes) and the erasure module (a copy of the first night and one more
# nightly run): the long modules start early, short ones fill the end.
FIRST_MODULES = ("test_orchestration.py", "test_dbt_core.py", "test_nightly_recovery.py",
                 "test_incremental_nightly.py", "test_erasure.py")


def pytest_collection_modifyitems(config, items):  # noqa: ARG001 - pytest's hook signature
    first = {name: rank for rank, name in enumerate(FIRST_MODULES)}
    items.sort(key=lambda item: first.get(item.path.name, len(first)))  # stable within a module


@pytest.fixture(scope="session", autouse=True)
def shared_sentiment_model(tmp_path_factory):
    """One trained sentiment model for the whole session, shared by the xdist workers (training takes tens of
    seconds): the first worker trains it under a lock, the others load it."""
    import os

    if "TRM_SENTIMENT_MODEL_DIR" not in os.environ:
        shared = session_dir(tmp_path_factory, "sentiment_model")
        os.environ["TRM_SENTIMENT_MODEL_DIR"] = str(shared)
        with session_lock(shared):
            from ml.sentiment.model import load_or_train

            load_or_train(shared)
    yield


@contextmanager
def session_lock(folder: Path) -> Iterator[None]:
    """Held by one xdist worker at a time: the one that builds what ``folder`` holds, then those that read it."""
    import fcntl

    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def session_dir(tmp_path_factory, name: str) -> Path:
    """A folder every xdist worker of this test session sees (the workers' base temp folders share a parent)."""
    import os

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_for(home: Path, **overrides):
    """Settings rooted at ``home`` that share the session's trained sentiment model (shared_sentiment_model)."""
    import os

    from operations.settings import Settings

    overrides.setdefault("sentiment_model_dir", Path(os.environ["TRM_SENTIMENT_MODEL_DIR"]))
    # Every pipeline run of the suite under a small DuckDB memory limit: the nightly must finish by spilling.
    overrides.setdefault("memory_limit", TEST_MEMORY_LIMIT)
    overrides.setdefault("as_of_date", os.environ["TRM_AS_OF_DATE"])
    return Settings.for_home(home, **overrides)


TEST_MEMORY_LIMIT = "512MB"


def pytest_configure(config) -> None:
    """One as-of day for the whole session (TRM_AS_OF_DATE, inherited by the xdist workers and by every `trm`
    subprocess): a suite running across midnight UTC would otherwise compare a night built on one day with a
    night built on the next (CI did, 2026-12-08)."""
    import datetime as dt
    import os

    os.environ.setdefault("TRM_AS_OF_DATE", dt.datetime.now(dt.UTC).date().isoformat())


@pytest.fixture(scope="session")
def company(tmp_path_factory):
    """The generated company every mart module reads, built once per session (tests/shared_company.py)."""
    from shared_company import shared_company

    return shared_company(session_dir(tmp_path_factory, "company"))


@pytest.fixture
def con(tmp_path: Path):
    """A writable warehouse of the test's own (ingestion's connect: UTC session time zone)."""
    from ingestion.warehouse import connect

    connection = connect(tmp_path / "warehouse.duckdb")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def db(warehouse):
    """A read-only connection to the module's ``warehouse["path"]`` (the shared company is read by both workers)."""
    import duckdb

    con = duckdb.connect(str(warehouse["path"]), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def contracts():
    return load_contracts()


@pytest.fixture(scope="session")
def mapping(contracts):
    return load_mapping(None, contracts)


def write_landing(landing: Path) -> Path:
    """A landing folder with GB18030 CSV, XLSX, JSON, NDJSON and Parquet files."""
    (landing / "hris").mkdir(parents=True)
    (landing / "hris" / "employees.csv").write_bytes(EMPLOYEES_ZH.encode("gb18030"))
    (landing / "hris" / "departments.csv").write_text(
        "department_id,department_name,parent_department_id\nD1,Engineering,\nD2,Platform,D1\n", encoding="utf-8"
    )
    (landing / "ats").mkdir()
    pd.DataFrame(
        {
            "interview_id": ["I1", "I2", "I3"],
            "application_id": ["A1", "A1", "A2"],
            "interview_round": [1, 2, 1],
            "interviewed_at": [pd.Timestamp("2025-01-02 10:00"), pd.Timestamp("2025-01-05 14:30"), None],
            "rating": [4, 7, 3],  # 7 is outside 1-5
        }
    ).to_excel(landing / "ats" / "interviews.xlsx", index=False)
    slack = landing / "im" / "slack"
    (slack / "eng-platform").mkdir(parents=True)
    (slack / "users.json").write_text(json.dumps([
        {"id": "U1", "name": "amy", "real_name": "Amy Tan", "deleted": False,
         "profile": {"email": "amy.tan@corp.com", "phone": "+65 8123 4567"}},
        {"id": "U2", "name": "bob", "real_name": "Bob Lim", "deleted": True, "profile": {"email": "bob@corp.com"}},
    ]), encoding="utf-8")
    (slack / "channels.json").write_text(json.dumps([
        {"id": "C1", "name": "eng-platform", "created": 1700000000, "members": ["U1", "U2"]},
    ]), encoding="utf-8")
    (slack / "eng-platform" / "2025-01-02.json").write_text(json.dumps([
        {"type": "message", "client_msg_id": "m-1", "user": "U1", "text": "Deploy is green", "ts": "1735800000.000100"},
        {"type": "message", "user": "U2", "text": "Thanks!", "ts": "1735800060.000200"},
    ]), encoding="utf-8")
    wecom = landing / "im" / "wecom"
    wecom.mkdir()
    lines = [
        json.dumps({"msgid": "w1", "action": "send", "from": "zhangwei", "tolist": ["lina"], "roomid": "",
                    "msgtime": 1735800000123, "msgtype": "text", "text": {"content": "收到，我下午看一下"}},
                   ensure_ascii=False),
        '{"msgid": "w2", "from": "lina", "msgtime": 17358',  # invalid JSON line
        json.dumps({"msgid": "w3", "action": "send", "from": "lina", "tolist": ["zhangwei"], "roomid": "",
                    "msgtime": 1735800100456, "msgtype": "text", "text": {"content": "这个 deadline 太赶了"}},
                   ensure_ascii=False),
    ]
    (wecom / "messages_2025-01.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (landing / "attendance").mkdir()
    pd.DataFrame(
        {
            "punch_id": ["P1", "P2"],
            "employee_id": ["E001", "E001"],
            "punched_at": ["2025-01-02T20:01:00+08:00", "2025-01-03T05:02:00+08:00"],
            "punch_type": ["in", "out"],
        }
    ).to_parquet(landing / "attendance" / "punches_2025-01.parquet", index=False)
    return landing


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return write_landing(tmp_path / "landing")


def _run_first_night(home: Path):
    from dagster import DagsterInstance

    from orchestration.definitions import build_definitions

    settings = settings_for(home, landing=write_landing(home / "landing"), sensor_settle_seconds=0)
    result = build_definitions(settings).resolve_job_def("nightly").execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False, run_config=FIRST_NIGHT_CONFIG)
    if settings.published.exists():  # the uninterrupted night, to compare later runs on the same input with
        shutil.copy(settings.published, home / "reference_first_night.duckdb")
    return settings, result


def _shared_first_night(tmp_path_factory):
    """(home, result): the first night in the folder both workers see, run by this worker if nobody ran it yet
    (result None when another worker did)."""
    shared = session_dir(tmp_path_factory, "first_night")
    with session_lock(shared):
        if not (shared / "landing").exists():
            return shared, _run_first_night(shared)[1]
    return shared, None


@pytest.fixture(scope="session")
def nightly_run(tmp_path_factory):
    """The nightly job run once, in process, on the hand-written landing folder: (settings, result).

    Shared because a full run builds every dbt model and test (a minute and more); the first night keeps IM text
    (a long retention) so tests can see it minimised on a later run. Its home is shared with the other xdist
    worker (``first_night``) and never changed after the run: a test that runs more jobs works on a copy. The
    worker that runs it first keeps the result; a worker that finds it already run runs its own (the
    collection order puts the modules that need the result first, so that does not happen in a full run).
    """
    home, result = _shared_first_night(tmp_path_factory)
    if result is None:
        return _run_first_night(tmp_path_factory.mktemp("nightly"))
    return settings_for(home, landing=home / "landing", sensor_settle_seconds=0), result


@pytest.fixture(scope="session")
def first_night(tmp_path_factory) -> Path:
    """The home of the first night (run by whichever worker asks first); read it, or copy it with
    ``copy_first_night``."""
    return _shared_first_night(tmp_path_factory)[0]


def copy_first_night(first_night: Path, folder: Path):
    """A private copy of the first night's home (warehouse, publication, reference, landing): its settings."""
    home = folder / "home"
    shutil.copytree(first_night, home)
    return settings_for(home, landing=home / "landing", sensor_settle_seconds=0)


def long_text_retention(folder: Path) -> Path:
    """The built-in retention policy with IM text kept 100,000 days (what FIRST_NIGHT_CONFIG gives a job run),
    for `trm run` (TRM_RETENTION)."""
    from privacy.retention import DEFAULT_POLICY

    path = folder / "retention_long_text.yaml"
    path.write_text(DEFAULT_POLICY.read_text(encoding="utf-8").replace("    days: 30\n", "    days: 100000\n"),
                    encoding="utf-8")
    return path


# The first night keeps IM text (a long retention); `trm run` reads the same from TRM_RETENTION (long_text_retention).
FIRST_NIGHT_CONFIG = {"ops": {"ml__message_sentiment": {"config": {"im_text_retention_days": 100_000}}}}

