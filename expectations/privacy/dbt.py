"""dbt helpers: the mart models to publish and the group-size columns their min_group_size tests declare."""

from __future__ import annotations

from pathlib import Path

DBT_MARTS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"


def mart_model_names(marts_dir: Path = DBT_MARTS_DIR) -> list[str]:
    """Names of the mart models (file stems of models/marts/**/*.sql): the tables to publish."""
    return sorted(p.stem for p in marts_dir.rglob("*.sql"))


def dbt_group_size_columns(marts_dir: Path = DBT_MARTS_DIR) -> dict[str, str]:
    """{model: column_respondents} of every min_group_size test in the marts YAMLs: the declarations to pass
    as group_size_columns (the scanner then checks the published rows, it does not trust the test ran)."""
    import yaml

    declared: dict[str, str] = {}
    for path in sorted(marts_dir.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []) or []:
            for test in model.get("data_tests", []) or []:
                if isinstance(test, dict) and "min_group_size" in test:
                    spec = test["min_group_size"] or {}
                    column = (spec.get("arguments") or spec).get("column_respondents")
                    if column:
                        declared[model["name"]] = column
    return declared
