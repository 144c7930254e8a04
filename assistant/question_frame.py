"""What a question asks, as a `QuestionFrame`: its terms (for an English question, the corpus words that
translate them), the measure word or unit of the answer, its years, places and bands. `assistant.alignment`
checks clauses against it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice

import jieba.posseg

from assistant.figures import (
    YEAR,
    band_side,
    clause_figures,
)
from assistant.lexicon import BilingualLexicon, lemma
from assistant.numerals import UNIT_CLASSES
from assistant.query import PLACE_SUFFIXES, VILLAGE_SUFFIXES, asked_count, chinese_places, numeral_value, place_stem
from indexing.textnorm import normalize, normalize_for_matching, normalize_script

HAN = re.compile(r"[\u4e00-\u9fff]")
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Han words joined by 、 (芒果、板栗、油茶): an enumeration.
HAN_ENUMERATION = re.compile(r"[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+)+")
# An apostrophe or hyphen joins letters (Qi'an's, warm-heart); one that closes a quote ('yellow') is no letter.
_ENGLISH_WORD = re.compile(r"[A-Za-z](?:[A-Za-z]|['’-](?=[A-Za-z]))*")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
# In an English question, a year is one after a preposition ("in 2019"); "the 2020 elections" and "Qingling's 2021
# elections" name a year too, "the 2000 households" a count.
_ENGLISH_YEAR = re.compile(r"(?:\b(?:in|by|since|during|of|for|from|to|until|before|after|year|the|and|or|between|"
                           r"through)|['’]s)\s+"
                           r"((?:19|20)\d\d)\b"
                           r"(?!\s*(?:households?|families|people|persons|yuan|mu|tons?|members?|cadres?|villages?|"
                           r"poor|rural|towns?|counties|students?|projects?|jobs?))",
                           re.IGNORECASE)
# Questions whose answer is a figure: how many/much, or what a measured quantity was.
_FIGURE_QUESTION = re.compile(
    r"how (?:many|much)|多少|(?<!哪)几大?[个名所户人项支次件座家条类种批期倍]|数量|总数|比例|百分之|增长|下降|"
    r"(?:收入|产量|产值|面积|人口|资金|金额|总额|规模|发生率|覆盖率|达标率|年龄)(?:是|为|达|有)?(?:多少|多大|几)?[？?]?$|"
    r"\b(?:income|output|production|value|area|population|funding|fund|amount|total|rate|percentage|age|"
    r"proportion|share|growth|increase|size|number|budget|investment|revenue|turnover|yield|salar(?:y|ies)|wages?)\b")
# What a question's noun measures when it names no measure word (产值呢？ asks for money, not tonnes).
_RATIO_NOUN = re.compile(r"比例|比重|占比|占多少|占几成|[生盖标长]率|百分比|\b(?:percentage|proportion|rate|share)\b",
                         re.IGNORECASE)
_MONEY_NOUN = re.compile(r"产值|钱|总值|价值|金额|资金|收入|投资|投入|销售额|营业额|总额|费用|经费|补贴|补助|贷款|报销|"
                         r"保障金|奖金|捐款|工资|薪水|薪酬|薪资|月薪|年薪|报酬|津贴|\b(?:value|income|revenue|funding|funds|investment|sales|"
                         r"turnover|salar(?:y|ies)|wages?|stipends?|"
                         r"expenses?|costs?|spending|fees?|subsid(?:y|ies)|allowances?|loans?|payments?|money|"
                         r"reimburse\w*)\b", re.IGNORECASE)
_PRICE_NOUN = re.compile(r"价格|价钱|单价|收购价|\bprices?\b", re.IGNORECASE)
_PER_UNIT = re.compile(r"每(?:斤|公斤|千克|吨|亩)|\bper (?:jin|kilogram|kg|kilo|ton|tonne|mu)\b", re.IGNORECASE)
_CHANGE_QUESTION = re.compile(r"提高|上涨|增长|增加|下降|\b(?:rise|rose|risen|raise|increase|grow|grew|drop|fall|fell)",
                              re.IGNORECASE)
# Output (产量) is weighed; its value (产值, "output value") is money.
_WEIGHT_NOUN = re.compile(r"产量|\b(?:output|yield|production)\b(?!\s+value)", re.IGNORECASE)
# "How much" asks for an amount, never a head count ("how much of the population's medical expenses").
_AMOUNT_QUESTION = re.compile(r"\bhow much\b", re.IGNORECASE)
_AREA_NOUN = re.compile(r"面积|\barea\b", re.IGNORECASE)
_PEOPLE_NOUN = re.compile(r"人口|\bpopulation\b", re.IGNORECASE)
_AGE_NOUN = re.compile(r"年龄|年纪|\bage\b", re.IGNORECASE)
# A how-many question counts things (多少笔贷款, "how many loans"), whatever its nouns measure.
_COUNTING_QUESTION = re.compile(r"how many|(?:多少|(?<!哪)几)(?![钱元万亿？?]|$)[\u4e00-\u9fff]", re.IGNORECASE)
_QUESTION_WORD = re.compile(r"how (?:many|much)|多少|(?<!哪)几大?[个名所户人项支次件座家条类种批期倍万亿元]",
                            re.IGNORECASE)
# A question asking for two figures ("how many members … and how much …"): each figure answers a part.
# …or two counted nouns of one question word: "how many households and people", 多少户和人.
_SECOND_FIGURE_QUESTION = re.compile(
    f"(?:{_QUESTION_WORD.pattern}).*(?:{_QUESTION_WORD.pattern})|"
    r"how many (?:[a-z-]+ ){0,2}?(?:households?|families|people|persons?|villages?|members?|cadres?) and "
    r"(?:[a-z-]+ ){0,2}?(?:households?|families|people|persons?|villages?|members?|cadres?|yuan)\b|"
    r"多少[户名人个](?:[\u4e00-\u9fff]{0,4})?[和、及](?:多少)?[户名人个口]", re.IGNORECASE)

# The words of a place's kind (county: 县): every official and figure of an article's place states them.
PLACE_WORDS = frozenset(PLACE_SUFFIXES)
# A year as a question writes it (2019年, 2019年度, 2019年底): the frame's years hold it. jieba would join its 年 to the
# next word (2019年产值 → 2019 + 年产值, a word no clause about 产值 states).
_YEAR_PHRASE = re.compile(r"(?<!\d)(?:19|20)\d\d\s*年(?:度|底|末|初)?")
# "Compared with the year before" (跟上年比, 比去年, 同比): a clause says it as 同比 or not at all, and jieba cuts
# 跟上年比 into 跟上 + 年比.
_BASELINE_PHRASE = re.compile(r"(?:跟|与|和|同|比|较)(?:上年|去年|上一年|前一年)(?:同期)?(?:相比|比)?|同比|环比")

# Counted nouns that say nothing but the measure ("how many people are in the pool"): 643名 states them as
# much as 人 does.
_MEASURE_ONLY_NOUNS = frozenset({"people", "person", "individual"})
# The kinds of local place an English question names after a romanised name, and their Chinese suffixes.
_ENGLISH_LOCAL_KINDS = {"village": "村", "town": "镇", "township": "乡", "gacha": "嘎查"}
_PEOPLE_MEASURE = frozenset({"名"})
_HOW_MANY = re.compile(r"\bhow many\b", re.IGNORECASE)
# English words that say what a how-many question counts.
_ENGLISH_UNITS: dict[str, str] = {
    **dict.fromkeys("people person individual member cadre official secretary student pupil teacher doctor "
                    "farmer herder herdsman volunteer worker resident villager staff leader instructor expert "
                    "talent graduate backbone child labourer laborer trainee participant".split(), "people"),
    **dict.fromkeys("household family families".split(), "households"),
    **dict.fromkeys("yuan rmb".split(), "money"),
    **dict.fromkeys("ton tonne kilogram kg jin catty".split(), "weight"),
    **dict.fromkeys("mu hectare acre square area".split(), "area"),
    **dict.fromkeys("village organisation organization branch committee school centre center project cooperative "
                    "base team group enterprise company town township measure item kind type batch".split(), "count"),
    **dict.fromkeys("percent percentage proportion rate incidence".split(), "percent"),
    **dict.fromkeys("times fold".split(), "times"),
    **dict.fromkeys(("year",), "years"),
}
# Things a how-many counts in 个, 所 or 支, which say nothing of what is counted (unlike 名 and 户): the figure's
# sentence must name them. Measures, items, kinds, types and batches are said by their measure word (八类人员).
_COUNTED_THINGS = frozenset(lemma(word) for word, unit in _ENGLISH_UNITS.items() if unit == "count") - {
    "measure", "item", "kind", "type", "batch"}
# Words that end the noun phrase after "how many": verbs, auxiliaries and prepositions.
_ENGLISH_PHRASE_ENDS = frozenset(
    "did do does are were was is have has had make makes made be been got get gets took take in on of for at to "
    "from by with there that which who will would can could came come comes went go goes belong belongs".split())
# Verbs that name what a figure measures (how much tea did the village sell: its sales, not a dividend of its tea
# factory): a clause must state them, as it must a noun. Other verbs have too many paraphrases to be required (选派,
# 配备, 下派).
_MEASURE_VERBS = frozenset({"sell", "销售", "售出", "卖出", "出售"})
# Nouns of an amount itself ("how much money", "how much funding"), which a figure in yuan or mu states whatever
# word its sentence uses: no thing whose amount is asked.
_AMOUNT_NOUNS = frozenset("money fund funding capital investment income revenue profit output value subsidy support "
                          "budget spending expenditure loan credit dividend land area space time growth increase "
                          "more less".split())
# A passive participle and its particle before "by" (run by, set up by, led by, organised by), not a place or
# time a figure is said of (sent to villages by the county, by 2020).
_PASSIVE = re.compile(r"\b([a-z]{2,}ed|run|led|set|built|held|made|sent|paid|put|chosen|taken|given|driven|"
                      r"undertaken|begun|won)(?: up| out)? by\b(?!\s*\d)")
# "How much tea did …": the words between "how much" and its verb name the thing measured.
_HOW_MUCH_THING = re.compile(r"\bhow much ((?:[a-z-]+ ){0,3}?[a-z-]+) (?:did|does|do|was|were|is|are|has|have|had|"
                             r"will|would|can|could)\b")
# English words that pick a part of the people counted, as the Chinese 区别词 女/男 do ("how many women",
# "female first secretaries"): unstated where the question points, the articles do not give that part.
# "Poor" tells 贫困村 from every 村, 贫困户 from every 农户: 贫困, or 脱贫 of those that escaped it (the dictionary's
# 较差 is "worse", a poor village is no 贫困地区, and 扶贫产业覆盖163个村 says nothing of which were poor).
_DISTINGUISHING_ENGLISH: dict[str, frozenset[str]] = {
    **dict.fromkeys(("female", "woman"), frozenset({"女性", "妇女"})), "male": frozenset({"男性"}),
    "poor": frozenset({"贫困", "脱贫", "特困"})}
# The word before an English output noun, which names what is produced ("camel meat output", "tea production").
_PRODUCT_OUTPUT = re.compile(r"\b([a-z-]+)(?:['’]s)? (?:output|production|yield)\b(?!\s+value)")
_OUTPUT_MODIFIERS = frozenset("annual yearly total overall average agricultural industrial county banner city "
                              "village town township province cooperative enterprise factory company base".split())
_PEOPLE_CONTEXT = re.compile(r"\b(?:people|peoples|ethnic|population|minority|minorities|nationality)\b", re.IGNORECASE)
_QUOTE_MARKS = re.compile(r"(?<![a-z])['‘’\"“”]|['‘’\"“”](?![a-z])")
# English words that name the unit of the answer wherever they stand ("the floor area in square metres").
_EXPLICIT_UNITS = frozenset("yuan ton tonne mu percent percentage square hectare".split())
_ZH_QUESTION_WORDS = frozenset(
    "多少 几 什么 哪些 哪 哪个 哪几 怎样 如何 怎么 是 的 了 有 共 共有 一共 总共 分别 吗 呢 为 为什么 是否 其 该 "
    "这 那 请问 请 问 情况 方面 主要 全 全部 及 和 与 或 在 中 上 对 被 把 由 于 给 到 从 以 等 个 名 所 人 "
    "达到 达 约 各 每 谁 何 多大 多长 哪里 哪儿".split())
_EN_STOPWORDS = frozenset(
    "a an the of to in on at by for with from and or as is are was were be been being do does did done how many "
    "much what which who whom whose when where why there their its it this that these those have has had "
    "total number amount figure count according article articles say says said tell me please name list "
    "give get got s' he she him her his hers they them theirs we us our you your i my me "
    "more less than between within among above below under over into about through after before since during "
    "until".split())
# A question word jieba may tag a noun (哪些, 何种, 多大); 少数民族 and 多元 hold its characters and are none.
_INTERROGATIVE = re.compile(r"哪|什么|谁|多少|^几|^何|^多[大久长高远]")
# What may follow a place's two-character stem when it is the place (甘洛的, 甘洛和, 甘洛？), not part of a name.
_STEM_END = r"(?=[^\u4e00-\u9fff]|[的和与及跟同在有共]|$)"
# A village's or town's name right after a place the question names (replaced by a space) or opening the question:
# the shortest that ends in a suffix, tried first. One before 级 is no name: 发展村级集体经济 says "village-level".
_LOCAL_NAME = re.compile(r"(?:(?<= )|^)([\u4e00-\u9fff]{2,4}?(?:嘎查|村|镇|乡))(?!级)")
# Characters beginning a word that says which villages, not a village's name (各村, 全旗嘎查, 本村, 驻村).
_SCOPE_CHARS = frozenset("全各每本该驻对给在从向为和与及的有")
# What is done to villages, which a village's name does not end in: 加强驻村工作队 is no village 加强驻村 (岭下村,
# 石包村 are names).
_VILLAGE_VERBS = ("驻村", "进村", "入村")
# A word used by at most this share of the articles is specific to some of them.
_SPECIFIC_SHARE = 0.25
# jieba's dictionary count above which a word is everyday Chinese (办法 10633, 措施 8163; 女性 5214, 驼奶 none).
_GENERIC_FREQUENCY = 6000
# Parts of speech (jieba) of Chinese question words that must be stated by the evidence: nouns, names,
# distinguishing words (女, 贫困), abbreviations and idioms. Verbs only add to the score.
_KEY_FLAGS = ("n", "nr", "nz", "nt", "ng", "vn", "an", "b", "j", "l", "i", "eng")

# What says "among" a whole: 其中, or 中 after the whole's noun (第一书记中有多少名…); "in" a thing
# (项目中投入了多少资金) is told apart by what follows: a count of the whole's kind, within a few words.
_AMONG_WORDS = frozenset({"中", "之中", "当中", "中有", "中的", "里"})
_COUNTED_ASK = re.compile(r"(?:多少|(?<!哪)几)[名个户人位家所项支座条类种批]")
# A how-much that ends the question with at most its measure (收入总额是多少？, 面积有多少亩？): the noun before it
# names what is measured.
_AMOUNT_ASK = re.compile(r"^(?:多少|多大)(?:万元|亿元|元|万亩|亩|万吨|吨|公斤|平方米|万|亿)?[？?。！!]*$")
# Words jieba tags as nouns that say how, not what, is measured (预计增加多少: an expected increase).
_MEASURE_ASIDES = frozenset("预计 预期 计划 目标 同比 累计 共计 最高 最低 平均".split())
# Nouns jieba tags as verbs (收入, 投资): what a how-much after them measures all the same.
_NOUN_LIKE_VERBS = frozenset("收入 投资 投入 支出 收益 分红 贷款 产出".split())
# Heads that only say "the amount of" (收入总额, 投资规模): the noun before them is the one measured. 面积 and 产量
# say what the measure word does (1800亩, 820吨), 额度 and 标准 what a limit or rate does, 比例 what % does.
_AMOUNT_HEADS = frozenset("总额 总数 数量 数 总量 规模 金额 总计 合计 总和 额 量 数额 数目 面积 产量 人数 户数 个数 "
                          "额度 标准 幅度 水平 价格 比例 占比 比重 百分比 比率".split())
# How the articles also write a measured noun (村集体经济总收益 for its 收入).
_MEASURE_PARAPHRASES: dict[str, frozenset[str]] = {
    "收入": frozenset({"收益", "营收"}), "收益": frozenset({"收入"}), "资金": frozenset({"经费", "资助"})}
_PART_WORDS = 12

# The prefix that makes a kind of the rest (非贫困村, 非党员): jieba reads it as a word of its own.
_NEGATION_PREFIX = "非"
_ENGLISH_NEGATIONS = frozenset({"not", "non"})
# "Other than" negates the word after it; the articles name those others 其他 (派驻其他村65名).
_OTHER_THAN = re.compile(r"\bother than\b", re.IGNORECASE)
_OTHERS = frozenset({"其他", "其它"})
# More ways than this of joining a compound's parts' translations is no telling which the compound is.
_MAX_COMPOUND_FORMS = 1000


@dataclass(frozen=True)
class Term:
    """A word of the question and the Chinese forms that state it in a clause.

    `parts` is a second way to state a phrase: every part present (工作 + 队 for "work team").
    `key` terms (nouns, names, qualifiers) must be stated for a clause to answer the question.
    """

    text: str
    forms: frozenset[str]
    parts: tuple[frozenset[str], ...] = ()
    key: bool = True
    # Forms that translate the word only in a later sense of theirs (部长 for "secretary"): they state it weakly.
    weak: frozenset[str] = frozenset()
    # Specific to some articles (驼奶), or a distinguishing word (女): its absence where the question points
    # means the articles do not state it there (a common or unknown word, 总额 or 能产, may be a paraphrase).
    telling: bool = False
    # An English compound as the corpus word its parts make (oil-tea: 油茶): it names one thing of a list as exactly
    # as a Chinese word would, although an article may call the thing otherwise (credit-loan: 信誉贷).
    exact: bool = False
    # A word of the part a question asks about in a whole (第一书记中有多少名来自市直单位, "how many of its first
    # secretaries came from province-level units"): the whole's figure is no answer for it.
    part: bool = False
    # A word of a sentence before the asking one, which sets the scene: stated, it adds to a clause's coverage;
    # unstated, it is not missed.
    scene: bool = False
    # A distinguishing word of the counted noun ("how many poor villages", "female secretaries"): a figure whose
    # clause leaves it out counts them all (为全县163个村…注入动能, next to 脱贫摘帽后 in its sentence).
    counted_kind: bool = False
    # The thing a how-many counts in 个 ("how many villages", 多少个党支部): a figure whose sentence does not name it
    # (安置点11个) counts something else; one in a breakdown may leave it to the sentence (其中10-50万元的30个).
    counted_thing: bool = False

    @property
    def distinguishing(self) -> bool:
        """Whether the word tells one kind from its neighbours (四星级, 非贫困村, oil-tea) or names the part of a
        whole that is asked about: a figure said of a neighbour in a list or of the whole before a breakdown is no
        answer for it."""
        return self.telling or self.exact or self.part

    @property
    def checkable(self) -> bool:
        """Whether the term has any Chinese form to look for (an untranslatable English word has none)."""
        return bool(self.forms) or bool(self.parts)

    @property
    def loose(self) -> bool:
        """Whether only compounds and later senses translate the term: stated, it adds to a clause's coverage;
        unstated, it says little (an English word the dictionary knows only inside 户均 "household average")."""
        return not (self.forms - self.weak) and not self.parts

    def found_in(self, text: str) -> bool:
        """Whether `text` (normalised for matching) states the term, also with a part of it in quotes (村“两委”
        states 村两委)."""
        if any(holds(text, form) for form in self.forms - self.weak):
            return True
        if INNER_QUOTE.search(text) and any(holds(_unquoted(text), form) for form in self.forms - self.weak):
            return True
        return bool(self.parts) and all(any(f in text for f in part) for part in self.parts)

    def weakly_found_in(self, text: str) -> bool:
        """Whether `text` states the term only through a form that translates it in a later sense."""
        return any(form in text for form in self.weak)


# A verb's negation right before a word (不能享受易地搬迁项目, 没有发展党员, 未纳入监测): the clause says it is not so.
# Not across 的: 没有劳动能力的贫困户 are 贫困户 all the same.
_NEGATING_VERB = re.compile(r"不能|无法|没有|未能|不属于|未纳入|未享受")
_NEGATED_BEFORE = re.compile(rf"(?:{_NEGATING_VERB.pattern})(?:(?!的)[\u4e00-\u9fff]){{0,5}}$")
_NEGATION_REACH = 8
# Quotes around part of a word (村“两委”, “五个一”工作法): what they mark is still written.
INNER_QUOTE = re.compile(r"[“”「」]")


@lru_cache(maxsize=4096)
def _unquoted(text: str) -> str:
    """`text` without its quote marks."""
    return INNER_QUOTE.sub("", text)


def holds(text: str, form: str) -> bool:
    """Whether `text` holds `form` other than in its negation (非贫困村 is no 贫困村) or under a verb's (不能享受易地
    搬迁项目的贫困户 are no relocated ones)."""
    if form not in text:
        return False
    negation = _NEGATION_PREFIX + form
    if not (form.startswith(_NEGATION_PREFIX) or negation not in text or form in text.replace(negation, "")):
        return False
    if not _NEGATING_VERB.search(text):
        return True
    at = text.find(form)
    while at >= 0:
        if not _NEGATED_BEFORE.search(text, max(0, at - _NEGATION_REACH), at):
            return True
        at = text.find(form, at + 1)
    return False


@dataclass(frozen=True)
class QuestionFrame:
    """What a question asks, in terms a Chinese clause can be checked against."""

    # In Simplified script, as the user's words otherwise.
    question: str
    language: str
    terms: tuple[Term, ...] = ()
    unit: str | None = None
    years: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    wants_figure: bool = False
    # Figures the question states as qualifiers (超过20万元的村, "above 200,000 yuan"): a clause answering it
    # states them too, and they are never the answer.
    figures: tuple[float, ...] = ()
    # The side of its band each qualifier figure stands for ("below 50,000 yuan": below), where the question says.
    sides: tuple[tuple[float, str], ...] = ()
    # The villages and towns asked about (no article's own place, which is a county, banner or city): a passage
    # about one names it.
    local_places: tuple[str, ...] = ()
    # The measures of a question asking figures in several (多少家工厂…多少人就业), when `unit` is None for that:
    # a clause counting in any of them may answer.
    units: tuple[str, ...] = ()
    # An English how-many whose counted noun names no measure ("how many of them are from poor households"): it
    # counts, so a figure in yuan, tons or mu (户均增收2万元) is how much of something, no answer.
    counting: bool = False
    # The kinds of local place asked about (村, 镇), also where an English question names one ("Yunwu Village")
    # that its articles may write otherwise: a county-wide figure (全县…) is no answer for them.
    local_kinds: tuple[str, ...] = ()

    @property
    def key_terms(self) -> tuple[Term, ...]:
        """The terms a clause must state (among those that can be checked, and not loosely translated)."""
        return tuple(t for t in self.terms if t.key and t.checkable and not t.loose)


class FrameBuilder:
    """Turns questions into frames; built once per index (vocabulary, article places, lexicon)."""

    def __init__(self, lexicon: BilingualLexicon, place_names: Iterable[str],
                 article_texts: Iterable[str] = ()) -> None:
        self.lexicon = lexicon
        self.place_names = frozenset(normalize(p) for p in place_names if p)
        self.article_texts = [normalize(t) for t in article_texts]

    def build(self, question: str, language: str, places: Sequence[str] = ()) -> QuestionFrame:
        """The frame of `question`; `places` are the Chinese place names query analysis found in it."""
        normalized = normalize(question)
        years = tuple(dict.fromkeys(YEAR.findall(normalized) or _ENGLISH_YEAR.findall(normalized)))
        found_places = [normalize(p) for p in places]
        context, asking = _context_and_ask(question)
        if language == "zh":
            terms, unit, zh_places = self._chinese_terms(normalize(asking))
            found_places += zh_places
        else:
            terms, unit = self._english_terms(asking)
            # A people the question names in English ("the Miao population": 苗族) is a kind a clause must state, as
            # 苗族 would be; "Miao embroidery" (苗绣) names no people.
            if _PEOPLE_CONTEXT.search(question):
                terms += [Term(p, frozenset({p}), key=True, telling=True) for p in found_places if p.endswith("族")]
            # "grid workers (网格员)", "sell (出栏)": the Chinese the question quotes is what a clause must say.
            quoted = "".join(f" {run} " for run in HAN_RUN.findall(normalized))
            if quoted.strip():
                chinese, _unit, zh_places = self._chinese_terms(quoted)
                terms += [replace(t, key=True, telling=True) for t in chinese if len(t.text) >= 2]
                found_places += zh_places
        if context:
            terms, scene_places = self._context_terms(context, asking, language, terms)
            found_places += scene_places
        wants_figure = bool(unit or _FIGURE_QUESTION.search(normalized))
        if wants_figure and unit is None and not _SECOND_FIGURE_QUESTION.search(normalized):
            unit = measured_unit(normalized)
        amounts = _english_amounts(normalized)
        # Counts a question writes in words (四个县中, 六项工程) say how many things it is about, not which figure:
        # a band or quantity it asks by (5万元以下, 35岁以下) is written in digits.
        matching = normalize_for_matching(amounts)  # the text clause_figures' offsets are into
        figures = tuple(dict.fromkeys(f.value for f in clause_figures(matching)
                                      if f"{f.value:g}" not in years and matching[f.start].isdigit()))
        places = tuple(dict.fromkeys(found_places))
        if unit == "years":
            years = ()  # a span counted from a year (从2013年底算起，经过几年) is no figure of that year
        several = asked_units(normalize(asking)) if language == "zh" and unit is None else set()
        units = tuple(sorted(several)) if len(several) > 1 else ()
        counting = language != "zh" and unit is None and not units and _HOW_MANY.search(normalized) is not None
        local = tuple(p for p in places if p.endswith(VILLAGE_SUFFIXES) and p not in self.place_names and (
            len(p) >= 3 or p.endswith("村")))  # 武乡 is a county, 坪村 (of 茶园坪村, split by jieba) a village
        kinds = [next(suffix for suffix in VILLAGE_SUFFIXES if p.endswith(suffix)) for p in local]
        kinds += self._named_local_kinds(places, normalized) if language != "zh" else []
        # Simplified, so the question-shape patterns (谁, 各级, 其中) read a Traditional question too (誰, 各級).
        return QuestionFrame(question=normalize_script(question), language=language, terms=tuple(terms), unit=unit,
                             years=years, places=places, wants_figure=wants_figure, figures=figures,
                             sides=question_sides(amounts), local_places=local, units=units, counting=counting,
                             local_kinds=tuple(dict.fromkeys(kinds)))

    def _named_local_kinds(self, places: Sequence[str], question: str) -> list[str]:
        """The kinds (村, 镇) of the villages and towns an English question names by a romanised name and its kind
        ("Yunwu Village"), where query analysis found the name alone (云雾) and an article writes it with the
        kind (云雾村). Only the kind is checked: a passage about the place may name it otherwise (海棠 for 海棠镇)."""
        kinds = [suffix for word, suffix in _ENGLISH_LOCAL_KINDS.items() if re.search(rf"\b{word}\b", question)]
        return [suffix for place in places for suffix in kinds
                if not place.endswith(VILLAGE_SUFFIXES) and place not in self.place_names and not any(
                    place in name for name in self.place_names) and any(
                    place + suffix in text for text in self.article_texts)]

    def _context_terms(self, context: str, asking: str, language: str, asked: list[Term]
                       ) -> tuple[list[Term], list[str]]:
        """The asked sentence's terms, then those of the sentences before it that set the scene ("…members run
        hundreds of cooperatives. How many poor households are they bringing along?"): a clause stating them
        answers better, one leaving them out may still answer. Without a key term of its own, the asked sentence
        ("How many?") takes the scene's terms as they are. Also the places the scene names (its Chinese ones;
        romanised names come with the query analysis)."""
        places: list[str] = []
        if language == "zh":
            scene, _unit, places = self._chinese_terms(normalize(context))
        else:
            scene, _unit = self._english_terms(context)
        if not any(t.key and t.checkable for t in asked):
            return [*scene, *asked], places
        own = {t.text for t in asked}
        referred = _referent_modifiers(context, asked, asking) if language != "zh" else set()
        return [*asked, *(t if t.text in referred else replace(t, key=False, telling=False, part=False, scene=True)
                          for t in scene if t.text not in own)], places

    def _specific(self, word: str) -> bool:
        """A word of the corpus that few of its articles use (驼奶, not 总额 or 办法): its absence where the
        question points says the articles do not state it there, not that the question paraphrased."""
        if word not in self.lexicon.vocabulary or not self.article_texts:
            return False
        if (jieba.get_FREQ(word) or 0) >= _GENERIC_FREQUENCY:
            return False  # everyday Chinese (办法, 措施): an article may say it another way (管理法)
        using = sum(1 for text in self.article_texts if word in text)
        return using <= max(1, _SPECIFIC_SHARE * len(self.article_texts))

    def _listed(self, forms: frozenset[str]) -> bool:
        """Whether an article lists one of `forms` beside others (茶叶、咖啡、核桃): a thing of a kind, as products
        are, not a body or an act (村委会, 派驻)."""
        for text in self.article_texts:
            if not any(f in text for f in forms):
                continue
            for enumeration in HAN_ENUMERATION.findall(text):
                items = enumeration.split("、")
                # The thing is an item of its own: a whole one, or the end of the first or the start of the last of
                # three or more (重点发展茶叶、咖啡、核桃四大产业), not a word inside one (名、派驻软弱涣散村).
                if any(item in forms for item in items) or (len(items) >= 3 and any(
                        items[0].endswith(f) or items[-1].startswith(f) for f in forms)):
                    return True
        return False

    def _mentioned(self, name: str) -> bool:
        """Whether an article mentions the place (its stem: 甘洛 for 甘洛县)."""
        stem = place_stem(name)
        return any(stem in text for text in self.article_texts)

    def _named_places(self, normalized: str) -> tuple[list[str], str]:
        """The articles' place names the question writes (longest first), and the question without them.

        jieba does not know a new article's county (岐安县 → 岐 + 安县, and 安县 is a real county elsewhere), so
        the names the index knows are taken from the text before segmenting it."""
        named = []
        for place in sorted(self.place_names, key=len, reverse=True):
            if len(place) < 2 or not HAN.search(place):
                continue
            # A two-character stem may begin another name (乌兰 of 乌兰察布): it counts before a break only.
            pattern = re.escape(place) + ("" if len(place) > 2 else _STEM_END)
            if re.search(pattern, normalized):
                named.append(place)
                normalized = re.sub(pattern, " ", normalized)
        return named, normalized

    def _local_names(self, text: str) -> tuple[list[str], str]:
        """The names of villages and towns written right after a place the question names (望谟县乐旺镇坡头村:
        乐旺镇, 坡头村), as an article writes them, and the question without them.

        jieba knows few of them (坡 + 头 + 村; 马莲 + 河镇, a place no article mentions). A word it knows (贫困村)
        or one saying which (各村, 全旗嘎查) is no name."""
        names: list[str] = []
        while match := next((m for m in _LOCAL_NAME.finditer(text) if self._is_local_name(m.group(1))), None):
            names.append(match.group(1))
            text = f"{text[:match.start(1)]} {text[match.end(1):]}"
        return names, text

    def _is_local_name(self, name: str) -> bool:
        """Whether `name` (ending in 村, 镇, 乡 or 嘎查) names one village or town: a word jieba does not know,
        not a word saying which (各村), and written in exactly one article, as a name is. A kind of village
        (空壳村, 软弱涣散村) is written in several; 美丽乡 of 美丽乡村 is inside another word."""
        jieba.initialize()  # get_FREQ knows no word before the dictionary is loaded
        stem = next(name[:-len(s)] for s in VILLAGE_SUFFIXES if name.endswith(s))
        if jieba.get_FREQ(name) or stem.endswith(PLACE_SUFFIXES) or stem[0] in _SCOPE_CHARS or (
                name.endswith(_VILLAGE_VERBS)):
            return False
        written = re.compile(re.escape(name) + (r"(?![村风级])" if name.endswith("乡") else "(?!级)"))
        # A second article writing it settles it: no need to read the rest of a large corpus.
        return len(list(islice((text for text in self.article_texts if written.search(text)), 2))) == 1

    def _is_place(self, word: str) -> bool:
        """A name or alias of an article's place, or a word holding one (甘洛县委)."""
        return len(word) >= 2 and (word in self.place_names or any(place in word for place in self.place_names
                                                                    if len(place) >= 2))

    def _chinese_terms(self, normalized: str) -> tuple[list[Term], str | None, list[str]]:
        terms: list[Term] = []
        # As the articles write them (海棠镇, where jieba sees 海棠 + 镇共); a place they never mention stays, so
        # no evidence is about it.
        named, normalized_rest = self._named_places(normalized)
        local, normalized_rest = self._local_names(normalized_rest)
        named += local
        normalized_rest = _BASELINE_PHRASE.sub(" ", _YEAR_PHRASE.sub(" ", normalized_rest))
        known, unknown = chinese_places(normalized_rest, self._mentioned)
        places = [*named, *known, *unknown]
        # Figures asked in several measures (建了多少家工厂？吸纳了多少人就业？) are asked in none of them alone.
        units = asked_units(normalized)
        unit = next(iter(units)) if len(units) == 1 else None
        words = _joined_negations([(w.strip(), f) for w, f in jieba.posseg.cut(normalized_rest)])
        # A question for the whole and its part (多少名第一书记，其中多少名…) is answered with both: no part is asked.
        among = None if asks_several_figures(normalized) else _among_at(words)
        whole = {w for w, _ in words[:among]} if among is not None else set()
        measured = _measured_noun_at(words)
        # Several figures asked (约谈了多少名、召回调整了多少名; 几个检查组…多少个乡镇): each of its own act and noun.
        several = asks_several_figures(normalized)
        counted_head = None if several else _counted_head_at(words)
        asked_acts = set() if several else _asked_acts_at(words)
        for at, (word, flag) in enumerate(words):
            if not word or not HAN.search(word) or word in _ZH_QUESTION_WORDS:
                continue
            if self._is_place(word) and flag != "ns":
                places.append(word)  # 甘洛县委: a word holding an article's place
            if flag == "ns" or self._is_place(word):
                continue  # a place: the evidence must be about it, not state it as a word
            if flag.startswith(("r", "u", "p", "c", "y", "e", "o", "m", "q", "d", "x", "w")):
                continue
            # An adjective before a noun names a kind (贫困嘎查村, not every 嘎查村): as much a key as the noun.
            attributive = (flag.startswith("a") and at + 1 < len(words) and HAN.search(words[at + 1][0]) is not None
                           and not words[at + 1][1].startswith(("u", "r", "p", "c", "y", "d", "v", "x", "w")))
            # 非贫困村 is a kind of its own: a clause about 贫困村 is about the others.
            negated = word.startswith(_NEGATION_PREFIX) and len(word) > 1
            telling = flag == "b" or negated or self._specific(word)
            # The act a how-many counts (召回调整了多少名), in a word few articles use, is as telling as a noun:
            # a clause of another act (进行了约谈) counts other people. Everyday verbs (派出, 建成) are paraphrased.
            act = at in asked_acts and telling
            key = (flag.startswith(_KEY_FLAGS) or attributive or word in _MEASURE_VERBS or act) and len(word) >= 2 and (
                not _INTERROGATIVE.search(word))
            # A word of the part asked about in a whole (第一书记中有多少名来自市直单位: 市直, 单位) tells as 女性 does;
            # the whole's word said again (党员中，少数民族党员有多少名) is the whole's, not the part's.
            part = among is not None and at > among and (key or negated) and word not in PLACE_WORDS and (
                word not in whole)
            # What a how-much measures (村集体经济收入总额是多少: 收入): a sentence not naming it measures something
            # else (扶持资金2600万元), as for "how much tea".
            forms = frozenset({word}) | _household_forms(word, unit) | (
                _MEASURE_PARAPHRASES.get(word, frozenset()) if at == measured else frozenset())
            terms.append(Term(word, forms, key=key or negated or at == measured,
                              telling=telling or part, part=part or at == measured, counted_thing=at == counted_head))
        # A name the question quotes that jieba makes no word of (五个一 is a numeral to it) is what a clause must
        # say, when an article writes it; a quoted name of words (“四类人员”) is stated by its words, and one no
        # article writes (“四不摘”) is the user's own label.
        terms += [Term(name, frozenset({normalize_for_matching(name)}), telling=True)
                  for name in _quoted_names(normalized)
                  if not any(t.text in name for t in terms) and any(name in text for text in self.article_texts)]
        return terms, unit, places

    def _name_words(self, words: Sequence[str]) -> set[int]:
        """The positions of the words of romanised names: a capitalised word the dictionary does not know, and
        the capitalised words after it ("Alxa Right Banner": "Right" is part of the place, not 正在)."""
        named: set[int] = set()
        for i, word in enumerate(words):
            if word[:1].isupper() and (i - 1 in named or (lemma(word) not in self.lexicon.forms
                                                          and word.lower() not in _EN_STOPWORDS)):
                named.add(i)
        return named

    def _english_terms(self, question: str) -> tuple[list[Term], str | None]:
        # An amount's scale ("1 million") is its figure's, no word a clause states.
        question = _english_amounts(question)
        # "Villages other than poor villages" are the villages not poor: 非贫困村, or 其他村 beside 贫困村.
        others = _OTHER_THAN.search(question) is not None
        # A possessive is its noun ("the poor population's expenses": population).
        words = [_POSSESSIVE.sub("", w) for w in _ENGLISH_WORD.findall(_OTHER_THAN.sub("not", question))]
        named = self._name_words(words)
        # Capitalised words after the first are names (matched by query analysis) unless the dictionary knows
        # them as words ("Party", "Communist").
        # The members a list question counts ("what three goals") are how many to list, no word a clause states.
        size = asked_count(question)
        content = [w for i, w in enumerate(words) if i not in named and w.lower() not in _EN_STOPWORDS and (
            i == 0 or not w[:1].isupper() or lemma(w) in self.lexicon.forms) and not (
            size is not None and numeral_value(w) == size)]
        unit = None
        # Quotes around a counted noun ("how many 'empty-shell' villages") are no part of it.
        lowered = _QUOTE_MARKS.sub("", question.lower())
        counted = re.search(r"how many (of (?:the |their |its |these |those )?)?"
                            r"([a-z-]+(?:'s)?(?: [a-z-]+(?:'s)?){0,6})", lowered)
        part: set[str] = set()
        counted_words: set[str] = set()
        counted_thing = None
        if counted:
            # The counted noun phrase ends at its verb ("how many village cadres serve in the teams"): its last
            # word with a unit is its head (village cadres → people). The word right after "how many" is no verb
            # ("how many registered poor people", "how many trained farmers").
            phrase = counted.group(2).split()
            for at, word in enumerate(phrase):
                verb_like = word.endswith("ed") or self.lexicon.is_verb(lemma(word))
                if word in _ENGLISH_PHRASE_ENDS or (at > 0 and verb_like and lemma(word) not in _ENGLISH_UNITS):
                    # "how many of its grid workers are Party members": the words from the verb on name the part
                    # of the whole asked about (unless the question asks for the whole too).
                    if counted.group(1) and not asks_several_figures(lowered):
                        rest = lowered[counted.start(2) + len(" ".join(phrase[:at])):]
                        part = {lemma(w) for w in _ENGLISH_WORD.findall(rest)}
                    break
                if lemma(word) == "year" and at > 0:
                    break  # "how many farmers each year": the year is when, not what is counted
                counted_words.add(lemma(word))
                unit = _ENGLISH_UNITS.get(lemma(word)) or unit
                # The phrase's last word is its head ("village party secretaries": secretary, not village).
                counted_thing = lemma(word) if lemma(word) in _COUNTED_THINGS else None
        elif re.search(r"\bwhat (?:is|was) the (?:total |floor |land |built |covered )?area\b", lowered):
            unit = "area"
        # The thing a "how much" asks the amount of ("how much tea"), unless it is a measure ("how much money").
        # Its head noun, the last word before the verb ("how much annual income does …": income, an amount).
        mass = _HOW_MUCH_THING.search(lowered)
        head = lemma(mass.group(1).split()[-1]) if mass else ""
        measured = head if head and head not in _ENGLISH_UNITS and head not in _EN_STOPWORDS and (
            head not in _AMOUNT_NOUNS) else None
        # The product an output is of ("camel meat output": meat), as much the thing measured as "how much tea".
        product = _PRODUCT_OUTPUT.search(lowered)
        if measured is None and product and lemma(product.group(1)) not in _OUTPUT_MODIFIERS | _EN_STOPWORDS:
            measured = lemma(product.group(1))
        explicit = ("percent", "percentage") if counted else _EXPLICIT_UNITS
        for word in content:
            unit = unit or (_ENGLISH_UNITS.get(lemma(word)) if lemma(word) in explicit else None)
        # So is its currency ("between 500,000 and 1000000 yuan"), once the unit has been read.
        currencies = {m.group(1).lower() for m in _CURRENCY_AFTER_FIGURE.finditer(question)}
        content = [w for w in content if w.lower() not in currencies]
        content, negated = _negations(content)
        # A participle before "by" ("the cooperative run by the Party branch", "set up by") is a verb, however
        # the dictionary glosses the word: the Chinese says it many ways (领办, 牵头成立).
        passive = {form for word in _PASSIVE.findall(lowered) for form in (lemma(word), self.lexicon.base_form(word))}
        terms = []
        for text, forms, kind in self._translate(content, negated):
            if kind == "negated":
                terms.extend(self._negated_term(text, forms, others))
                continue
            # Each part in a translation of its own (a compound's loose form, 以上 for "level", states no part).
            parts = tuple(frozenset(self.lexicon.forms.get(p, set()) - self.lexicon.weak_forms.get(p, frozenset()))
                          for p in text.split()) if " " in text else ()
            parts = parts if parts and all(parts) else ()
            if text in _MEASURE_ONLY_NOUNS and text in counted_words:
                forms = forms | _PEOPLE_MEASURE
            # "How many households" asks in 户 as 多少户 does ("how many years" in 年, "how many people" in 名 or 人):
            # the measure, which the unit check asks, is no word a clause must state besides (贫困人口1.92万户 is no
            # count of households under monitoring, 选派第一书记131名 none of the reserve pool's people).
            measure = text in counted_words and (_ENGLISH_UNITS.get(text) in ("households", "years") or (
                text in _MEASURE_ONLY_NOUNS))
            key = not (self.lexicon.is_verb(text) or text in passive or measure) or text in _MEASURE_VERBS or (
                text in _DISTINGUISHING_ENGLISH)
            # A word of the asked part tells one kind from the whole, but is not `telling`: its translations are
            # too loose for an unstated one to mean a near miss. The county of "county units" is the place's.
            asked_part = key and bool(part) and {lemma(w) for w in text.split()} <= part and not (
                forms <= PLACE_WORDS)
            if text in _DISTINGUISHING_ENGLISH:
                # The dictionary's 女 and 妇 are inside 子女 and 夫妇: only the words for the part counted tell it.
                terms.append(Term(text, _DISTINGUISHING_ENGLISH[text], key=True, telling=True, part=asked_part,
                                  counted_kind=text in counted_words))
                continue
            weak = self.lexicon.weak_forms.get(text, frozenset())
            if key and text == measured:
                # "How much tea …": a sentence that does not name the tea measures something else (kiwifruit).
                terms.append(Term(text, forms, parts, key=True, weak=weak, part=True))
                continue
            # A thing only some articles write ("walnuts": 核桃) names one thing of a list as exactly as a compound
            # does: a sentence naming another product of the list instead (茶叶…产值9.8亿元) is not about it. Not
            # `telling`: the dictionary's forms may miss the article's word ("gardens": 园林, not 茶园).
            specific = key and " " not in text and bool(forms - weak) and all(
                self._specific(f) for f in forms - weak) and self._listed(forms - weak)
            # "How many villages": a figure whose sentence names no village (安置点11个) counts something else; 个
            # says no more than that it counts. The phrase's last word ("village committees": committee).
            thing = bool(forms) and text.split()[-1] == counted_thing
            terms.append(Term(text, forms, parts, key=key, weak=weak, exact=kind == "compound" or specific,
                              part=asked_part, counted_thing=thing))
        # A gerund ending the question after a possessive, a preposition or a modifier is a thing asked about
        # ("…under the county's return-to-poverty monitoring?"), not a verb a clause may word otherwise
        # ("is … helping").
        last = lemma(content[-1]) if content else ""
        if last.endswith("ing") and terms and not terms[-1].key and terms[-1].checkable and (
                terms[-1].text == self.lexicon.base_form(last)) and _GERUND_NOUN.search(lowered):
            terms[-1] = replace(terms[-1], key=True)
        return terms, unit

    def _translate(self, words: list[str], negated: set[int]) -> list[tuple[str, frozenset[str], str]]:
        """The lexicon's translations of `words` as (text, forms, kind): a hyphenated compound ("oil-tea") as the
        corpus word its parts' translations make (油 + 茶 → 油茶) when there is one, not as the parts (茶 alone is
        黄金茶's too), kind "compound"; a word at a position in `negated` on its own, kind "negated"; the rest
        phrase by phrase, kind "word"."""
        translated: list[tuple[str, frozenset[str], str]] = []
        run: list[str] = []
        for at, word in enumerate(words):
            compound = self._compound(word) if at not in negated and "-" in word.strip("-") else frozenset()
            if at not in negated and not compound:
                run.append(word)
                continue
            translated += [(text, forms, "word") for text, forms in self.lexicon.translate(run)]
            run = []
            if compound:
                translated.append((word.lower(), compound, "compound"))
            else:
                translated += [(text, forms, "negated") for text, forms in self.lexicon.translate([word])]
        translated += [(text, forms, "word") for text, forms in self.lexicon.translate(run)]
        # A place written in lower case ("ganluo", 甘洛 by its pinyin) is a name, no word a clause states.
        return [(text, frozenset() if forms and all(self._is_place(f) for f in forms) else forms, kind)
                for text, forms, kind in translated]

    def _compound(self, word: str) -> frozenset[str]:
        """The corpus words a hyphenated English compound's parts make, joined in order (oil-tea: 油茶)."""
        pieces = [lemma(piece) for piece in filter(None, word.split("-"))]
        # "County-level" is 县直 as well as 县级: the campaign's own words for the phrase.
        phrase = self.lexicon.campaign_forms(tuple(pieces))
        made = {""}
        for piece in pieces:
            made = {m + f for m in made for f in self.lexicon.forms.get(piece, set())}
            if not made or len(made) > _MAX_COMPOUND_FORMS:
                return phrase
        return frozenset(m for m in made if m in self.lexicon.vocabulary) | phrase

    def _negated_term(self, text: str, forms: frozenset[str], others: bool = False) -> list[Term]:
        """A negated word ("non-poor", "not poor") as the articles write it (非贫困村 for non-poor villages): a
        kind a clause must state. A negation the articles never write that way (not yet lifted out) asks for
        nothing checkable. Asked as "other than poor", the others (其他村) are the kind too."""
        # 非常 ("very") is no negation of 常 ("permanent"): an everyday word is not the negated kind.
        written = frozenset(f"{_NEGATION_PREFIX}{f}" for f in forms)
        written = frozenset(f for f in written if (jieba.get_FREQ(f) or 0) < _GENERIC_FREQUENCY and any(
            f in article for article in self.article_texts)) | (_OTHERS if others and written else frozenset())
        return [Term(f"non-{text}", written, key=True, telling=True)] if written else []


# A currency written after a figure ("1000000 yuan"): the amount's, no word of the question's subject.
_CURRENCY_AFTER_FIGURE = re.compile(r"\d\s*(yuan|rmb)\b", re.IGNORECASE)
# A gerund used as a noun at the end of a question: after a possessive, a preposition, an article or a hyphenated
# modifier ("the county's monitoring", "under monitoring", "return-to-poverty monitoring").
_GERUND_NOUN = re.compile(r"(?:['’]s|\b(?:under|in|for|of|on|with|after|before|the|its|their|his|her)|-[a-z]+)\s+"
                          r"[a-z]+ing\W*$")
# Where one sentence of a question ends and the next begins ("…cooperatives. How many …?", "…合作社。带动了…？").
_QUESTION_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘])|(?<=[。！？!?])")
# An asking sentence that points back into the one before (其中多少名是女性？ "How many of them …?") asks of its
# words: the two are one question.
_POINTS_BACK = re.compile(r"^\s*(?:其中|其|他们|她们|它们|这些|那些)|\b(?:of|among) (?:them|these|those)\b|"
                          r"\bthey\b|\bthem\b", re.IGNORECASE)
_ASKING = re.compile(r"[?？]|\b(?:how|what|which|who|whom|whose|when|where|why)\b|多少|几|哪|谁|什么|何",
                     re.IGNORECASE)


# A short name in quotes, as a question writes it (“五个一”, 「三会一课」, ‘两不愁’).
_QUESTION_QUOTE = re.compile(r"“([^“”]{2,10})”|「([^「」]{2,10})」|『([^『』]{2,10})』|‘([^‘’]{2,10})’|"
                             r"\"([^\"]{2,10})\"")


def _quoted_names(question: str) -> list[str]:
    """The names a Chinese question quotes (“五个一”工作法: 五个一), as `normalize` writes them."""
    names = (next(g for g in m.groups() if g) for m in _QUESTION_QUOTE.finditer(question))
    return [normalize(name) for name in names if HAN.search(name)]


# What the articles count in 户 besides X户 (贫困户 counted as 贫困人口1.92万户 or 贫困家庭3000户).
_HOUSEHOLD_HEADS = ("人口", "家庭")


def _household_forms(word: str, unit: str | None) -> frozenset[str]:
    """The other nouns a household noun asked in 户 is counted by (多少户贫困户: 贫困人口, 贫困家庭)."""
    if unit != "households" or len(word) < 3 or not word.endswith("户"):
        return frozenset()
    return frozenset(word[:-1] + head for head in _HOUSEHOLD_HEADS)


def _context_and_ask(question: str) -> tuple[str, str]:
    """The sentences of a question before the one that asks, and the asking sentence with any after it;
    ("", question) when it is one sentence or none asks."""
    sentences = [s for s in _QUESTION_SENTENCE_END.split(question.strip()) if s.strip()]
    asking = next((i for i, s in enumerate(sentences) if _ASKING.search(s)), 0)
    if asking == 0 or _POINTS_BACK.search(sentences[asking]):
        return "", question
    return " ".join(sentences[:asking]), " ".join(sentences[asking:])


def _referent_modifiers(context: str, asked: Sequence[Term], asking: str) -> set[str]:
    """The words before a noun of the scene the asking sentence refers back to ("…keep a reserve pool of
    candidates. How many people are in each county's pool?": reserve), when the asking sentence's own word says
    little (pool: 塘, 潭): the scene's word is what a clause must state. Only a noun the asking sentence points
    back to (the, each, its, the county's) and a modifier that is no adverb or verb form (newly paired)."""
    lowered, asking = context.lower(), asking.lower()
    modifiers: set[str] = set()
    for term in asked:
        word = re.escape(term.text)
        if not term.key or " " in term.text or (term.checkable and not term.loose) or not re.search(
                rf"\b(?:the|each|its|their|this|that|these|those|[a-z]+'s) {word}(?:e?s)?\b", asking):
            continue
        for before in re.findall(rf"\b([a-z-]+) {word}(?:e?s)?\b", lowered):
            if before not in _EN_STOPWORDS and not before.endswith(("ly", "ed", "ing")):
                modifiers.add(lemma(before))
    return modifiers


def _measured_noun_at(words: Sequence[tuple[str, str]]) -> int | None:
    """The position of the noun a Chinese how-much measures, in a segmented question ending with its how-much
    (全县村集体经济收入总额是多少？: 收入), past what stands between them (是, 达到, 涨到了, 比上年增长, 2020年) and an
    amount's own head (总额, 额度); None when the how-much counts a noun after it (多少个村) or no noun stands
    before it."""
    asks = [at for at, (word, _flag) in enumerate(words) if word in ("多少", "多大") or word.startswith("几")]
    if len(asks) != 1 or not _AMOUNT_ASK.match("".join(w for w, _ in words[asks[0]:])):
        return None  # 多少户…户均增收多少元 asks two figures, each of its own noun
    for at in range(asks[0] - 1, -1, -1):
        word, flag = words[at]
        if word in _AMOUNT_HEADS or word in _ZH_QUESTION_WORDS or word in _MEASURE_ASIDES or word.startswith("每"):
            continue  # 每斤 of 收购价每斤提高了多少 is a rate's unit
        if word in _NOUN_LIKE_VERBS or (flag.startswith(("n", "vn")) and not flag.startswith(("ns", "nr", "nt"))):
            return at if len(word) >= 2 else None  # 时 of 刚驻村时: no measure
        if not flag.startswith(("v", "d", "p", "u", "m", "q", "t", "f", "c", "y", "a")):
            return None
    return None


def _asked_acts_at(words: Sequence[tuple[str, str]]) -> set[int]:
    """The positions of the verbs right before a Chinese how-many (召回 + 调整 + 了 + 多少名): the acts it counts."""
    acts: set[int] = set()
    for at, (word, _flag) in enumerate(words):
        if not (word in ("多少", "几") or (word.startswith("几") and word[1:] in UNIT_CLASSES)):
            continue
        before = at - 1
        while before >= 0 and words[before][0] in ("了", "过"):
            before -= 1
        while before >= 0 and words[before][1].startswith("v"):
            acts.add(before)
            before -= 1
    return acts


def _counted_head_at(words: Sequence[tuple[str, str]]) -> int | None:
    """The position of the noun a Chinese how-many counts in a measure word that says nothing of it (多少个党支部:
    党支部; 几家社区工厂: 工厂): the last noun right after the measure word, unless a verb carries the phrase on (多少
    个易地搬迁集中安置点 is left alone); None otherwise."""
    for at, (word, _flag) in enumerate(words):
        if word.startswith("几") and UNIT_CLASSES.get(word[1:]) == "count":
            start = at + 1
        elif word in ("多少", "几") and at + 1 < len(words) and UNIT_CLASSES.get(words[at + 1][0]) == "count":
            start = at + 2
        else:
            continue
        end = start
        while end < len(words) and (words[end][1].startswith(("n", "j")) or words[end][1] == "vn") and (
                words[end][1] not in ("ns", "nr")) and HAN.search(words[end][0]):
            end += 1
        if end == start or (end < len(words) and words[end][1].startswith("v") and words[end][1] != "vn"):
            return None
        return end - 1
    return None


def _among_at(words: Sequence[tuple[str, str]]) -> int | None:
    """The position of the word saying "among" a whole in a segmented question (其中; 中 after the whole's noun),
    when a count of the whole's kind follows within a few words; else None."""
    for at, (word, _flag) in enumerate(words):
        after = "".join(w for w, _ in words[at + 1:at + 1 + _PART_WORDS])
        noun_before = at > 0 and words[at - 1][1].startswith("n") and words[at - 1][1] != "ns"
        if (word == "其中" or (word in _AMONG_WORDS and noun_before)) and _COUNTED_ASK.search(
                word[1:] + after):
            return at
    return None


_CLASSIFIER_ASKED = re.compile(r"(?:多少|(?<!哪)几)(万元|亿元|平方公里|" +
                               "|".join(re.escape(u) for u in UNIT_CLASSES if len(u) == 1) + ")")


def asked_units(question: str) -> set[str]:
    """The measures a Chinese question's how-manys ask in (多少家…多少人: things and people); a classifier
    beginning a noun (多少个人…) asks in none."""
    units = {_classified_unit(question, classifier) for classifier in _CLASSIFIER_ASKED.finditer(question)}
    return {unit for unit in units if unit is not None}


# What makes 几年 or 多少年 a time, not a span asked: 近几年, 这几年, 十几年; 几年来, 几年间, 几年前.
_BEFORE_A_TIME = frozenset("近这那前后十")
_AFTER_A_TIME = frozenset("来间前后里中内")


def _classified_unit(question: str, classifier: re.Match[str]) -> str | None:
    """The measure a how-many's classifier asks in (多少名 → people), None where it begins a noun (多少个人…)."""
    # 几个人 counts people, not things; 近几年, 十几年来, 多少年来 say when, not how long.
    people = classifier.group(1) == "个" and question[classifier.end():classifier.end() + 1] == "人"
    if classifier.group(1) == "年" and (question[classifier.end():classifier.end() + 1] in _AFTER_A_TIME or (
            question[max(0, classifier.start() - 1):classifier.start()] in _BEFORE_A_TIME)):
        return None
    return None if _begins_a_noun(question, classifier.start(1)) else UNIT_CLASSES.get(
        "人" if people else classifier.group(1))


def _joined_negations(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Segmented words with 非 joined to the word after it (非 + 贫困村 → 非贫困村, which keeps its flag)."""
    joined: list[tuple[str, str]] = []
    for word, flag in words:
        if joined and joined[-1][0] == _NEGATION_PREFIX and HAN.match(word or " "):
            joined[-1] = (_NEGATION_PREFIX + word, flag)
        else:
            joined.append((word, flag))
    return joined


def _negations(words: list[str]) -> tuple[list[str], set[int]]:
    """English content words without their negations ("not", the "non" of "non-poor"), and the positions of the
    words negated (in "poor households in non-poor villages" only the second "poor")."""
    kept: list[str] = []
    negated: set[int] = set()
    pending = False
    for word in words:
        for piece in word.split("-") if word.lower().startswith("non-") else [word]:
            if piece.lower() in _ENGLISH_NEGATIONS:
                pending = True
                continue
            if pending:
                negated.add(len(kept))
                pending = False
            kept.append(piece)
    return kept, negated


def _begins_a_noun(text: str, at: int) -> bool:
    """Whether the measure word at `at` is the first character of a noun (多少项目资金 asks for 资金, not 项):
    jieba reads a longer word there that is no measure word itself (人次 is one; 几个人 counts people)."""
    word = next(iter(jieba.cut(text[at:at + 6], HMM=False)), "")
    return len(word) > 1 and word not in UNIT_CLASSES and not word.startswith("个人")


def measured_unit(question: str) -> str | None:
    """The unit class the question's measured noun asks for, when it names no measure word: a ratio wherever it
    stands (人均收入增长率, 产值占…的比例), else money, weight, area or people (产值呢？, "the output value", 产量,
    人口; never people for "how much"); None for a how-many question, which counts (多少笔贷款)."""
    if _COUNTING_QUESTION.search(question) and not re.search(r"(?:多少|几)(?:资金|钱|万元|元)", question):
        return None
    if _RATIO_NOUN.search(question):
        return "percent"
    nouns = [(_MONEY_NOUN, "money"), (_WEIGHT_NOUN, "weight"), (_AREA_NOUN, "area"), (_PEOPLE_NOUN, "people"),
             (_AGE_NOUN, "age")]
    if _PRICE_NOUN.search(question) and (_PER_UNIT.search(question) or not _CHANGE_QUESTION.search(question)):
        nouns.insert(0, (_PRICE_NOUN, "money"))  # a price (每斤8元) is money; its rise may be a share (提高20%)
    if _AMOUNT_QUESTION.search(question):
        nouns = [(pattern, unit) for pattern, unit in nouns if unit != "people"]
    found = [(m.start(), unit) for pattern, unit in nouns if (m := pattern.search(question))]
    return min(found)[1] if found else None


# The previous question a follow-up carries along without an LLM to rewrite it ("And how many …? (How many …?)").
_CARRIED_QUESTION = re.compile(r"\s*\([^()]*[?？]\s*\)\s*$")


def asks_several_figures(question: str) -> bool:
    """Whether a question asks for more than one figure (how many … and how much …); a previous question
    carried along in brackets asks nothing of its own."""
    return bool(_SECOND_FIGURE_QUESTION.search(_CARRIED_QUESTION.sub("", question)))


_ENGLISH_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion)\b")
_ENGLISH_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}


def _english_amounts(text: str) -> str:
    """English scale words written out as digits, so a question's "1.5 million" reads as 1500000."""
    return _ENGLISH_AMOUNT.sub(lambda m: f"{float(m.group(1)) * _ENGLISH_SCALES[m.group(2)]:.0f}", text)


def question_sides(amounts: str) -> tuple[tuple[float, str], ...]:
    """The band side of each figure a question (normalised, English amounts as numbers) states as a qualifier."""
    text = normalize_for_matching(amounts)
    return tuple((f.value, side) for f in clause_figures(text) if (side := band_side(text, f)))



def asked_figure_count(question: str) -> int:
    """How many figures a question asks for (its question words: 几个检查组…多少个乡镇 asks two); at least one."""
    return max(1, len(_QUESTION_WORD.findall(_CARRIED_QUESTION.sub("", question))))


# Questions asking why or how something came about, whatever figure they name.
_REASON_QUESTION = re.compile(r"为什么|为何|怎样|怎么|如何|\bwhy\b|\bhow\b(?!\s+(?:many|much)\b)", re.IGNORECASE)


def asks_one_figure(question: str) -> bool:
    """Whether a question asks for a figure with a question word (how many/much, 多少, 几个) and for no reason or
    manner (为什么增长了, "how did it grow"), nor for several figures."""
    question = _CARRIED_QUESTION.sub("", question)
    return bool(_QUESTION_WORD.search(question)) and not _REASON_QUESTION.search(question) and (
        not asks_several_figures(question))


# A question for its figure in each year it names (从2018年到2020年是怎么变化的, 分别是多少, "in 2018 and 2020
# respectively"), not for one year's figure or for by how much it changed.
_EACH_YEAR_QUESTION = re.compile(r"分别|各(?:是|为|有|达到)|(?:怎么|怎样|如何)变化|变化情况|"
                                 r"\bhow did\b.*\bchange\b|\brespectively\b|\beach year\b", re.IGNORECASE)


def asks_each_year(frame: QuestionFrame) -> bool:
    """Whether a question naming several years asks for its figure in each of them."""
    return len(frame.years) >= 2 and frame.wants_figure and bool(_EACH_YEAR_QUESTION.search(frame.question))


# The words a change is said with, in a question and before its amount.
CHANGE_VERBS = "增长|增加|提高|提升|上涨|上升|下降|减少|降低|增收|增|涨|降"
# A question asking by how much something changed (增长了多少, 同比增长多少, "by how much did … grow"), which the
# figure of the change answers (同比增长7倍), not the level it came to (产量达300吨).
# 新增了多少 asks how many were added, a count of its own.
_CHANGE_AMOUNT_QUESTION = re.compile(
    rf"(?<!新)(?:{CHANGE_VERBS})了?(?:多少|几|百分之几)|增幅|涨幅|降幅|增速|"
    r"增长率|翻了几番|(?:增长|增加|提高)了?(?:几|多少)倍|\bby how much\b|"
    r"\bhow much (?:did|has|have|had|was|were|is|will)\b[^?]*\b(?:increase|grow|rise|risen|drop|fall|fallen|"
    r"decline|go up|go down|climb)\w*(?:\s+by)?\s*\??$|"
    r"\b(?:increase|growth|decline)\s+(?:rate|percentage)\b|\bhow much growth\b|\bgrowth (?:of|in)\b|"
    r"\b(?:increased?|grew|grown|rose|risen|fell|dropped) by\b|\byear[- ]on[- ]year\b", re.IGNORECASE)


def asks_a_change(question: str) -> bool:
    """Whether the question asks by how much something changed, not what it came to."""
    return _CHANGE_AMOUNT_QUESTION.search(_CARRIED_QUESTION.sub("", question)) is not None
