"""Identity resolution: normalisation, constraints, key stability and privacy, evaluation, CLI, quality floor."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.identity import ResolverConfig, evaluate, load_overrides, resolve
from ml.identity.cli import main as cli_main
from ml.identity.coded import Prepared
from ml.identity.comparisons import FEATURES, compare_pairs
from ml.identity.names import parse_full_name, parse_parts
from ml.identity.normalize import normalize_phones, normalize_records, parse_birth_date
from ml.identity.synth import generate

KEY = re.compile(r"^P[0-9a-f]{16}$")
HASH_A = hashlib.sha256(b"110101199003071234").hexdigest()
HASH_B = hashlib.sha256(b"440305198811124321").hexdigest()


def keys_of(result) -> dict[str, str]:
    return dict(zip(result.crosswalk["record_id"], result.crosswalk["person_key"], strict=True))


def people(n: int = 40) -> pd.DataFrame:
    """A small, clean population (distinct names, emails, phones, birth dates): n persons x 2 records."""
    rows = []
    for i in range(n):
        base = {"full_name": f"Person{chr(97 + i % 26)}{chr(97 + i // 26)} Tester{i:03d}",
                "email": f"user{i:03d}@example.com", "phone": f"139{i:08d}", "birth_date": f"19{50 + i}-01-0{1 + i % 9}"}
        rows.append({"record_id": f"a{i}", **base})
        rows.append({"record_id": f"b{i}", **base, "phone": "+86 " + base["phone"]})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------ normalisation
@pytest.mark.parametrize("written", ["张伟", "Zhang Wei", "Wei Zhang", "ZHANG Wei", "Zhang, Wei", "wei  zhang"])
def test_hanzi_pinyin_and_swapped_names_compare_exact(written: str) -> None:
    nr = normalize_records(pd.DataFrame({"record_id": ["x", "y"], "full_name": ["张伟", written]}))
    cmp = compare_pairs(Prepared(nr), np.array([0]), np.array([1]),
                        [FEATURES["family_name"], FEATURES["given_name"]], ResolverConfig())
    assert cmp.levels.tolist() == [[4, 4]]


def test_surname_readings_and_u_umlaut_spellings() -> None:
    assert parse_full_name("单雄信").family == "shan"
    assert parse_full_name("曾小贤").family == "zeng"
    assert parse_full_name("欧阳娜娜")[:2] == ("ouyang", "nana")
    assert {parse_full_name(n).family for n in ("吕布", "Lü Bu", "LYU Bu", "Lv Bu")} == {"lu"}
    assert parse_full_name("Xiao-Ming Zhang").given == parse_full_name("张小明").given == "xiaoming"
    assert parse_parts("García", "José").family == "garcia"


def test_homophone_hanzi_is_not_an_exact_match() -> None:
    nr = normalize_records(pd.DataFrame({"record_id": ["x", "y"], "full_name": ["张伟", "张薇"]}))
    cmp = compare_pairs(Prepared(nr), np.array([0]), np.array([1]), [FEATURES["given_name"]], ResolverConfig())
    assert cmp.levels[0, 0] == 3  # same pinyin "wei", different characters: strong, not exact


def test_phone_formats_normalise_equal() -> None:
    formats = ["+86 138 0013 8000", "13800138000", "138-0013-8000", "0086 138 0013 8000", "8613800138000",
               "(138) 0013 8000", "+86-138-0013-8000 ext 12"]
    assert {tuple(normalize_phones(f, "86", 10)) for f in formats} == {("3800138000",)}
    nr = normalize_records(pd.DataFrame({"record_id": [str(i) for i in range(len(formats))], "phone": formats}))
    assert set(nr["phone1"]) == {"3800138000"}


def test_dates_and_multi_valued_contacts() -> None:
    for text in ["1990-03-07", "1990/3/7", "1990年3月7日", "19900307", "07/03/1990", 32939]:
        assert parse_birth_date(text) == ("19900307", "1990")
    assert parse_birth_date("1990") == (None, "1990")
    assert parse_birth_date("2024-13-45") == (None, None)
    nr = normalize_records(pd.DataFrame({"record_id": ["1"], "email": ["A@X.com; b@y.com"], "personal_email": ["a@x.com"]}))
    assert (nr.loc[0, "email1"], nr.loc[0, "email2"]) == ("a@x.com", "b@y.com")


# ------------------------------------------------------------------------------------------ resolution
def test_variants_of_one_person_resolve_together_and_namesakes_do_not() -> None:
    records = pd.DataFrame([
        {"record_id": "ats1", "full_name": "张伟", "email": "zhangwei88@163.com", "phone": "13800138000",
         "birth_date": "1990-03-07"},
        {"record_id": "ats2", "full_name": "Wei Zhang", "email": "zhangwei88@163.com", "phone": "+86 138 0013 8000"},
        {"record_id": "hris1", "full_name": "ZHANG Wei", "email": "wei.zhang@corp.example",
         "personal_email": "zhangwei88@163.com", "birth_date": "1990/3/7", "national_id": HASH_A},
        {"record_id": "other", "full_name": "张伟", "email": "wz1975@qq.com", "phone": "13911112222",
         "birth_date": "1975-11-02"},
        *({"record_id": f"f{i}", "full_name": f"Filler{i} Person", "email": f"f{i}@x.com", "phone": f"1370000{i:04d}"}
          for i in range(30)),
    ])
    keys = keys_of(resolve(records))
    assert keys["ats1"] == keys["ats2"] == keys["hris1"]
    assert keys["other"] != keys["ats1"]


def test_cannot_link_beats_a_strong_match() -> None:
    records = people()
    overrides = pd.DataFrame([{"record_id_a": "a3", "record_id_b": "b3", "decision": "cannot_link",
                               "reason": "namesakes"}])
    plain = keys_of(resolve(records))
    assert plain["a3"] == plain["b3"]
    result = resolve(records, overrides=overrides)
    keys = keys_of(result)
    assert keys["a3"] != keys["b3"]
    assert keys["a4"] == keys["b4"]
    assert set(result.crosswalk.set_index("record_id").loc[["a3", "b3"], "rule"]) == {"singleton"}


def test_must_links_merge_and_are_labelled() -> None:
    records = people()
    overrides = pd.DataFrame([{"record_id_a": "a1", "record_id_b": "a2", "decision": "must_link", "reason": "HR"}])
    known = pd.DataFrame({"record_id_a": ["a5"], "record_id_b": ["a6"]})
    result = resolve(records, overrides=overrides, must_links=known)
    keys = keys_of(result)
    assert keys["a1"] == keys["a2"] == keys["b1"] == keys["b2"]
    assert keys["a5"] == keys["a6"]
    cw = result.crosswalk.set_index("record_id")
    assert cw.loc["a1", "rule"] == "must_link:steward" and cw.loc["a1", "score"] == 1.0
    assert cw.loc["a5", "rule"] == "must_link:known_id"
    assert cw.loc["b7", "rule"] == "fellegi_sunter" and 0.8 <= cw.loc["b7", "score"] <= 1.0
    assert cw.loc["a1", "cluster_size"] == 4


def test_different_national_ids_never_merge() -> None:
    base = {"full_name": "李娜", "email": "lina@corp.example", "phone": "13900001111", "birth_date": "1991-04-15"}
    records = pd.concat([people(), pd.DataFrame([
        {"record_id": "e1", **base, "national_id": HASH_A},
        {"record_id": "e2", **base, "national_id": HASH_B},  # same everything, another person's id
        {"record_id": "c1", **base},  # no id: may join one of them, never both
    ])], ignore_index=True)
    keys = keys_of(resolve(records))
    assert keys["e1"] != keys["e2"]
    # plain (unhashed) ids: enforced with "always"; one-edit typos stay compatible
    plain = records.replace({HASH_A: "110101199003071234", HASH_B: "440305198811124321"})
    plain.loc[len(plain)] = {"record_id": "e3", **base, "national_id": "110101199003071235"}
    keys = keys_of(resolve(plain, ResolverConfig(strong_id_conflict="always")))
    assert keys["e1"] != keys["e2"] and keys["e1"] == keys["e3"]


# ------------------------------------------------------------------------------------------ keys
def test_keys_are_stable_across_runs_joins_merges_and_splits() -> None:
    records = people()
    first = resolve(records)
    again = resolve(records, previous=first.crosswalk)
    assert keys_of(again) == keys_of(first)
    # a new record joining an existing person keeps that person's key
    joined = pd.concat([records, pd.DataFrame([{"record_id": "c9", "full_name": "Personja Tester009",
                                                "email": "user009@example.com", "phone": "13900000009"}])])
    k = keys_of(resolve(joined, previous=first.crosswalk))
    assert k["c9"] == k["a9"] == keys_of(first)["a9"]
    # a merge keeps one of the old keys and reports the other as merged
    ov = pd.DataFrame([{"record_id_a": "a1", "record_id_b": "a2", "decision": "must_link", "reason": "x"}])
    merged = resolve(records, previous=first.crosswalk, overrides=ov)
    mk = keys_of(merged)
    old = {keys_of(first)["a1"], keys_of(first)["a2"]}
    assert mk["a1"] == mk["a2"] and mk["a1"] in old
    assert set(merged.key_changes["change"]) == {"merged"} and set(merged.key_changes["old_key"]) < old
    # a split: the bigger part keeps the key
    three = pd.concat([records, pd.DataFrame([{"record_id": "c1", "full_name": "Personba Tester001",
                                               "email": "user001@example.com", "phone": "13900000001"}])])
    before = resolve(three, previous=first.crosswalk)
    ov = pd.DataFrame([{"record_id_a": "c1", "record_id_b": r, "decision": "cannot_link", "reason": "x"}
                       for r in ("a1", "b1")])
    after = keys_of(resolve(three, previous=before.crosswalk, overrides=ov))
    assert after["a1"] == after["b1"] == keys_of(before)["a1"] and after["c1"] != after["a1"]


def test_keys_are_random_not_derived_from_pii() -> None:
    records = people(10)
    one, two = resolve(records), resolve(records)
    values = set(records.drop(columns="record_id").astype(str).stack()) | set(records["record_id"])
    digests = {getattr(hashlib, h)(v.encode()).hexdigest()[:16] for v in values for h in ("md5", "sha1", "sha256")}
    for result in (one, two):
        keys = set(result.crosswalk["person_key"])
        assert all(KEY.match(k) for k in keys)
        assert not {k[1:] for k in keys} & digests
    assert not set(one.crosswalk["person_key"]) & set(two.crosswalk["person_key"])  # no previous: fresh keys
    changed = records.copy()
    changed.loc[changed["record_id"] == "a3", "email"] = "new.address@example.com"
    assert keys_of(resolve(changed, previous=one.crosswalk))["a3"] == keys_of(one)["a3"]


# ------------------------------------------------------------------------------------------ evaluation
def test_evaluate_counts_pairs_from_contingency() -> None:
    truth = pd.DataFrame({"record_id": list("abcdef"), "person_id": [1, 1, 1, 2, 2, 3]})
    pred = pd.DataFrame({"record_id": list("abcdef"), "person_key": ["x", "x", "y", "y", "y", "z"]})
    m = evaluate(pred, truth)
    # true pairs: ab ac bc de = 4; predicted: ab cd ce de = 4; both: ab de = 2
    assert (m["true_pairs"], m["predicted_pairs"], m["true_positive_pairs"]) == (4, 4, 2)
    assert m["precision"] == m["recall"] == m["f1"] == 0.5
    rng = np.random.default_rng(0)
    t = pd.DataFrame({"record_id": range(300), "person_id": rng.integers(0, 60, 300)})
    p = pd.DataFrame({"record_id": range(300), "person_key": rng.integers(0, 80, 300)})
    i, j = np.triu_indices(300, 1)
    same_t, same_p = t.person_id.to_numpy()[i] == t.person_id.to_numpy()[j], p.person_key.to_numpy()[i] == \
        p.person_key.to_numpy()[j]
    assert evaluate(p, t)["true_positive_pairs"] == int((same_t & same_p).sum())


# ------------------------------------------------------------------------------------------ CLI and files
def test_cli_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records, _ = generate(120, seed=11)
    records = records.drop(columns=["birth_date", "national_id"])  # optional columns may be absent
    records["favourite_colour"] = "blue"  # unknown columns are ignored
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    records.to_csv(src, index=False)
    assert cli_main([str(src), str(out), "--threshold", "0.85", "--country-code", "+86", "--quiet"]) == 0
    cw = pd.read_csv(out)
    assert list(cw.columns) == ["record_id", "person_key", "score", "rule", "cluster_size"]
    assert len(cw) == len(records) and cw["person_key"].str.match(KEY.pattern).all()
    again = tmp_path / "again.csv"
    assert cli_main([str(src), str(again), "--previous", str(out), "--threshold", "0.85", "--quiet"]) == 0
    assert pd.read_csv(again)["person_key"].tolist() == cw["person_key"].tolist()
    bad = tmp_path / "bad.csv"
    bad.write_text("id,full_name\n1,a\n", encoding="utf-8")
    assert cli_main([str(bad), str(tmp_path / "x.csv")]) == 2
    assert "record_id" in capsys.readouterr().err
    bad.write_text("record_id,full_name\n1,a\n1,b\n", encoding="utf-8")
    assert cli_main([str(bad), str(tmp_path / "x.csv")]) == 2
    assert "unique" in capsys.readouterr().err


def test_override_files_csv_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "o.csv").write_text("record_id_a,record_id_b,decision,reason\na,b,must_link,ok\nc,d,Cannot-Link,x\n",
                                    encoding="utf-8")
    (tmp_path / "o.yaml").write_text("overrides:\n  - {record_id_a: a, record_id_b: b, decision: must_link}\n",
                                     encoding="utf-8")
    assert load_overrides(tmp_path / "o.csv")["decision"].tolist() == ["must_link", "cannot_link"]
    assert load_overrides(tmp_path / "o.yaml").loc[0, "reason"] == ""
    (tmp_path / "bad.csv").write_text("record_id_a,record_id_b,decision\na,b,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match="decision"):
        load_overrides(tmp_path / "bad.csv")


def test_any_subset_of_columns_and_giant_blocks() -> None:
    only_email = pd.DataFrame({"record_id": list("abc"), "email": ["x@y.com", "X@Y.com ", "z@y.com"]})
    keys = keys_of(resolve(only_email))
    assert keys["a"] == keys["b"] != keys["c"]
    assert len(resolve(pd.DataFrame({"record_id": ["solo"], "city": ["Beijing"]})).crosswalk) == 1
    # 400 records sharing one switchboard number: sub-blocked, not 80k pairs
    shared = pd.DataFrame({"record_id": [str(i) for i in range(400)], "phone": "0755-88880000",
                           "full_name": [f"Name{i} Person{i}" for i in range(400)]})
    result = resolve(shared, ResolverConfig(max_block_size=50, window=4))
    phone = next(s for s in result.blocking if s.rule == "phone")
    assert phone.oversized_blocks == 1 and phone.pairs <= 400 * 4
    assert result.candidate_pairs < 5_000
    with pytest.raises(ValueError, match="record_id"):
        resolve(pd.DataFrame({"id": [1]}))


# ------------------------------------------------------------------------------------------ quality floor
def test_f1_floor_on_synthetic_data() -> None:
    """~2k records the model never saw labels of (fitting is unsupervised; the truth is used only to score)."""
    records, truth = generate(800, seed=2024)
    assert 1800 <= len(records) <= 2300
    metrics = evaluate(resolve(records).crosswalk, truth)
    assert metrics["f1"] >= 0.95, metrics
    assert metrics["precision"] >= 0.95, metrics


def test_kept_person_tables_follow_merges(tmp_path: Path) -> None:
    """Score history and feature snapshots move from a key retired by a merge to the key that absorbed it."""
    import duckdb

    from ml.identity.warehouse import follow_key_changes

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema ml")
    con.execute("create table ml.attrition_scores (person_key varchar, snapshot_date date, risk_score double)")
    con.execute("""insert into ml.attrition_scores values
                   ('Pold', '2026-09-30', 0.1), ('Pold', '2026-10-31', 0.2), ('Pnew', '2026-10-31', 0.3),
                   ('Psplit', '2026-10-31', 0.4), ('Pother', '2026-10-31', 0.5)""")
    con.execute("create table ml.model_runs (run_id varchar)")  # no person_key: left alone
    changes = pd.DataFrame({"old_key": ["Pold", "Psplit", "Psplit", "Pkept"],
                            "new_key": ["Pnew", "Pa", "Pb", "Pc"],
                            "change": ["merged", "merged", "merged", "split"]})
    moved = follow_key_changes(con, changes)
    rows = con.execute("select person_key, cast(snapshot_date as varchar), risk_score from ml.attrition_scores "
                       "order by all").fetchall()
    assert moved == {"ml.attrition_scores": 1}
    # Pold's September row moves; its October row yields to Pnew's own; Psplit went to two people: deleted.
    assert rows == [("Pnew", "2026-09-30", 0.1), ("Pnew", "2026-10-31", 0.3), ("Pother", "2026-10-31", 0.5)]
