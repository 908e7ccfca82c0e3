"""One tamper-evident audit log: what happened to the warehouse, in order, hash-chained.

Every run, publication, batch rejection or acceptance, identity key change and retention purge appends one row to
``audit.events`` in the warehouse. Each row's ``hash`` is an HMAC-SHA256, keyed by a key derived from the
installation's PII key, over the previous row's hash and the row's own fields: changing, removing or reordering a
row breaks every hash after it, and without the key the chain cannot be recomputed to hide that. Each publication
records the head of the chain (``publication.runs.audit_head``), so cutting events off the end shows too.

The log holds no identifiers: ids of batches, runs and models, counts and table names — never names, emails,
phones, ID numbers, free text about a person or a person key list. Operators' reasons stay where they were typed
(``raw.ingestion_files``, ``audit.batch_overrides``), in the restricted working warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

import duckdb

AUDIT_SCHEMA = "audit"
EVENTS = f"{AUDIT_SCHEMA}.events"
GENESIS = "0" * 64
EVENTS_DDL = f"""
create table if not exists {EVENTS} (
    seq bigint primary key,
    recorded_at timestamptz not null,
    kind varchar not null,
    run_id varchar,
    detail varchar not null,
    prev_hash varchar not null,
    hash varchar not null
)"""
# The kinds of event, so a reader (trm audit show --kind) and a writer agree on the words.
KINDS = ("run_started", "published", "batch_rejected", "batch_accepted", "identity_keys_changed", "retention_purged",
         "erased", "steward_overrides_changed")


def audit_key(pii_key: bytes) -> bytes:
    """The chain's key: derived from the PII key (kept with the warehouse), never the PII key itself."""
    return hashlib.sha256(b"trm audit log v1\0" + pii_key).digest()


def _digest(key: bytes, prev_hash: str, seq: int, recorded_at: str, kind: str, run_id: str | None,
            detail: str) -> str:
    message = json.dumps([prev_hash, seq, recorded_at, kind, run_id, detail], ensure_ascii=False,
                         separators=(",", ":"))
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def ensure_audit_log(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {AUDIT_SCHEMA}")
    con.execute(EVENTS_DDL)


def append_event(con: duckdb.DuckDBPyConnection, key: bytes, kind: str, detail: dict[str, object],
                 run_id: str | None = None) -> int:
    """Append one event and return its sequence number. Runs in the caller's transaction when there is one, so an
    action and its record commit together (one writer at a time: the run lock and DuckDB's single writer)."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}; one of {', '.join(KINDS)}")
    ensure_audit_log(con)
    last = con.execute(f"select seq, hash from {EVENTS} order by seq desc limit 1").fetchone()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    recorded_at = _stamp(dt.datetime.now(dt.UTC))
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    digest = _digest(key, prev_hash, seq, recorded_at, kind, run_id, text)
    con.execute(f"insert into {EVENTS} values (?, ?::timestamptz, ?, ?, ?, ?, ?)",
                [seq, recorded_at, kind, run_id, text, prev_hash, digest])
    return seq


def audit_recorder(pii_key: bytes, kind: str, run_id: str | None = None):
    """A ``log_event(con, detail)`` callback for actions that take one (reject_batch, accept_batch): appends the
    event on the action's connection, inside its transaction."""
    key = audit_key(pii_key)

    def record(con: duckdb.DuckDBPyConnection, detail: dict[str, object]) -> None:
        append_event(con, key, kind, detail, run_id)

    return record


def head(con: duckdb.DuckDBPyConnection) -> str | None:
    """``<seq>:<hash>`` of the last event (what a publication records), None when the log is empty or absent."""
    try:
        row = con.execute(f"select seq, hash from {EVENTS} order by seq desc limit 1").fetchone()
    except duckdb.CatalogException:
        return None
    return f"{row[0]}:{row[1]}" if row else None


@dataclass(frozen=True)
class Verification:
    events: int
    problem: str | None = None  # the first altered or missing event, in words

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(con: duckdb.DuckDBPyConnection, key: bytes, anchors: list[str] | None = None) -> Verification:
    """Recompute the chain; name the first event that was altered, removed or inserted. ``anchors``: heads
    recorded elsewhere (the publications), each of which must still be in the chain with the same hash."""
    try:
        rows = con.execute(f"select seq, recorded_at, kind, run_id, detail, prev_hash, hash from {EVENTS} "
                           "order by seq").fetchall()
    except duckdb.CatalogException:
        rows = []
    previous, expected_seq = GENESIS, 1
    hashes: dict[int, str] = {}
    for seq, recorded_at, kind, run_id, detail, prev_hash, digest in rows:
        if seq != expected_seq:
            return Verification(len(rows), f"event {expected_seq} is missing (the log jumps from "
                                           f"{expected_seq - 1} to {seq})")
        if prev_hash != previous:
            return Verification(len(rows), f"event {seq} ({kind}) does not follow event {seq - 1}: an event "
                                           "before it was altered or replaced")
        if digest != _digest(key, prev_hash, seq, _stamp(recorded_at), kind, run_id, detail):
            return Verification(len(rows), f"event {seq} ({kind}, recorded {_stamp(recorded_at)}) was altered")
        hashes[seq] = digest
        previous, expected_seq = digest, seq + 1
    for anchor in anchors or []:
        seq_text, _, digest = anchor.partition(":")
        seq = int(seq_text)
        if seq not in hashes:
            return Verification(len(rows), f"events up to {seq} were recorded by a publication, but the log ends "
                                           f"at {len(rows)}: events were removed from its end")
        if hashes[seq] != digest:
            return Verification(len(rows), f"event {seq} differs from the one a publication recorded: the log was "
                                           "rewritten")
    return Verification(len(rows))


def latest_detail(con: duckdb.DuckDBPyConnection, kind: str) -> dict | None:
    """The detail of the newest event of ``kind`` (None when there is none), e.g. to record a change only once."""
    ensure_audit_log(con)
    row = con.execute(f"select detail from {EVENTS} where kind = ? order by seq desc limit 1", [kind]).fetchone()
    return json.loads(row[0]) if row else None
