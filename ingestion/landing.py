"""What the landing folder holds now, as a digest: the sensor starts ingestion when it changes."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from ingestion.mapping import Mapping


def landing_fingerprint(landing: Path, mapping: Mapping, settle_seconds: float, now: float | None = None) -> tuple[str, int]:
    """A digest of the settled landing files the mapping would read, and how many there are.

    Files modified in the last ``settle_seconds`` are left for the next tick: they may still be copying.
    """
    now = time.time() if now is None else now
    entries = []
    for pattern in mapping.all_patterns():
        for path in landing.glob(pattern):
            if not path.is_file():
                continue
            stat = path.stat()
            if now - stat.st_mtime < settle_seconds:
                continue
            entries.append((path.relative_to(landing).as_posix(), stat.st_size, stat.st_mtime_ns))
    entries = sorted(set(entries))
    digest = hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:24]
    return digest, len(entries)
