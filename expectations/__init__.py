"""Data-quality suites (YAML under suites/) run with Great Expectations 1.x and our own SQL checks.

The public API lives in ``expectations.engine``; importing this package does not import GX (slow to import).
"""
