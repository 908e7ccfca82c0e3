"""`trm run` with person keys that do not depend on the order DuckDB returns rows in, to compare two installations.

The product draws random person keys on purpose (ml/identity/keys.py) and follows DuckDB's row order; two runs of
the same input therefore publish different keys. For a before/after comparison of a change, this runner sorts the
person records and known links before resolution and draws keys from a counter, then runs the nightly job:

    TRM_HOME=/tmp/a .venv/bin/python benchmarks/run_with_ordered_keys.py    # on one checkout
    TRM_HOME=/tmp/b .venv/bin/python benchmarks/run_with_ordered_keys.py    # on the other (same landing files)
    .venv/bin/python -m operations.compare /tmp/a/published.duckdb /tmp/b/published.duckdb

Comparison only: nothing here is used by the product.
"""

from __future__ import annotations

import importlib
import itertools
import sys

import ml.identity.keys as keys

_counter = itertools.count()
keys.new_key = lambda: f"P{next(_counter):016x}"

# Where the identity step reads its records: ml/identity/warehouse.py (before issue 13: the Dagster asset module).
for name in ("ml.identity.warehouse", "orchestration.assets.identity"):
    try:
        module = importlib.import_module(name)
    except ImportError:
        continue
    if hasattr(module, "person_records"):
        records, links = module.person_records, module.known_links
        module.person_records = lambda con, _f=records: _f(con).sort_values("record_id").reset_index(drop=True)
        module.known_links = lambda con, _f=links: (_f(con).sort_values(["record_id_a", "record_id_b"])
                                                    .reset_index(drop=True))

try:
    from cli.main import main
except ImportError:  # a checkout before issue 13
    from orchestration.cli import main

if __name__ == "__main__":
    sys.exit(main(["run"]))
