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
Required columns are marked **bold**. Values of `pii: national_id` columns are stored as a keyed hash; the other
`pii:` kinds (name, email, phone, birth_date, text) mark direct identifiers, which stay in raw, staging and the
restricted layer. An entity's `subject` names the columns holding the id of the person a row is about (or of
the entity row it belongs to, e.g. an application's stages): `trm erase` removes a person's rows by them, and the
suppression list keeps them out of later loads.

## Nothing lost: every row of every file

Every row of a file ends in the raw table or in `raw.quarantine` with the reason, whatever one row holds: a value
longer than `TRM_MAX_FIELD_CHARS` (default 262,144 characters) or holding control characters (binary bytes)
quarantines its row only; a stray quote or undecodable bytes reject the line they are on and reading resumes on
the next line. The ledger
(`raw.ingestion_files`) records the rows *stored* per file; a file whose rows read differ from rows stored in raw
plus quarantine is recorded `failed`, nothing of it is kept, and it is read again on the next run.

## Full snapshots and incremental exports

Each entity declares how its exports behave (`load:` in the contract, overridable per file spec in the mapping,
e.g. daily delta files of an entity that also sends monthly full exports):

- **`full_snapshot`**: every export holds every current record. The files of one mapping file spec that one run
  loads form the snapshot (send a split export whole, all parts in the same drop); it speaks for the records of
  its own spec's files and of the entity's incremental files, not for another full-snapshot spec's (two
  subsidiaries' HRIS exports, or Slack and WeCom account lists, close only their own records). When a snapshot is *complete*, every key
  the warehouse holds for the entity but the snapshot does not is **closed**: a row in `raw.source_deletions`
  (entity, key, run, `deleted_on`); staging leaves closed keys out, so marts stop counting them. Raw rows stay
  (raw is append-only); a later export holding the key again reopens it. A snapshot is *incomplete*, and closes
  nothing, when one of its files failed, when it is empty, or when a row was quarantined without a readable key
  (it could have been any record); quarantined rows with a readable key count as present. Every snapshot load is
  recorded in `raw.source_snapshots` (keys present, keys closed, complete or why not). An export whose content
  equals an earlier one (a record deleted, then restored) loads again as the current snapshot. Rejecting a
  snapshot's batch (`trm batches --reject`) undoes the closings it caused.
- **`incremental`** (the default): exports add or update records; a record missing from an export means nothing.
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
                     f"Primary key: `{', '.join(contract.primary_key)}`. Load: `{contract.load}`. "
                     f"Default files: {files}.\n\n"
                     "| column | type | accepted values / notes |\n|---|---|---|")
        for col in contract.columns:
            label = f"**{col.name}**" if col.required else col.name
            notes = []
            if col.accepted:
                notes.append(", ".join(str(a) for a in col.accepted))
            if col.pii == "national_id":
                notes.append("keyed hash (national_id)")
            elif col.pii:
                notes.append(f"identifier ({col.pii}): raw, staging and restricted only; erased by `trm erase`")
            if col.description:
                notes.append(col.description)
            if col.name in contract.subject:
                notes.append("subject: a row about " + " or ".join(contract.subject[col.name]))
            parts.append(f"| {label} | {col.type} | {'; '.join(notes)} |")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
