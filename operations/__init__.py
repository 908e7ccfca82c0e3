"""Running TRM safely: plain logic the Dagster shell and the ``trm`` command share (no Dagster imports)."""
