import pandas as pd

from ingestion.parsing import (
    clean_text,
    keyed_hash,
    parse_boolean,
    parse_date,
    parse_integer,
    parse_timestamp,
)


def _text(values):
    return clean_text(pd.Series(values, dtype="object"))


def test_dates_accept_the_formats_exports_use():
    values, bad = parse_date(_text(["2024-03-05", "2024/3/5", "2024年3月5日", "45356", "20240305",
                                    "2024-03-05 00:00:00"]))
    assert [v.isoformat() for v in values] == ["2024-03-05"] * 6
    assert not bad.any()


def test_impossible_dates_are_bad_and_missing_is_not():
    values, bad = parse_date(_text(["2024-13-45", "2023-02-29", "soon", "", None, "NULL"]))
    assert bad.tolist() == [True, True, True, False, False, False]
    assert values.isna().all()


def test_extra_date_formats_from_the_mapping():
    values, bad = parse_date(_text(["05.03.2024"]), extra_formats=["%d.%m.%Y"])
    assert values[0].isoformat() == "2024-03-05" and not bad.any()


def test_timestamps_keep_offsets_and_read_naive_values_in_the_file_zone():
    values, bad = parse_timestamp(
        _text(["2026-03-05T08:58:12+08:00", "2026-03-05 08:58:12", "1700000000.000100", "1700000000123", "x"]),
        naive_timezone="Asia/Shanghai",
    )
    assert bad.tolist() == [False, False, False, False, True]
    assert values[0] == values[1] == pd.Timestamp("2026-03-05T00:58:12Z")
    assert values[2] == pd.Timestamp("2023-11-14T22:13:20.000100Z")  # Slack ts, no float noise
    assert values[3] == pd.Timestamp("2023-11-14T22:13:20.123Z")  # WeCom msgtime in ms


def test_booleans_in_english_and_chinese():
    values, bad = parse_boolean(_text(["是", "否", "TRUE", "n", "maybe"]))
    assert values.tolist()[:4] == [True, False, True, False]
    assert bad.tolist() == [False, False, False, False, True]


def test_integers_reject_fractions():
    values, bad = parse_integer(_text(["4", "4.0", "4.5", "four"]))
    assert values.tolist()[:2] == [4, 4]
    assert bad.fillna(False).tolist() == [False, False, True, True]


def test_keyed_hash_is_stable_normalised_and_key_dependent():
    ids = _text(["11010119900307123x", "110101 19900307123X", None])
    first, second = keyed_hash(ids, b"k1"), keyed_hash(ids, b"k2")
    assert first[0] == first[1] and first[2] is None
    assert first[0] != second[0]
    assert "1101011990" not in first[0]
