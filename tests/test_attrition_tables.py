"""Reading exports with European number formatting (semicolon separator, decimal comma)."""

from __future__ import annotations

import pandas as pd

from ml.attrition.columns import to_number
from ml.attrition.tables import read_table


def test_semicolon_export_with_decimal_commas_reads_numbers(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("satisfaction;hours;dept;left\n0,38;157;sales;1\n0,8;262;IT;0\n1;200;hr;0\n",
                    encoding="utf-8")
    frame = read_table(path)
    assert frame["satisfaction"].tolist() == [0.38, 0.8, 1.0]
    assert frame["hours"].tolist() == [157, 262, 200]


def test_semicolon_export_with_decimal_points_is_unchanged(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a;b\n0.5;x\n1.25;y\n", encoding="utf-8")
    assert read_table(path)["a"].tolist() == [0.5, 1.25]


def test_thousands_commas_only_in_whole_thousands_notation():
    values = to_number(pd.Series(["1,234", "$12,345.50", "12,345,678", "0,125", "12,5"]))
    assert values.iloc[:3].tolist() == [1234.0, 12345.5, 12345678.0]
    assert values.iloc[3:].isna().all()  # decimal commas are not thousands: never 125


def test_run_history_gets_kinds_of_driver_not_people():
    """The scoring asset's Dagster metadata: leading-driver kinds of the top decile, counted, small groups left out."""
    import pandas as pd

    from ml.attrition.warehouse import leading_driver_kinds

    scores = pd.DataFrame({
        "person_key": [f"P{i}" for i in range(100)],
        "risk_score": [i / 100 for i in range(100)],
        "driver_1": ["overtime up 4% vs 6 months ago"] * 90 + [f"overtime up {40 + i}% vs 6 months ago" for i in range(6)]
        + ["pay 12.5% below band midpoint"] * 4,
    })
    kinds = leading_driver_kinds(scores, min_group_size=5)
    assert kinds.to_dict() == {"overtime up … vs … months ago": 6}  # the 4 'pay' leaders are too few to show
    assert not any("P" in k for k in kinds.index)
