"""Logging of the library commands (`trm resolve`, `trm sentiment`): progress and summaries on stderr."""

from __future__ import annotations

import logging
import sys


def log_to_stderr(quiet: bool) -> None:
    """Messages only (no logger names or levels) on stderr; warnings and errors only when ``quiet``."""
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr)
