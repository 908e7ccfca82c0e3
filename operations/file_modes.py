"""Who may read what TRM writes: owner-only by default, the publication shared with one group on request.

The working warehouse, raw landing copies, the PII key and Dagster's storage hold identifiers (or the key to
them), so every file a TRM process creates is owner-only (umask 077), and each run also repairs the modes of what
an older version, another tool or a copy left readable. The landing folder's files belong to the exporters and keep
their modes (TRM_HOME itself is owner-only, so nobody else reaches them through it; a landing folder outside
TRM_HOME is the company's to protect). ``TRM_PUBLICATION_GROUP`` lets one Unix group read the publication
(pseudonymous, gated) and ``TRM_RESTRICTED_GROUP`` the HR staff read the restricted publication (names): those
files get the group and mode 0640, and TRM_HOME becomes 0711 (pass through to a known file name, no listing).
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

from operations.settings import Settings

OWNER_ONLY_UMASK = 0o077
_NOT_GROUP_OR_OTHER = ~(stat.S_IRWXG | stat.S_IRWXO)


def owner_only_files() -> None:
    """Files and folders this process creates from now on are readable by their owner only."""
    os.umask(OWNER_ONLY_UMASK)


def _restrict(path: Path) -> int:
    """Remove group and other access from ``path`` (a symlink, or a file another account owns, is left alone);
    1 when a mode changed."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode) or not mode & (stat.S_IRWXG | stat.S_IRWXO):
            return 0
        path.chmod(stat.S_IMODE(mode) & _NOT_GROUP_OR_OTHER)
    except (FileNotFoundError, PermissionError):
        return 0
    return 1


def _restrict_tree(root: Path, keep: frozenset[Path] = frozenset()) -> int:
    """Restrict ``root`` and everything under it except the paths in ``keep`` (and what they hold)."""
    changed = 0 if root in keep else _restrict(root)
    if root.is_dir() and not root.is_symlink():
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if Path(folder) / d not in keep]
            for name in dirs + files:
                if Path(folder) / name not in keep:
                    changed += _restrict(Path(folder) / name)
    return changed


def _shares(settings: Settings) -> list[tuple[str, list[Path]]]:
    """(group, paths it may read) for each sharing group named in the settings."""
    shares = [(settings.publication_group, [settings.published, settings.published_parquet]),
              (settings.restricted_group, [settings.restricted_published])]
    return [(group, [p for p in paths if p is not None]) for group, paths in shares if group]


def share_with_group(path: Path, group: str) -> None:
    """Give ``group`` read access to ``path`` (a folder: recursively, with traverse on folders)."""
    gid = grp.getgrnam(group).gr_gid
    paths = [path] + ([Path(d) / n for d, dirs, files in os.walk(path) for n in dirs + files] if path.is_dir() else [])
    for item in paths:
        if item.is_symlink():
            continue
        os.chown(item, -1, gid)
        item.chmod(0o750 if item.is_dir() else 0o640)


def secure_home(settings: Settings) -> int:
    """Owner-only files from now on, and repair what is readable by others: TRM_HOME and everything under it, and
    DAGSTER_HOME where it lives elsewhere; the publication shared with TRM_PUBLICATION_GROUP when one is named.
    Returns how many modes changed (a first run after an upgrade reports the files it closed)."""
    owner_only_files()
    shares = _shares(settings)
    # The exporters' landing files keep their modes (TRM_HOME's own mode guards them); shared files get theirs below.
    # With a sharing group the home itself is 0711 (set below), not 0700.
    keep = frozenset([settings.landing, *(path for _, paths in shares for path in paths),
                      *([settings.home] if shares else [])])
    changed = _restrict_tree(settings.home, keep) if settings.home.exists() else 0
    if settings.dagster_home.exists() and not settings.dagster_home.is_relative_to(settings.home):
        changed += _restrict_tree(settings.dagster_home)
    if shares:
        # Others may pass through TRM_HOME to a file they know the name of, never list it; each shared file's
        # group and mode decide who reads it (two groups cannot both own the folder).
        settings.home.chmod(0o711)
        for group, paths in shares:
            for path in paths:
                if path.exists():
                    share_with_group(path, group)
    return changed
