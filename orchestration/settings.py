"""Settings from environment variables, with defaults that let a newcomer run everything in ./data."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ingestion.limits import DEFAULT_MAX_FIELD_CHARS


def _path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _int_setting(name: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ValueError(f"{name}={value!r}: expected a whole number of at least {minimum} (default {default})")
    return number


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: Path
    warehouse: Path
    published: Path
    mapping: Path | None
    dagster_home: Path
    timezone: str
    nightly_cron: str
    sensor_settle_seconds: int
    retrain_cron: str = "0 4 * * 0"
    # Privacy policy of the publication gate (the dbt marts suppress with var min_group_size; the gate checks).
    min_group_size: int = 5
    publish_parquet: bool = False
    # Failure notification: a webhook URL (JSON POST) and/or a shell command; none by default.
    notify_webhook: str | None = None
    notify_command: str | None = None
    # Ingestion: a value longer than this quarantines its row (the rest of the file loads).
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    # One run at a time per TRM_HOME: how long a run started by Dagster (schedule, sensor, UI) waits for the run
    # lock before failing with "a run is in progress"; `trm run` stops at once unless given --wait.
    run_lock_wait_seconds: int = 3 * 3600

    @classmethod
    def from_env(cls) -> Settings:
        """``TRM_HOME`` (default ./data) holds everything; each path can be overridden on its own."""
        home = _path("TRM_HOME", Path("data").resolve())
        mapping = os.environ.get("TRM_MAPPING")
        return cls(
            home=home,
            landing=_path("TRM_LANDING", home / "landing"),
            warehouse=_path("TRM_WAREHOUSE", home / "warehouse.duckdb"),
            published=_path("TRM_PUBLISHED", home / "published.duckdb"),
            mapping=Path(mapping).expanduser().resolve() if mapping else None,
            dagster_home=_path("DAGSTER_HOME", home / "dagster"),
            timezone=os.environ.get("TRM_TIMEZONE", "Asia/Shanghai"),
            nightly_cron=os.environ.get("TRM_NIGHTLY_CRON", "0 2 * * *"),
            sensor_settle_seconds=int(os.environ.get("TRM_SENSOR_SETTLE_SECONDS", "30")),
            retrain_cron=os.environ.get("TRM_RETRAIN_CRON", "0 4 * * 0"),
            min_group_size=int(os.environ.get("TRM_MIN_GROUP_SIZE", "5")),
            publish_parquet=_flag("TRM_PUBLISH_PARQUET"),
            notify_webhook=os.environ.get("TRM_NOTIFY_WEBHOOK") or None,
            notify_command=os.environ.get("TRM_NOTIFY_COMMAND") or None,
            max_field_chars=_int_setting("TRM_MAX_FIELD_CHARS", DEFAULT_MAX_FIELD_CHARS),
            run_lock_wait_seconds=_int_setting("TRM_RUN_LOCK_WAIT_SECONDS", 3 * 3600, minimum=0),
        )

    @classmethod
    def for_home(cls, home: Path, **overrides: object) -> Settings:
        """Settings rooted at ``home`` regardless of the environment (tests, tools)."""
        home = Path(home).resolve()
        values = dict(
            home=home, landing=home / "landing", warehouse=home / "warehouse.duckdb",
            published=home / "published.duckdb", mapping=None, dagster_home=home / "dagster",
            timezone="Asia/Shanghai", nightly_cron="0 2 * * *", sensor_settle_seconds=30,
        )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def pii_key(self) -> bytes:
        """Key for hashing national ID numbers: ``TRM_PII_KEY``, else a random key kept in ``$TRM_HOME``.

        Keep the key file with the warehouse: a new key changes every hash, and identity matching on ID
        numbers across loads would then break.
        """
        value = os.environ.get("TRM_PII_KEY")
        if value:
            return value.encode("utf-8")
        key_file = self.home / ".pii_key"
        if not key_file.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        return key_file.read_text().strip().encode("utf-8")
