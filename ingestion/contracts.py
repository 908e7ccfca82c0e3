"""Source contracts: what each raw table must contain, read from ``ingestion/contracts/*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONTRACTS_DIR = Path(__file__).parent / "contracts"
LOAD_MODES = ("full_snapshot", "incremental")
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "timestamp")
# `pii:` kinds of direct identifiers. national_id is stored as a keyed hash; the others are kept in raw/staging
# and the restricted layer only, and are what erasure looks for (privacy/erasure.py).
PII_KINDS = ("name", "email", "phone", "birth_date", "national_id", "text")
# Person-bearing source records (identity.person_crosswalk.record_source) and the raw id column naming them.
PERSON_SOURCES = {"hris__employees": "employee_id", "ats__candidates": "candidate_id",
                  "ats__event_signups": "signup_id", "im__accounts": "account_id"}
# DuckDB column type per contract type; raw tables are typed so staging can stay portable SQL.
DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
}


class ContractError(ValueError):
    """A contract file is malformed."""


@dataclass(frozen=True)
class ColumnContract:
    name: str
    type: str = "string"
    required: bool = False
    accepted: tuple | None = None
    pii: str | None = None
    description: str = ""


@dataclass(frozen=True)
class EntityContract:
    source: str
    entity: str
    description: str
    primary_key: tuple[str, ...]
    columns: tuple[ColumnContract, ...] = field(default_factory=tuple)
    # full_snapshot: every export holds every current record, so a key missing from the latest complete snapshot
    # was deleted at the source and is closed; incremental: exports add or update records, absence means nothing.
    load: str = "incremental"
    # Whose row this is: column -> the person source (PERSON_SOURCES) or entity whose ids it holds. A row goes
    # when any of them names an erased record (an application's stages go with the candidate's application).
    subject: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """Table name in the raw schema, e.g. ``hris__employees``."""
        return f"{self.source}__{self.entity}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> ColumnContract:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _parse_column(where: str, name: str, spec: dict | None) -> ColumnContract:
    spec = spec or {}
    col_type = spec.get("type", "string")
    if col_type not in COLUMN_TYPES:
        raise ContractError(f"{where}: column {name!r} has unknown type {col_type!r}; use one of {COLUMN_TYPES}")
    accepted = spec.get("accepted")
    if spec.get("pii") is not None and spec["pii"] not in PII_KINDS:
        raise ContractError(f"{where}: column {name!r} has unknown pii kind {spec['pii']!r}; use one of {PII_KINDS}")
    return ColumnContract(
        name=name,
        type=col_type,
        required=bool(spec.get("required", False)),
        accepted=tuple(accepted) if accepted is not None else None,
        pii=spec.get("pii"),
        description=spec.get("description", ""),
    )


def load_contract_file(path: Path) -> list[EntityContract]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    source = doc.get("source")
    if not source or "entities" not in doc:
        raise ContractError(f"{path}: a contract needs 'source' and 'entities'")
    entities = []
    for entity, spec in doc["entities"].items():
        where = f"{path.name}:{entity}"
        columns = tuple(_parse_column(where, n, s) for n, s in (spec.get("columns") or {}).items())
        if not columns:
            raise ContractError(f"{where}: no columns")
        names = {c.name for c in columns}
        primary_key = tuple(spec.get("primary_key") or ())
        missing = [k for k in primary_key if k not in names]
        if missing:
            raise ContractError(f"{where}: primary key columns {missing} are not declared")
        load = spec.get("load", "incremental")
        if load not in LOAD_MODES:
            raise ContractError(f"{where}: load {load!r} is not one of {LOAD_MODES}")
        if load == "full_snapshot" and not primary_key:
            raise ContractError(f"{where}: a full_snapshot entity needs a primary_key (keys absent from a snapshot "
                                "are closed)")
        subject = {column: tuple(refers if isinstance(refers, list) else [refers])
                   for column, refers in (spec.get("subject") or {}).items()}
        unknown = [c for c in subject if c not in names]
        if unknown:
            raise ContractError(f"{where}: subject columns {unknown} are not declared")
        entities.append(
            EntityContract(
                source=source,
                entity=entity,
                description=spec.get("description", ""),
                primary_key=primary_key,
                columns=columns,
                load=load,
                subject=subject,
            )
        )
    return entities


def load_contracts(directory: Path | None = None) -> dict[str, EntityContract]:
    """All entity contracts keyed by raw table name (``<source>__<entity>``), in a stable order."""
    directory = directory or CONTRACTS_DIR
    contracts: dict[str, EntityContract] = {}
    for path in sorted(directory.glob("*.yaml")):
        for contract in load_contract_file(path):
            contracts[contract.name] = contract
    for contract in contracts.values():
        for column, refers in contract.subject.items():
            wrong = [r for r in refers if r not in PERSON_SOURCES and r not in contracts]
            if wrong:
                raise ContractError(f"{contract.name}: subject {column!r} refers to {wrong}, which is neither a "
                                    f"person source {sorted(PERSON_SOURCES)} nor an entity")
    return contracts
