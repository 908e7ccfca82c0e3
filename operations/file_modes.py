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


def _restrict_tree(root: Path, skip: Path | None = None) -> int:
    """Restrict ``root`` and everything under it except the ``skip`` folder's contents."""
    changed = _restrict(root)
    if root.is_dir() and not root.is_symlink():
        for folder, dirs, files in os.walk(root):
            if skip is not None and Path(folder) == skip:
                dirs[:] = []  # the exporters' files: their modes are theirs (TRM_HOME's own mode guards them)
                continue
            for name in dirs + files:
                changed += _restrict(Path(folder) / name)
    return changed


def publication_paths(settings: Settings) -> list[Path]:
    """The files the publication group may read: the published database and its Parquet generations."""
    parquet = settings.published.parent / "published_parquet"
    return [settings.published, parquet]


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
    changed = _restrict_tree(settings.home, skip=settings.landing) if settings.home.exists() else 0
    if settings.dagster_home.exists() and not settings.dagster_home.is_relative_to(settings.home):
        changed += _restrict_tree(settings.dagster_home)
    shares = [(group, paths) for group, paths in ((settings.publication_group, publication_paths(settings)),
                                                  (settings.restricted_group, [settings.restricted_published]))
              if group and paths[0] is not None]
    if shares:
        # Others may pass through TRM_HOME to a file they know the name of, never list it; each shared file's
        # group and mode decide who reads it (two groups cannot both own the folder).
        settings.home.chmod(0o711)
        for group, paths in shares:
            for path in paths:
                if path.exists():
                    share_with_group(path, group)
    return changed
