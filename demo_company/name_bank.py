"""Person names for the demo company: Hanzi + pinyin for Chinese staff, Latin names for overseas staff.

Chinese rows carry both scripts so identity resolution has to match 张伟 against "Zhang Wei" / "Wei Zhang".
Pinyin is written without tones or apostrophes, the way passports and HR systems usually store it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# (hanzi, pinyin, weight ~ share of the population in percent). Polyphonic characters use their surname
# reading (曾 Zeng, 单 Shan, 区 Ou, 解 Xie, 仇 Qiu, 朴 Piao, 查 Zha), which naive pinyin converters get wrong.
# 吕 uses "Lyu", the romanisation on post-2012 Chinese passports.
CHINESE_SURNAMES: list[tuple[str, str, float]] = [
    ("王", "Wang", 7.12), ("李", "Li", 7.0), ("张", "Zhang", 6.7), ("刘", "Liu", 5.4), ("陈", "Chen", 4.5),
    ("杨", "Yang", 3.1), ("黄", "Huang", 2.2), ("赵", "Zhao", 2.0), ("吴", "Wu", 1.9), ("周", "Zhou", 1.9),
    ("徐", "Xu", 1.3), ("孙", "Sun", 1.3), ("马", "Ma", 1.2), ("朱", "Zhu", 1.2), ("胡", "Hu", 1.1),
    ("郭", "Guo", 1.1), ("何", "He", 1.0), ("林", "Lin", 1.0), ("高", "Gao", 1.0), ("罗", "Luo", 0.9),
    ("郑", "Zheng", 0.8), ("梁", "Liang", 0.8), ("谢", "Xie", 0.7), ("宋", "Song", 0.7), ("唐", "Tang", 0.7),
    ("许", "Xu", 0.6), ("韩", "Han", 0.6), ("冯", "Feng", 0.6), ("邓", "Deng", 0.6), ("曹", "Cao", 0.6),
    ("彭", "Peng", 0.5), ("曾", "Zeng", 0.5), ("肖", "Xiao", 0.5), ("田", "Tian", 0.5), ("董", "Dong", 0.5),
    ("袁", "Yuan", 0.4), ("潘", "Pan", 0.4), ("于", "Yu", 0.4), ("蒋", "Jiang", 0.4), ("蔡", "Cai", 0.4),
    ("余", "Yu", 0.4), ("杜", "Du", 0.4), ("叶", "Ye", 0.4), ("程", "Cheng", 0.4), ("苏", "Su", 0.35),
    ("魏", "Wei", 0.35), ("吕", "Lyu", 0.35), ("丁", "Ding", 0.33), ("任", "Ren", 0.33), ("沈", "Shen", 0.3),
    ("姚", "Yao", 0.3), ("卢", "Lu", 0.3), ("姜", "Jiang", 0.3), ("崔", "Cui", 0.28), ("钟", "Zhong", 0.28),
    ("谭", "Tan", 0.27), ("陆", "Lu", 0.27), ("汪", "Wang", 0.26), ("范", "Fan", 0.26), ("金", "Jin", 0.25),
    ("石", "Shi", 0.25), ("廖", "Liao", 0.24), ("贾", "Jia", 0.24), ("夏", "Xia", 0.23), ("韦", "Wei", 0.23),
    ("付", "Fu", 0.22), ("方", "Fang", 0.22), ("白", "Bai", 0.21), ("邹", "Zou", 0.21), ("孟", "Meng", 0.2),
    ("熊", "Xiong", 0.2), ("秦", "Qin", 0.2), ("邱", "Qiu", 0.2), ("江", "Jiang", 0.19), ("尹", "Yin", 0.19),
    ("薛", "Xue", 0.18), ("段", "Duan", 0.17), ("雷", "Lei", 0.17), ("侯", "Hou", 0.16), ("龙", "Long", 0.16),
    ("黎", "Li", 0.15), ("顾", "Gu", 0.15), ("毛", "Mao", 0.14), ("钱", "Qian", 0.13), ("严", "Yan", 0.12),
    ("单", "Shan", 0.06), ("区", "Ou", 0.02), ("解", "Xie", 0.03), ("仇", "Qiu", 0.02), ("朴", "Piao", 0.02),
    ("查", "Zha", 0.02),
    # Compound surnames are rare but must appear so name parsing cannot assume one character.
    ("欧阳", "Ouyang", 0.06), ("司马", "Sima", 0.02), ("诸葛", "Zhuge", 0.01), ("上官", "Shangguan", 0.01),
    ("司徒", "Situ", 0.02), ("东方", "Dongfang", 0.01), ("皇甫", "Huangfu", 0.01),
]

# Common given-name characters; "U" holds characters used for both sexes.
CHINESE_GIVEN_CHARS: dict[str, list[tuple[str, str]]] = {
    "F": [
        ("芳", "fang"), ("娜", "na"), ("静", "jing"), ("丽", "li"), ("敏", "min"), ("燕", "yan"), ("艳", "yan"),
        ("娟", "juan"), ("霞", "xia"), ("婷", "ting"), ("雪", "xue"), ("琳", "lin"), ("颖", "ying"),
        ("倩", "qian"), ("玲", "ling"), ("梅", "mei"), ("莉", "li"), ("萍", "ping"), ("红", "hong"),
        ("秀", "xiu"), ("兰", "lan"), ("凤", "feng"), ("蓉", "rong"), ("晶", "jing"), ("欣", "xin"),
        ("怡", "yi"), ("琪", "qi"), ("瑶", "yao"), ("璐", "lu"), ("薇", "wei"), ("萱", "xuan"), ("诗", "shi"),
        ("梦", "meng"), ("婉", "wan"), ("妍", "yan"), ("菲", "fei"), ("晴", "qing"), ("蕾", "lei"),
        ("媛", "yuan"), ("淑", "shu"), ("惠", "hui"), ("珊", "shan"), ("琴", "qin"), ("露", "lu"), ("莹", "ying"),
        ("婧", "jing"), ("姝", "shu"), ("芸", "yun"), ("岚", "lan"), ("璇", "xuan"), ("桂", "gui"),
        ("珍", "zhen"), ("爱", "ai"), ("美", "mei"), ("娇", "jiao"), ("茜", "qian"), ("卉", "hui"),
        ("曼", "man"), ("馨", "xin"), ("蓓", "bei"), ("雯", "wen"), ("翠", "cui"), ("丹", "dan"), ("月", "yue"),
    ],
    "M": [
        ("伟", "wei"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("勇", "yong"), ("杰", "jie"),
        ("涛", "tao"), ("斌", "bin"), ("超", "chao"), ("刚", "gang"), ("平", "ping"), ("辉", "hui"),
        ("鹏", "peng"), ("华", "hua"), ("飞", "fei"), ("鑫", "xin"), ("波", "bo"), ("浩", "hao"), ("凯", "kai"),
        ("健", "jian"), ("俊", "jun"), ("帆", "fan"), ("帅", "shuai"), ("旭", "xu"), ("龙", "long"),
        ("洋", "yang"), ("峰", "feng"), ("毅", "yi"), ("亮", "liang"), ("东", "dong"), ("博", "bo"),
        ("志", "zhi"), ("国", "guo"), ("建", "jian"), ("成", "cheng"), ("胜", "sheng"), ("兵", "bing"),
        ("坤", "kun"), ("鸣", "ming"), ("宏", "hong"), ("昊", "hao"), ("天", "tian"), ("轩", "xuan"),
        ("泽", "ze"), ("睿", "rui"), ("哲", "zhe"), ("铭", "ming"), ("翔", "xiang"), ("锋", "feng"),
        ("威", "wei"), ("振", "zhen"), ("伦", "lun"), ("彬", "bin"), ("豪", "hao"), ("阳", "yang"),
        ("远", "yuan"), ("航", "hang"), ("庆", "qing"), ("德", "de"), ("力", "li"), ("松", "song"),
        ("祥", "xiang"), ("宇", "yu"), ("明", "ming"),
    ],
    "U": [
        ("文", "wen"), ("佳", "jia"), ("嘉", "jia"), ("思", "si"), ("雨", "yu"), ("晨", "chen"), ("子", "zi"),
        ("一", "yi"), ("可", "ke"), ("安", "an"), ("清", "qing"), ("晓", "xiao"), ("小", "xiao"),
        ("春", "chun"), ("秋", "qiu"), ("新", "xin"), ("心", "xin"), ("若", "ruo"), ("家", "jia"), ("云", "yun"),
        ("宁", "ning"), ("然", "ran"), ("逸", "yi"), ("凡", "fan"), ("梓", "zi"), ("沐", "mu"), ("言", "yan"),
        ("舒", "shu"), ("语", "yu"), ("诺", "nuo"), ("奕", "yi"), ("辰", "chen"), ("悦", "yue"), ("星", "xing"),
        ("晗", "han"), ("羽", "yu"), ("彦", "yan"), ("瑞", "rui"), ("和", "he"), ("慧", "hui"), ("艺", "yi"),
        ("青", "qing"), ("永", "yong"), ("海", "hai"), ("洁", "jie"), ("金", "jin"), ("玉", "yu"),
        ("光", "guang"), ("亦", "yi"), ("书", "shu"), ("墨", "mo"), ("涵", "han"), ("雅", "ya"), ("希", "xi"),
        ("恒", "heng"), ("易", "yi"), ("容", "rong"), ("琦", "qi"), ("冰", "bing"), ("卓", "zhuo"), ("林", "lin"),
        ("立", "li"), ("华", "hua"), ("萌", "meng"),
    ],
}

# A mix of US, UK and Singapore/Malaysia first names for the overseas offices.
ENGLISH_GIVEN: dict[str, list[str]] = {
    "F": [
        "Emily", "Sarah", "Jessica", "Jennifer", "Amanda", "Ashley", "Rachel", "Laura", "Hannah", "Olivia",
        "Sophie", "Chloe", "Emma", "Charlotte", "Grace", "Lucy", "Amelia", "Megan", "Rebecca", "Katherine",
        "Natalie", "Victoria", "Michelle", "Stephanie", "Nicole", "Samantha", "Elizabeth", "Lauren", "Anna",
        "Claire", "Helen", "Alice", "Zoe", "Isabel", "Mia", "Ava", "Ella", "Lily", "Ruby", "Priya", "Aisha",
        "Nurul", "Siti", "Kavitha", "Divya", "Joanne", "Vanessa", "Cheryl", "Fiona", "Karen", "Linda", "Susan",
        "Maria", "Julia", "Diana", "Eleanor", "Georgia", "Holly", "Jasmine", "Melissa", "Angela", "Christine",
    ],
    "M": [
        "James", "John", "Michael", "David", "Daniel", "Matthew", "Andrew", "Christopher", "Joshua", "Ryan",
        "Thomas", "William", "Benjamin", "Samuel", "Oliver", "Harry", "Jack", "George", "Charlie", "Henry",
        "Edward", "Alexander", "Nicholas", "Jonathan", "Kevin", "Brian", "Jason", "Eric", "Mark", "Paul",
        "Peter", "Steven", "Richard", "Robert", "Joseph", "Anthony", "Patrick", "Sean", "Adam", "Luke",
        "Nathan", "Tyler", "Brandon", "Justin", "Aaron", "Marcus", "Rahul", "Arjun", "Ravi", "Muhammad",
        "Ahmad", "Hafiz", "Darren", "Gavin", "Wesley", "Terence", "Ethan", "Lucas", "Noah", "Leo", "Ian",
    ],
}

ENGLISH_SURNAMES: list[str] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Wilson",
    "Martinez", "Anderson", "Taylor", "Thomas", "Hernandez", "Moore", "Martin", "Jackson", "Thompson", "White",
    "Lopez", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips",
    "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
    "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward", "Cox", "Richardson",
    "Wood", "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Price", "Sanders", "Davies", "Hall", "Harrison",
    "Ellis", "Fisher", "Marshall", "Owen", "Palmer", "Hunt", "Mason", "Knight", "Butler", "Barnes", "Fraser",
    "Murray", "Graham", "Kennedy", "Reid", "Ross", "Shaw", "O'Brien", "Sullivan", "Fernandes", "Patel",
    "Singh", "Kumar", "Sharma", "Nair", "Menon", "Pillai", "Rahman", "Ismail", "Hassan", "Abdullah",
]

_TWO_CHAR_GIVEN_SHARE = 0.7


def _pooled(groups: list[list]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate per-gender pools (order F, M, X) into one array plus offsets and lengths.

    One uniform draw per row can then index any row's pool, so the number of rng draws does not depend
    on the gender mix and results stay deterministic and vectorised.
    """
    lengths = np.array([len(g) for g in groups], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = [x for g in groups for x in g]
    return flat, offsets, lengths


def _build_tables() -> dict[str, np.ndarray]:
    sur = CHINESE_SURNAMES
    weights = np.array([w for _, _, w in sur], dtype=float)
    # Given-name characters are deduplicated per pool so a character listed twice is not over-sampled.
    pools: list[list[tuple[str, str]]] = []
    for keys in (("F", "U"), ("M", "U"), ("F", "M", "U")):
        seen: dict[tuple[str, str], None] = {}
        for key in keys:
            seen.update(dict.fromkeys(CHINESE_GIVEN_CHARS[key]))
        pools.append(list(seen))
    zh_flat, zh_off, zh_len = _pooled(pools)
    en_pools = [ENGLISH_GIVEN["F"], ENGLISH_GIVEN["M"], ENGLISH_GIVEN["F"] + ENGLISH_GIVEN["M"]]
    en_flat, en_off, en_len = _pooled(en_pools)
    # Roughly Zipf-shaped so common surnames repeat, as in a real workforce.
    en_w = 1.0 / (np.arange(len(ENGLISH_SURNAMES)) + 15.0)
    return {
        "sur_hanzi": np.array([h for h, _, _ in sur], dtype=object),
        "sur_latin": np.array([p for _, p, _ in sur], dtype=object),
        "sur_p": weights / weights.sum(),
        "zh_hanzi": np.array([h for h, _ in zh_flat], dtype=object),
        "zh_pinyin": np.array([p for _, p in zh_flat], dtype=object),
        "zh_off": zh_off, "zh_len": zh_len,
        "en_given": en_flat, "en_off": en_off, "en_len": en_len,
        "en_sur": np.array(ENGLISH_SURNAMES, dtype=object),
        "en_sur_p": en_w / en_w.sum(),
    }


_T = _build_tables()


def sample_names(rng: np.random.Generator, genders: np.ndarray, chinese: np.ndarray) -> pd.DataFrame:
    """Draw one name per row.

    genders: 'F' / 'M' / anything else (treated as unspecified, drawing from all pools);
    chinese: bool per row. Returns a DataFrame in the input order with columns family_name,
    given_name (Hanzi for Chinese rows), family_latin and given_latin (pinyin, e.g. 'Xiaoming').
    Every row consumes the same rng draws, so output depends only on the rng state and the inputs.
    """
    g = np.asarray(genders)
    zh = np.asarray(chinese, dtype=bool)
    if g.shape != zh.shape or g.ndim != 1:
        raise ValueError("genders and chinese must be 1-D arrays of the same length")
    n = len(g)
    gcode = np.where(g == "F", 0, np.where(g == "M", 1, 2))

    t = _T
    sur_i = rng.choice(len(t["sur_p"]), size=n, p=t["sur_p"])
    u = rng.random((3, n))  # first given char, second given char, English given name
    two_char = rng.random(n) < _TWO_CHAR_GIVEN_SHARE
    en_sur_i = rng.choice(len(t["en_sur_p"]), size=n, p=t["en_sur_p"])

    zh_off, zh_len = t["zh_off"][gcode], t["zh_len"][gcode]
    c1 = zh_off + (u[0] * zh_len).astype(np.int64)
    c2 = zh_off + (u[1] * zh_len).astype(np.int64)
    en_i = t["en_off"][gcode] + (u[2] * t["en_len"][gcode]).astype(np.int64)

    h1, h2 = t["zh_hanzi"][c1], t["zh_hanzi"][c2]
    p1, p2 = t["zh_pinyin"][c1], t["zh_pinyin"][c2]
    zh_given = [a + b if two else a for a, b, two in zip(h1, h2, two_char, strict=True)]
    zh_given_latin = [(a + b if two else a).capitalize() for a, b, two in zip(p1, p2, two_char, strict=True)]

    en_given = t["en_given"][en_i]
    en_family = t["en_sur"][en_sur_i]
    family_name = np.where(zh, t["sur_hanzi"][sur_i], en_family)
    family_latin = np.where(zh, t["sur_latin"][sur_i], en_family)
    given_name = np.where(zh, np.array(zh_given, dtype=object), en_given)
    given_latin = np.where(zh, np.array(zh_given_latin, dtype=object), en_given)
    return pd.DataFrame(
        {
            "family_name": family_name,
            "given_name": given_name,
            "family_latin": family_latin,
            "given_latin": given_latin,
        }
    )
