"""dbt models as Dagster assets (dagster-dbt): each model an asset, each dbt test an asset check."""

import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from operations.dbt_project import (
    DBT_PROJECT_DIR,
    ensure_manifest,
    full_refresh_requested,
    keep_partial_parse,
    prune_target_folders,
    vars_argument,
)
from orchestration.assets.ingestion import OWNER
from orchestration.resources import TRMResource

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for a subprocess started inside the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class TRMDbtTranslator(DagsterDbtTranslator):
    """Groups assets by dbt layer (staging, intermediate, marts) and sets the owner."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return "ingestion"
        path = Path(dbt_resource_props.get("original_file_path", ""))
        parts = path.parts
        return parts[1] if len(parts) > 2 and parts[0] == "models" else "dbt"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [OWNER]


def _has_models_outside_staging(manifest_path: Path) -> bool:
    manifest = json.loads(manifest_path.read_text())
    return any(node["resource_type"] == "model" and not node["original_file_path"].startswith("models/staging/")
               for node in manifest["nodes"].values())


def _dbt_multi_asset(name: str, select: str, exclude: str | None):
    # Source tests (e.g. on the identity crosswalk, which a Python asset writes) become checks on that asset:
    # otherwise dbt still runs them and dagster-dbt logs a warning per test per run instead of a result.
    translator = TRMDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True,
                                                                         enable_source_tests_as_checks=True))

    @dbt_assets(name=name, manifest=ensure_manifest(), project=dbt_project, select=select, exclude=exclude,
                dagster_dbt_translator=translator)
    def _models(context: AssetExecutionContext, dbt: DbtCliResource, trm: TRMResource):
        # dbt runs as a subprocess that opens the warehouse itself (profiles.yml reads TRM_WAREHOUSE and the
        # DuckDB limits); no Dagster step holds the file meanwhile, because jobs run one step at a time in process.
        with _environment(**trm.settings.dbt_environment()):
            # Unit tests check the models' SQL on fixed inputs, not the night's data: CI runs them (tests/test_dbt_*),
            # the nightly does not (38 of them, about a tenth of a small night's dbt time).
            full_refresh = ["--full-refresh"] if full_refresh_requested(context.run.tags) else []
            invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test", *full_refresh,
                                  *vars_argument(trm.settings)], context=context)
            yield from invocation.stream()
        keep_partial_parse(invocation.target_path)
        prune_target_folders()

    return _models


AFTER_ML_TAG = "after_ml"


def build_dbt_assets() -> list:
    """Three dbt steps around the Python assets: staging; everything built on the identity crosswalk
    (intermediate, marts, restricted) so the identity asset sits between them; and the marts on the ML
    assets' outputs (tag after_ml: risk, team health), so scoring sits between the marts and those."""
    manifest = ensure_manifest()
    assets = [_dbt_multi_asset("dbt_staging", "path:models/staging", None)]
    if _has_models_outside_staging(manifest):
        assets.append(_dbt_multi_asset("dbt_warehouse", "fqn:*", f"path:models/staging tag:{AFTER_ML_TAG}"))
        assets.append(_dbt_multi_asset("dbt_after_ml", f"tag:{AFTER_ML_TAG}", None))
    return assets


def dbt_resource() -> DbtCliResource:
    # The dbt next to this interpreter, so `.venv/bin/trm` works without an activated virtualenv, started through
    # trm-dbt so that it dies with the run (no orphan dbt holding the warehouse after a kill -9).
    guarded = Path(sys.executable).parent / "trm-dbt"
    local = guarded if guarded.exists() else Path(sys.executable).parent / "dbt"
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR),
                          dbt_executable=str(local) if local.exists() else "dbt",
                          global_config_flags=["--no-use-colors"])
