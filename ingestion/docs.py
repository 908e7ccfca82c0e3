"""Render the landing-folder contract (contracts + default mapping) as Markdown: ``python -m ingestion.docs``."""

from __future__ import annotations

from ingestion.contracts import load_contracts
from ingestion.mapping import load_mapping

HEADER = """# Source contracts and the landing folder

Generated from `ingestion/contracts/*.yaml` and `ingestion/mappings/default.yaml` by
`python -m ingestion.docs > docs/sources.md` (a test fails when this file is out of date).

Each entity lands in DuckDB as `raw.<source>__<entity>` with the contract's columns, typed, plus lineage
columns `_batch_id`, `_source_file`, `_row_number`, `_loaded_at` and `_row_hash`. Rows that break the contract
go to `raw.quarantine` with the reason; every file is recorded in `raw.ingestion_files`.
Required columns are marked **bold**. Values of `pii: national_id` columns are stored as a keyed hash.
"""


def render() -> str:
    contracts = load_contracts()
    mapping = load_mapping(None, contracts)
    parts = [HEADER]
    source = None
    for name, contract in contracts.items():
        if contract.source != source:
            source = contract.source
            parts.append(f"\n## {source}\n")
        files = ", ".join(f"`{p}`" for spec in mapping.specs.get(name, ()) for p in spec.files)
        parts.append(f"\n### raw.{name}\n\n{contract.description}\n\n"
                     f"Primary key: `{', '.join(contract.primary_key)}`. Default files: {files}.\n\n"
                     "| column | type | accepted values / notes |\n|---|---|---|")
        for col in contract.columns:
            label = f"**{col.name}**" if col.required else col.name
            notes = []
            if col.accepted:
                notes.append(", ".join(str(a) for a in col.accepted))
            if col.pii:
                notes.append(f"keyed hash ({col.pii})")
            if col.description:
                notes.append(col.description)
            parts.append(f"| {label} | {col.type} | {'; '.join(notes)} |")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
