"""Size limits of ingestion (defaults of settings; kept free of heavy imports so settings can read them)."""

# The default of TRM_MAX_FIELD_CHARS: 8x Excel's cell limit and longer than any HR, survey or IM text we know of
# (Slack caps a message at 40,000 characters). A longer value is a broken export or an attack; its row is
# quarantined, the rest of the file loads.
DEFAULT_MAX_FIELD_CHARS = 262_144
# Quarantine keeps this much of a rejected record: enough to see what went wrong, not a megabyte per row.
QUARANTINE_RECORD_CHARS = 4_000
# The default of TRM_INGEST_PIECE_ROWS: a landing file is read, checked and written this many rows at a time, so
# the memory of loading does not grow with the size of a file (a month of punches at 100,000 employees is 4M rows).
DEFAULT_PIECE_ROWS = 100_000
