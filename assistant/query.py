"""Query understanding: language, romanised names mapped to the corpus's Chinese names, unknown names.

English questions reach Chinese passages better when the place they name is added in Chinese:
"Dalin Village" → 大林村, "Zalaite" → 扎赉特旗. Names come from the corpus metadata aliases and from
the pinyin of the index's own vocabulary (with zh/ch/sh folded, as users type them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import jieba.posseg
from pypinyin import lazy_pinyin

from indexing.documents import Article
from indexing.textnorm import normalize

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Pinyin names may carry an apostrophe between syllables (Qi'an, Yan’an): it is part of the name.
_CAPITALISED_WORD = r"[A-Z][a-z]+(?:['’](?!s\b)[a-z]+)*"
_CAPITALISED_RUN = re.compile(rf"\b{_CAPITALISED_WORD}(?:[ -]{_CAPITALISED_WORD})*\b")
PLACE_SUFFIXES = ("嘎查", "村", "县", "旗", "市", "镇", "乡", "区", "州", "盟", "省")
_MIN_STEM_PINYIN = 4
_PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:嘎查|村|镇|乡|县|旗)")
# Places below a county, named inside an article rather than being its subject.
VILLAGE_SUFFIXES = ("嘎查", "村", "镇", "乡")
_SUFFIX_WORD_ENDS = frozenset("村民级镇庄振务干")
# Text in quotes is a name of something (a programme, a product), not a place to look up.
# An apostrophe inside a word (Qi'an, Alxa's) opens and closes no quote.
_QUOTED = re.compile(r"(?:[\"“]|(?<![A-Za-z])['‘])[^\"”’']*(?:[\"”]|['’](?![A-Za-z]))")
# One-character place suffixes: jieba may join one to the next word (海棠 + 镇共).
_SUFFIX_CHARACTERS = frozenset(s for s in PLACE_SUFFIXES if len(s) == 1)
# Capitalised words that are not names of places or people in these articles' world.
_COMMON_CAPITALISED = frozenset(
    "i a an the what which who whom whose when where why how is are was were do does did can could "
    "in on of for and or by to from with at as its their this that these those "
    "party communist cpc chinese china banner county city village town township district province "
    "prefecture league region autonomous secretary secretaries first poverty alleviation work team "
    "teams per capita yuan rmb according article articles please tell give list name".split()
)


_CLASSIFIER_QUESTION = re.compile(
    r"(?:多少|(?<!哪)几)(个人|名|个|所|户|人|项|支|次|件|座|家|条|元|万元|吨|亩|公里|平方公里)")


_NUMERALS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# Possessive: 哪十二年 is no 哪十 + 二年 (a list of ten).
_NUMERAL = r"[两二三四五六七八九十][一两二三四五六七八九十]{0,2}+|\d{1,2}+"
_LIST_CLASSIFIER = r"个方面|大|类|种|项|条|个|支|批|家|所"
# 哪八类, 哪三个, 哪五建 (the members a slogan counts, whatever its word), not 哪十二年 or 哪两届.
_WHICH_COUNT = rf"哪({_NUMERAL})(?![年月日天号次届期])[\u4e00-\u9fff]"
# A question that counts what it asks for (哪八类, 哪三个, "which eight kinds") wants every member listed.
# "List …", "give a list of" ask for one; "exit the list of poor counties", "red and black list" name one.
_LIST_QUESTION = re.compile(
    rf"分别|哪些|哪几|列举|有什么|{_WHICH_COUNT}|"
    r"[两二三四五六七八九十]{1,2}(?:大|类|种|项|条|个方面)[^，。？?]{0,12}(?:是什么|是哪|包括|指什么)|"
    r"\b(?:what|which) (?:are|were)\b|(?:^|[.?!]\s+)(?:please )?list\b|\byou (?:please )?list\b|"
    r"\b(?:give|provide|make) (?:me |us )?(?:a |the )?(?:full |complete )?list\b|"
    r"\b(?:what|which|name) (?:the )?(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\b(?!\d)",
    re.IGNORECASE)
# The count a list question asks for: 哪八类, 哪五建, 前五项, 三大…是什么, "which eight kinds" (not 三个村的…, 第三批,
# 120个).
_ASKED_COUNT = re.compile(
    rf"{_WHICH_COUNT}|"
    rf"(?<![目之以当提])前({_NUMERAL})(?:{_LIST_CLASSIFIER})(?!月|年|人次)|"
    rf"(?<![第\d两二三四五六七八九十])({_NUMERAL})(?:大|类|种|项|个方面)[^，。？?]{{0,12}}(?:是什么|是哪|包括|指什么)|"
    r"\b(?:which|what|name|list) (?:the |are the |were the )?(two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\b",
    re.IGNORECASE)
_FIRST_MEMBERS = re.compile(
    rf"(?<![目之以当提])前(?:{_NUMERAL})(?:{_LIST_CLASSIFIER})|"
    r"\bfirst (?:two|three|four|five|six|seven|eight|nine|ten)\b")


def numeral_value(numeral: str) -> int | None:
    """二十 → 20, 十二 → 12, 八 → 8, 12 → 12, eight → 8."""
    if numeral.isdigit():
        return int(numeral)
    if numeral.lower() in _NUMERALS and "十" not in numeral:
        return _NUMERALS[numeral.lower()]
    tens, _, units = numeral.partition("十")
    if "十" not in numeral or any(c not in _NUMERALS for c in tens + units):
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


_ACROSS_QUESTION = re.compile(
    r"哪(?:两|几|些)个?(?:地方|地区|县|旗|市)|哪(?:些|几篇)(?:文章|报道|材料)|分别|各自|相比|比较|对比|"
    r"\bwhich (?:of the )?(?:[a-z-]+(?:'s|s')? )?(?:places|counties|banners|cities|two|three|areas|regions|"
    r"reports|articles)\b|\bcompare|\bboth\b",
    re.IGNORECASE)


def asks_across_articles(question: str) -> bool:
    """A question that compares places or asks which places did something, in either script: each article's
    evidence counts."""
    return bool(_ACROSS_QUESTION.search(normalize(question)))


def asks_for_a_list(question: str) -> bool:
    """A question whose answer is a list (分别是什么, 哪些, 三大模式是什么, what are), in either script: it needs
    more passages."""
    return bool(_LIST_QUESTION.search(normalize(question)))


def asks_for_the_first(question: str) -> bool:
    """A list question asking for the first members of a longer list (前五项, "the first three")."""
    return bool(_FIRST_MEMBERS.search(normalize(question)))


def asked_count(question: str) -> int | None:
    """How many members a list question says it wants (哪八类 → 8, 三大…是什么 → 3, 前五项 → 5, "which eight
    kinds" → 8), None when it names no count."""
    text = normalize(question)
    match = _ASKED_COUNT.search(text)
    if match is None:
        return None
    return numeral_value(next(group for group in match.groups() if group))


def expected_classifier(question: str) -> str | None:
    """The measure word a Chinese how-many question asks for: 多少名党员 → 名, 多少所夜校 → 所."""
    match = _CLASSIFIER_QUESTION.search(normalize(question))
    if match is None:
        return None
    # 几个人 counts people, written with any of their measure words (名, 人, 位), not things (个).
    return None if match.group(1) == "个人" else match.group(1)


def detect_language(text: str) -> str:
    """"zh" when Han characters make up a fifth or more of the letters, else "en"."""
    han = len(_HAN.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    return "zh" if han and han * 5 >= han + latin else "en"


def fold_pinyin(text: str) -> str:
    """Lower-case pinyin without tones or spaces, zh/ch/sh folded to z/c/s ("Zhalaite" → "zalaite")."""
    return re.sub(r"([zcs])h", r"\1", re.sub(r"[^a-z]", "", text.lower()))


def han_pinyin(text: str) -> str:
    """Folded pinyin of Han text (扎赉特 → "zalaite")."""
    return fold_pinyin("".join(lazy_pinyin(text)))


# The two-character surnames still in use; every other surname is one character.
COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
                                "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "申屠"})


def romanised_name(name: str, surname: str | None = None) -> str:
    """A Chinese person's name in pinyin, surname first (张国强 → "Zhang Guoqiang", 欧阳修 → "Ouyang Xiu")."""
    if surname is None:
        surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    given = name[len(surname):]
    return " ".join("".join(lazy_pinyin(part)).capitalize() for part in (surname, given) if part)


@dataclass
class QueryAnalysis:
    """What the question is about, as far as the corpus can tell.

    `expansions` are Chinese names for the romanised names in the question; `entities` are those of
    them that name something inside an article (a village, a person) rather than an article's place.
    """

    question: str
    language: str
    expansions: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)

    @property
    def search_text(self) -> str:
        """The question with its names in Chinese appended, for both retrievers."""
        return " ".join([self.question, *self.expansions])


class QueryAnalyzer:
    """Built once from the indexed articles and the keyword vocabulary."""

    def __init__(self, articles: Iterable[Article], vocabulary: Iterable[str]) -> None:
        self.aliases: dict[str, list[str]] = {}
        self.known_words: set[str] = set()
        self.article_places: set[str] = set()
        corpus_text: list[str] = []
        for article in articles:
            chinese = [a for a in (article.aliases or ()) if _HAN.search(a)]
            self.article_places.update(normalize(p) for p in [*chinese, article.region or ""] if p)
            for name in [*(article.aliases or ()), *(re.split(r"[,()（）]", article.region_en or ""))]:
                name = name.strip()
                if name and not _HAN.search(name):
                    self.aliases.setdefault(name.lower(), []).extend(chinese[:1])
                    self.known_words.update(w.lower() for w in _LATIN_WORD.findall(name))
            corpus_text.append(normalize(" ".join([article.title, article.text, article.region or "", *chinese])))
        self.corpus_text = "\n".join(corpus_text)
        self.by_pinyin: dict[str, str] = {}
        self.by_stem_pinyin: dict[str, str] = {}
        # Place names as the text writes them, whatever jieba made of them (茶园坪村 may be 茶园 + 坪村).
        names = set(_PLACE_NAME.findall(self.corpus_text))
        for token in [*vocabulary, *sorted(names)]:
            if not _HAN.fullmatch(token[:1] or "x") or not 2 <= len(token) <= 8:
                continue
            self.by_pinyin.setdefault(han_pinyin(token), token)
            for suffix in PLACE_SUFFIXES:
                stem = token[: -len(suffix)]
                if token.endswith(suffix) and len(stem) >= 2 and len(han_pinyin(stem)) >= _MIN_STEM_PINYIN:
                    self.by_stem_pinyin.setdefault(han_pinyin(stem), token)
            # A people is named in English without 族, its stem often one character ("Miao": 苗族, "Tujia": 土家族).
            if token.endswith("族") and len(token) <= 4 and len(han_pinyin(token[:-1])) >= _MIN_STEM_PINYIN:
                self.by_stem_pinyin.setdefault(han_pinyin(token[:-1]), token)

    def analyze(self, question: str) -> QueryAnalysis:
        """Language, Chinese expansions of romanised names, and names the articles never mention."""
        analysis = QueryAnalysis(question=question, language=detect_language(question))
        lowered = question.lower()
        for alias, chinese in self.aliases.items():
            if re.search(rf"\b{re.escape(alias)}\b", lowered):
                analysis.expansions.extend(c for c in chinese if c not in analysis.expansions)
        unquoted = _QUOTED.sub(" ", question)
        for match in _CAPITALISED_RUN.finditer(unquoted):
            run = match.group(0)
            words = [w for w in re.split(r"[ -]", run) if w.lower() not in _COMMON_CAPITALISED]
            if not words:
                continue
            found = self._romanised(words)
            # The first word of the question is capitalised as the start of a sentence ("Adding up …").
            opening = match.start() == len(unquoted) - len(unquoted.lstrip()) and " " not in run
            if found:
                analysis.expansions.extend(f for f in found if f not in analysis.expansions)
                # Named by its own pinyin, not an article alias: a specific village, person or body.
                analysis.entities.extend(f for f in found if f not in analysis.entities and not any(
                    f in place for place in self.article_places))
            elif not opening and not any(w.lower() in self.known_words or w.lower() in self.aliases
                                         for w in words):
                analysis.unknown_names.append(" ".join(words))
        known, unknown = chinese_places(question, self._mentioned)
        analysis.unknown_names.extend(unknown)
        # A Chinese question's village or town named inside an article (白岩村), which retrieval must reach even
        # when the question's other words fit many passages better.
        normalized = normalize(question)
        # 乡村, 村民, 乡镇 make a word of the suffix, not a place (推进乡村振兴 names no 推进乡).
        named = [m.group(0) for m in _PLACE_NAME.finditer(normalized)
                 if normalized[m.end():m.end() + 1] not in _SUFFIX_WORD_ENDS]
        for name in [*known, *named]:
            if len(name) >= 3 and name.endswith(VILLAGE_SUFFIXES) and name in self.corpus_text and (
                    name not in analysis.entities) and not any(
                    name in place or place in name for place in self.article_places):
                analysis.entities.append(name)
        return analysis

    def _romanised(self, words: list[str]) -> list[str]:
        """Chinese tokens whose pinyin is the words joined or one word (with a place suffix dropped)."""
        # A run that is one name as a whole (Dong Wei: 董伟) is not also its words' names (Dong: 侗族).
        whole = self._romanised_token("".join(words))
        candidates = [whole] if whole else [self._romanised_token(w) for w in words]
        return list(dict.fromkeys(token for token in candidates if token))

    def _romanised_token(self, candidate: str) -> str | None:
        """The Chinese token whose pinyin is `candidate`, with or without a place suffix."""
        key = fold_pinyin(candidate)
        if len(key) < _MIN_STEM_PINYIN:
            return None
        return self.by_pinyin.get(key) or self.by_stem_pinyin.get(key)

    def _mentioned(self, name: str) -> bool:
        return place_stem(name) in self.corpus_text


def place_stem(name: str) -> str:
    """A place name without its one-character suffix (甘洛县 → 甘洛), as texts often write it."""
    return name[:-1] if name.endswith(PLACE_SUFFIXES) and len(name) > 2 else name


# Places counted or pointed at, not named (三县, 两镇, 各县): jieba may tag them as a place name.
_COUNTED_PLACES = re.compile(rf"[一二两三四五六七八九十几各本该此每多]+个?(?:{'|'.join(PLACE_SUFFIXES)})")


def chinese_places(question: str, mentioned: Callable[[str], bool]) -> tuple[list[str], list[str]]:
    """Place names (jieba tag ns) of a Chinese question: (those the articles mention, as they write them;
    those `mentioned` says no article mentions).

    jieba sometimes runs a name into its neighbour: 海棠镇共建立 → 海棠 + 镇共(ns), 海棠镇东门村 → 海棠 + 镇东门村.
    A word counts as known when it, or the name its first character completes (海棠 + 镇), or it without a
    character it took from a neighbour, names a place the articles mention.
    """
    known: list[str] = []
    unknown: list[str] = []
    previous = ""
    for word, flag in jieba.posseg.cut(normalize(question)):
        if flag == "ns" and len(word) >= 2 and not _COUNTED_PLACES.fullmatch(word):
            completed = previous + word[0] if word[0] in _SUFFIX_CHARACTERS and previous else ""
            names = [completed] if len(completed) >= 3 and mentioned(completed) else [
                v for v in _name_variants(word) if mentioned(v)]
            (known if names else unknown).append(names[0] if names else word)
        previous = word
    return known, unknown


def _name_variants(word: str) -> list[str]:
    """The word, and the place names a mis-segmentation may hide in it: a character too many at either end,
    or text after a place suffix (海棠镇党 → 海棠镇). A trimmed variant must still be a whole place name."""
    variants = [word]
    trimmed = [word[1:], word[:-1]]
    for suffix in PLACE_SUFFIXES:
        at = word.find(suffix)
        if 0 < at < len(word) - len(suffix):
            trimmed.append(word[: at + len(suffix)])
    variants += [t for t in trimmed if len(t) >= 3 and t.endswith(PLACE_SUFFIXES)]
    return variants
