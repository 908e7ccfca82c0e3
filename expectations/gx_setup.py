"""Great Expectations set up for TRM before any GX import: quiet logs and no analytics (no network)."""

from __future__ import annotations

import logging
import os


def quiet_gx() -> None:
    """GX logs INFO/WARNING chatter per validation; analytics must never try the network."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.data_context", "great_expectations.expectations"):
        logging.getLogger(name).setLevel(logging.ERROR)
