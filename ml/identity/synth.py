"""A small, independent corruption generator for tests and benchmarks (not the demo company generator).

N people, each written into 1..8 records by different "systems" (ATS, event sign-up, HRIS with rehires,
WeCom/Slack accounts) with realistic dirt: Hanzi vs pinyin in any order and case, spaced or compact given
names, ü spelled lü/lv/lyu/lu, typos, a dropped character, company vs personal e-mails, changed phone numbers
and every phone/date format, hashed national ids on HRIS rows only, and missing values. Romanisations come from
hand-written tables, not pypinyin, so the resolver's own transliteration is tested, not mirrored.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

SURNAMES = [  # (hanzi, pinyin, weight); includes surnames read differently from the character's usual reading
    ("王", "wang", 70), ("李", "li", 70), ("张", "zhang", 65), ("刘", "liu", 55), ("陈", "chen", 50),
    ("杨", "yang", 30), ("黄", "huang", 25), ("赵", "zhao", 22), ("吴", "wu", 20), ("周", "zhou", 20),
    ("徐", "xu", 15), ("孙", "sun", 14), ("马", "ma", 13), ("朱", "zhu", 12), ("胡", "hu", 12), ("郭", "guo", 11),
    ("何", "he", 10), ("高", "gao", 10), ("林", "lin", 10), ("罗", "luo", 9), ("郑", "zheng", 9), ("梁", "liang", 9),
    ("谢", "xie", 7), ("宋", "song", 7), ("唐", "tang", 7), ("许", "xu", 6), ("韩", "han", 6), ("冯", "feng", 6),
    ("邓", "deng", 6), ("曹", "cao", 5), ("彭", "peng", 5), ("曾", "zeng", 5), ("肖", "xiao", 5), ("田", "tian", 5),
    ("董", "dong", 5), ("袁", "yuan", 4), ("潘", "pan", 4), ("蒋", "jiang", 4), ("蔡", "cai", 4), ("余", "yu", 4),
    ("杜", "du", 4), ("叶", "ye", 4), ("程", "cheng", 4), ("苏", "su", 4), ("魏", "wei", 4), ("吕", "lü", 4),
    ("丁", "ding", 3), ("任", "ren", 3), ("沈", "shen", 3), ("姚", "yao", 3), ("卢", "lu", 3), ("单", "shan", 2),
    ("解", "xie", 1), ("区", "ou", 1), ("仇", "qiu", 1), ("翟", "zhai", 1), ("查", "zha", 1), ("欧阳", "ouyang", 1),
    ("司马", "sima", 1), ("诸葛", "zhuge", 1), ("聂", "nie", 2), ("闫", "yan", 2), ("覃", "qin", 1), ("乐", "yue", 1),
]
GIVEN = [  # (hanzi, pinyin)
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("桂", "gui"), ("英", "ying"), ("华", "hua"), ("玉", "yu"), ("兰", "lan"), ("萍", "ping"), ("红", "hong"),
    ("鹏", "peng"), ("辉", "hui"), ("建", "jian"), ("国", "guo"), ("小", "xiao"), ("海", "hai"), ("宇", "yu"),
    ("浩", "hao"), ("晨", "chen"), ("欣", "xin"), ("怡", "yi"), ("佳", "jia"), ("子", "zi"), ("涵", "han"),
    ("思", "si"), ("雨", "yu"), ("梓", "zi"), ("轩", "xuan"), ("博", "bo"), ("文", "wen"), ("婷", "ting"),
    ("慧", "hui"), ("志", "zhi"), ("峰", "feng"), ("斌", "bin"), ("波", "bo"), ("琳", "lin"), ("雪", "xue"),
    ("梅", "mei"), ("丹", "dan"), ("凯", "kai"), ("嘉", "jia"), ("俊", "jun"), ("帆", "fan"), ("瑶", "yao"),
    ("颖", "ying"), ("璐", "lu"), ("晓", "xiao"), ("东", "dong"), ("春", "chun"), ("晶", "jing"), ("倩", "qian"),
    ("蕾", "lei"), ("薇", "wei"), ("琪", "qi"), ("锋", "feng"), ("阳", "yang"), ("天", "tian"), ("一", "yi"),
    ("诗", "shi"), ("梦", "meng"), ("乐", "le"), ("安", "an"), ("然", "ran"), ("泽", "ze"), ("睿", "rui"),
    ("铭", "ming"), ("远", "yuan"), ("航", "hang"), ("彤", "tong"), ("悦", "yue"), ("宁", "ning"), ("绿", "lü"),
]
WESTERN_FIRST = (
    "james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "david", "elizabeth",
    "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen",
    "daniel", "nancy", "matthew", "lisa", "anthony", "betty", "mark", "sandra", "paul", "ashley", "steven",
    "emily", "andrew", "donna", "kevin", "michelle", "brian", "carol", "george", "amanda", "timothy",
    "melissa", "jason", "deborah", "ryan", "stephanie", "jacob", "rebecca", "gary", "laura", "nicholas",
    "sharon", "eric", "cynthia", "jonathan", "kathleen", "stephen", "amy", "larry", "angela", "justin",
    "shirley", "scott", "anna", "brandon", "brenda", "benjamin", "pamela", "samuel", "emma", "gregory",
    "nicole", "alexander", "helen", "frank", "samantha", "patrick", "katherine", "raymond", "christine",
    "jack", "debra", "dennis", "rachel", "jerry", "carolyn", "tyler", "janet", "aaron", "catherine", "jose",
    "maria", "adam", "heather", "henry", "diane", "nathan", "ruth", "douglas", "julie", "zachary", "olivia",
    "peter", "joyce", "kyle", "virginia"
)
WESTERN_LAST = (
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
    "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson",
    "martin", "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis",
    "robinson", "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
    "green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts",
    "gomez", "phillips", "evans", "turner", "diaz", "parker", "cruz", "edwards", "collins", "reyes",
    "stewart", "morris", "morales", "murphy", "cook", "rogers", "gutierrez", "ortiz", "morgan", "cooper",
    "peterson", "bailey", "reed", "kelly", "howard", "ramos", "kim", "cox", "ward", "richardson", "watson",
    "brooks", "chavez", "wood", "james", "bennett", "gray", "mendoza", "ruiz", "hughes", "price", "alvarez",
    "castillo", "sanders", "patel", "myers", "long", "ross", "foster", "jimenez", "powell", "jenkins",
    "perry", "russell", "sullivan", "bell", "coleman", "butler", "henderson"
)
CITIES = [("深圳", "Shenzhen"), ("上海", "Shanghai"), ("北京", "Beijing"), ("成都", "Chengdu"), ("武汉", "Wuhan"),
          ("杭州", "Hangzhou"), ("广州", "Guangzhou"), ("南京", "Nanjing"), ("西安", "Xi'an"), ("厦门", "Xiamen")]
DOMAINS = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com", "foxmail.com", "hotmail.com"]
SOURCES = ["ats", "event", "hris", "wecom", "slack"]
Person = Any  # a row of the people table (itertuples)


def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 3:
        return s
    i = int(rng.integers(1, len(s) - 1))
    op = int(rng.integers(0, 4))
    letters = "abcdefghijklmnopqrstuvwxyz"
    c = letters[int(rng.integers(0, 26))]
    if op == 0:
        return s[:i] + c + s[i + 1:]
    if op == 1:
        return s[:i] + s[i + 1:]
    if op == 2:
        return s[:i] + c + s[i:]
    return s[:i - 1] + s[i] + s[i - 1] + s[i + 1:]


def _u_spelling(rng: np.random.Generator, s: str) -> str:
    return s.replace("ü", ["ü", "v", "yu", "u"][int(rng.integers(0, 4))])


def _people(n: int, rng: np.random.Generator) -> pd.DataFrame:
    chinese = rng.random(n) < 0.85
    w = np.array([s[2] for s in SURNAMES], float)
    sur = rng.choice(len(SURNAMES), n, p=w / w.sum())
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = np.where(rng.random(n) < 0.7, rng.integers(0, len(GIVEN), n), -1)
    wf, wl = rng.integers(0, len(WESTERN_FIRST), n), rng.integers(0, len(WESTERN_LAST), n)
    fam_h = np.where(chinese, [SURNAMES[i][0] for i in sur], "")
    fam_p = np.where(chinese, [SURNAMES[i][1] for i in sur], [WESTERN_LAST[i] for i in wl])
    giv_h = np.where(chinese, [GIVEN[a][0] + (GIVEN[b][0] if b >= 0 else "") for a, b in zip(g1, g2, strict=True)], "")
    giv_p = np.where(chinese, [GIVEN[a][1] + (GIVEN[b][1] if b >= 0 else "") for a, b in zip(g1, g2, strict=True)],
                     [WESTERN_FIRST[i] for i in wf])
    giv_sp = np.where(chinese, [GIVEN[a][1] + (" " + GIVEN[b][1] if b >= 0 else "") for a, b in zip(g1, g2, strict=True)],
                      giv_p)
    birth = np.datetime64("1962-01-01") + rng.integers(0, 42 * 365, n).astype("timedelta64[D]")
    phone = np.char.add(np.char.add("1", rng.choice(["30", "35", "38", "39", "50", "58", "86", "88", "99"], n)),
                        np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8))
    employee = rng.random(n) < 0.4
    return pd.DataFrame({"chinese": chinese, "fam_h": fam_h, "giv_h": giv_h, "fam_p": fam_p, "giv_p": giv_p,
                         "giv_sp": giv_sp, "birth": birth, "phone": phone, "employee": employee,
                         "nid": [f"{rng.integers(10**17, 10**18 - 1)}" for _ in range(n)],
                         "city": rng.integers(0, len(CITIES), n), "num": rng.integers(1, 999, n),
                         "style": rng.integers(0, 5, n), "domain": rng.integers(0, len(DOMAINS), n)})


def _render_name(rng: np.random.Generator, p: Person, source: str, dirt: float) -> str | None:
    if rng.random() < 0.01 * dirt:
        return None
    fam, giv = _u_spelling(rng, p.fam_p), _u_spelling(rng, p.giv_sp if rng.random() < 0.3 else p.giv_p)
    if p.chinese:
        p_hanzi = {"hris": 0.9, "ats": 0.5, "event": 0.4, "wecom": 0.6, "slack": 0.05}[source]
        if rng.random() < p_hanzi:
            giv_h = p.giv_h
            if len(giv_h) == 2 and rng.random() < 0.03 * dirt:
                giv_h = giv_h[int(rng.integers(0, 2))]  # a character dropped
            return p.fam_h + giv_h
    if rng.random() < 0.05 * dirt:
        if rng.random() < 0.5:
            fam = _typo(rng, fam)
        else:
            giv = _typo(rng, giv)
    style = int(rng.integers(0, 6))
    if style == 0:
        return f"{giv.title()} {fam.title()}"
    if style == 1:
        return f"{fam.title()} {giv.title()}"
    if style == 2:
        return f"{fam.upper()} {giv.title()}"
    if style == 3:
        return f"{fam.title()}, {giv.title()}"
    if style == 4:
        return f"{giv.lower()} {fam.lower()}"
    return f"{giv.title()} {fam.title()}"


def _personal_email(rng: np.random.Generator, p: Person, fresh: bool) -> str:
    f, g = p.fam_p.replace("ü", "v"), p.giv_p.replace("ü", "v")
    style, num, dom = (int(rng.integers(0, 5)), int(rng.integers(1, 999)), int(rng.integers(0, len(DOMAINS)))) \
        if fresh else (p.style, p.num, p.domain)
    local = [f"{f}{g}{num}", f"{g}.{f}", f"{f}_{g}{num % 100}", f"{g}{f}{p.birth.year}",
             f"{g[0]}{f}{num}"][style]
    if DOMAINS[dom] == "qq.com":
        digest = hashlib.md5(f"{p.fam_p}{p.giv_p}{num}".encode()).hexdigest()
        local = str(10_000_000 + int(digest[:8], 16) % 3_000_000_000)
    return f"{local}@{DOMAINS[dom]}"


def _phone(rng: np.random.Generator, digits: str) -> str:
    k = int(rng.integers(0, 6))
    return [digits, f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
            f"0086{digits}", f"+86{digits}", f"({digits[:3]}) {digits[3:7]} {digits[7:]}"][k]


def _date(rng: np.random.Generator, d: pd.Timestamp) -> str:
    y, m, day = str(d)[:4], int(str(d)[5:7]), int(str(d)[8:10])
    k = int(rng.integers(0, 4))
    return [f"{y}-{m:02d}-{day:02d}", f"{y}/{m}/{day}", f"{y}年{m}月{day}日", f"{y}{m:02d}{day:02d}"][k]


def generate(n_people: int, seed: int = 0, mean_records: float = 2.5, dirt: float = 1.0
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, truth[record_id, person_id]); about ``n_people * mean_records`` records, shuffled."""
    rng = np.random.default_rng(seed)
    people = _people(n_people, rng)
    k = np.minimum(1 + rng.poisson(mean_records - 1, n_people), 8)
    person = np.repeat(np.arange(n_people), k)
    source = rng.choice(SOURCES, len(person), p=[0.45, 0.2, 0.15, 0.1, 0.1])
    emp = people["employee"].to_numpy()[person]
    source = np.where(~emp & np.isin(source, ["hris", "wecom", "slack"]), rng.choice(["ats", "event"], len(person)),
                      source)
    rows = []
    company: dict[int, str] = {}
    owner: dict[str, int] = {}  # a mailbox belongs to one person: namesakes get another address

    def claim(address: str, pid: int) -> str:
        local, _, domain = address.partition("@")
        k = 1
        while owner.setdefault(address, pid) != pid:
            k += 1
            address = f"{local}{k}@{domain}"
        return address

    plist = list(people.itertuples(index=False))
    for i, (pid, src) in enumerate(zip(person, source, strict=True)):
        p = plist[pid]
        if p.employee and pid not in company:
            company[pid] = claim(f"{p.giv_p.replace('ü', 'v')}.{p.fam_p.replace('ü', 'v')}@corp.example", pid)
        name = _render_name(rng, p, src, dirt)
        row = {"record_id": f"{src[0].upper()}{i:08d}", "full_name": name, "source": src}
        personal = claim(_personal_email(rng, p, fresh=rng.random() < 0.2 * dirt), pid)
        if rng.random() < 0.03 * dirt:
            personal = _typo(rng, personal)
        phone = p.phone if rng.random() > 0.1 * dirt else str(rng.integers(10**10, 2 * 10**10))
        if rng.random() < 0.02 * dirt:
            phone = phone[:5] + str((int(phone[5]) + 1) % 10) + phone[6:]
        if src in ("ats", "event"):
            row["email"] = personal if rng.random() > 0.08 * dirt else None
            row["phone"] = _phone(rng, phone) if rng.random() > 0.15 * dirt else None
            if src == "ats":
                row["birth_date"] = _date(rng, p.birth) if rng.random() < 0.5 else None
                row["city"] = CITIES[p.city][int(rng.random() < 0.3)] if rng.random() < 0.8 else None
        else:
            row["email"] = company.get(pid)
            row["phone"] = _phone(rng, phone) if rng.random() < (0.95 if src == "hris" else 0.5) else None
            if src == "hris":
                row["personal_email"] = personal if rng.random() < 0.7 else None
                row["national_id"] = hashlib.sha256(p.nid.encode()).hexdigest()
                row["birth_date"] = _date(rng, p.birth) if rng.random() < 0.98 else None
                row["city"] = CITIES[p.city][0]
        rows.append(row)
    records = pd.DataFrame(rows)
    truth = pd.DataFrame({"record_id": records["record_id"], "person_id": [f"H{p:08d}" for p in person]})
    order = rng.permutation(len(records))
    return records.iloc[order].reset_index(drop=True), truth.iloc[order].reset_index(drop=True)
