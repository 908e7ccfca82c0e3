"""A model registry on disk: one folder per version, ``ROOT/v0001/model.joblib`` + ``metadata.json``.

Versions are numbered in creation order; a version directory is claimed with an atomic ``mkdir`` (two writers
never get the same number) and its metadata is written last, through a rename, so a crashed save leaves a folder
without ``metadata.json`` that ``list()`` ignores. The metadata records the SHA-256 of the model file and
``load`` checks it: joblib files are pickles, so only load what this registry wrote.
"""

from __future__ import annotations

import json
import os
import platform
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import joblib
import sklearn

from ingestion.hashing import content_hash

VERSION = re.compile(r"^v(\d{4,})$")


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class ModelVersion:
    version: str
    created_at: str
    path: Path
    metadata: dict

    @property
    def metrics(self) -> dict | None:
        return self.metadata.get("metrics")

    @property
    def features(self) -> dict | list | None:
        return self.metadata.get("features")

    @property
    def training_window(self) -> list | None:
        return self.metadata.get("training_window")




class ModelRegistry:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _claim(self) -> tuple[str, Path]:
        self.root.mkdir(parents=True, exist_ok=True)
        numbers = [int(m.group(1)) for p in self.root.iterdir() if (m := VERSION.match(p.name))]
        n = max(numbers, default=0) + 1
        while True:
            version = f"v{n:04d}"
            try:
                (self.root / version).mkdir()
                return version, self.root / version
            except FileExistsError:
                n += 1

    def save(self, model: object, *, chosen_model: str, features: dict | list, metrics: dict | None,
             training_window: tuple[str, str] | list[str] | None = None, extra: dict | None = None) -> ModelVersion:
        """Store a fitted model with its metadata; returns the new version. ``features`` is the feature list
        (or ``FeaturePlan.to_dict()``), ``metrics`` the out-of-fold metrics, ``extra`` anything else JSON-able.
        For a ``TrainedModel`` use ``save_trained``."""
        version, folder = self._claim()
        joblib.dump(model, folder / "model.joblib", compress=3)
        metadata = {
            **(extra or {}),
            "version": version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "chosen_model": chosen_model,
            "training_window": list(training_window) if training_window else None,
            "features": features,
            "metrics": metrics,
            "model_file": "model.joblib",
            "model_sha256": content_hash(folder / "model.joblib"),
            "sklearn_version": sklearn.__version__,
            "python_version": platform.python_version(),
        }
        tmp = folder / "metadata.json.tmp"
        tmp.write_text(json.dumps(metadata, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        tmp.replace(folder / "metadata.json")
        return ModelVersion(version, metadata["created_at"], folder, metadata)

    def save_trained(self, trained: object, extra: dict | None = None) -> ModelVersion:
        """Store a ``TrainedModel`` (from ``train_final``) with its own metadata."""
        meta = trained.metadata()
        return self.save(trained, chosen_model=meta.pop("chosen_model"), features=meta.pop("features"),
                         metrics=meta.pop("metrics"), training_window=meta.pop("training_window"),
                         extra={**meta, **(extra or {})})

    def list(self) -> list[ModelVersion]:
        """Complete versions, oldest first."""
        if not self.root.is_dir():
            return []
        out = []
        for folder in sorted(self.root.iterdir(), key=lambda p: (len(p.name), p.name)):
            meta_path = folder / "metadata.json"
            if VERSION.match(folder.name) and meta_path.is_file():
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                out.append(ModelVersion(meta["version"], meta["created_at"], folder, meta))
        return out

    def latest(self) -> ModelVersion | None:
        versions = self.list()
        return versions[-1] if versions else None

    def get(self, version: str) -> ModelVersion:
        for v in self.list():
            if v.version == version:
                return v
        raise RegistryError(f"no model version {version!r} in {self.root} "
                            f"(have: {', '.join(v.version for v in self.list()) or 'none'})")

    def load(self, version: str | None = None) -> tuple[object, ModelVersion]:
        """(model, its version); the latest version when ``version`` is None."""
        entry = self.get(version) if version else self.latest()
        if entry is None:
            raise RegistryError(f"the registry {self.root} holds no model")
        path = entry.path / entry.metadata.get("model_file", "model.joblib")
        if content_hash(path) != entry.metadata.get("model_sha256"):
            raise RegistryError(f"{path} does not match the checksum recorded when it was saved")
        return joblib.load(path), entry
