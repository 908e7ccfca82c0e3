"""The tamper-evident audit log (operations/audit_log.py) and `trm audit`: a chain that names the first altered,
missing or cut-off event, and the actions that append to it in their own transaction."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from cli.main import main as trm
from expectations.batches import accept_batch
from ingestion.batches import reject_batch
from ingestion.loader import load_entity
from ingestion.warehouse import connect
from operations.audit_log import append_event, audit_key, audit_recorder, head, verify
from operations.settings import Settings

KEY = audit_key(b"test-pii-key")


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    con.execute("set TimeZone = 'UTC'")
    for n in range(1, 6):
        append_event(con, KEY, "run_started", {"job": "nightly", "night": n}, f"run-{n}")
    yield con
    con.close()


def test_an_untouched_chain_verifies(con):
    result = verify(con, KEY, [head(con)])
    assert result.ok and result.events == 5
    assert head(con).startswith("5:")


def test_an_altered_event_is_named(con):
    con.execute("update audit.events set detail = replace(detail, '3', '7') where seq = 3")
    assert verify(con, KEY).problem == "event 3 (run_started, recorded " + \
        con.execute("select strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%f') from audit.events where seq = 3") \
        .fetchone()[0] + "+00:00) was altered"


def test_a_removed_event_is_named(con):
    con.execute("delete from audit.events where seq = 2")
    assert verify(con, KEY).problem == "event 2 is missing (the log jumps from 1 to 3)"


def test_a_chain_recomputed_without_the_key_does_not_verify(con):
    """Someone who rewrites history and recomputes every hash with a key of their own is found at event 1."""
    rows = con.execute("select kind, detail, run_id from audit.events order by seq").fetchall()
    con.execute("delete from audit.events")
    for kind, detail, run_id in rows:
        append_event(con, audit_key(b"a guessed key"), kind, {**json.loads(detail), "night": 0}, run_id)
    assert verify(con, KEY).problem.startswith("event 1 (run_started")


def test_events_cut_off_the_end_are_found_through_the_publications_anchor(con):
    anchor = head(con)
    con.execute("delete from audit.events where seq >= 4")
    assert verify(con, KEY).ok  # the chain alone cannot tell
    assert "events were removed from its end" in verify(con, KEY, [anchor]).problem


def test_unknown_kinds_are_refused(con):
    with pytest.raises(ValueError, match="unknown audit event kind"):
        append_event(con, KEY, "deleted_everything", {}, None)


HEADER = "employee_id,full_name,email,hire_date,termination_date,is_voluntary\n"


def test_rejecting_and_accepting_batches_is_on_the_record_and_trm_audit_verifies_it(tmp_path: Path, contracts,
                                                                                    mapping, monkeypatch, capsys):
    monkeypatch.setenv("TRM_HOME", str(tmp_path))
    settings = Settings.from_env()
    pii_key = settings.pii_key()
    (tmp_path / "landing" / "hris").mkdir(parents=True)
    con = connect(settings.warehouse)
    for n in (1, 2):
        (tmp_path / "landing" / "hris" / f"employees_{n}.csv").write_text(
            HEADER + "".join(f"E{i},Person {i},p{i}@corp.example,2022-05-0{n},,\n" for i in range(10)))
    load_entity(con, contracts["hris__employees"], mapping, tmp_path / "landing", b"k", "run-1")
    first, second = [r[0] for r in con.execute("select batch_id from raw.ingestion_files order by source_file")
                     .fetchall()]
    reject_batch(con, first, "hire dates shifted by a day (Zhang Wei's export)",
                 log_event=audit_recorder(pii_key, "batch_rejected"))
    with pytest.raises(Exception, match="not a blocking check"):  # refused: nothing recorded
        accept_batch(con, second, "no_such_check", "why not", log_event=audit_recorder(pii_key, "batch_accepted"))
    accept_batch(con, second, "volume_drop", "a divestment", accepted_by="li.engineer",
                 log_event=audit_recorder(pii_key, "batch_accepted"))
    con.close()

    assert trm(["audit", "show"]) == 0
    shown = capsys.readouterr().out
    assert "batch_rejected" in shown and "batch_accepted" in shown and "rows_moved" in shown
    assert "Zhang Wei" not in shown and "divestment" not in shown  # reasons stay in the ledger, not the log
    assert trm(["audit", "verify"]) == 0
    assert "audit log intact: 2 events" in capsys.readouterr().out

    with duckdb.connect(str(settings.warehouse)) as tamper:
        tamper.execute("update audit.events set detail = replace(detail, '10', '1') where kind = 'batch_rejected'")
    assert trm(["audit", "verify"]) == 1
    assert "event 1 (batch_rejected" in capsys.readouterr().err


def test_a_steward_override_file_is_audited_once_per_change(tmp_path):
    import duckdb
    import pandas as pd

    from ml.identity.warehouse import _audit_overrides

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    path = tmp_path / "identity_overrides.csv"
    key = b"k" * 32
    _audit_overrides(con, key, path, None, "run-0")  # no file, nothing before: nothing to record
    path.write_text("record_id_a,record_id_b,decision,reason\na,b,must_link,confirmed by HR\n", encoding="utf-8")
    frame = pd.DataFrame({"decision": ["must_link"]})
    _audit_overrides(con, key, path, frame, "run-1")
    _audit_overrides(con, key, path, frame, "run-2")  # unchanged: not again
    path.write_text(path.read_text() + "a,c,cannot_link,namesakes\n", encoding="utf-8")
    _audit_overrides(con, key, path, pd.DataFrame({"decision": ["must_link", "cannot_link"]}), "run-3")
    rows = con.execute("select run_id, detail from audit.events where kind = 'steward_overrides_changed' "
                       "order by seq").fetchall()
    assert [r[0] for r in rows] == ["run-1", "run-3"]
    assert "confirmed by HR" not in rows[0][1] and '"cannot_link": 1' in rows[1][1]
