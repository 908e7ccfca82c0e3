"""The one resource every TRM asset uses: where the landing folder and the warehouse are."""


from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext

from ingestion.contracts import EntityContract, load_contracts
from ingestion.limits import DEFAULT_MAX_FIELD_CHARS
from ingestion.mapping import Mapping, load_mapping
from ingestion.warehouse import connect
from operations.run_lock import run_lock
from orchestration.settings import Settings


class TRMResource(ConfigurableResource):
    """Paths of one TRM installation. Assets share a single DuckDB writer, so jobs run in process."""

    home: str
    landing: str
    warehouse: str
    mapping: str | None = None
    published: str | None = None
    min_group_size: int = 5
    publish_parquet: bool = False
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    run_lock_wait_seconds: int = 3 * 3600

    @classmethod
    def from_settings(cls, settings: Settings) -> "TRMResource":
        return cls(home=str(settings.home), landing=str(settings.landing), warehouse=str(settings.warehouse),
                   mapping=str(settings.mapping) if settings.mapping else None, published=str(settings.published),
                   min_group_size=settings.min_group_size, publish_parquet=settings.publish_parquet,
                   max_field_chars=settings.max_field_chars,
                   run_lock_wait_seconds=settings.run_lock_wait_seconds)

    @property
    def settings(self) -> Settings:
        overrides: dict = {"published": Path(self.published)} if self.published else {}
        return Settings.for_home(Path(self.home), landing=Path(self.landing), warehouse=Path(self.warehouse),
                                 mapping=Path(self.mapping) if self.mapping else None,
                                 min_group_size=self.min_group_size, publish_parquet=self.publish_parquet,
                                 max_field_chars=self.max_field_chars, **overrides)

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator["TRMResource"]:
        """Every run that uses TRM holds the run lock of its TRM_HOME from its first step to its end: runs started
        by the schedule, the sensor or the UI wait for a run in progress (up to run_lock_wait_seconds), never
        collide with it. Re-entrant: `trm run` already holds it when Dagster starts."""
        run = context.run
        log = context.log.info if context.log else None
        with run_lock(Path(self.home), run.run_id if run else "unknown", run.job_name if run else "unknown",
                      wait_seconds=self.run_lock_wait_seconds, log=log):
            yield self

    @cached_property
    def contracts(self) -> dict[str, EntityContract]:
        return load_contracts()

    @cached_property
    def column_mapping(self) -> Mapping:
        return load_mapping(Path(self.mapping) if self.mapping else None, self.contracts)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(Path(self.warehouse), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
