"""Column mapping: which landing files feed which entity, and how their columns map to the contract.

The format is documented at the top of ``ingestion/mappings/default.yaml``. Users point ``TRM_MAPPING`` at
their own copy to load exports with different or Chinese headers without writing code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingestion.contracts import LOAD_MODES, EntityContract
from ingestion.readers import FORMATS

DEFAULT_MAPPING = Path(__file__).parent / "mappings" / "default.yaml"
SPECIAL_SOURCES = ("$parent", "$stem")
_KNOWN_KEYS = {"files", "format", "encoding", "delimiter", "sheet", "records", "explode", "columns", "constants",
               "values", "timezone", "date_formats", "timestamp_formats", "load"}


class MappingError(ValueError):
    """The mapping file does not match the contracts; the message says what to change."""


def normalise_header(name: str) -> str:
    """Header comparison ignores case, surrounding spaces and space/hyphen/underscore differences."""
    return re.sub(r"[\s\-_]+", "_", name.strip().lower())


@dataclass(frozen=True)
class FileSpec:
    entity: str
    files: tuple[str, ...]
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    records: str | None = None
    explode: str | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    timezone: str = "UTC"
    date_formats: tuple[str, ...] = ()
    timestamp_formats: tuple[str, ...] = ()
    load: str = "incremental"  # the contract's load mode unless the spec overrides it (a delta file of a snapshot)

    def sources_for(self, column: str) -> tuple[str, ...]:
        """Source columns to try for a contract column: the mapped aliases, then the column's own name."""
        aliases = self.columns.get(column, ())
        return aliases if column in aliases else (*aliases, column)

    def matches(self, relative_path: str) -> bool:
        path = Path(relative_path)
        return any(path.match(pattern) and len(path.parts) == len(Path(pattern).parts) for pattern in self.files)


@dataclass(frozen=True)
class Mapping:
    path: Path
    specs: dict[str, tuple[FileSpec, ...]]

    def spec_for(self, entity: str, relative_path: str) -> FileSpec | None:
        for spec in self.specs.get(entity, ()):
            if spec.matches(relative_path):
                return spec
        return None

    def files_for(self, entity: str, landing: Path) -> list[tuple[Path, FileSpec]]:
        """Landing files of an entity, in a stable order, each with the spec that reads it."""
        found: dict[Path, FileSpec] = {}
        for spec in self.specs.get(entity, ()):
            for pattern in spec.files:
                for path in sorted(landing.glob(pattern)):
                    if path.is_file() and not path.name.startswith((".", "~$")) and path not in found:
                        found[path] = spec
        return sorted(found.items(), key=lambda item: str(item[0]))

    def all_patterns(self) -> list[str]:
        return sorted({p for specs in self.specs.values() for spec in specs for p in spec.files})


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


def _parse_spec(entity: str, index: int, raw: dict, contract: EntityContract, where: str) -> FileSpec:
    if not isinstance(raw, dict) or "files" not in raw:
        raise MappingError(f"{where}: each file spec of {entity} needs a `files:` glob")
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        raise MappingError(f"{where}: {entity}[{index}] has unknown keys {sorted(unknown)}; known: {sorted(_KNOWN_KEYS)}")
    load = raw.get("load", contract.load)
    if load not in LOAD_MODES:
        raise MappingError(f"{where}: {entity}[{index}] load {load!r} is not one of {LOAD_MODES}")
    fmt = raw.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise MappingError(f"{where}: {entity}[{index}] format {fmt!r} is not one of {FORMATS}")
    names = set(contract.column_names)
    for key in ("columns", "constants", "values"):
        bad = set(raw.get(key) or {}) - names
        if bad:
            raise MappingError(
                f"{where}: {entity}[{index}].{key} names {sorted(bad)}, which are not contract columns of "
                f"{entity}; contract columns are {contract.column_names}"
            )
    return FileSpec(
        entity=entity,
        files=_as_tuple(raw["files"]),
        format=fmt,
        encoding=raw.get("encoding"),
        delimiter=raw.get("delimiter"),
        sheet=raw.get("sheet", 0),
        records=raw.get("records"),
        explode=raw.get("explode"),
        columns={col: _as_tuple(src) for col, src in (raw.get("columns") or {}).items()},
        constants={col: str(v) for col, v in (raw.get("constants") or {}).items()},
        values={col: {str(k): str(v) for k, v in (m or {}).items()} for col, m in (raw.get("values") or {}).items()},
        timezone=raw.get("timezone", "UTC"),
        date_formats=_as_tuple(raw.get("date_formats")),
        timestamp_formats=_as_tuple(raw.get("timestamp_formats")),
        load=load,
    )


def load_mapping(path: Path | None, contracts: dict[str, EntityContract]) -> Mapping:
    path = Path(path) if path else DEFAULT_MAPPING
    if not path.exists():
        raise MappingError(f"mapping file {path} does not exist (set TRM_MAPPING to your mapping YAML)")
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(doc) - set(contracts))
    if unknown:
        raise MappingError(f"{path}: unknown entities {unknown}; known entities are {sorted(contracts)}")
    specs = {
        entity: tuple(_parse_spec(entity, i, raw, contracts[entity], str(path)) for i, raw in enumerate(items or []))
        for entity, items in doc.items()
    }
    return Mapping(path=path, specs=specs)
