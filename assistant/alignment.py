"""Claim–question alignment: does a clause state what the question asks?

A passage often holds several figures of one kind (196名第一书记 next to 784名干部; an income band next to the
total). That a figure appears in a cited passage proves nothing; it must sit in a clause that states the
question's subject with the asked measure word, the asked year and the asked place. This module scores clauses
against a question's `QuestionFrame` (`assistant.question_frame`: terms, unit, years, places); evidence
selection, the grounding guard and the extractive answer all use the same scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg

from assistant.figures import (
    CLAUSE_BREAK,
    YEAR,
    ClauseFigure,
    band_side,
    clause_figures,
    clause_spans,
)
from assistant.grounding import same_value
from assistant.numerals import UNIT_CLASSES
from assistant.question_frame import (
    CHANGE_VERBS,
    HAN,
    HAN_ENUMERATION,
    HAN_RUN,
    INNER_QUOTE,
    QuestionFrame,
    Term,
    asks_a_change,
    holds,
)
from assistant.sentences import sentence_before
from indexing.textnorm import normalize_for_matching

_DISTRIBUTIVE_QUESTION = re.compile(r"每|各|人均|户均|平均|\b(?:each|per|every|average)\b", re.IGNORECASE)
# A figure said of each one (每个村都有1名, 各1个) is a ratio, not the total a how-many question asks for.
# 各类/各项 (all kinds of) sum up rather than share out.
_DISTRIBUTIVE = re.compile(r"(?:每|各(?![类种项级界方式样])|均|平均|人均|户均)[^，,；;]{0,8}?$")
# "每个村都有1支工作队、1名第一书记": every figure the clause then enumerates is per village.
_DISTRIBUTIVE_LEAD = re.compile(r"(?:每|各)[^，,；;、\d]{0,8}?(?:都|均)(?:有|配|设)")
# Measures of how much, not how many: an English how-many is answered by none of them unless it names one.
_AMOUNT_CLASSES = frozenset({"money", "weight", "area"})
# Measures of how many, whose parts a breakdown counts.
_COUNTED_CLASSES = frozenset({"people", "households", "count"})
# How much of a clause's end is segmented to see whether it ends in "among" (…第一书记中).
_AMONG_TAIL_CHARS = 12
_QUOTE_PAIRS = (("“", "”"), ("「", "」"))


@dataclass
class Alignment:
    """How well a clause (within its sentence, passage and article) states what a question asks."""

    coverage: float = 0.0
    unit_ok: bool = True
    unit_match: bool = False
    year_ok: bool = True
    place_ok: bool = True
    similarity: float = 0.0
    distributive: bool = False
    # +1 when the clause states the question's own figures (a band), -1 when it states others instead.
    qualifier: int = 0
    # Some key term of the question is stated by the figure's clause or a clause next to it, not only somewhere
    # in its sentence (40名嘎查“第一书记” is not of 党员 because 47支党员志愿服务队 follows); True when nothing is
    # checkable.
    anchored: bool = True

    @property
    def admissible(self) -> bool:
        """The clause may answer: the asked place, year, measure word and band are not contradicted."""
        return self.place_ok and self.year_ok and self.unit_ok and self.qualifier >= 0

    @property
    def score(self) -> float:
        """Higher is better aligned; comparable across clauses of one question."""
        return (2.0 * self.coverage + 3.0 * self.similarity + (1.0 if self.unit_match else 0.0)
                - (2.0 if not self.unit_ok else 0.0) - (3.0 if not self.place_ok else 0.0)
                - (2.0 if not self.year_ok else 0.0) - (1.0 if self.distributive else 0.0) + self.qualifier)


def _counted_class(figure: ClauseFigure, text: str) -> str | None:
    """What a figure counts: its measure word's class, or households for people-words before 户 (127名贫困户)."""
    if figure.unit_class == "people" and "户" in text[figure.end:figure.end + 4]:
        return "households"
    return figure.unit_class


# A claim states what was asked when a key term stands at least this near its figure: the next clause.
_ANCHOR_LEVEL = 0.75
# "Among" after a figure and its noun (186个村中, 1200名党员当中); 中心, 中药材 and the like are words of their own.
_AMONG = re.compile(r"([\u4e00-\u9fff]{1,6}?)(?:之|当)?中(?![心药学国央小型等级华医草间])")
# How far before a sentence the topic it continues may have been set (a sentence or so).
TOPIC_CHARS = 100
# A term stated only by the clause after the figure's (选派了196名干部，到村任第一书记).
_NEXT_CLAUSE_LEVEL = 0.75
# A term counts as stated by a figure's sentence at this level (term_level's 0.5).
STATED_LEVEL = 0.5
# A term stated by the clause whose counted noun a figure's clause leaves out counts almost as its own.
_INHERITED_LEVEL = 0.95
# A term stated by the figure's own clause, outside its part of it (term_level's 0.8).
_CLAUSE_LEVEL = 0.8


def elided_noun_clause(previous: str | None, clause: str) -> str | None:
    """`previous` when `clause` ends on a figure with the measure word of a figure of `previous` and names no
    noun of its own (制定了575条帮扶措施，已实施387条): the figure counts what `previous` counts. Else None."""
    if not previous:
        return None
    figures = clause_figures(clause)
    normalized = normalize_for_matching(clause)
    if not figures or not figures[-1].unit or normalized[figures[-1].end:].strip("。；;!！?？”’」 "):
        return None
    if not any(f.unit == figures[-1].unit for f in clause_figures(previous)):
        return None
    # 其中边缘户300户 names what it counts (边缘户): nothing is left out.
    before = normalized[:figures[-1].start]
    if any((flag.startswith("n") or flag == "vn") and len(word) >= 2 for word, flag in jieba.posseg.cut(before)):
        return None
    return previous


_NOUN_FLAGS = ("n", "vn", "b", "j")


@lru_cache(maxsize=4096)
def without_counted_nouns(clause: str) -> str:
    """The clause without the nouns its own figures count (成立47支党员志愿服务队 → 成立47支): a next clause lends
    a figure the words about what it does (到村任第一书记), not the names of what it counts itself."""
    figures = [f for f in clause_figures(clause) if f.unit]
    if not figures:
        return clause
    normalized = normalize_for_matching(clause)
    kept, at = [], 0
    for figure in figures:
        kept.append(normalized[at:figure.end])
        at = figure.end
        for word, flag in jieba.posseg.cut(normalized[figure.end:]):
            if not flag.startswith(_NOUN_FLAGS):
                break
            at += len(word)
    kept.append(normalized[at:])
    return "".join(kept)


# A term stated only through a form that translates it in a later sense counts this much of its level.
_WEAK_FORM_SHARE = 0.5


def _without_names(text: str | None, names: Sequence[str]) -> str | None:
    """`text` with each of `names` blanked out character by character (offsets stay as they were)."""
    if text is None:
        return None
    for name in names:
        if len(name) >= 2:
            text = text.replace(name, "□" * len(name))
    return text


def term_level(term: Term, clause: str, sentence: str, context: str, part: str | None = None,
               inherited: str | None = None, figure_unit: str | None = None) -> float:
    """1 when the figure's part of its clause states the term (or the clause, without a part), 0.95 the clause
    whose noun the figure's clause leaves out (制定了575条帮扶措施，已实施387条: 387 is of 帮扶措施 too), 0.8 the
    rest of the clause, 0.75 the next clause (选派了196名干部，到村任第一书记), 0.5 only its sentence, 0.25 its
    passage. A next clause that counts what the figure's measure word (`figure_unit`) counts states its own figure's
    terms, not this one's. A weak form (部长 for "secretary") counts half."""
    level = _level(term.found_in, clause, sentence, context, part, inherited, figure_unit)
    if level == _NEXT_CLAUSE_LEVEL and term.distinguishing and opens_with(term, _clause_after(sentence, clause)):
        # 50万元以上的村9个，“空壳村”全部清零: a next clause opening with the kind is about that kind, not a
        # continuation of the figure's clause (选派了196名干部，到村任第一书记).
        level = STATED_LEVEL
    if term.weak and level < 1.0:
        weak = _level(term.weakly_found_in, clause, sentence, context, part, inherited, figure_unit)
        level = max(level, _WEAK_FORM_SHARE * weak)
    return level


def _level(found: Callable[[str], bool], clause: str, sentence: str, context: str, part: str | None,
           inherited: str | None, figure_unit: str | None) -> float:
    if part is not None and found(part):
        return 1.0
    if inherited is not None and found(inherited):
        return _INHERITED_LEVEL
    if found(clause):
        return 1.0 if part is None else _CLAUSE_LEVEL
    following = _clause_after(sentence, clause)
    if following and found(without_counted_nouns(following)) and not (figure_unit and any(
            UNIT_CLASSES.get(f.unit or "") == UNIT_CLASSES.get(figure_unit) for f in clause_figures(following))):
        return _NEXT_CLAUSE_LEVEL
    if found(sentence):
        return 0.5
    if found(context):
        return 0.25
    return 0.0


# A category named in quotes (“黄色”村党组织, 「绿色」).
_QUOTED_CATEGORY = re.compile(r"[“「\"]([^”」\"]{1,12})[”」\"]")


def _category(frame: QuestionFrame, clause: str, part: str) -> int:
    """Whether a figure's part names the quoted category the question asks for, where its clause sets several
    side by side (评定“绿色”112个、“黄色”74个): +1 when it does, -1 when it names another instead, else 0."""
    quoted = set(_QUOTED_CATEGORY.findall(clause))
    terms = [t for t in frame.terms if t.checkable]
    asked = {q for q in quoted if any(t.found_in(q) for t in terms)}
    own = set(_QUOTED_CATEGORY.findall(part))
    if len(quoted) < 2 or not asked or not own:
        return 0
    return 1 if own & asked else -1


def _said_of_another_item(frame: QuestionFrame, clause: str, part: str) -> bool:
    """Whether a figure's item of an enumeration of counted kinds (五星级党支部23个、四星级党支部57个) is another kind
    than the one asked: another item with a figure of its own states every key word of the question this item
    states and more, or a later item a distinguishing word (四星级, 非贫困村) this one leaves out.

    An earlier item's word may qualify the whole list (自加压力确定的20个贫困村、5630名贫困人口), the words after the
    last figure are every item's (1200户、4500名贫困群众), an item naming no kind of its own (涉及6784人) is
    of the one the list names, and an item counting in another measure is another thing, not another kind.
    """
    if "、" not in clause:
        return False
    figures = clause_figures(clause)
    shared = clause[figures[-1].end:] if figures else ""
    keys = frame.key_terms
    own = {t.text for t in keys if t.found_in(part) or t.found_in(shared)}
    own_classes = {f.unit_class for f in clause_figures(part)} - {None}
    later = False
    for item in clause.split("、"):
        if part in item:
            later = True
            continue
        classes = {f.unit_class for f in clause_figures(item)}
        # An item counting in another measure is no neighbouring kind (省州下达的137个贫困村退出、30070名贫困人口减贫:
        # its 省州下达 qualifies both).
        if not classes or (own_classes and not classes & own_classes):
            continue
        # Its words, not its measure words (161人次 says nothing of "people").
        stated = {t.text for t in keys if t.found_in(_without_figures(item))}
        if (own and stated > own) or (
                later and any(t.distinguishing and t.text not in own for t in keys if t.text in stated)):
            return _names_a_kind(part)  # segmenting only once another item out-states this one
    return False


def _said_jointly(frame: QuestionFrame, clause: str, part: str) -> bool:
    """Whether a figure is said of several kinds together, the asked one among them (其中土家族、苗族人口占78.3%
    is no share of 苗族 alone): items right before the figure's, with no figure of their own, name a kind of
    their own where the figure's item states a distinguishing word of the question."""
    items = clause.split("、")
    at = next((i for i, item in enumerate(items) if part in item), None)
    keys = frame.key_terms
    # The first item (at 0) has no item before it to share its figure with; None: the part is in no item.
    if not at or not any(t.distinguishing and t.found_in(part) for t in keys):
        return False
    # Items inside quotes that close before the figure (“理论理想、…、实用技能”10项专题教育) are what it counts.
    opened = "".join(items[:at])
    if any(opened.count(left) > opened.count(right) and right in part for left, right in _QUOTE_PAIRS):
        return False
    together: list[str] = []
    for item in reversed(items[:at]):
        if clause_figures(item):
            break
        together.append(item)
    return any(not any(t.found_in(item) for t in keys) and not any(p in item for p in frame.places)
               and _names_a_kind(item) for item in together)


# Word classes that end the noun a figure counts (127名贫困户开展…: 开展): verbs, prepositions, conjunctions,
# particles and adverbs; link words that begin the next counted item (40名第一书记与127名贫困户).
_COUNTED_NOUN_END = ("v", "p", "c", "u", "d", "r", "m")
_QUOTE_CHARACTERS = "“”「」\"'‘’"
_ITEM_LINKS = frozenset({"与", "和", "及", "以及", "、", "，", ",", "；", ";"})


@lru_cache(maxsize=4096)
def counted_noun(text: str) -> str:
    """The noun written right after a figure, which the figure counts (贫困户开展… → 贫困户; 嘎查“第一书记”与… →
    嘎查第一书记, without quotes), up to its first verb, preposition or link word; "" when none follows
    (派驻34名，)."""
    noun = ""
    for word, flag in jieba.posseg.cut(text[:_COUNTED_NOUN_CHARS + 2]):
        # A lone character jieba calls a verb is often part of a name it does not know (嘎查 is 嘎 + 查); a lone
        # preposition or particle (为, 的) is not.
        ends = flag.startswith(_COUNTED_NOUN_END) and flag != "vn" and (len(word) > 1 or flag[:1] in "pcu")
        if word in _ITEM_LINKS or ends or (not HAN.search(word) and word not in _QUOTE_CHARACTERS):
            break
        noun += word
    return INNER_QUOTE.sub("", noun)


def _counts_another_noun_than_asked(frame: QuestionFrame, clause: str, part: str) -> bool:
    """Whether a figure counts another noun than the one asked, which a figure beside it in its clause counts:
    组织40名嘎查“第一书记”与127名贫困户开展“暖心党建”结对帮扶行动 asked for first secretaries, 127 counts 贫困户."""
    figures = clause_figures(clause)
    own_figures = clause_figures(part)
    if len(figures) < 2 or not own_figures:
        return False
    own = counted_noun(part[own_figures[0].end:])
    if not own:
        return False
    at = clause.find(part)
    stated = {t.text for t in frame.key_terms if t.found_in(own)}
    for figure in figures:
        if at <= figure.start < at + len(part):
            continue
        other = counted_noun(clause[figure.end:])
        if other and {t.text for t in frame.key_terms if t.found_in(other)} > stated:
            return True
    return False


def _counts_another_thing(frame: QuestionFrame, segment: str, part: str) -> bool:
    """Whether the figure ending `segment` counts, in a measure word that says nothing of it, a noun written
    right after it that is not the thing the question counts (在沿边34个村组建联防党支部 counts villages, not the
    party branches asked for, even where the question says 沿边村 too)."""
    figure = _own_figure(segment, True)
    if figure is None or figure.unit_class != "count" or not part.startswith(segment) or not any(
            t.counted_thing for t in frame.terms):
        return False
    noun = counted_noun(part[len(segment):])
    return bool(noun) and not any(t.found_in(noun) for t in frame.terms if t.counted_thing)


def _part_told_by_another_clause(frame: QuestionFrame, clause: str, sentence: str) -> bool:
    """For a question about a part of a whole ("how many of its first secretaries were sent by county-level
    departments"), whether the clause leaves out the part's words that another clause of its sentence states with
    a figure in the asked measure: the sentence breaks the whole down clause by clause (省、州单位派驻34名，县直单位
    派驻100名，女性第一书记17名), and this clause is another part's."""
    asked = [t for t in frame.key_terms if t.part]
    # Counted parts only: the part word of a how-much is its measured noun (收入 of 收入总额是多少), which a clause of
    # a change (比2019年的1980万元增长) leaves to the clause before.
    if frame.unit not in _COUNTED_CLASSES or not asked or any(t.found_in(clause) for t in asked):
        return False
    clauses = [sentence[s:e] for s, e in clause_spans(sentence)]
    if clause not in clauses:
        return False
    # The clauses of the breakdown the figure's clause belongs to (from its 其中, or after a "134名第一书记中"), not
    # the whole it breaks down (县直单位共选派干部300名，其中100名担任第一书记: 100 are the county units' too).
    at = clauses.index(clause)
    start = max((i for i in range(1, at + 1) if clauses[i].startswith("其中") or _ends_among(clauses[i - 1])),
                default=0)
    return any(i != at and any(t.found_in(clauses[i]) for t in asked) and any(
        f.unit_class == frame.unit for f in clause_figures(clauses[i])) for i in range(start, len(clauses)))


# A question asking of those who are not something (非贫困村, 未脱贫, "not lifted out of poverty").
_QUESTION_NEGATION = re.compile(r"[非未没不]|\b(?:not|non|never|yet|without)\b", re.IGNORECASE)


def _stated_only_negated(frame: QuestionFrame, sentence: str) -> bool:
    """Whether the sentence writes a distinguishing word of the question only where it denies it (不能享受易地搬迁
    项目的贫困户, 非贫困村): its figures are of those outside the kind asked."""
    if _QUESTION_NEGATION.search(frame.question):
        return False  # asked of those who are not (…had not been lifted out of poverty), a denial answers
    return any(t.distinguishing and not t.found_in(sentence) and any(f in sentence for f in t.forms - t.weak)
               for t in frame.key_terms)


def _names_a_kind(part: str) -> bool:
    """Whether a figure's part names what it counts: a noun of its own, not only a verb, a scope word (全县) or
    a year (涉及6784人, 2019年全县1200户 name none)."""
    return any(flag.startswith(("n", "vn", "b")) and flag != "ns" and len(word) >= 2 and not _SCOPE.search(word)
               for word, flag in jieba.posseg.cut(_without_figures(part)))


def _whole_of_the_asked_part(frame: QuestionFrame, clause: str, sentence: str) -> bool:
    """Whether `clause` states a whole that the clause after it breaks down (…，其中…; 134名第一书记中，…), where the
    question asks for a part of it: a distinguishing word of the question (非贫困村, 县级) is stated there, with a
    figure of the asked measure, and not in the clause."""
    breakdown = _clause_after(sentence, clause)
    # …其中… breaks the whole down, and so does the clause after one saying "among" it (134名第一书记中，省、州单位…).
    if not (breakdown.startswith("其中") or _ends_among(clause)):
        return False
    if frame.unit and not any(f.unit_class == frame.unit for f in clause_figures(breakdown)):
        return False
    return any(t.distinguishing and not t.found_in(clause) and t.found_in(breakdown) for t in frame.key_terms)


def _ends_among(clause: str) -> bool:
    """Whether a clause with a figure ends saying "among" what it counts (134名第一书记中), not in a word of its own
    (初中, 集中)."""
    if not clause.endswith("中"):
        return False  # segmenting only a clause that may end so
    words = list(jieba.posseg.cut(clause[-_AMONG_TAIL_CHARS:]))
    return len(words) >= 2 and words[-1].word in ("中", "之中", "当中") and words[-2].flag.startswith("n") and (
        words[-2].flag != "ns") and bool(clause_figures(clause))


def _silent_on_the_part(frame: QuestionFrame, sentence: str) -> bool:
    """For a question about a part of a whole ("how many of its grid workers are Party members"), whether the
    sentence states none of the part's words: its figures count the whole, or something else. The text before it
    is not asked: a word of the part there (党员联户 before 选聘网格员1562名) is seldom said of the same people. A form
    translating a word only in a later sense (部长 of 组织部长 for "department") does not state it."""
    asked = [t for t in frame.key_terms if t.part]
    # A phrase's own word (党员), not its parts scattered over the sentence (党组织 … 网格员); a phrase with no word
    # of its own cannot be told absent.
    return bool(asked) and not any(not (t.forms - t.weak) or any(holds(sentence, f) for f in t.forms - t.weak)
                                   for t in asked)


def _whole_among(frame: QuestionFrame, segment: str, part: str, clause: str) -> bool:
    """Whether the figure ending `segment` is the whole "among" which the rest of its part counts the kind the
    question asks for (186个村中集体经济“空壳村”有63个): a distinguishing word of the question stated after 中 and
    not before it, or any key word when a figure of the clause follows to count it (空壳村, written in several
    articles, still names the part; 在36个村中开展集体经济试点 counts no part)."""
    among = _AMONG.match(part, len(segment)) if part.startswith(segment) else None
    # Only the figure's counted noun stands before 中 (186个村中), not a verb (52名干部集中培训, 工作中).
    if among is None or not all((flag.startswith("n") and flag != "ns") or flag in ("zg", "ng")
                                for _, flag in jieba.posseg.cut(among.group(1))):
        return False
    rest = part[among.end():]
    after = clause.find(part)
    counted = bool(clause_figures(rest)) or (after >= 0 and bool(clause_figures(clause[after + len(part):])))
    return any(t.found_in(rest) and not t.found_in(segment) and (t.distinguishing or counted)
               for t in frame.key_terms)


def _stated_only_after(term: Term, sentence: str, clause: str, context: str) -> bool:
    """Whether `sentence` states the term after `clause` but not before it or in it, nor does the text just
    before the sentence (13个行政村集体经济收入全部超过5万元；超过20万元的村达到4个，…，集体经济健康有序发展: the
    topic was set before)."""
    at = sentence.find(clause)
    end = at + len(clause)
    starts = context.find(sentence)
    before = context[max(0, starts - TOPIC_CHARS):starts] if starts >= 0 else ""
    return at >= 0 and term.found_in(sentence[end:]) and not term.found_in(sentence[:end]) and not (
        term.found_in(before))


def opens_with(term: Term, clause: str) -> bool:
    """Whether `clause` begins with the term, quoted or not (“空壳村”全部清零)."""
    opening = clause.lstrip("“”「」\"'《 ")
    return any(opening.startswith(form) for form in term.forms - term.weak)


def _clause_after(sentence: str, clause: str) -> str:
    """The clause of `sentence` just after `clause` ("" when it is the last)."""
    at = sentence.find(clause)
    if at < 0:
        return ""
    return CLAUSE_BREAK.split(sentence[at + len(clause):].lstrip(",，;；:："), maxsplit=1)[0]


def _without_figures(text: str) -> str:
    """`text` with its figures and their measure words taken out."""
    for figure in reversed(clause_figures(text)):
        text = text[:figure.start] + text[figure.end:]
    return text


# Words that put what a clause counts in a band of its own, after a noun (大专以上学历的有97名), not a figure.
_OWN_BAND = re.compile(r"(?<![\d元万亿个名户人%])(?:以上|以下|以内)")
# A question for a whole (共有多少名党员, "how many … in total"), which a count of some of them does not answer.
_TOTAL_QUESTION = re.compile(r"共有|一共|总共|总计|合计|总数|\bin total\b|\baltogether\b|\btotal number\b",
                             re.IGNORECASE)
# Words that set the scope of a count, not a kind of what is counted (全市党员, 现有党员, 共有党员).
_SCOPE = re.compile(r"^全|有$|共|计|其中|目前|现|累")
# A limit put on a figure (给予最高30万元的信用贷款): the most or least allowed, not an amount given or counted.
_LIMIT_BEFORE = re.compile(r"(?:最高|最多|最低|最少|至少|不超过|不低于|上限|下限)(?:为|达|可达|有|是)?$")
# A question asking for a limit, which such a figure answers.
_LIMIT_QUESTION = re.compile(r"最高|最多|最低|最少|至少|上限|下限|不超过|不低于"
                             r"|\b(?:maximum|minimum|most|least|up to|cap|limit|ceiling|highest|lowest)\b",
                             re.IGNORECASE)
# What a figure after its noun may count and still count the noun (党员人数13504名).
_COUNT_HEADS = frozenset({"人数", "总数", "数量", "数", "总量", "人次", "名额"})
# The start of a change (由48.6岁下降到41.3岁, 比2019年的1980万元): the figure it changed from.
_CHANGE_START = re.compile(r"(?:由|从|比)[^,;由从比到至]{0,12}$")
_CHANGE_ON = re.compile(r"[^\d,;]{0,2}?(?:增加|提高|下降|减少|增长|上升|降低|降|增|升|到|至)")
# A question asking for where a change started, which its first figure answers.
_BASELINE_QUESTION = re.compile(r"由|从|原来|原先|之前|以前|此前|起初|期初|基期|去年|上年|上一年"
                                r"|\b(?:from|before|previously|originally|initially|baseline|earlier|used to"
                                r"|start(?:ed|ing)?|last year|previous year)\b", re.IGNORECASE)
# A change word right before a figure makes it the amount of the change (同比增长7倍, 户均增收2万元, 增长可达3282元);
# 增加到 and 增长至 lead to a level instead.
_CHANGE_AMOUNT = re.compile(rf"(?:{CHANGE_VERBS}|翻)了?(?:约|近|超过|达到|可达|达|逾)?$")
# A figure planned, targeted or expected (计划指标10名, 目标为300吨, 预计增加6400元), and a question asking for one.
_PLAN_BEFORE = re.compile(r"(?:指标|目标|计划|预计|预期|力争|规划)[^，,；;\d]{0,4}$")
_DONE = re.compile(r"完成|实现|超额|达成")
_PLAN_QUESTION = re.compile(r"计划|指标|目标|预计|预期|力争|规划|\b(?:plan|plans|planned|target|targets|targeted|goal|"
                            r"goals|quota|quotas|expect|expected|projected|aim|aims|aimed|intends?|intended)\b",
                            re.IGNORECASE)
# What a change is stated in whatever the changed quantity is measured in.
_CHANGE_UNIT_CLASSES = frozenset({"times", "percent"})
# Words stating that a count is the total so far (累计选派第一书记134名).
_CUMULATIVE = re.compile(r"累计|共计|合计|总计|总共|一共")
# How far after a figure its counted noun may end (270多名农牧民党员).
_COUNTED_NOUN_CHARS = 8


def counts_a_subset(frame: QuestionFrame, part: str, figure_end: int) -> bool:
    """For a question asking for a total, whether the figure ending at `figure_end` in `part` counts only some
    of the asked noun: the noun after it carries a qualifier the question does not (共有多少名党员 and 270多名
    农牧民党员, who are the ones applying for loans), not the noun alone (13504名党员)."""
    if not _TOTAL_QUESTION.search(frame.question):
        return False
    after = part[figure_end:figure_end + _COUNTED_NOUN_CHARS]
    figures = clause_figures(part[:figure_end])
    # The noun may come first (农区发展党员21名): its qualifier is then the two characters before it.
    before = part[:figures[-1].start] if figures else ""
    asked = normalize_for_matching(frame.question)

    def qualifies(qualifier: str) -> bool:
        return len(qualifier) >= 2 and HAN_RUN.fullmatch(qualifier) is not None and qualifier not in asked and (
            not _SCOPE.search(qualifier)) and not any(t.found_in(qualifier) for t in frame.terms if t.checkable)

    for term in frame.key_terms:
        for form in term.forms:
            if qualifies(after[:max(after.find(form), 0)]):
                return True
            # 累计向1840名党员发放贷款1.26亿元 is the cumulative total, whatever the verb before the noun.
            if before.endswith(form) and not _CUMULATIVE.search(before) and qualifies(before[:-len(form)][-2:]):
                return True
            if form in before and not before.endswith(form) and _counts_another_noun(
                    before[before.rfind(form) + len(form):], asked, frame.terms):
                return True  # 发展党员指导性计划指标10名 counts quota places, not party members
    return False


def _counts_another_noun(head: str, asked: str, terms: Sequence[Term]) -> bool:
    """Whether the words between an asked noun and the figure after it (党员 … 指导性计划指标 … 10名) end in
    another noun, the one the figure counts: not a count word (人数), a verb (达到) or a word of the question."""
    if len(head) < 2 or HAN_RUN.fullmatch(head) is None or head in asked:
        return False
    words = [(w, f) for w, f in jieba.posseg.cut(head) if w.strip()]
    last, flag = words[-1] if words else ("", "")
    return flag.startswith("n") and last not in _COUNT_HEADS and last not in asked and not any(
        t.found_in(last) for t in terms if t.checkable)


@lru_cache(maxsize=4096)
def listed_siblings(term: Term, context: str) -> frozenset[str]:
    """The words listed beside the term in the enumerations of `context` (芒果、板栗 for 油茶 in 重点发展芒果、板栗、
    油茶三大主导产业): the word of each item next to its 、."""
    siblings: set[str] = set()
    for enumeration in HAN_ENUMERATION.findall(context):
        items = enumeration.split("、")
        if not any(term.found_in(item) for item in items):
            continue
        for i, item in enumerate(items):
            if term.found_in(item):
                continue
            words = [w for w in jieba.cut(item) if len(w) >= 2]
            edge = [words[-1]] if words and i < len(items) - 1 else []
            edge += [words[0]] if words and i > 0 else []
            siblings.update(w for w in edge if not term.found_in(w))
    return frozenset(siblings)


def _clause_before(sentence: str, clause: str) -> str:
    """The clause of `sentence` just before `clause` ("" when it is the first)."""
    at = sentence.find(clause)
    return CLAUSE_BREAK.split(sentence[:at].rstrip(",，;；:："))[-1] if at > 0 else ""


_QUOTED_NAME = re.compile(r"“([^“”]{1,20})”")


def _quoted_topic(keys: Sequence[Term], sentence: str, at: int) -> bool:
    """Whether the last name the sentence quotes before the clause at `at` states a key term: the clauses after
    a named programme tell of it (信贷产品“先锋贷”，…，累计发放贷款1.26亿元 are 先锋贷's loans)."""
    names = _QUOTED_NAME.findall(sentence[:at]) if at > 0 else []
    return bool(names) and any(t.found_in(names[-1]) for t in keys)


# A person a sentence's opening clauses refer back to (驻村三年，他带领群众…), not 其他, 他人 or 他们.
_PERSON_REFERRED = re.compile(r"(?<!其)[他她](?![人乡们])")
# A sentence introducing a person by their post (坡头村驻村第一书记黄启明来自…).
_PERSON_POST = re.compile(r"书记|主任|队长|组长|村长|镇长|乡长|县长|旗长|队员|能手|带头人")
_OPENING_CLAUSES = 2


def _referred_sentence(context: str, sentence: str) -> str:
    """The sentence before `sentence` in `context` when `sentence` refers back to a person in its opening clauses
    and that one introduces them by their post, with no figure of its own (坡头村驻村第一书记黄启明来自…。驻村三年，
    他带领…: the years are the first secretary's; 他走遍了全村6个村民小组的389户人家 is about its figures, and lends
    nothing to 在他的推动下…183户); "" otherwise."""
    opening = "".join(sentence[s:e] for s, e in clause_spans(sentence)[:_OPENING_CLAUSES])
    at = context.find(sentence)
    if at <= 0 or not _PERSON_REFERRED.search(opening):
        return ""
    previous = sentence_before(context, at, past_quotation=False)
    return previous if _PERSON_POST.search(previous) and not clause_figures(previous) else ""


def _own_figure(segment: str, one_figure: bool) -> ClauseFigure | None:
    """The figure `segment` is about: its last when the segment is one figure's, its only one otherwise."""
    figures = clause_figures(segment)
    return figures[-1] if figures and (one_figure or len(figures) == 1) else None


def _starts_a_change(segment: str, clause: str, one_figure: bool) -> bool:
    """Whether the figure of `segment` is where a change in `clause` started: 由 or 比 before it, the change
    right after it (由48.6岁下降到41.3岁)."""
    figure, at = _own_figure(segment, one_figure), clause.find(segment)
    return figure is not None and at >= 0 and _CHANGE_START.search(segment[:figure.start]) is not None and (
        _CHANGE_ON.match(clause, at + len(segment)) is not None)


# Years a text names relative to when it was written (今年以来, 去年全县…), with their distance back from it.
# 当年 is the year just named ("2019年…，当年…"), and 比上年/较去年 the base a change is measured from, not the year of
# the figure; 至今年均 and 五年前年收入 hold the characters of no relative year.
_RELATIVE_YEAR = re.compile(r"(?<![比较至与])(今年|去年|(?<!年)前年)(?!度?[0-9一二三四五六七八九十])")
_YEARS_BACK = {"今年": 0, "去年": 1, "前年": 2}


def years_stated(text: str, written: str | None = None) -> set[str]:
    """The years `text` names: written out (2019年), or relative to the article's date (`written`, YYYY-MM-DD):
    今年 in an article of 2020-09-15 is 2020, 去年 is 2019. Without a date a relative year names none."""
    years = set(YEAR.findall(text))
    if written and written[:4].isdigit():
        years |= {str(int(written[:4]) - _YEARS_BACK[m.group(1)]) for m in _RELATIVE_YEAR.finditer(text)}
    return years


def states_a_change(segment: str, one_figure: bool) -> bool:
    """Whether the figure of `segment` is the amount of a change (同比增长7倍), not a level (达300吨, 增加到11830元)."""
    figure = _own_figure(segment, one_figure)
    return figure is not None and _CHANGE_AMOUNT.search(segment[:figure.start]) is not None


def _changed_next(sentence: str, clause: str, segment: str) -> bool:
    """Whether the rest of the figure's clause or the clause after it states by how much the figure's quantity
    changed (产量达300吨，同比增长7倍): the figure is the level it came to. A change in another measure is another
    quantity's (带动1720户贫困户户均增收3100元)."""
    own = _own_figure(segment, True)
    at = clause.find(segment)
    rest = clause[at + len(segment):] if at >= 0 else ""
    return own is not None and any(
        _CHANGE_AMOUNT.search(text[:f.start]) and f.unit_class in {own.unit_class, *_CHANGE_UNIT_CLASSES}
        for text in (rest, _clause_after(sentence, clause)) for f in clause_figures(text))


def _change_stated_beside(frame: QuestionFrame, sentence: str, segment: str) -> bool:
    """Whether another figure of the sentence, in the asked measure, is the amount of a change (联盟带动2130户菜农
    户均增收3600元，黄花菜收购价每斤提高了1.5元): by how much something changed is asked, and a count beside the
    change (2130户) is no change at all."""
    at = sentence.find(segment)
    own = _own_figure(segment, True)
    if at < 0 or own is None:
        return False
    return any(f.start != at + own.start and _CHANGE_AMOUNT.search(sentence[:f.start]) and (
        frame.unit is None or f.unit_class in {frame.unit, *_CHANGE_UNIT_CLASSES}) for f in clause_figures(sentence))


def _states_a_plan(segment: str, one_figure: bool) -> bool:
    """Whether the figure of `segment` is a plan, target or quota (计划指标10名, 目标为300吨, 预计增加6400元), not
    what was done against one (完成年度计划的120%, 按计划完成1200户)."""
    figure = _own_figure(segment, one_figure)
    before = segment[:figure.start] if figure is not None else ""
    return figure is not None and _PLAN_BEFORE.search(before) is not None and not _DONE.search(before)


def _states_a_limit(segment: str, one_figure: bool) -> bool:
    """Whether the figure of `segment` is a limit (最高30万元)."""
    figure = _own_figure(segment, one_figure)
    return figure is not None and _LIMIT_BEFORE.search(segment[:figure.start]) is not None


def _other_side(frame: QuestionFrame, text: str) -> bool:
    """Whether `text` states a qualifier figure of the question only for other sides of its band (5万元至10万元,
    never 5万元以下, for villages below 50,000 yuan)."""
    for q, asked in frame.sides:
        sides = {band_side(text, f) for f in clause_figures(text) if same_value(f.value, q)}
        if sides and None not in sides and asked not in sides:
            return True
    return False


# What ends a sentence for its year: a semicolon only parts clauses, which keep the year said before it.
_FULL_STOP = re.compile(r"[。！？!?\n]")
# The time a sentence opens with (到2020年底，2019年，截至2020年): the year of all its clauses; a year later in it
# may be a baseline (由2014年的12.5%下降至0.6%).
_OPENING_TIME = re.compile(r"(?:到|截至|截止到?|至)?(?:19|20)\d\d年(?:底|末|初|上半年|以来)?")


def _sentence_lead(context: str, sentence: str) -> str:
    """The time that opens the full sentence `sentence` continues after a semicolon (到2020年底，全县143个村…；全县
    村集体经济收入总额达到3184万元: 到2020年底), which is its clauses' time too; "" when there is none."""
    at = context.find(sentence)
    if at <= 0:
        return ""
    stops = [m.end() for m in _FULL_STOP.finditer(context, 0, at)]
    opening = _OPENING_TIME.match(context, stops[-1] if stops else 0, at)
    return opening.group() if opening else ""


# A clause saying its figure is the whole county's, banner's or town's (全县茶园面积18.4万亩), after any time it opens
# with (2020年底全县…, 今年全县…).
_WIDER_SCOPE = re.compile(r"(?:(?:到|截至|截止到?|至)?(?:19|20)\d\d年(?:度|底|末|初)?|今年|去年)?全([县旗市区州镇乡])")
# What each kind of local place is part of: a village of a town and a county, a town of a county.
_WIDER_THAN = {"村": "县旗市区州镇乡", "嘎查": "县旗市区州镇乡", "镇": "县旗市区州", "乡": "县旗市区州"}


def _wider_than_asked(frame: QuestionFrame, clause: str) -> bool:
    """Whether `clause` opens saying its figure is of a place wider than every kind of village or town the question
    asks about: a county's tea gardens are no village's."""
    scope = _WIDER_SCOPE.match(clause)
    return scope is not None and all(scope.group(1) in _WIDER_THAN.get(kind, "") for kind in frame.local_kinds)


def align(frame: QuestionFrame, clause: str, sentence: str, context: str, passage_places: Sequence[str],
          similarity: float = 0.0, segment: str | None = None, part: str | None = None,
          inherited: str | None = None, item: str | None = None, before_passage: str = "",
          written: str | None = None, shared: str = "") -> Alignment:
    """How well `clause` (normalised for matching, inside `sentence` inside `context`) answers `frame`.

    `passage_places` are the normalised names of the place of the passage's article. `segment` narrows the
    measure word, year and ratio checks to one figure's part of the clause (由2015年的12781元增加到2019年的27772元
    holds one figure for each year); `part` is the figure's share of the clause for its terms (示范嘎查2个、
    精品示范村18个: 18 is the one said of 精品示范村); `inherited` is the clause whose counted noun the figure's
    clause leaves out (see `elided_noun_clause`); `item` is the figure's item of an enumeration (5万元至10万元的
    69个), where a band it answers for is stated; `before_passage` is the article's sentence before the passage
    (normalised), which may name the village the passage is about; `written` is the article's date (YYYY-MM-DD),
    which says the year of 今年 and 去年; `shared` is what the figure's part shares with the next count joined to it
    (2037名县直干部和1268名乡镇干部与脱贫户结成帮扶对子: 与脱贫户结成帮扶对子), stating terms as the part does.
    """
    segment = segment if segment is not None else clause
    result = Alignment(similarity=similarity)
    before = _clause_before(sentence, clause)
    weights = [(term, 1.0 if term.key else 0.5) for term in frame.terms if term.checkable]
    # A word of the question inside the name of a place it asks about (茶 of 茶园坪村) is not stated by it. A
    # sentence referring back to a person (驻村三年，他…) states what the sentence introducing them by post does.
    referred = _without_names(_referred_sentence(context, sentence), frame.places)
    unnamed_sentence = _without_names(sentence, frame.places)
    stating_sentence = f"{referred}。{unnamed_sentence}" if referred else unnamed_sentence
    if weights:
        own = clause_figures(segment) if part is not None else []
        unit = own[-1].unit if own else None
        stating = part + shared if part is not None else None
        unnamed = [_without_names(text, frame.places) for text in (clause, context, stating, inherited)]
        unnamed_clause, unnamed_context, unnamed_part, unnamed_inherited = unnamed
        levels = [(term_level(t, unnamed_clause, stating_sentence, unnamed_context, unnamed_part, unnamed_inherited,
                              unit), t, w) for t, w in weights]
        # An English verb's translations are few of the ways Chinese says it (提拔 and 升级 for "promoted"): like a
        # loosely translated word, it counts where stated and is not missed where not.
        levels = [(level, t, w) for level, t, w in levels
                  if level > 0 or not (t.loose or t.scene or (frame.language != "zh" and not t.key))]
        result.coverage = sum(w * level for level, _, w in levels) / sum(w for _, _, w in levels) if levels else 0.0
        keys = [t for level, t, _ in levels if t.key]
        at = sentence.find(clause)
        # 13个行政村…，其中超过10万元的5个，占到38%: 其中 points back to the clause before it, counted noun and all.
        among = _clause_before(sentence, before) if before.startswith("其中") else ""
        # The clause before lends its subject to a comparison (总额达到2650万元，比2019年的1980万元增长).
        result.anchored = not keys or any(level >= _ANCHOR_LEVEL for level, t, _ in levels if t.key) or any(
            t.found_in(without_counted_nouns(before)) or t.found_in(among) for t in keys if before) or (
            _quoted_topic(keys, sentence, at)) or any(t.found_in(referred) for t in keys if not t.distinguishing)
        # A specific thing asked for (油茶), listed with others in the passage (芒果、板栗、油茶), is not what a
        # sentence naming one of the others instead is about: 产量1.2万吨 said of 芒果 is another product's.
        result.anchored = result.anchored and not any(
            level < STATED_LEVEL and any(s in sentence for s in listed_siblings(t, context))
            for level, t, _ in levels if t.key and t.distinguishing)
        # The kind asked for (空壳村), first written after the figure's clause and its continuation, is another
        # clause's subject: 50万元以上的村9个，“空壳村”全部清零 gives no count of 空壳村.
        result.anchored = result.anchored and not any(
            level < _ANCHOR_LEVEL and _stated_only_after(t, sentence, clause, context)
            for level, t, _ in levels if t.key and t.distinguishing)
        result.anchored = result.anchored and all(level >= _CLAUSE_LEVEL for level, t, _ in levels if t.counted_kind)
        result.anchored = result.anchored and all(level >= STATED_LEVEL for level, t, _ in levels if t.counted_thing)
    if frame.wants_figure and not _DISTRIBUTIVE_QUESTION.search(frame.question):
        figures = clause_figures(segment)
        at = clause.find(segment)
        lead = _DISTRIBUTIVE_LEAD.search(clause[:at]) if at > 0 else None
        result.distributive = bool(figures) and (
            lead is not None or all(_DISTRIBUTIVE.search(segment[:f.start]) for f in figures))
    asked_measures = {frame.unit} if frame.unit else set(frame.units)
    if asked_measures:
        classes = {_counted_class(f, segment) for f in clause_figures(segment)} | (
            {_counted_class(f, part) for f in clause_figures(part)} if part else set())
        result.unit_match = bool(asked_measures & classes)
        result.unit_ok = result.unit_match or not (classes - {None})
        if not result.unit_ok and asks_a_change(frame.question) and states_a_change(segment, part is not None):
            # Output is weighed, its growth a multiple or a share (产量…同比增长7倍).
            result.unit_ok = bool(classes & _CHANGE_UNIT_CLASSES)
    if frame.counting:
        classes = {_counted_class(f, segment) for f in clause_figures(segment)} - {None}
        result.unit_ok = result.unit_ok and not (classes and classes <= _AMOUNT_CLASSES)
    if frame.figures:
        # A band (10万元至50万元) is stated when all its figures are; an item stating other figures is another band.
        own = clause_figures(segment)[-1].value if part is not None and clause_figures(segment) else None
        # Figures counting what the question asks for (its unit) are answers, not bands.
        stated = [f.value for f in clause_figures(item or clause) if (own is None or not same_value(f.value, own))
                  and not (frame.unit and f.unit_class == frame.unit)]
        if not stated and not _OWN_BAND.search(item or clause):
            # 超过20万元的村达到4个，占到31%: a clause with no band of its own is of the band the clause before states;
            # one with a band of another kind (35岁以下的有23名，大专以上学历的有97名) is not.
            stated = [f.value for f in clause_figures(before) if band_side(before, f)]
        if stated:
            result.qualifier = 1 if all(any(same_value(q, v) for v in stated) for q in frame.figures) else -1
        elif frame.wants_figure and frame.sides and not any(same_value(q, f.value) for q in frame.figures
                                                            for f in clause_figures(sentence)):
            result.qualifier = -1  # a count with no band anywhere in its sentence (明确5项) is of no band asked
        if result.qualifier == 1 and frame.sides and _other_side(frame, item or clause):
            result.qualifier = -1  # 5万元至10万元的村 is no answer to villages below 50,000 yuan
    if part is not None and result.qualifier == 0:
        subset = bool(clause_figures(segment)) and counts_a_subset(frame, part, len(segment))
        # What a figure counts comes first: a quoted category later in its part (开展“暖心党建”…) is not its kind.
        result.qualifier = -1 if _counts_another_noun_than_asked(frame, clause, part) else (
            _category(frame, clause, part) or (
                -1 if subset or _said_of_another_item(frame, clause, part) or _said_jointly(frame, clause, part)
                else 0))
    if frame.wants_figure and result.qualifier >= 0 and part is not None and _counts_another_thing(
            frame, segment, part):
        result.qualifier = -1  # 在沿边34个村组建联防党支部: 34 counts villages, not the party branches asked
    if frame.wants_figure and result.qualifier >= 0 and _part_told_by_another_clause(frame, clause, sentence):
        result.qualifier = -1  # …县直单位派驻100名，女性第一书记17名: 17 are the women, not the county units' part
    if frame.wants_figure and result.qualifier >= 0 and _stated_only_negated(frame, sentence):
        result.qualifier = -1  # 针对不能享受易地搬迁项目的…危房，…对27户…: not households relocated
    if frame.wants_figure and result.qualifier >= 0 and _silent_on_the_part(frame, unnamed_sentence):
        result.qualifier = -1  # 选聘网格员1562名 counts the grid workers, not those of them who are Party members
    if frame.wants_figure and result.qualifier >= 0 and _whole_of_the_asked_part(frame, clause, sentence):
        result.qualifier = -1  # 选派第一书记152名，其中…非贫困村81名: 152 is all of them, not the non-poor villages'
    if frame.wants_figure and result.qualifier >= 0 and part is not None and _whole_among(frame, segment, part,
                                                                                             clause):
        result.qualifier = -1  # 186个村中…“空壳村”有63个: 186 is every village, not the empty-shell ones
    if frame.wants_figure and result.qualifier >= 0 and _states_a_limit(segment, part is not None) and (
            not _LIMIT_QUESTION.search(frame.question)):
        result.qualifier = -1  # 最高30万元的信用贷款 is no answer to how much was lent
    if frame.wants_figure and result.qualifier >= 0 and _states_a_plan(segment, part is not None) and (
            not _PLAN_QUESTION.search(frame.question)):
        result.qualifier = -1  # 下达发展党员指导性计划指标10名 is a quota, not how many were admitted
    # A change whose ends have years of their own (由2015年的12781元增加到2019年的27772元) is left to the years.
    if frame.wants_figure and result.qualifier >= 0 and not YEAR.search(segment) and _starts_a_change(
            segment, clause, part is not None) and not _BASELINE_QUESTION.search(frame.question):
        result.qualifier = -1  # 平均年龄由48.6岁下降到41.3岁: the age asked is the one it came to
    if frame.wants_figure and result.qualifier >= 0 and asks_a_change(frame.question) and part is not None and (
            not states_a_change(segment, True) and (
                _changed_next(sentence, clause, segment) or _change_stated_beside(frame, sentence, segment))):
        result.qualifier = -1  # 产量达300吨，同比增长7倍: 300吨 is what it came to, not by how much it grew
    if frame.years:
        # The nearest years say which year a figure is of: its segment's, else its sentence's before it (a later
        # year is a later figure's or a baseline's: 总额达到3184万元，比2019年的2273万元增长).
        # The asked year stated only after the figure, in its sentence, is that later figure's: the figure itself
        # is of another year (asked for 2019, 3184万元 is not the answer but 2273万元 is).
        at = sentence.find(segment)
        stated = years_stated(segment, written) or years_stated(sentence[:at] if at >= 0 else sentence, written) or (
            years_stated(_sentence_lead(context, sentence), written))
        later = years_stated(sentence[at + len(segment):], written) if at >= 0 else set()
        result.year_ok = any(y in stated for y in frame.years) or (
            not stated and any(y in context and y not in later for y in frame.years))
    if frame.places:
        # A village or town is often named once in a passage, not in every sentence about it; a passage about
        # it names it, though: a county's figure is no answer for one of its villages.
        result.place_ok = any(asked in context or any(asked in own or own in asked for own in passage_places)
                              for asked in frame.places) and all(
            asked in f"{before_passage}|{context}" for asked in frame.local_places) and not (
            frame.local_kinds and _wider_than_asked(frame, clause))
    return result
