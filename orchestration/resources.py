"""The one resource every TRM asset uses: where the landing folder and the warehouse are."""


from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext

from ingestion.contracts import EntityContract, load_contracts
from ingestion.mapping import Mapping, load_mapping
from ingestion.warehouse import configure_engine, connect
from operations.audit_log import append_event, audit_key, head
from operations.file_modes import secure_home
from operations.run_lock import run_lock
from operations.settings import Settings


class TRMResource(ConfigurableResource):
    """One TRM installation: its settings (operations/settings.py, serialised: the single source of every value).
    Assets share a single DuckDB writer, so jobs run in process."""

    settings_json: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "TRMResource":
        return cls(settings_json=settings.to_json())

    @cached_property
    def settings(self) -> Settings:
        return Settings.from_json(self.settings_json)

    @property
    def home(self) -> str:
        return str(self.settings.home)

    @property
    def landing(self) -> str:
        return str(self.settings.landing)

    @property
    def warehouse(self) -> str:
        return str(self.settings.warehouse)

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator["TRMResource"]:
        """Every run that uses TRM holds the run lock of its TRM_HOME from its first step to its end: runs started
        by the schedule, the sensor or the UI wait for a run in progress (up to run_lock_wait_seconds), never
        collide with it. Re-entrant: `trm run` already holds it when Dagster starts."""
        configure_engine(self.settings.duckdb_config())
        run = context.run
        log = context.log.info if context.log else None
        with run_lock(Path(self.home), run.run_id if run else "unknown", run.job_name if run else "unknown",
                      wait_seconds=self.settings.run_lock_wait_seconds, log=log):
            closed = secure_home(self.settings)  # owner-only files (TRM_PUBLICATION_GROUP may read the publication)
            if closed and log:
                log(f"made {closed} file(s) under TRM_HOME owner-only (they were readable by other accounts)")
            self.audit("run_started", {"job": run.job_name if run else None, "files_made_owner_only": closed},
                       run.run_id if run else None)
            yield self

    def audit(self, kind: str, detail: dict[str, object], run_id: str | None) -> int:
        """Append an event to the warehouse's audit log (operations/audit_log.py; never identifiers in detail)."""
        with self.connect() as con:
            return append_event(con, audit_key(self.settings.pii_key()), kind, detail, run_id)

    def audit_head(self) -> str | None:
        with self.connect(read_only=True) as con:
            return head(con)

    @cached_property
    def contracts(self) -> dict[str, EntityContract]:
        return load_contracts()

    @cached_property
    def column_mapping(self) -> Mapping:
        return load_mapping(self.settings.mapping, self.contracts)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(Path(self.warehouse), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
