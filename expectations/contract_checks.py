"""Rules every raw table gets from its source contract, without a line in a suite file.

A contract's ``primary_key`` says one row per key. Exact repeats of a row are harmless (staging keeps one), but a
key that arrives with *different* values in one batch leaves staging to pick one of them: a dimension loses a member
or carries another record's attributes, and facts joined to it lose rows. So every raw entity with a primary key
gets a blocking ``key_conflicts`` check, added to its suite in ``suites/raw.yaml`` or in a suite of its own.
"""

from __future__ import annotations

import dataclasses

from expectations.suites import Check, Suite
from ingestion.contracts import CONTRACTS_DIR, EntityContract, load_contracts

KEY_CONFLICTS = "key_conflicts"
WHY = ("two versions of one key in an export make staging keep one at random: the dimension or fact built on it "
       "loses a member or takes another record's attributes")


def _check(contract: EntityContract) -> Check:
    return Check(KEY_CONFLICTS, False, {"columns": list(contract.primary_key)}, "blocking", WHY, KEY_CONFLICTS)


def with_contract_checks(suites: list[Suite], contracts: dict[str, EntityContract] | None = None) -> list[Suite]:
    contracts = load_contracts() if contracts is None else contracts
    out: list[Suite] = []
    covered: set[str] = set()
    for suite in suites:
        entity = suite.table.removeprefix("raw.")
        contract = contracts.get(entity) if suite.table.startswith("raw.") else None
        if contract is not None and contract.primary_key and suite.scope == "latest_load":
            covered.add(entity)
            if not any(c.kind == KEY_CONFLICTS for c in suite.checks):
                suite = dataclasses.replace(suite, checks=[*suite.checks, _check(contract)])
        out.append(suite)
    for entity, contract in contracts.items():
        if entity in covered or not contract.primary_key:
            continue
        out.append(Suite(name=f"raw.{entity}", table=f"raw.{entity}", checks=[_check(contract)],
                         source_file=CONTRACTS_DIR / f"{contract.source}.yaml",
                         key_columns=list(contract.primary_key), scope="latest_load", skip_if_empty=True,
                         description=f"Keys of raw.{entity} are not sent with conflicting values "
                                     "(from the contract's primary key)"))
    return out
