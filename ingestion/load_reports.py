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
