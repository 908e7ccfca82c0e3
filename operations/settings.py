"""Every setting of a TRM installation, in one place: its default, its environment variable, its meaning.

``Settings.from_env()`` reads the environment (what `trm`, `make ui` and the Dagster code location use);
``Settings.for_home(home, **overrides)`` ignores it (tests, tools). Nothing else in TRM holds a default for these:
the Dagster resource carries the object itself, dbt receives what it needs as ``--vars`` (``dbt_vars``), and the
library packages take values as arguments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path

from expectations.privacy.settings import MIN_COMMENT_GROUP_SIZE, MIN_GROUP_SIZE
from ingestion.limits import DEFAULT_MAX_FIELD_CHARS, DEFAULT_PIECE_ROWS


@dataclass(frozen=True)
class Settings:
    home: Path
    # Paths default to places under ``home`` (see ``for_home``).
    landing: Path
    warehouse: Path
    published: Path
    dagster_home: Path
    # The HR-only publication: the restricted layer (names, emails, phones per person_key), built by the same gated
    # run right after the pseudonymous publication. Default: <home>/restricted.duckdb.
    restricted_published: Path | None = None
    # Column mapping of the landing files (YAML); None: the built-in mapping.
    mapping: Path | None = None
    # The company's time zone: schedules run in it, and dbt reads local days in it for people whose schedule
    # says none (dbt var default_timezone).
    timezone: str = "Asia/Shanghai"
    # The day "current" figures describe (status, tenure, open items, the last day of daily facts), YYYY-MM-DD;
    # None: today (UTC). Set it for a reproducible build or to rebuild as of a past day (dbt var as_of_date).
    as_of_date: str | None = None
    nightly_cron: str = "0 2 * * *"
    retrain_cron: str = "0 4 * * 0"
    # The landing sensor leaves files modified in the last N seconds for the next tick (they may be copying).
    sensor_settle_seconds: int = 30
    # Privacy: aggregates over fewer people are suppressed in the marts (dbt var) and refused by the gate;
    # comment counts need a larger group (comment text never reaches marts).
    min_group_size: int = MIN_GROUP_SIZE
    min_comment_group_size: int = MIN_COMMENT_GROUP_SIZE
    publish_parquet: bool = False
    # Failure notification: a webhook URL (JSON POST) and/or a shell command; none by default.
    notify_webhook: str | None = None
    notify_command: str | None = None
    # Ingestion: a value longer than this quarantines its row (the rest of the file loads).
    max_field_chars: int = DEFAULT_MAX_FIELD_CHARS
    # Ingestion reads, checks and writes a landing file this many rows at a time: the memory of loading is bounded
    # by it, not by the size of the largest file.
    ingest_piece_rows: int = DEFAULT_PIECE_ROWS
    # One run at a time per TRM_HOME: how long a run started by Dagster (schedule, sensor, UI) waits for the run
    # lock before failing with "a run is in progress"; `trm run` stops at once unless given --wait.
    run_lock_wait_seconds: int = 3 * 3600
    # The retention policy (YAML: how long people and rows are kept, IM text included); None: the built-in
    # privacy/retention.yaml. Every nightly enforces it before the warehouse is built.
    retention: Path | None = None
    # Where the trained sentiment model is cached; None: <home>/models/sentiment.
    sentiment_model_dir: Path | None = field(default=None)
    # DuckDB's memory ceiling for every connection TRM opens and for dbt (a size such as 4GB or 512MB, or a share
    # of RAM such as 50%): beyond it DuckDB spills to <warehouse>.tmp instead of growing. Not DuckDB's default
    # (80% of RAM), which leaves nothing for the Python steps on a shared machine.
    memory_limit: str = "4GB"
    # DuckDB worker threads; None: one per core.
    threads: int | None = None
    # The nightly is incremental; on this ISO weekday (1 Monday .. 7 Sunday; 0 never) the scheduled run rebuilds
    # every incremental model from raw, so a change dated before the models' lookback is in within a week.
    full_refresh_weekday: int = 7
    # Files TRM writes are owner-only (operations/file_modes.py). Name a Unix group here to let its members (a BI
    # service account, the HR reporting host) read the publication: published.duckdb and its Parquet folder get
    # that group, read-only; the warehouse, the PII key, landing and Dagster's storage stay owner-only.
    publication_group: str | None = None
    # The Unix group of the HR staff who may read the restricted publication (names); none: owner only.
    restricted_group: str | None = None

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """``TRM_HOME`` (default ./data) holds everything; each path can be overridden on its own."""
        home = _path_value(os.environ.get("TRM_HOME")) or Path("data").resolve()
        values: dict[str, object] = {}
        for f in fields(cls):
            name = ENVIRONMENT.get(f.name)
            raw = os.environ.get(name, "").strip() if name else ""
            if raw:
                values[f.name] = _parse(f.name, name, raw)
        values.update(overrides)
        return cls.for_home(values.pop("home", home), **values)  # type: ignore[arg-type]

    @classmethod
    def for_home(cls, home: Path, **overrides: object) -> Settings:
        """Settings rooted at ``home`` regardless of the environment (tests, tools)."""
        home = Path(home).resolve()
        values: dict[str, object] = dict(landing=home / "landing", warehouse=home / "warehouse.duckdb",
                                         published=home / "published.duckdb", dagster_home=home / "dagster",
                                         restricted_published=home / "restricted.duckdb")
        values.update(overrides)
        return cls(home=home, **values)  # type: ignore[arg-type]

    @property
    def published_parquet(self) -> Path:
        """Where the Parquet generations of the publication go (TRM_PUBLISH_PARQUET), beside published.duckdb."""
        return self.published.parent / "published_parquet"

    @property
    def pinned_as_of(self) -> dt.date | None:
        """The as-of day when TRM_AS_OF_DATE pins it; None: each step uses the data's last day or today."""
        return dt.date.fromisoformat(self.as_of_date) if self.as_of_date else None

    @property
    def sentiment_models(self) -> Path:
        return self.sentiment_model_dir or self.home / "models" / "sentiment"

    def duckdb_config(self) -> dict[str, str | int]:
        """DuckDB settings of every connection to the warehouse (ingestion.warehouse.configure_engine, dbt). DuckDB
        spills beyond memory_limit to its default temporary folder, ``<warehouse>.tmp`` beside the warehouse under
        TRM_HOME (not set here: DuckDB refuses to move it once used, and dbt sets its settings on every cursor)."""
        return {"memory_limit": self.memory_limit, "threads": self.threads or os.cpu_count() or 1}

    def dbt_environment(self) -> dict[str, str]:
        """Environment of a dbt invocation: the warehouse and the DuckDB limits (read by profiles.yml)."""
        config = self.duckdb_config()
        return {"TRM_WAREHOUSE": str(self.warehouse), "TRM_MEMORY_LIMIT": str(config["memory_limit"]),
                "TRM_THREADS": str(config["threads"])}

    def dbt_vars(self) -> dict[str, object]:
        """The settings dbt models read, passed to every dbt invocation as ``--vars``."""
        values: dict[str, object] = {"min_group_size": self.min_group_size,
                                     "min_comment_group_size": self.min_comment_group_size,
                                     "default_timezone": self.timezone}
        if self.as_of_date:
            values["as_of_date"] = self.as_of_date
        return values

    def to_json(self) -> str:
        """Every setting but the secrets (SECRETS): the Dagster resource carries this, and Dagster shows and stores
        resource configuration with each run."""
        return json.dumps({f.name: _jsonable(getattr(self, f.name)) for f in fields(self) if f.name not in SECRETS},
                          sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        values = json.loads(text)
        for f in fields(cls):
            if f.name in values and values[f.name] is not None and "Path" in str(f.type):
                values[f.name] = Path(values[f.name])
        return cls(**values)

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def pii_key(self) -> bytes:
        """Key for hashing national ID numbers: ``TRM_PII_KEY``, else a random key kept in ``$TRM_HOME``.

        Keep the key file with the warehouse: a new key changes every hash, and identity matching on ID
        numbers across loads would then break. (A secret, so never part of the settings object or its JSON.)
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


# The environment variable of each setting (README "Settings" lists them with their defaults).
ENVIRONMENT = {
    "landing": "TRM_LANDING",
    "warehouse": "TRM_WAREHOUSE",
    "published": "TRM_PUBLISHED",
    "dagster_home": "DAGSTER_HOME",
    "mapping": "TRM_MAPPING",
    "timezone": "TRM_TIMEZONE",
    "as_of_date": "TRM_AS_OF_DATE",
    "nightly_cron": "TRM_NIGHTLY_CRON",
    "retrain_cron": "TRM_RETRAIN_CRON",
    "sensor_settle_seconds": "TRM_SENSOR_SETTLE_SECONDS",
    "min_group_size": "TRM_MIN_GROUP_SIZE",
    "min_comment_group_size": "TRM_MIN_COMMENT_GROUP_SIZE",
    "publish_parquet": "TRM_PUBLISH_PARQUET",
    "notify_webhook": "TRM_NOTIFY_WEBHOOK",
    "notify_command": "TRM_NOTIFY_COMMAND",
    "max_field_chars": "TRM_MAX_FIELD_CHARS",
    "ingest_piece_rows": "TRM_INGEST_PIECE_ROWS",
    "run_lock_wait_seconds": "TRM_RUN_LOCK_WAIT_SECONDS",
    "retention": "TRM_RETENTION",
    "sentiment_model_dir": "TRM_SENTIMENT_MODEL_DIR",
    "memory_limit": "TRM_MEMORY_LIMIT",
    "threads": "TRM_THREADS",
    "full_refresh_weekday": "TRM_FULL_REFRESH_WEEKDAY",
    "publication_group": "TRM_PUBLICATION_GROUP",
    "restricted_published": "TRM_RESTRICTED_PUBLISHED",
    "restricted_group": "TRM_RESTRICTED_GROUP",
}
# Settings that may hold a credential (a webhook URL carries its access token): never serialised. The failure
# sensor, their only reader, gets the Settings object itself.
SECRETS = frozenset({"notify_webhook", "notify_command"})
# Whole-number settings that may be 0 (the others must be at least 1).
_ZERO_ALLOWED = {"run_lock_wait_seconds", "sensor_settle_seconds", "full_refresh_weekday"}


_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(%|[KMGT]i?B)\s*$", re.IGNORECASE)


def _path_value(value: str | None) -> Path | None:
    return Path(value).expanduser().resolve() if value else None


def _parse(field_name: str, variable: str, raw: str) -> object:
    kind = str(next(f.type for f in fields(Settings) if f.name == field_name))
    if "Path" in kind:
        return _path_value(raw)
    if kind == "bool":
        return raw.lower() in {"1", "true", "yes", "on"}
    if field_name == "memory_limit":
        if not _MEMORY.match(raw):
            raise ValueError(f"{variable}={raw!r}: expected a size such as 4GB, 512MB or 2GiB, or a share of RAM "
                             "such as 50%")
        return raw.replace(" ", "")
    if field_name == "as_of_date":
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(f"{variable}={raw!r}: expected a date as YYYY-MM-DD, or leave it unset for today") from None
    if field_name in ("publication_group", "restricted_group"):
        import grp

        try:
            grp.getgrnam(raw)
        except KeyError:
            raise ValueError(f"{variable}={raw!r}: no such group on this machine (`getent group` lists them; "
                             "create it with groupadd, or leave the variable unset)") from None
        return raw
    if kind in ("int", "int | None"):
        minimum = 0 if field_name in _ZERO_ALLOWED else 1
        try:
            number = int(raw.replace("_", ""))
        except ValueError:
            number = minimum - 1
        if number < minimum:
            default = next(f.default for f in fields(Settings) if f.name == field_name)
            raise ValueError(f"{variable}={raw!r}: expected a whole number of at least {minimum} (default {default})")
        return number
    return raw


def _jsonable(value: object) -> object:
    return str(value) if isinstance(value, Path) else value
