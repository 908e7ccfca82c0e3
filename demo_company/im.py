"""IM exports: WeCom (China staff) and Slack (overseas staff, plus HQ leaders who work with them).

Accounts carry no reliable link to HR except WeCom's optional 工号 column, so identity resolution has to match
names/emails/phones. Leavers whose account revocation was missed keep an active account. Messages in the last
`im_days` follow the sender's monthly mood (polarity) and situation (topic)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import dirt
from . import timeutil as tu
from .config import LOCATIONS, GeneratorConfig
from .factors import FACTORS
from .hris import emp_ids
from .org import Org
from .people import Registry, ascii_lower, display_name, latin_name
from .sink import Sink
from .surveys import DRIVER_TOPIC
from .text_bank import TOPICS, render_texts
from .workforce import Workforce

TZ = np.array([loc.timezone for loc in LOCATIONS], dtype=object)
COUNTRY = [loc.country for loc in LOCATIONS]
B36 = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _rand_ids(rng: np.random.Generator, prefix: str, n: int, width: int, alphabet: np.ndarray = B36) -> np.ndarray:
    chars = alphabet[rng.integers(0, len(alphabet), (n, width))]
    out = np.array([prefix + "".join(r) for r in chars], dtype=object)
    _, first = np.unique(out, return_index=True)  # collisions are astronomically rare; make them impossible
    dup = np.setdiff1d(np.arange(n), first)
    out[dup] = [f"{prefix}{'Z' * (width - len(str(i)))}{i}" for i in dup]
    return out


def accounts(wf: Workforce, reg: Registry, cfg: GeneratorConfig, emails: np.ndarray, still_active: np.ndarray,
             dept_names: np.ndarray, sink: Sink) -> dict[str, pd.DataFrame]:
    """WeCom (China sites) and Slack (overseas sites + HQ leaders) accounts of everyone employed in the last
    two years; returns account -> record/person per platform."""
    rng = cfg.rng("im.accounts")
    st, n = wf.st, wf.st.n
    keep = np.flatnonzero((st.term[:n] >= wf.as_of - 730) & (st.hire[:n] <= wf.as_of))
    china = st.loc[keep] <= 3
    leader = china & (st.role[keep] >= 2) & (st.term[keep] > wf.as_of)
    left = st.term[keep] <= wf.as_of
    deact = left & ~still_active[keep]
    off_day = st.term[keep] + rng.integers(0, 4, len(keep))
    pers = st.person[keep]
    out: dict[str, pd.DataFrame] = {}

    # WeCom
    w = keep[china]
    wi = np.flatnonzero(china)
    base = ascii_lower(pd.Series(reg.col("family_latin", st.person[w]) + reg.col("given_latin", st.person[w]))).to_numpy(dtype=object)
    seen: dict[str, int] = {}
    uid = np.empty(len(w), dtype=object)
    for i in np.argsort(st.hire[w], kind="stable"):
        k = seen.get(base[i], 0) + 1
        seen[base[i]] = k
        uid[i] = base[i] + (str(k) if k > 1 else "")
    r = cfg.dirt_rate
    phone_style = np.where(rng.random(len(w)) < 0.2, 4, 0)
    off_ts = tu.iso(off_day[wi]) + " 18:" + np.char.zfill(rng.integers(0, 60, len(w)).astype(str), 2).astype(object) + ":00"
    wdf = {
        "账号": uid, "姓名": display_name(reg, st.person[w]),
        "手机": dirt.phone_variants(reg.col("phone_cc", st.person[w]), reg.col("phone", st.person[w]),
                                  phone_style),
        "邮箱": np.where(rng.random(len(w)) < 0.1, None, emails[w]),
        "工号": np.where(rng.random(len(w)) < 0.05 + r, None, emp_ids(w)),
        "部门": dept_names[st.dept[w]],
        "状态": np.where(deact[wi], "已禁用", "已激活"),
        "禁用时间": np.where(deact[wi], off_ts, None),
    }
    sink.xlsx("im/wecom/accounts.xlsx", wdf, date_cols=("禁用时间",), id_col="账号")
    out["wecom"] = pd.DataFrame({"emp": w, "account": uid, "person": st.person[w]})

    # Slack: overseas staff and HQ leaders
    sl = np.flatnonzero(~china | leader)
    s = keep[sl]
    sid = _rand_ids(rng, "U0", len(s), 9)
    zh = reg.col("chinese", pers[sl])
    real = latin_name(reg, pers[sl], family_first=zh & (rng.random(len(s)) < 0.3))
    local = np.array([e.split("@")[0] for e in emails[s]], dtype=object)
    phone = dirt.phone_variants(reg.col("phone_cc", pers[sl]), reg.col("phone", pers[sl]),
                                np.where(rng.random(len(s)) < 0.7, 1, 4))
    users = []
    for i in range(len(s)):
        gone = bool(deact[sl[i]])
        u = {"id": sid[i], "team_id": "T0SHANHAI", "name": local[i], "deleted": gone, "real_name": real[i],
             "tz": TZ[st.loc[s[i]]], "is_bot": False,
             "profile": {"email": emails[s[i]] if rng.random() > r else None, "phone": phone[i] if rng.random() > 0.3
                         else "", "real_name": real[i], "display_name": local[i]}}
        if gone:
            u["deleted_at"] = int((off_day[sl[i]] - 0) * 86400 + 10 * 3600)
        users.append(u)
    sink.json("im/slack/users.json", users, len(users))
    out["slack"] = pd.DataFrame({"emp": s, "account": sid, "person": pers[sl]})
    return out


def _channels(wf: Workforce, org: Org, cfg: GeneratorConfig, acc: dict[str, pd.DataFrame], still_active: np.ndarray,
              sink: Sink) -> dict[str, dict[int, str]]:
    """One team channel per department on each platform where it has members; returns dept -> channel key."""
    rng = cfg.rng("im.channels")
    st = wf.st
    created0 = int(wf.first_day - 400)
    names = org.depts["department_name"].to_numpy()
    slug = [x.lower().replace(" & ", "-").replace(" ", "-") for x in names]
    live = lambda e: (st.term[e] > wf.as_of) | still_active[e]  # noqa: E731
    res: dict[str, dict[int, str]] = {"slack": {}, "wecom": {}}
    chans = []
    a = acc["slack"]
    for d in org.leaves:
        mem = a[(st.dept[a["emp"].to_numpy()] == d)]
        if len(mem) == 0:
            continue
        res["slack"][int(d)] = "team-" + slug[d]
        m = mem[live(mem["emp"].to_numpy())]
        chans.append({"id": f"C0{int(d):03d}{rng.integers(10**6, 10**7)}", "name": "team-" + slug[d],
                      "created": (created0 + int(rng.integers(0, 300))) * 86400, "is_archived": False,
                      "members": list(m["account"])})
    gm = a[live(a["emp"].to_numpy())]
    chans.append({"id": f"C0GEN{rng.integers(10**6, 10**7)}", "name": "general", "created": created0 * 86400,
                  "is_archived": False, "members": list(gm["account"])})
    sink.json("im/slack/channels.json", chans, len(chans))
    w = acc["wecom"]
    lines = []
    for d in org.leaves:
        mem = w[(st.dept[w["emp"].to_numpy()] == d)]
        mem = mem[live(mem["emp"].to_numpy())]
        if len(mem) == 0:
            continue
        rid = "wr" + "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), 16))
        res["wecom"][int(d)] = rid
        join = np.maximum(st.hire[mem["emp"].to_numpy()], created0) * 86400 + 9 * 3600
        lines.append(json.dumps({"roomid": rid, "roomname": f"{names[d]} 工作群", "creator": mem["account"].iloc[0],
                                 "room_create_time": (created0 + 1) * 86400 * 1000, "notice": "",
                                 "members": [{"memberid": m_, "jointime": int(j)} for m_, j in
                                             zip(mem["account"], join, strict=True)]}, ensure_ascii=False))
    sink.lines("im/wecom/groups.jsonl", lines)
    return res


def write_im(wf: Workforce, reg: Registry, org: Org, cfg: GeneratorConfig, emails: np.ndarray,
             still_active: np.ndarray, sink: Sink, tick=lambda: None) -> dict[str, pd.DataFrame]:
    acc = accounts(wf, reg, cfg, emails, still_active, org.depts["department_name"].to_numpy(dtype=object), sink)
    chan = _channels(wf, org, cfg, acc, still_active, sink)
    _messages(wf, reg, org, cfg, acc, chan, sink, tick)
    return acc


def _messages(wf: Workforce, reg: Registry, org: Org, cfg: GeneratorConfig, acc: dict[str, pd.DataFrame],
              chan: dict[str, dict[int, str]], sink: Sink, tick) -> None:
    rng = cfg.rng("im.messages")
    st = wf.st
    d0 = wf.as_of - cfg.im_days + 1
    p = wf.panel
    pkey = p["m"].to_numpy().astype(np.int64) * 10_000_000 + p["emp"].to_numpy()
    mood_all = p["mood"].to_numpy()
    x_all = p[[f"x_{f}" for f in FACTORS]].to_numpy()
    wec = np.full(st.n, None, dtype=object)
    wec[acc["wecom"]["emp"].to_numpy()] = acc["wecom"]["account"].to_numpy()
    slk = np.full(st.n, None, dtype=object)
    slk[acc["slack"]["emp"].to_numpy()] = acc["slack"]["account"].to_numpy()
    chat = reg.column("chattiness")
    zh_p = reg.column("chinese")
    slack_room = {d: c for d, c in chan["slack"].items()}
    wecom_room = np.full(len(org.depts), "", dtype=object)
    for d, r_ in chan["wecom"].items():
        wecom_room[d] = r_
    slack_files: dict[tuple[str, int], list] = {}
    for m in range(int(np.searchsorted(wf.ends, d0)), len(wf.starts)):
        lo_m, hi_m = max(int(wf.starts[m]), d0), int(wf.ends[m])
        emp = st.active_between(lo_m, hi_m)
        a, b = np.maximum(st.hire[emp], lo_m), np.minimum(st.term[emp], hi_m)
        ln = np.maximum(b - a + 1, 0)
        e = np.repeat(emp, ln)
        day = np.repeat(a, ln) + (np.arange(ln.sum()) - np.repeat(np.cumsum(ln) - ln, ln))
        work = tu.weekday(day) < 5
        e, day = e[work], day[work]
        row = np.searchsorted(pkey, m * 10_000_000 + e)
        k = rng.poisson(cfg.messages_per_day * chat[st.person[e]])
        e, day, row = np.repeat(e, k), np.repeat(day, k), np.repeat(row, k)
        n = len(e)
        mood, x = mood_all[row], x_all[row]
        u = rng.random(n)
        p_neg = 1 / (1 + np.exp(1.6 + 2.0 * mood))
        p_pos = 1 / (1 + np.exp(1.4 - 1.5 * mood))
        pol = np.where(u < p_neg, -1, np.where(u < p_neg + p_pos, 1, 0))
        contrib = x[:, :6]
        top = np.argmax(contrib, axis=1)
        alt = rng.random(n) < 0.5
        sit = np.array([[DRIVER_TOPIC[FACTORS[j]][i] for i in range(2)] for j in range(6)], dtype=object)[top, alt.astype(int)]
        rand = np.array(TOPICS, dtype=object)[rng.integers(0, len(TOPICS), n)]
        topic = np.where(pol < 0, np.where(contrib.max(axis=1) > 0.3, sit, rand),
                         np.where(pol > 0, rand, np.where(rng.random(n) < 0.3, rand, "")))
        on_slack = slk[e] != None  # noqa: E711
        on_slack &= (wec[e] == None) | (rng.random(n) < 0.3)  # noqa: E711 - HQ leaders post on both
        zh = zh_p[st.person[e]]
        lang = np.where(on_slack, np.where(zh & (rng.random(n) < 0.15), "zh", "en"),
                        np.where(zh | (rng.random(n) < 0.2), "zh", "en"))
        text = render_texts(rng, lang, pol, topic, "message")
        loc = st.loc[e]
        off = np.zeros(n, np.int64)
        for li, tz in enumerate(TZ):
            sel = loc == li
            if sel.any():
                off[sel] = tu.utc_offset_minutes(tz, day[sel])
        sec = rng.integers(9 * 3600, 19 * 3600, n)
        late = rng.random(n) < np.clip(x[:, 0] * 0.3, 0, 0.4)  # overtime shows as evening messages
        sec = np.where(late, rng.integers(20 * 3600, 24 * 3600 - 60, n), sec)
        epoch = day * 86400 + sec - off * 60
        ms = epoch * 1000 + rng.integers(0, 1000, n)
        _slack_collect(slack_files, e[on_slack], day[on_slack], ms[on_slack], slk, slack_room, st, text, on_slack, rng)
        _wecom_month(sink, wf, rng, e[~on_slack], ms[~on_slack], np.array(text, dtype=object)[~on_slack], wec,
                     wecom_room, lo_m)
        tick()
    for (ch, d), msgs in sorted(slack_files.items()):
        msgs.sort(key=lambda z: z["ts"])
        sink.json(f"im/slack/{ch}/{tu.iso(np.array([d]))[0]}.json", msgs, len(msgs), indent=1)


def _slack_collect(files: dict, e: np.ndarray, day: np.ndarray, ms: np.ndarray, slk: np.ndarray, rooms: dict,
                   st, text: list[str], mask: np.ndarray, rng: np.random.Generator) -> None:
    txt = np.array(text, dtype=object)[mask]
    hexs = np.array(list("0123456789abcdef"))
    raw = hexs[rng.integers(0, 16, (len(e), 32))]
    for i in range(len(e)):
        ch = rooms.get(int(st.dept[e[i]]), "general")
        h = "".join(raw[i])
        files.setdefault((ch, int(day[i])), []).append({
            "type": "message", "client_msg_id": f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}",
            "user": slk[e[i]], "text": txt[i], "ts": f"{ms[i] // 1000}.{(ms[i] % 1000) * 1000 + i % 1000:06d}"})


def json_escape(texts: pa.Array) -> pa.Array:
    """JSON string body (without quotes) of each text, as json.dumps(ensure_ascii=False) writes it."""
    t = pc.replace_substring(texts, "\\", "\\\\")
    t = pc.replace_substring(t, '"', '\\"')
    return pc.replace_substring_regex(t, r"[\x00-\x1f]", " ")


def _wecom_month(sink: Sink, wf: Workforce, rng: np.random.Generator, e: np.ndarray, ms: np.ndarray,
                 text: np.ndarray, wec: np.ndarray, rooms: np.ndarray, lo_m: int) -> None:
    """One NDJSON line per message in WeCom's chat-archive shape; 1:1 chats go to the manager or a peer."""
    st = wf.st
    n = len(e)
    kind = rng.random(n)
    mgr = st.mgr[e]
    to_mgr = (kind < 0.15) & (mgr >= 0)
    to_mgr &= wec[np.maximum(mgr, 0)] != None  # noqa: E711
    peer = e[rng.permutation(n)] if n else e
    to_peer = (kind >= 0.15) & (kind < 0.3) & (peer != e) & (st.dept[peer] == st.dept[e])
    room = rooms[st.dept[e]]
    tgt = np.where(to_mgr, wec[np.maximum(mgr, 0)], np.where(to_peer, wec[peer], None))
    direct = to_mgr | to_peer
    keep = direct | (room != "")
    order = np.argsort(ms, kind="stable")
    order = order[keep[order]]
    msgid = rng.integers(10**18, 9 * 10**18, n)
    def s(a: np.ndarray) -> pa.Array:
        a = np.asarray(a)[order]
        return pc.cast(pa.array(a), pa.string()) if a.dtype.kind in "iu" else pa.array(a.astype(object), pa.string())

    to = np.where(direct, "[\"" + tgt.astype(str) + "\"]", "[]")
    lines = pc.binary_join_element_wise(
        '{"msgid":"', s(msgid), "_", s(ms // 1000), '","action":"send","from":"', s(wec[e]), '","tolist":', s(to),
        ',"roomid":"', s(np.where(direct, "", room)), '","msgtime":', s(ms), ',"msgtype":"text","text":{"content":"',
        json_escape(pa.array(np.asarray(text, dtype=object)[order], pa.string())), '"}}', "")
    y, mo, _ = tu.ymd(np.array([lo_m]))
    rel = f"im/wecom/messages_{int(y[0]):04d}-{int(mo[0]):02d}.jsonl"
    r2 = sink.cfg.rng("rows:" + rel)
    k = r2.binomial(len(lines), sink.cfg.malformed_rate) if len(lines) else 0
    broken = np.sort(r2.choice(len(lines), k, replace=False)) if k else None
    sink.lines(rel, lines.to_pylist(), broken)


