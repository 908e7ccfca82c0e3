"""Surveys: quarterly engagement pulses + eNPS, and journey surveys (interview experience, 30-day onboarding,
exit). Scores, response propensity and comment polarity follow the latent engagement and the factors behind it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from . import timeutil as tu
from .config import LOCATIONS, GeneratorConfig
from .factors import FACTORS
from .hris import emp_ids, seq_ids
from .people import Registry
from .sink import Sink, lookup
from .text_bank import TOPICS, render_texts
from .workforce import Workforce

Q = {
    "fairness": ["薪酬和晋升决定是公平的 / Pay and promotion decisions here are fair",
                 "我的付出得到了合理的回报 / I am fairly rewarded for my work"],
    "development": ["我在这里能学到新东西并成长 / I am learning and growing here",
                    "我清楚自己在公司的职业发展路径 / I see a clear career path for myself"],
    "recognition": ["做出好成绩时我会得到认可 / I get recognition when I do good work",
                    "我的贡献受到团队重视 / My contributions are valued by my team"],
    "communication": ["我的经理会定期和我沟通 / My manager talks with me regularly",
                      "公司的重要信息能及时传达给我 / I hear about important changes in time"],
}
ENPS_Q = "你有多大可能向朋友推荐来公司工作？/ How likely are you to recommend us as a place to work? (0-10)"
COMMENT_Q = {"engagement_pulse": "还有什么想告诉我们的？/ Anything else you would like to share?",
             "enps": "请说明打分的主要原因 / What is the main reason for your score?",
             "interview_experience": "对面试流程有什么建议？/ How could we improve our interview process?",
             "onboarding_30d": "入职第一个月最需要改进的是什么？/ What should we improve in the first month?",
             "exit": "离职的主要原因是什么？/ What is the main reason you are leaving?"}
JOURNEY_Q = {
    "interview_experience": [("experience", "面试流程安排合理 / The interview process was well organised"),
                             ("experience", "面试官专业且尊重人 / The interviewers were professional and respectful")],
    "onboarding_30d": [("experience", "入职准备充分 / My first days were well prepared"),
                       ("development", "我清楚自己的目标和期望 / I know what is expected of me"),
                       ("communication", "经理经常与我沟通 / My manager checks in with me regularly")],
    "exit": [("experience", "我会考虑将来回到公司 / I would consider coming back"),
             ("fairness", "我在这里受到了公平对待 / I was treated fairly here"),
             ("development", "我在这里有成长机会 / I had room to grow here"),
             ("recognition", "我的工作得到了认可 / My work was recognised")],
}
TZ_OFF = {"Asia/Shanghai": 480, "Asia/Singapore": 480}
DRIVER_TOPIC = {"overtime": ("workload", "work_life_balance"), "pay_below_band": ("pay", "pay"),
                "low_one_on_one": ("manager", "manager"), "manager_change": ("manager", "colleagues"),
                "low_engagement": ("career_growth", "recognition"), "referrer_left": ("colleagues", "career_growth")}


class Builder:
    """Accumulates surveys, questions and responses (ids assigned in creation order)."""

    def __init__(self) -> None:
        self.surveys: list[tuple] = []
        self.questions: list[tuple] = []
        self.resp: list[dict[str, np.ndarray]] = []
        self.comment_q: dict[str, str] = {}
        self.n_q: dict[str, int] = {}
        self.q_index: dict[str, int] = {}

    def survey(self, name: str, kind: str, opened: int, closed: int, anonymous: bool = False) -> str:
        sid = f"SV{len(self.surveys) + 1:04d}"
        self.surveys.append((sid, name, kind, opened, closed, anonymous))
        return sid

    def question(self, sid: str, text: str, dim: str, lo: int | None, hi: int | None) -> str:
        self.n_q[sid] = self.n_q.get(sid, 0) + 1
        qid = f"{sid}-Q{self.n_q[sid]:02d}"
        self.q_index[qid] = len(self.questions)
        self.questions.append((qid, sid, text, dim, lo, hi))
        return qid

    def answers(self, sid: str, qid: str, who: np.ndarray, email: np.ndarray, at: np.ndarray,
                score: np.ndarray | None = None, comment: list[str] | None = None) -> None:
        n = len(who)
        self.resp.append({"question": np.full(n, self.q_index[qid]),
                          "respondent_id": np.asarray(who, dtype=object), "respondent_email": np.asarray(email, dtype=object),
                          "submitted_at": np.asarray(at, dtype=object),
                          "score": np.asarray(score, float) if score is not None else np.full(n, np.nan),
                          "comment": np.array(comment if comment is not None else [None] * n, dtype=object)})


def stamp(rng: np.random.Generator, days: np.ndarray, tz: np.ndarray) -> np.ndarray:
    """Local ISO timestamps with UTC offset, during waking hours."""
    sec = rng.integers(8 * 3600, 23 * 3600, len(days))
    local = tu.to_dt64(days).astype("datetime64[s]") + sec.astype("timedelta64[s]")
    off = np.zeros(len(days), np.int64)
    for z in np.unique(tz):
        sel = tz == z
        off[sel] = tu.utc_offset_minutes(z, days[sel])
    return np.char.add(np.datetime_as_string(local).astype(str), tu.offset_str(off)).astype(object)


def polarity(rng: np.random.Generator, eng: np.ndarray) -> np.ndarray:
    u = rng.random(len(eng))
    p_neg = 1 / (1 + np.exp(0.8 + 2.5 * eng))
    p_pos = 1 / (1 + np.exp(1.2 - 2.0 * eng))
    return np.where(u < p_neg, -1, np.where(u < p_neg + p_pos, 1, 0))


def topics(rng: np.random.Generator, x: np.ndarray, pol: np.ndarray) -> np.ndarray:
    """Negative comments talk about the person's largest problem; others pick a common topic."""
    contrib = x[:, :6]
    top = np.argmax(contrib, axis=1)
    alt = rng.random(len(x)) < 0.5
    situational = np.array([DRIVER_TOPIC[FACTORS[j]][int(a)] for j, a in zip(top, alt, strict=True)], dtype=object)
    rand = np.array(TOPICS, dtype=object)[rng.integers(0, len(TOPICS), len(x))]
    strong = contrib.max(axis=1) > 0.3
    return np.where((pol < 0) & strong, situational, np.where(pol == 0, np.where(alt, rand, ""), rand)).astype(object)


def write_surveys(wf: Workforce, reg: Registry, cfg: GeneratorConfig, emails: np.ndarray, cand: dict,
                  sink: Sink) -> pd.DataFrame:
    """Writes surveys/questions/responses; returns the respondents (respondent_id, person) for the truth."""
    rng = cfg.rng("surveys")
    st, p = wf.st, wf.panel
    b = Builder()
    tz_of = np.array([loc.timezone for loc in LOCATIONS], dtype=object)
    zh_person = reg.column("chinese")
    lang_of = lambda e: np.where(zh_person[st.person[e]] & (st.loc[e] <= 3), "zh",  # noqa: E731
                                 np.where(zh_person[st.person[e]] & (rng.random(len(e)) < 0.4), "zh", "en"))
    def email_for(e: np.ndarray) -> np.ndarray:
        u = rng.random(len(e))
        return np.where(u < 0.3, emails[e], np.where(u < 0.35, reg.col("personal_email", st.person[e]), None))

    years, mons, _ = tu.ymd(wf.starts)
    xcols = [f"x_{f}" for f in FACTORS]
    for m in np.flatnonzero(np.isin(mons, [3, 6, 9, 12])):
        opened = int(wf.starts[m]) + 4
        if opened > wf.as_of:
            continue
        closed = opened + 14
        rows = p[(p["m"].to_numpy() == m)]
        e = rows["emp"].to_numpy()
        ok = (st.hire[e] <= opened - 30) & (st.term[e] >= opened + 3)
        rows, e = rows[ok], e[ok]
        eng = rows["eng"].to_numpy().astype(float)
        x = rows[xcols].to_numpy().astype(float)
        logit = np.log(cfg.survey_response_rate / (1 - cfg.survey_response_rate)) + 1.4 * (eng - eng.mean())
        resp = rng.random(len(e)) < 1 / (1 + np.exp(-logit))
        e, eng, x = e[resp], eng[resp], x[resp]
        n = len(e)
        day = np.minimum(np.minimum(opened + rng.integers(0, 14, n), st.term[e]), wf.as_of)
        at, mail, who = stamp(rng, day, tz_of[st.loc[e]]), email_for(e), emp_ids(e)
        q = f"{years[m]} Q{(mons[m] - 1) // 3 + 1}"
        sid = b.survey(f"{q} Engagement Pulse", "engagement_pulse", opened, closed)
        dim_shift = {"fairness": -0.5 * x[:, 1] - 0.2 * x[:, 3], "development": 0.35 * x[:, 7] - 0.2 * x[:, 4],
                     "recognition": 0.25 * (st.rating[e] - 3), "communication": -0.7 * x[:, 2] - 0.3 * x[:, 3]}
        for dim, texts in Q.items():
            for t in texts[: cfg.questions_per_dimension]:
                qid = b.question(sid, t, dim, 1, 5)
                sc = np.clip(np.round(3.6 + 1.1 * eng + dim_shift[dim] + rng.normal(0, 0.6, n)), 1, 5)
                b.answers(sid, qid, who, mail, at, sc)
        _comments(b, rng, sid, "engagement_pulse", e, who, mail, at, eng, x, lang_of(e), cfg.comment_rate)
        sid = b.survey(f"{q} eNPS", "enps", opened, closed)
        en = rng.random(n) < 0.92
        qid = b.question(sid, ENPS_Q, "enps", 0, 10)
        b.answers(sid, qid, who[en], mail[en], at[en], np.clip(np.round(7.0 + 2.4 * eng[en] + rng.normal(0, 1.3,
                                                                                                        en.sum())), 0, 10))
        _comments(b, rng, sid, "enps", e[en], who[en], mail[en], at[en], eng[en], x[en], lang_of(e[en]),
                  cfg.comment_rate * 0.6)

    _journeys(b, wf, reg, cfg, rng, emails, cand, lang_of, email_for, tz_of)
    _write(b, cfg, sink)
    ids = pd.unique(np.concatenate([r["respondent_id"] for r in b.resp]))
    emp = np.array([int(i[1:]) - 100_001 if i.startswith("E") else 0 for i in ids])
    cmap = dict(zip(cand["ids"], cand["person"], strict=True))
    person = np.array([st.person[k] if i.startswith("E") else cmap[i] for i, k in zip(ids, emp, strict=True)])
    return pd.DataFrame({"respondent_id": ids, "person": person})


def _comments(b: Builder, rng: np.random.Generator, sid: str, kind: str, e: np.ndarray, who: np.ndarray,
              mail: np.ndarray, at: np.ndarray, eng: np.ndarray, x: np.ndarray, lang: np.ndarray, rate: float,
              pol: np.ndarray | None = None) -> None:
    c = rng.random(len(who)) < rate * (1 + 0.6 * np.abs(eng))
    if not c.any():
        return
    pol = polarity(rng, eng[c]) if pol is None else pol[c]
    top = topics(rng, x[c], pol)
    txt = [t.replace("\n", " ") for t in render_texts(rng, lang[c], pol, top, "comment")]
    if sid not in b.comment_q:
        b.comment_q[sid] = b.question(sid, COMMENT_Q[kind], "comment", None, None)
    qid = b.comment_q[sid]
    b.answers(sid, qid, who[c], mail[c], at[c], None, txt)


def _journeys(b: Builder, wf: Workforce, reg: Registry, cfg: GeneratorConfig, rng: np.random.Generator,
              emails: np.ndarray, cand: dict, lang_of, email_for, tz_of: np.ndarray) -> None:
    st, p = wf.st, wf.panel
    n = st.n
    xcols = [f"x_{f}" for f in FACTORS]
    # Latest panel row per record, and the row of the hire month (+1) for onboarding.
    last_row = p.groupby("emp").tail(1).set_index("emp")
    halves = np.flatnonzero(np.isin(tu.ymd(wf.starts)[1], [1, 7]))
    bounds = list(wf.starts[halves]) + [wf.as_of + 1]

    def per_half(kind: str, label: str, day: np.ndarray) -> np.ndarray:
        sids = []
        for i in range(len(halves)):
            y, mo, _ = tu.ymd(np.array([bounds[i]]))
            sids.append(b.survey(f"{int(y[0])} H{1 if mo[0] == 1 else 2} {label}", kind, int(bounds[i]),
                                 int(min(bounds[i + 1] - 1, wf.as_of))))
        return np.array(sids, dtype=object)[np.clip(np.searchsorted(np.array(bounds), day, side="right") - 1, 0,
                                                    len(sids) - 1)]

    # Exit survey: leavers answer in their last days; scores and comments carry the real reasons.
    lv = np.flatnonzero((st.term[:n] <= wf.as_of) & (st.term[:n] >= bounds[0]))
    lv = lv[rng.random(len(lv)) < np.where(st.vol[lv], 0.6, 0.3)]
    lv = lv[np.isin(lv, last_row.index)]
    _journey(b, rng, "exit", "Exit Survey", per_half, lv, st.term[lv] - rng.integers(0, 4, len(lv)),
             last_row.loc[lv, "eng"].to_numpy() - 0.4, last_row.loc[lv, xcols].to_numpy().astype(float),
             emp_ids(lv), email_for(lv), tz_of[st.loc[lv]], lang_of(lv), cfg, 0.65)
    # Onboarding after 30 days: new joiners' first-month experience (manager contact shows).
    nh = np.flatnonzero((st.hire[:n] >= bounds[0]) & (st.hire[:n] + 30 <= np.minimum(st.term[:n], wf.as_of)))
    mrow = np.searchsorted(wf.starts, st.hire[nh] + 30, side="right") - 1
    key = pd.MultiIndex.from_arrays([mrow, nh])
    pp = p.set_index(["m", "emp"])
    have = key.isin(pp.index)
    nh, key = nh[have], key[have]
    rows = pp.loc[key]
    eng = rows["eng"].to_numpy().astype(float)
    resp = rng.random(len(nh)) < 0.6 * (1 + 0.3 * np.clip(eng, -1, 1))
    nh, rows, eng = nh[resp], rows[resp], eng[resp]
    _journey(b, rng, "onboarding_30d", "30-day Onboarding", per_half, nh, st.hire[nh] + 30 + rng.integers(0, 7, len(nh)),
             eng + 0.2, rows[xcols].to_numpy().astype(float), emp_ids(nh), email_for(nh), tz_of[st.loc[nh]],
             lang_of(nh), cfg, 0.3)
    # Candidates after their interviews (answer keyed by candidate id).
    ce = cand["end"]
    sel = np.flatnonzero((ce >= bounds[0]) & (ce <= wf.as_of) & (rng.random(len(ce)) < cfg.candidate_survey_response_rate))
    good = cand["outcome"][sel]
    mood = np.where(good == 2, 0.8, np.where(good == 1, 0.4, -0.3)) + rng.normal(0, 0.4, len(sel))
    zh = reg.col("chinese", cand["person"][sel])
    u = rng.random(len(sel))
    _journey(b, rng, "interview_experience", "Candidate Interview Experience", per_half, np.zeros(len(sel), np.int64),
             np.minimum(ce[sel] + rng.integers(1, 6, len(sel)), wf.as_of), mood,
             np.zeros((len(sel), len(FACTORS))), cand["ids"][sel], np.where(u < 0.4, cand["email"][sel], None),
             np.full(len(sel), "Asia/Shanghai", dtype=object), np.where(zh, "zh", "en"), cfg, 0.3)


def _journey(b: Builder, rng: np.random.Generator, kind: str, label: str, per_half, e: np.ndarray, day: np.ndarray,
             eng: np.ndarray, x: np.ndarray, who: np.ndarray, mail: np.ndarray, tz: np.ndarray, lang: np.ndarray,
             cfg: GeneratorConfig, rate: float) -> None:
    if len(who) == 0:
        return
    sids = per_half(kind, label, day)
    at = stamp(rng, day, tz)
    for sid in np.unique(sids):
        s = sids == sid
        for dim, text in JOURNEY_Q[kind]:
            qid = b.question(sid, text, dim, 1, 5)
            shift = -0.5 * x[s, 1] if dim == "fairness" else -0.6 * x[s, 2] if dim == "communication" else 0
            sc = np.clip(np.round(3.5 + 1.1 * eng[s] + shift + rng.normal(0, 0.6, s.sum())), 1, 5)
            b.answers(sid, qid, who[s], mail[s], at[s], sc)
        _comments(b, rng, sid, kind, e[s], who[s], mail[s], at[s], eng[s], x[s], lang[s], rate)


def _write(b: Builder, cfg: GeneratorConfig, sink: Sink) -> None:
    sv = pd.DataFrame(b.surveys, columns=["survey_id", "survey_name", "survey_type", "opened_at", "closed_at",
                                          "is_anonymous"])
    sv["opened_at"], sv["closed_at"] = tu.iso(sv["opened_at"].to_numpy()), tu.iso(sv["closed_at"].to_numpy())
    sv["is_anonymous"] = np.where(sv["is_anonymous"], "true", "false")
    sink.csv("surveys/surveys.csv", sv, dup=False)
    qs = pd.DataFrame(b.questions, columns=["question_id", "survey_id", "question_text", "dimension", "scale_min",
                                            "scale_max"])
    qs["scale_min"], qs["scale_max"] = qs["scale_min"].astype("Int64"), qs["scale_max"].astype("Int64")
    sink.csv("surveys/questions.csv", qs, dup=False)
    rs = {k: np.concatenate([r[k] for r in b.resp]) for k in b.resp[0]}
    q = rs.pop("question")
    n = len(q)
    score = rs.pop("score")
    rs = {"response_id": seq_ids("RS", n, 10, arrow=True), "survey_id": lookup([x[1] for x in b.questions], q),
          "question_id": lookup([x[0] for x in b.questions], q), **rs,
          "score": pa.array(np.where(np.isnan(score), 0, score).astype(np.int64), mask=np.isnan(score))}
    rs = {k: rs[k] for k in ("response_id", "survey_id", "question_id", "respondent_id", "respondent_email",
                             "submitted_at", "score", "comment")}
    sink.csv("surveys/responses.csv", rs, id_col="response_id", date_col="submitted_at")
