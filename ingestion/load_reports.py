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
    duplicate_of: str | None = None
    unmapped_columns: list[str] = field(default_factory=list)


@dataclass
class EntityReport:
    entity: str
    files: list[FileReport] = field(default_factory=list)
    table_rows: int = 0
    snapshot: SnapshotReport | None = None  # when the run loaded a full snapshot of the entity

    def total(self, attribute: str) -> int:
        return sum(getattr(f, attribute) for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)
