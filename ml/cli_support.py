"""What the library commands (`trm resolve`, `trm sentiment`, `trm attrition`) share when run on their own
(`python -m ml.<part>.cli`): their parser, and progress and summaries on stderr."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable


def log_to_stderr(quiet: bool) -> None:
    """Messages only (no logger names or levels) on stderr; warnings and errors only when ``quiet``."""
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr)


def standalone_parser(prog: str, description: str,
                      add_arguments: Callable[[argparse.ArgumentParser], None]) -> argparse.ArgumentParser:
    """The command's own parser; `trm` registers the same ``add_arguments`` on its subcommand (cli/main.py)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_arguments(parser)
    return parser
