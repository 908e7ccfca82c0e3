"""Size limits of ingestion (defaults of settings; kept free of heavy imports so settings can read them)."""

# The default of TRM_MAX_FIELD_CHARS: 8x Excel's cell limit and longer than any HR, survey or IM text we know of
# (Slack caps a message at 40,000 characters). A longer value is a broken export or an attack; its row is
# quarantined, the rest of the file loads.
DEFAULT_MAX_FIELD_CHARS = 262_144
# Quarantine keeps this much of a rejected record: enough to see what went wrong, not a megabyte per row.
QUARANTINE_RECORD_CHARS = 4_000
