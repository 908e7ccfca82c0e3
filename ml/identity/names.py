"""Person names to comparable (family, given) forms, whatever the script or the order they were written in.

Hanzi become tone-less pinyin (the surname with its surname reading: 单 shan, 曾 zeng), Latin text loses accents,
case and punctuation, and the ü spellings (lü, lv, lyu) fold to one form. A name is returned with a *primary*
and an *alternate* parse because the order of family and given name is often unknowable ("Wang Fang"):
the comparator aligns each pair on whichever parses agree best, so swaps cost nothing and never need a rule
per data source.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_NON_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]+")
_JOINERS = re.compile(r"['’`\-‐]")  # Xiao-Ming, O'Brien: one token
_SEPARATORS = re.compile(r"[^a-z0-9,\s]+")
_UMLAUT_U = re.compile(r"([ln])(?:yu|v)")  # lyu / lv / (lü after accent stripping: lu) -> lu
_TOKEN_SPLIT = re.compile(r"[\s,]+")
_NON_LETTER = re.compile(r"[^A-Za-z]")

# pypinyin reads characters with their most common reading; as surnames these are read differently.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "朴": "piao", "查": "zha", "盖": "ge",
    "覃": "qin", "缪": "miao", "翟": "zhai", "乐": "yue", "华": "hua", "任": "ren", "沈": "shen", "柏": "bai",
    "秘": "bi", "种": "chong", "重": "chong", "燕": "yan", "纪": "ji", "过": "guo", "薄": "bo", "贾": "jia",
    "石": "shi", "那": "na", "宿": "su", "牟": "mou", "冼": "xian", "洗": "xian", "召": "shao", "句": "gou",
    "隗": "wei", "员": "yun", "阚": "kan", "长": "chang", "朝": "chao", "都": "du", "折": "she", "尉": "wei",
    "万": "wan", "藏": "zang", "瞿": "qu", "殷": "yin", "葛": "ge", "舍": "she", "令": "ling", "繁": "po",
}
COMPOUND_SURNAMES: dict[str, str] = {
    "欧阳": "ouyang", "司马": "sima", "上官": "shangguan", "诸葛": "zhuge", "东方": "dongfang", "皇甫": "huangfu",
    "尉迟": "yuchi", "万俟": "moqi", "单于": "chanyu", "令狐": "linghu", "慕容": "murong", "司徒": "situ",
    "司空": "sikong", "夏侯": "xiahou", "长孙": "zhangsun", "宇文": "yuwen", "公孙": "gongsun", "轩辕": "xuanyuan",
    "端木": "duanmu", "闻人": "wenren", "澹台": "tantai", "南宫": "nangong", "呼延": "huyan", "独孤": "dugu",
    "钟离": "zhongli", "赫连": "helian", "申屠": "shentu", "淳于": "chunyu", "濮阳": "puyang", "太叔": "taishu",
    "百里": "baili", "拓跋": "tuoba", "公羊": "gongyang", "西门": "ximen", "第五": "diwu", "东郭": "dongguo",
}
# Common surnames, used only to guess which end of a romanised name is the family name.
_COMMON_SURNAMES_HANZI = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊"
    "葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆"
)
_EXTRA_LATIN_SURNAMES = frozenset({
    "wong", "chan", "cheung", "chang", "lee", "ng", "ho", "tan", "lim", "lau", "leung", "chow", "kwok", "tsang",
    "yeung", "choi", "kim", "park", "nguyen", "teo", "goh", "koh", "ong", "chua", "yap", "tay", "low",
})


class ParsedName(NamedTuple):
    """A name in comparable form. ``family``/``given`` is the most likely reading, ``*_alt`` the other one
    (the two ends of the name swapped); the ``hanzi_*`` parts keep the characters, which tell homophones apart."""

    family: str | None = None
    given: str | None = None
    family_alt: str | None = None
    given_alt: str | None = None
    hanzi_family: str | None = None
    hanzi_given: str | None = None


EMPTY = ParsedName()


@lru_cache(maxsize=200_000)
def _char_pinyin(ch: str) -> str:
    out = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return "".join(out)


def fold_latin(text: str) -> str:
    """Lower-case ASCII letters and digits: accents stripped, ü spellings folded, punctuation to spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower()
    text = _JOINERS.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    return _UMLAUT_U.sub(r"\1u", text)


def has_hanzi(text: str) -> bool:
    return _CJK.search(text) is not None


def hanzi_to_pinyin(text: str) -> str:
    """Tone-less pinyin of the Hanzi in ``text``, syllables joined without spaces ("小明" -> "xiaoming")."""
    return _UMLAUT_U.sub(r"\1u", "".join(map(_char_pinyin, _NON_CJK.sub("", text))))


def surname_pinyin(hanzi: str) -> str:
    if hanzi in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[hanzi]
    if len(hanzi) == 1 and hanzi in SURNAME_READINGS:
        return SURNAME_READINGS[hanzi]
    return hanzi_to_pinyin(hanzi)


@lru_cache(maxsize=1)
def latin_surnames() -> frozenset[str]:
    """Romanised common Chinese surnames (plus Cantonese/Hokkien spellings)."""
    readings = {surname_pinyin(c) for c in _COMMON_SURNAMES_HANZI}
    return frozenset(readings | set(COMPOUND_SURNAMES.values()) | _EXTRA_LATIN_SURNAMES)


def _split_hanzi(han: str) -> tuple[str | None, str | None]:
    if len(han) >= 3 and han[:2] in COMPOUND_SURNAMES:
        return han[:2], han[2:]
    if len(han) >= 2:
        return han[0], han[1:]
    return None, han


def _parse_hanzi(text: str) -> ParsedName:
    han = _NON_CJK.sub("", text)
    fam_h, giv_h = _split_hanzi(han)
    fam = surname_pinyin(fam_h) if fam_h else None
    giv = hanzi_to_pinyin(giv_h) if giv_h else None
    return ParsedName(fam, giv, giv, fam, fam_h, giv_h)


def _compact(tokens: list[str]) -> str | None:
    joined = "".join(tokens)
    return joined or None


def parse_full_name(raw: object) -> ParsedName:
    """One ``full_name`` value -> :class:`ParsedName` (``EMPTY`` when there is nothing to compare)."""
    if not isinstance(raw, str) or not raw.strip():
        return EMPTY
    text = unicodedata.normalize("NFKC", raw).strip()
    if has_hanzi(text):
        return _parse_hanzi(text)
    raw_tokens = [t for t in _TOKEN_SPLIT.split(_JOINERS.sub("", text)) if t]
    folded = fold_latin(text)
    if "," in folded:  # "Zhang, Wei": family first by convention
        fam_part, _, giv_part = folded.partition(",")
        fam, giv = _compact(fam_part.split()), _compact(giv_part.replace(",", " ").split())
        return ParsedName(fam, giv, giv, fam)
    tokens = folded.split()
    if not tokens:
        return EMPTY
    if len(tokens) == 1:
        return ParsedName(None, tokens[0], tokens[0], None)
    letters = [_NON_LETTER.sub("", t) for t in raw_tokens]
    caps = [i for i, t in enumerate(letters) if len(t) > 1 and t.isupper()]
    if len(caps) == 1 and len(raw_tokens) == len(tokens) and len(caps) < len(tokens):  # "ZHANG Wei"
        i = caps[0]
        fam, giv = tokens[i], _compact(tokens[:i] + tokens[i + 1:])
        return ParsedName(fam, giv, giv, fam)
    surnames = latin_surnames()
    first = (tokens[0], _compact(tokens[1:]))
    last = (tokens[-1], _compact(tokens[:-1]))
    primary, alt = (first, last) if tokens[0] in surnames and tokens[-1] not in surnames else (last, first)
    return ParsedName(primary[0], primary[1], alt[0], alt[1])


def _part(raw: object, family: bool) -> tuple[str | None, str | None]:
    """One name part -> (comparable form, hanzi)."""
    if not isinstance(raw, str) or not raw.strip():
        return None, None
    text = unicodedata.normalize("NFKC", raw).strip()
    if has_hanzi(text):
        han = _NON_CJK.sub("", text)
        return (surname_pinyin(han) if family else hanzi_to_pinyin(han)) or None, han
    return _compact(fold_latin(text).replace(",", " ").split()), None


def parse_parts(family: object, given: object) -> ParsedName:
    """Separate family / given columns; the alternate parse is the two swapped (a common entry error)."""
    fam, fam_h = _part(family, True)
    giv, giv_h = _part(given, False)
    if fam is None and giv is None:
        return EMPTY
    return ParsedName(fam, giv, giv, fam, fam_h, giv_h)
