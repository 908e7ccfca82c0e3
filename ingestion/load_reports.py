"""What loading reported, per file and per entity (the ledger row, the Dagster metadata, the run summary)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.snapshots import SnapshotReport


@dataclass
class FileReport:
    source_file: str
    status: str  # loaded | duplicate | unchanged | failed
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    error: str | None = None
    rows_suppressed: int = 0  # rows of erased people dropped at load (privacy/suppression.py)
    duplicate_of: str | None = None
    unmapped_columns: list[str] = field(default_factory=list)


@dataclass
class EntityReport:
    entity: str
    files: list[FileReport] = field(default_factory=list)
    table_rows: int = 0
    # One per full-snapshot file spec whose files this run loaded (usually one: the entity's export).
    snapshots: list[SnapshotReport] = field(default_factory=list)

    @property
    def snapshot(self) -> SnapshotReport | None:
        """The run's snapshot when it loaded exactly one (the usual case), else None."""
        return self.snapshots[0] if len(self.snapshots) == 1 else None

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def batch_profile(con, table: str, entity: str, run_id: str) -> list[dict[str, object]]:
    """What this run loaded into ``table``, column by column, without a single value: the type, how many rows
    have it, and roughly how many distinct values. Shown in Dagster instead of sample rows, which would copy
    names, emails and phones into the run history (DAGSTER_HOME) where every UI user reads them. Reads only the
    run's batches, so it costs what the night loaded."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns where table_schema || '.' || table_name = ? "
        "and column_name not like '\\_%' escape '\\' order by ordinal_position", [table]).fetchall()
    if not columns:
        return []
    aggregates = ", ".join(f'count("{name}"), approx_count_distinct("{name}")' for name, _ in columns)
    row = con.execute(
        f"select count(*), {aggregates} from {table} where _batch_id in (select batch_id from "
        "raw.ingestion_files where entity = ? and run_id = ? and status = 'loaded')", [entity, run_id]).fetchone()
    total = row[0]
    return [{"column": name, "type": data_type, "rows": total,
             "filled": f"{row[1 + 2 * i] / total:.0%}" if total else "-", "distinct_approx": row[2 + 2 * i]}
            for i, (name, data_type) in enumerate(columns)]
