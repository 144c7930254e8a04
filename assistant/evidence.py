"""Evidence first: the sentences of the retrieved passages that state what the question asks, numbered.

The LLM is shown a compact list of these sentences (trimmed to the clauses around the best one) instead of
whole passages: fewer prompt tokens, and the figure that answers the question is not buried among its
neighbours. Each evidence item keeps its passage and offsets, so citations still point at passages and the
highlight is the sentence that was shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import jieba.posseg

from assistant.alignment import Alignment, align, elided_noun_clause
from assistant.answer import Passage
from assistant.figures import RANGE_LINK, ClauseFigure, clause_figures, clause_spans, states_a_date
from assistant.grounding import same_value
from assistant.numerals import UNIT_CLASSES
from assistant.query import COMPOUND_SURNAMES, asked_count, asks_for_a_list, asks_for_the_first, expected_classifier
from assistant.question_frame import PLACE_WORDS, QuestionFrame
from assistant.sentences import SentenceScorer, sentence_spans
from indexing.places import place_aliases
from indexing.textnorm import normalize, normalize_for_matching

# Sentences whose lexical alignment makes the short list, before their meaning is compared (embedding
# every sentence of every passage would cost seconds on a CPU).
_SHORTLIST = 8
# Shown to the LLM: the best clause and its neighbours up to about this many characters.
_WINDOW_CHARS = 100
_RANK_PRIOR = 0.3
# Scores equal to this many decimals are a tie (float sums of the same terms in another order).
_TIE_DIGITS = 6
# Under this share of the question's terms (weighted, see `align`) a figure's clause is about something else.
MIN_CLAIM_COVERAGE = 0.45
_NAME_BONUS = 1.0
# How far before a person's name its title may stand (县委书记陈建生), and how titles end (村民 is none).
_TITLE_CHARS = 4
_PLACE_SUFFIXES = tuple(PLACE_WORDS)
_TITLES = ("书记", "长", "主任", "主席", "委员", "干部", "队员", "专干", "经理", "代表")
_TITLE_WORDS = r"书记|部长|县长|旗长|市长|镇长|乡长|主任|队长|组长|局长|厅长|主席|经理"
# A title with its rank before it (第一书记, 副县长, 常务副主任), and a question that names a rank.
_RANKED_TITLE = re.compile(rf"(第一|常务副|副)({_TITLE_WORDS})$")
_RANK_WORD = re.compile(r"第一|副|常务|\b(?:first|deputy|vice|executive|assistant)\b", re.IGNORECASE)
# "Who is …?", "… — who leads it?", not the relative "cadres who performed".
# A name asked of a person (书记叫什么名字), not of a thing (这个合作社叫什么名字).
_WHO = re.compile(r"^\W*(?:and |so |then )?(?:who|whom|whose)\b|[—–:;,-]\s*who\b|\b(?:tell me|name of|say) who\b|"
                  r"谁|姓名|(?:书记|长|主任|主席|委员|干部|队员|党员|代表|经理|村民|人)的?(?:叫什么|名字)",
                  re.IGNORECASE)
# Common surnames, less those that also start everyday words after a title (书记和, 书记成为, 书记任组长, 书记高兴,
# 主任解释, 书记曾经). Mongolian and Yi names have no surname: jieba's tag is all that finds them.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢"
            "姜崔钟谭陆汪范金石廖贾夏韦付白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤温康施牛樊葛"
            "邢乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳祝宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳"
            "柴蒙鲍华喻祁蒲房滕屈饶牟艾尤穆卓古吉缪简项麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬仇"
            "栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝")
# A name right after a title: a surname and one or two characters, before what people named there do (说, 介绍,
# 来自, 和 …).
_TITLED_NAME = re.compile(rf"(?:{_TITLE_WORDS})"
                          rf"([{SURNAMES}][\u4e00-\u9fff]{{1,2}}?)"
                          r"(?=说|介绍|表示|告诉|和|与|同|来自|带|在|是|就|等|[，,。、：:“\"（(])")
# A speaker after a title, whatever the surname (村党总支书记刀建华说: 刀 is a Dai surname the list lacks); kept only
# when the words are no everyday ones (书记高兴地说).
_TITLED_SPEAKER = re.compile(rf"(?:{_TITLE_WORDS})([\u4e00-\u9fff]{{2,3}}?)(?=说|介绍|表示|告诉)")
# What starts a phrase between a title and 说 that is no name (向记者介绍, 对大家说, 在会上表示).
_COVERBS = frozenset("向对跟在给为和与同把被从让")
# Given names are rare words (建华 342); 记者, 我们, 大家 are everyday ones.
_EVERYDAY_FREQUENCY = 1000
_NOT_IN_NAMES = frozenset("的了着地得也都又就还却再很便才")
_ENUMERATION = re.compile(r"[、]|“[^”]{1,12}”[^“]{0,3}“")
_QUOTED_MEMBER = re.compile(r"“[^”]{1,12}”")
_QUOTED_TEXT = re.compile(r"“[^”]{3,60}”")
_QUOTED_RUN = re.compile(rf"(?:{_QUOTED_MEMBER.pattern}[、，,]?){{2,}}")
# A report's points in order from 一, each opening a sentence, or a part after ；, ： or “ (一是积极发展股份合作制经济。
# …二是大力发展新型合作经济。): the words up to the point's first break name it.
_ORDINAL_POINT = re.compile(r"(?:^|(?<=[。！？；;：:“\n]))\s*([一二三四五六七八九十])是[，,]?([^，,。！？；;\n]{2,30})")
_ORDINALS = "一二三四五六七八九十"
_POINT_ENDS = "。！？；;\n"
# The words a point opens with before what it is about (积极, 大力 and one verb: 发展): adverbs, adjectives used so.
_POINT_MANNER_FLAGS = frozenset(("d", "ad", "a"))
_POINT_VERB_FLAGS = frozenset(("v", "vd", "vn"))
# The reports' words of manner, which jieba may join to the verb after them (大力发展 is one word to it).
_POINT_MANNER = ("要", "进一步", "积极", "大力", "切实", "不断", "着力", "加快", "全面", "持续", "深入", "认真")
# A list question prefers the sentence that enumerates (three members or more) over one that summarises.
_LIST_BONUS = 1.0
MIN_MEMBERS = 3
# An enumerating sentence scoring this much below the best evidence is about something else.
LISTING_MARGIN = 0.5
# A sentence listing members of the asked kind by name (…等实用技术) may trail the best by more.
_NAMED_LISTING_MARGIN = 2 * LISTING_MARGIN


@dataclass(frozen=True)
class Evidence:
    """A sentence (or its best clauses) of a retrieved passage, aligned with the question."""

    n: int
    passage: Passage
    start: int
    end: int
    text: str
    alignment: Alignment
    clause: tuple[int, int]
    # Alignment, closeness in meaning, a person's name for a who-question, and the passage's rank.
    score: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """A sentence of a passage with its best clause's alignment and its score (alignment, meaning, rank)."""
    passage: Passage
    start: int
    end: int
    alignment: Alignment
    clause: tuple[int, int]
    score: float


def passage_places(passage: Passage) -> list[str]:
    """The normalised names of a passage's place (with its stem: 甘洛县, 甘洛)."""
    return [normalize(p) for p in place_aliases(passage.place)] if passage.place else []


def list_members(sentence: str, count: int | None = None) -> list[str]:
    """The members a sentence enumerates: parts joined by + in quotes (“基本报酬+工资报酬+绩效工资”), quoted names side
    by side (“经济管理”“农林牧渔”), else the items between 、 of its first clause holding any (the first and last
    trimmed to four characters next to the 、, where the list's own words end). With the `count` a question asks
    for (哪五建), the first of these enumerations with that many members: a sentence may hold several (a quoted
    slogan of three parts, then 党组织主建、党小组领建、…“五建并举”)."""
    enumerations = _enumerations(sentence)
    if count is not None:
        sized = next((members for members in enumerations if len(members) == count), None)
        if sized is not None:
            return sized
    return enumerations[0] if enumerations else []


def _enumerations(sentence: str) -> list[list[str]]:
    """Every enumeration of a sentence, in the order `list_members` prefers them."""
    points = ordinal_points(sentence)
    if points:
        return [[name for _, _, name in points]]  # a report's points (一是…。二是…。), whatever their sentences list
    found: list[list[str]] = []
    for joined in (q for q in _QUOTED_TEXT.findall(sentence) if q.count("+") >= 2):  # “基本报酬+工资报酬+绩效工资”
        found.append([m.strip() for m in joined.strip("“”").split("+") if m.strip()])
    # The longest run of quoted names side by side; a quoted word elsewhere in the sentence (“双向”选择) is none.
    runs = [_QUOTED_MEMBER.findall(run.group(0)) for run in _QUOTED_RUN.finditer(sentence)]
    for run in sorted(runs, key=len, reverse=True):
        if len(run) >= 2:
            found.append([m.strip("“”") for m in run])
    for start, end in clause_spans(sentence):
        items = [item.strip() for item in sentence[start:end].split("、")]
        if len(items) < 2:
            continue
        # The members' shared head (…调处党小组、征地拆迁党小组、劳务输出党小组等) is no part of their names; one shared
        # character (主建、领建、带建) is a word each of them ends in.
        head = _shared_ending(items[:-1])
        if len(head) >= 2:
            items = [item[: item.find(head)] if head in item else item for item in items]
        items[0], items[-1] = items[0][-4:], items[-1][:4]
        if len([item for item in items if item]) >= 2:
            found.append([item for item in items if item])
    return found


def ordinal_points(text: str) -> list[tuple[int, int, str]]:
    """The points a text makes as 一是…, 二是…, in order from 一, each in its own sentence or between semicolons:
    (where the point starts, where it ends, its name); the longest such run of two or more, else none."""
    runs: list[list[tuple[int, int, str]]] = []
    for match in _ORDINAL_POINT.finditer(text):
        rank = _ORDINALS.index(match.group(1))
        if rank == 0:
            runs.append([])
        if runs and rank == len(runs[-1]):
            ends = [at for at in (text.find(mark, match.end()) for mark in _POINT_ENDS) if at >= 0]
            runs[-1].append((match.start(1), min(min(ends, default=len(text)) + 1, len(text)),
                             _point_object(match.group(2))))
    longest = max(runs, key=len, default=[])
    return longest if len(longest) >= 2 else []


def _point_object(point: str) -> str:
    """What a report's point is about, without the adverbs and verbs it opens with (积极发展股份合作制经济:
    股份合作制经济), as an answer names it; the point itself when nothing else is left."""
    simplified = normalize(point)  # jieba tags Simplified text; the point keeps the article's script
    if len(simplified) != len(point):
        return point
    lead = 0
    for word, flag in jieba.posseg.cut(simplified):
        if flag not in _POINT_VERB_FLAGS | _POINT_MANNER_FLAGS and any(
                word.startswith(m) and len(word) - len(m) >= 2 for m in _POINT_MANNER):
            lead += len(word)  # 大力发展, one word to jieba: a manner and the verb after it
            break
        if flag not in _POINT_MANNER_FLAGS | _POINT_VERB_FLAGS and word not in _POINT_MANNER:
            break
        lead += len(word)
        if flag in _POINT_VERB_FLAGS and word not in _POINT_MANNER:
            break  # 培育经营主体: the verb opening the point, not 经营 of what it is about
    return point[lead:] if len(point) - lead >= 2 else point


def _about_one_point(frame: QuestionFrame, points: Sequence[str]) -> bool:
    """Whether a question is about one of a report's points, not their list: a telling word of it is stated by
    that point alone (低保 of 三是低保政策兜底扶贫, asked how 低保兜底 is done)."""
    heads = [normalize_for_matching(point) for point in points]
    return any(sum(t.found_in(head) for head in heads) == 1 for t in frame.terms if t.telling and t.checkable)


def _shared_ending(texts: Sequence[str]) -> str:
    """The longest ending every text has (党小组 of 纠纷调处党小组, 征地拆迁党小组)."""
    ending = texts[0] if texts else ""
    for text in texts[1:]:
        while ending and not text.endswith(ending):
            ending = ending[1:]
    return ending


def enumerated_members(sentence: str, count: int | None = None) -> int:
    """How many members a sentence enumerates (see `list_members`)."""
    return len(list_members(sentence, count))


def _list_bonus(sentence: str, count: int | None) -> float:
    """How much a sentence's enumeration speaks for it as a list question's answer: double when it enumerates
    exactly the count asked (哪三种 and 不善为、不作为、乱作为, not the four modes of another passage that the
    question's other words also fit), single for `MIN_MEMBERS` or more, else none."""
    members = enumerated_members(sentence, count)
    if count is not None and members == count >= 2:
        return 2 * _LIST_BONUS
    return _LIST_BONUS if members >= MIN_MEMBERS else 0.0


def enumeration_size(question: str) -> int | None:
    """The size of the enumeration a list question asks from (哪五建: 5); None when it asks for the first members
    of a longer one (前五项) or counts none."""
    count = asked_count(question)
    return None if count is None or asks_for_the_first(question) else count


def best_listing(frame: QuestionFrame, evidence: Sequence[Evidence]) -> Evidence | None:
    """The best evidence that enumerates the members a list question asks for and scores within `LISTING_MARGIN`
    of the best evidence: the answer the guard checks and extraction quotes. None when no such sentence is shown.

    A question that counts (哪两个, 哪八类) wants an enumeration of that size (the first ones of a longer one
    for 前五项); otherwise `MIN_MEMBERS` or more.
    """
    count = asked_count(frame.question)
    first = count is not None and asks_for_the_first(frame.question)
    size = enumeration_size(frame.question)

    def lists_the_asked(item: Evidence) -> bool:
        members = enumerated_members(item.text, size)
        if count is None:
            return members >= MIN_MEMBERS
        return members >= count if first else members == count

    admissible = [e for e in evidence if e.alignment.admissible]
    # Members written before 等 and the asked thing (芒果修剪、板栗嫁接、油茶管护等实用技术) are its members, though
    # a sentence about the same subject without them scores somewhat better.
    best = max((e.score for e in admissible), default=0.0)
    named = [e for e in admissible if lists_the_asked(e) and _members_of_asked(frame, e.text)
             and e.score >= best - _NAMED_LISTING_MARGIN]
    if named:
        return max(named, key=lambda e: e.score)
    listings = [e for e in admissible if lists_the_asked(e) and e.score >= best - LISTING_MARGIN]
    return max(listings, key=lambda e: e.score, default=None)


# An enumeration's last member, 等 and the words after it: the kind the members are of.
_MEMBERS_OF = re.compile(r"、[^、，,。；;]{1,16}?等([\u4e00-\u9fff“”]{2,12})")


def _members_of_asked(frame: QuestionFrame, text: str) -> bool:
    """Whether `text` enumerates members of a telling word of the question as "A、B、C等 + the word" (实用技术): a
    word as common as 制度 or 活动 ends many enumerations of other things."""
    kinds = [m.group(1) for m in _MEMBERS_OF.finditer(normalize_for_matching(text))]
    return any(kind.startswith(tuple(t.forms)) for kind in kinds for t in frame.key_terms if t.forms and t.telling)


def asks_who(question: str) -> bool:
    """A question that asks for a person (who, 谁, 誰, 姓名)."""
    return bool(_WHO.search(normalize(question)))


# Questions asking when (何时, 哪一年, "when was it approved") and where ("where is", "which city", 哪个省), in
# Simplified (as `normalize` writes them): the quote must give a date, or a place other than the question's.
_WHEN = re.compile(r"\bwhen (?:was|were|did|is|are|does|do|has|have|had|will)\b|"
                   r"\b(?:what|which) (?:year|month|date|day)\b|什么时候|何时|哪一?年|哪个月|几月|什么时间",
                   re.IGNORECASE)
_WHERE = re.compile(r"^\W*where\b|\bwhere (?:is|was|are|were|did|does|do|can|has|have|had|will)\b|"
                    r"\b(?:what|which) (?:city|province|county|town|township|village|place|region|country|prefecture|"
                    r"municipality)\b|哪个?(?:市|省|县|镇|乡|村|地方)|哪里|哪儿|什么地方|何地|何处", re.IGNORECASE)
# Terrain and kinds of area, which jieba tags as places (山坡, 山区): no place an answer names.
_TERRAIN = frozenset(("山坡", "山区", "山村", "山沟", "山上", "山下", "河边", "河畔", "田间", "地头", "乡下", "城里",
                      "城区", "郊区", "沿海", "边疆", "林区", "牧区", "矿区", "灾区", "库区", "老区", "边区", "片区",
                      "辖区", "社区", "地区", "园区", "景区", "新区", "农村", "乡村"))


def asks_when(question: str) -> bool:
    """A question that asks for a time (when, 哪一年, 何时)."""
    return bool(_WHEN.search(normalize(question)))


def asks_where(question: str) -> bool:
    """A question that asks for a place (where, which city, 哪个省, 从哪里)."""
    return bool(_WHERE.search(normalize(question)))


def gives_the_asked_kind(frame: QuestionFrame, evidence: Evidence) -> bool:
    """Whether an evidence sentence gives the kind of answer a when- or where-question asks: a date, or a place
    other than the question's and the passage's own (重庆 for "experts from which city" about Ganluo); True for
    other questions."""
    text = normalize_for_matching(evidence.text)
    if asks_when(frame.question):
        return states_a_date(text)
    if asks_where(frame.question):
        own = [normalize_for_matching(p) for p in (*frame.places, *passage_places(evidence.passage)) if p]
        return any(flag == "ns" and len(word) >= 2 and word not in _TERRAIN and not any(
            word in p or p in word for p in own) for word, flag in jieba.posseg.cut(text))
    return True


def person_names(text: str) -> list[tuple[int, str]]:
    """The people a text names, with where each name starts in its normalised form: a name right after a title
    (县委书记陈建生说, 第一书记龙海波和: jieba often splits these), or a word jieba tags as a person's name."""
    normalized = normalize(text)
    found = {m.start(1): m.group(1) for m in _TITLED_NAME.finditer(normalized)}
    at = 0
    for word, flag in jieba.posseg.cut(normalized):
        # jieba tags some places as people (甘洛 of 甘洛县委书记, 白岩村): a place word in or after it says so.
        if flag == "nr" and len(word) >= 2 and not word.endswith(_PLACE_SUFFIXES) and not normalized.startswith(
                _PLACE_SUFFIXES, at + len(word)) and not _two_words(word):
            found.setdefault(at, word)
        at += len(word)
    # After segmenting, so jieba's dictionary is loaded for the everyday-word check.
    for match in _TITLED_SPEAKER.finditer(normalized):
        name = match.group(1)
        if name[0] in _COVERBS or any(c in _NOT_IN_NAMES for c in name) or jieba.get_FREQ(name[:2]) or (
                (jieba.get_FREQ(name[-2:]) or 0) >= _EVERYDAY_FREQUENCY):
            continue
        found.setdefault(match.start(1), name)
    return sorted(found.items())


def _two_words(word: str) -> bool:
    """Whether a word jieba's dictionary tags as a name is two words of four characters or more (督促检查,
    从严治党, 建立健全): a Chinese name of that length starts with a compound surname (欧阳建国)."""
    return len(word) >= 4 and word[:2] not in COMPOUND_SURNAMES and bool(
        jieba.get_FREQ(word[:2])) and bool(jieba.get_FREQ(word[2:]))


def titled_names(frame: QuestionFrame, text: str) -> list[tuple[str, bool]]:
    """The people a text names, each with whether the title before the name is one the question asks about
    (县委书记陈建生 for "Party secretary", 组织部长田晓燕 for "head of the organisation department"), or the
    name is the person the question asks about and the text gives their title (第一书记吴建军 for "Who is Wu
    Jianjun?")."""
    normalized = normalize(text)
    # "county" is in every county official's title (县委书记, 县委常委): only the words of the title itself count.
    title_terms = [t for t in frame.key_terms if not t.forms <= PLACE_WORDS]
    people = person_names(text)
    # Where the text names the person asked about, the question is about them, not about whoever else's title
    # shares a word with it (工作队员王芳 for "where does he work?").
    about = any(names_the_person(frame, name) for _, name in people)
    named = []
    for at, name in people:
        title = normalize_for_matching(normalized[max(0, at - _TITLE_CHARS):at])
        named.append((name, title.endswith(_TITLES) and (
            names_the_person(frame, name) if about
            else any(t.found_in(title) for t in title_terms) and not _another_rank(frame, title))))
    return named


def names_only_other_ranks(frame: QuestionFrame, text: str) -> bool:
    """Whether every person the text names holds another rank of the asked title (雲霧村第一書記段志鵬 for the
    village branch's 书记): the text names no one the question asks for."""
    normalized = normalize(text)
    people = person_names(text)
    if any(names_the_person(frame, name) for _, name in people):
        return False  # "Who is Li Yonghong?" is answered by his title, whatever its rank
    titles = [normalize_for_matching(normalized[max(0, at - _TITLE_CHARS):at]) for at, _ in people]
    return bool(people) and all(title.endswith(_TITLES) and _another_rank(frame, title) for title in titles)


def _another_rank(frame: QuestionFrame, title: str) -> bool:
    """Whether the title is a rank of the asked one the question does not ask for: 第一书记 or 副书记 for a
    question about the village Party branch's 书记 (村党支部书记). A question naming any rank (第一, 副, "first",
    "deputy") or not asking that title at all (队长, "who leads …") is never answered by another rank."""
    ranked = _RANKED_TITLE.search(title)
    if ranked is None or _RANK_WORD.search(frame.question):
        return False
    return any(t.found_in(ranked.group(2)) for t in frame.terms if t.checkable and not t.forms <= PLACE_WORDS)


def names_the_person(frame: QuestionFrame, name: str) -> bool:
    """Whether the question asks about the person `name`: a Chinese question writes the name, an English one
    romanises it ("Wu Jianjun"), and query analysis hands the frame its Chinese among the names it found."""
    return (frame.language == "zh" and name in normalize(frame.question)) or any(
        len(found) >= 2 and found in name for found in frame.places)


def _name_bonus(frame: QuestionFrame, text: str) -> float:
    """For a who-question: the full bonus when a person's name follows a title the question asks about, half for
    any other person's name, else nothing."""
    named = titled_names(frame, text)
    return _NAME_BONUS if any(asked for _, asked in named) else _NAME_BONUS / 2 if named else 0.0


class EvidenceSelector:
    """Picks and numbers the evidence sentences for a question from its retrieved passages."""

    def __init__(self, scorer: SentenceScorer | None = None) -> None:
        self.scorer = scorer

    def candidates(self, frame: QuestionFrame, passages: Sequence[Passage]) -> list[Candidate]:
        """Every sentence of the passages with its best clause's alignment, best first."""
        found = []
        who = asks_who(frame.question)
        wants_list = asks_for_a_list(frame.question)
        count = asked_count(frame.question) if wants_list else None
        for passage in passages:
            context = normalize_for_matching(passage.text)
            lead = normalize_for_matching(passage.lead)
            places = passage_places(passage)
            for start, end in sentence_spans(passage.text):
                if any(s < end and start < e for s, e in passage.instructions):
                    continue  # text addressing the assistant is never evidence
                sentence = passage.text[start:end]
                normalized_sentence = normalize_for_matching(sentence)
                best: tuple[Alignment, tuple[int, int]] | None = None
                for c_start, c_end in clause_spans(sentence):
                    clause = normalize_for_matching(sentence[c_start:c_end])
                    if frame.wants_figure and not clause_figures(clause) and len(clause_spans(sentence)) > 1:
                        continue
                    alignment = align(frame, clause, normalized_sentence, context, places, before_passage=lead,
                                      written=passage.date)
                    if best is None or alignment.score > best[0].score:
                        best = (alignment, (start + c_start, start + c_end))
                if best is None:
                    alignment = align(frame, normalized_sentence, normalized_sentence, context, places,
                                      before_passage=lead, written=passage.date)
                    best = (alignment, (start, end))
                # An enumeration helps as much as it is about what was asked (党员、干部、群众 is no answer).
                score = best[0].score + (_name_bonus(frame, sentence) if who else 0.0) + (
                    _list_bonus(sentence, count) * best[0].coverage if wants_list else 0.0)
                found.append(Candidate(passage, start, end, best[0], best[1], score + _RANK_PRIOR / passage.n))
            points = ordinal_points(passage.text) if wants_list and not frame.wants_figure else []
            start, end = (points[0][0], points[-1][1]) if points else (0, 0)
            if points and not any(s < end and start < e for s, e in passage.instructions) and not _about_one_point(
                    frame, [passage.text[s:e] for s, e, _ in points]):
                # The points together answer a list question, though each stands in a sentence of its own; they
                # are judged by their own sentences, not by the ones explaining each (which say much else).
                heads = "".join(passage.text[s:e] for s, e, _ in points)
                normalized_heads = normalize_for_matching(heads)
                alignment = align(frame, normalized_heads, normalized_heads, context, places, before_passage=lead,
                                  written=passage.date)
                score = alignment.score + _list_bonus(heads, count) * alignment.coverage
                found.append(Candidate(passage, start, end, alignment, (start, end), score + _RANK_PRIOR / passage.n))
        return sorted(found, key=lambda c: -c.score)

    def select(self, frame: QuestionFrame, passages: Sequence[Passage], limit: int, per_article: bool = False,
               candidates: Sequence[Candidate] | None = None) -> list[Evidence]:
        """The best `limit` admissible sentences (by alignment and meaning), numbered from 1 in passage order.

        `per_article` keeps the best sentence of every article first (lists and cross-article questions);
        `candidates` are those `candidates()` gave for these passages, if the caller has them already.
        """
        if candidates is None:
            candidates = self.candidates(frame, passages)
        shortlist = [c for c in candidates if c.alignment.admissible][:_SHORTLIST]
        if not shortlist:
            return []
        if self.scorer is not None:
            texts = [c.passage.text[c.start:c.end] for c in shortlist]
            similarities = self.scorer(frame.question, texts)
            shortlist = [_with_similarity(c, s) for c, s in zip(shortlist, similarities, strict=True)]
            shortlist.sort(key=lambda c: -c.score)
        # Overlapping passages repeat sentences: one quote per place in its article.
        unique: dict[tuple[str, int], Candidate] = {}
        for candidate in shortlist:
            unique.setdefault((candidate.passage.doc_id, candidate.passage.start + candidate.start), candidate)
        shortlist = list(unique.values())
        chosen: list[Candidate] = []
        if per_article:
            seen: set[str] = set()
            for candidate in shortlist:
                if candidate.passage.doc_id not in seen:
                    seen.add(candidate.passage.doc_id)
                    chosen.append(candidate)
        for candidate in shortlist:
            if len(chosen) >= limit:
                break
            if candidate not in chosen:
                chosen.append(candidate)
        chosen = chosen[:limit]
        chosen.sort(key=lambda c: (c.passage.n, c.start))
        return [_evidence(n, c, frame) for n, c in enumerate(chosen, start=1)]


def _with_similarity(candidate: Candidate, similarity: float) -> Candidate:
    alignment = Alignment(**{**candidate.alignment.__dict__, "similarity": similarity})
    score = candidate.score + alignment.score - candidate.alignment.score
    return Candidate(candidate.passage, candidate.start, candidate.end, alignment, candidate.clause, score)


def _evidence(n: int, candidate: Candidate, frame: QuestionFrame) -> Evidence:
    """The shown text: a whole short sentence, or the clauses around the best one of a long sentence."""
    start, end = candidate.start, candidate.end
    text = candidate.passage.text
    if end - start > _WINDOW_CHARS and (frame.wants_figure or not (
            _ENUMERATION.search(text[start:end]) or ordinal_points(text[start:end]))):
        clauses = [(start + s, start + e) for s, e in clause_spans(text[start:end])]
        best = next(i for i, (s, e) in enumerate(clauses) if s <= candidate.clause[0] < e or s >= candidate.clause[0])
        lo = hi = best
        while True:
            grown = False
            if hi + 1 < len(clauses) and clauses[hi + 1][1] - clauses[lo][0] <= _WINDOW_CHARS:
                hi, grown = hi + 1, True
            if lo > 0 and clauses[hi][1] - clauses[lo - 1][0] <= _WINDOW_CHARS:
                lo, grown = lo - 1, True
            if not grown:
                break
        start, end = clauses[lo][0], clauses[hi][1]
    return Evidence(n=n, passage=candidate.passage, start=start, end=end, text=text[start:end],
                    alignment=candidate.alignment, clause=candidate.clause, score=candidate.score)


def format_evidence(evidence: Sequence[Evidence]) -> str:
    """Numbered evidence lines for the prompt, each labelled with its article's place (a quote rarely names
    the place it is about, and the model must not take a quote about another place)."""
    return "\n".join(f"[{item.n}] ({item.passage.place or item.passage.title}) {item.text}" for item in evidence)


@dataclass(frozen=True)
class Claim:
    """A figure of an evidence item with the alignment of the clause that states it."""

    evidence: Evidence
    value: float
    number: float
    clause: tuple[int, int]
    alignment: Alignment
    quote: str
    # The whole clause the figure stands in (offsets into the passage).
    full_clause: tuple[int, int]
    # The figure's measure word as written (万元, 名), None for a bare number.
    unit: str | None = None

    @property
    def unit_class(self) -> str | None:
        """What the figure counts (people, money …), None for a bare number."""
        return UNIT_CLASSES.get(self.unit) if self.unit else None

    @property
    def clause_text(self) -> str:
        """The figure's part of its clause, in the passage's own script."""
        return self.evidence.passage.text[self.clause[0]:self.clause[1]]


# Where a clause's subject ends and a change (由…增加到…, 从…下降至…) begins, and where the change goes on.
_CHANGE_FROM = re.compile(r"(由|从|從|比)[^由从從比]*$")
_CHANGE_TO = re.compile(r"(?:增加|提高|下降|减少|減少|增长|增長|上升|降低|降|增)?(?:到|至)")


# Marks that open a quote or an aside: a part cut before the next figure may end on one.
_OPENING_MARKS = "“「‘(（《"


def _quote(clause: str, start: int, figure_end: int, end: int) -> str:
    """What to quote for a figure: its part of the clause, after the clause's subject when it starts later,
    and without the change that leads to the next figure.

    全旗…人均纯收入由2015年的12781元增加到2019年度的27772元 → 全旗…人均纯收入由2015年的12781元 (for 2015) and
    全旗…人均纯收入…增加到2019年度的27772元 (for 2019).
    """
    change = _CHANGE_TO.search(clause, figure_end, end)
    end = change.start() if change and end < len(clause) else end
    # A part cut before the next figure's item ends without the word joining them (40名第一书记与).
    link = _JOINED_ITEM.match(clause, figure_end, end) if end < len(clause) else None
    end = end - len(link.group(1)) if link and link.end() == end else end
    # A part cut before the next figure may end on the mark that opens it (“十个规范”的“1+5”体系).
    part = clause[start:end].strip().rstrip(_OPENING_MARKS)
    if start == 0:
        return part
    head = clause[:start]
    first_figure = re.search(r"\d", head)
    head = head[:first_figure.start()] if first_figure else head
    head = _CHANGE_FROM.sub("", head).rstrip()
    # ⋯, not …: NFKC makes … three full stops, and a figure after them would read as decimals.
    return f"{head}⋯{part}" if head else part


def figure_claims(frame: QuestionFrame, evidence: Sequence[Evidence]) -> list[Claim]:
    """Every figure of the evidence, aligned clause by clause (the sentence's meaning score is shared)."""
    claims = []
    for item in evidence:
        text = item.passage.text
        sentence = normalize_for_matching(text[item.start:item.end])
        context = normalize_for_matching(text)
        places = passage_places(item.passage)
        lead = normalize_for_matching(item.passage.lead)
        previous = None
        for c_start, c_end in clause_spans(text[item.start:item.end]):
            raw = text[item.start + c_start:item.start + c_end]
            clause = normalize_for_matching(raw)
            inherited = elided_noun_clause(previous, clause)
            # The clause a later one may leave its noun to: the last with a figure (截至目前 has none), or the one
            # that clause took its own from (1-5万元的有80个,5-10万元的69个: both count 集体经济收益's villages).
            previous = (inherited or clause) if clause_figures(clause) else previous
            segments = _figure_segments(raw)
            for at, (figure, s_start, f_end, s_end) in enumerate(segments):
                # A figure's qualifiers (year, band) come before it in Chinese: 2019年度的27772元.
                segment = normalize_for_matching(raw[s_start:f_end])
                item_start = raw.rfind("、", 0, figure.start) + 1
                item_end = raw.find("、", figure.end)
                listed = normalize_for_matching(raw[item_start:item_end if item_end >= 0 else len(raw)])
                alignment = align(frame, clause, sentence, context, places, item.alignment.similarity, segment,
                                  normalize_for_matching(raw[s_start:s_end]), inherited, listed, lead,
                                  item.passage.date, normalize_for_matching(_shared_predicate(raw, segments, at)))
                offset = item.start + c_start
                claims.append(Claim(item, figure.value, figure.number, (offset + s_start, offset + s_end),
                                    alignment, _quote(raw, s_start, f_end, s_end), (offset, offset + len(raw)),
                                    figure.unit))
    return claims


# Between a figure that describes the next one and it (10-50万元的30个, 10万元以上的72个, 5万元以下的村有11个).
_ATTRIBUTIVE = re.compile(r"(?:以上|以下|以内|左右|之间)?的[\u4e00-\u9fff]{0,3}?有?")


# The counted noun of one figure and the word joining the next figure's item to it (40名第一书记与127名贫困户).
# 惠及, 涉及, 普及, 参与 and 给与 are words, not links.
_JOINED_ITEM = re.compile(r"[^\d,，;；、与和及]{1,10}?(?<![惠涉普参给])(以及|与|和|及)")
# Each village, each year: what a figure said per item is said of. 每斤, 每亩 make a rate (收购价每斤提高了1.5元),
# said of no item.
_PER_ITEM = re.compile(r"每(?!(?:斤|公斤|千克|克|吨|亩|公顷|平方米|平方公里|立方米|米|公里|千米|升))[^，,；;\d]{0,8}$")


# A count joined to the next one in its measure (2037名县直干部和1268名乡镇干部…).
_JOINED_COUNT = re.compile(r"(?:以及|和|与|及)$")


def _shared_predicate(clause: str, segments: Sequence[tuple[ClauseFigure, int, int, int]], at: int) -> str:
    """What a figure's part shares with the next figure's when the two count subjects joined by 和/与/及 in one
    measure word: the words after the next one's counted noun (2037名县直干部和1268名乡镇干部与脱贫户结成帮扶对子:
    与脱贫户结成帮扶对子 is said of the 2037 too); "" otherwise."""
    if at + 1 >= len(segments):
        return ""
    figure, _start, _figure_end, end = segments[at]
    following, _, _, following_end = segments[at + 1]
    if figure.unit is None or figure.unit != following.unit or not _JOINED_COUNT.search(
            clause[figure.end:following.start]) or end != following.start:
        return ""
    rest = clause[following.end:following_end]
    noun = 0
    for word, flag in jieba.posseg.cut(rest):
        if not flag.startswith("n"):
            break
        noun += len(word)
    return rest[noun:] if noun else ""


def _figure_segments(clause: str) -> list[tuple[ClauseFigure, int, int, int]]:
    """Each figure of a clause with its part: (figure, part start, figure end, part end), offsets into `clause`
    as written. A part runs from the end of the figure before it to the next figure, within its item of an
    enumeration (示范嘎查2个、精品示范村18个: 精品示范村 is 18's, 28个基层党委、573个党支部: 基层党委 is 28's); a figure
    describing it, with its range, belongs to it (10-50万元的30个).

    Figures are found in the normalised clause; when normalising changes its length (spaces, thousands
    separators) the offsets would not map back, so every figure gets the whole clause instead.
    """
    figures = clause_figures(clause)
    if len(normalize_for_matching(clause)) != len(clause):
        return [(f, 0, len(clause), len(clause)) for f in figures]
    parts = []
    for i, figure in enumerate(figures):
        first = i
        # Both ends of a range are one figure's (每名党员联系5至10户群众): each part holds the whole range.
        while first and _range_of(clause, figures[first - 1], figures[first]):
            first -= 1
        if first and _ATTRIBUTIVE.fullmatch(clause[figures[first - 1].end:figures[first].start]):
            first -= 1
            while first and RANGE_LINK.fullmatch(clause[figures[first - 1].end:figures[first].start]):
                first -= 1
        start = figures[first - 1].end if first else 0
        last = i
        while last + 1 < len(figures) and _range_of(clause, figures[last], figures[last + 1]):
            last += 1
        end = figures[last + 1].start if last + 1 < len(figures) else len(clause)
        if first and parts and _inside_quotes(clause, figures[first - 1].start):
            # The figure before is inside a quoted name (致富能手“四类人员”中储备489名): the name is no boundary, and
            # the part starts where that figure's did.
            start = parts[first - 1][1]
        start = max(start, clause.rfind("、", start, figure.start) + 1)
        if i and first == i:
            # 组织40名嘎查“第一书记”与127名贫困户开展…: the noun after 40名 is what 40 counts, not 127.
            link = _JOINED_ITEM.match(clause, start, figure.start)
            start = link.end() if link else start
        item_end = clause.find("、", figure.end, end)
        end = item_end if item_end >= 0 else end
        # The first end of a range reads on to the last (5至10户): its part is the range's, quoted whole.
        figure_end = figures[last].end
        parts.append((figure, start, figure_end, max(end, figure_end)))
    return parts


def _range_of(clause: str, low: ClauseFigure, high: ClauseFigure) -> bool:
    """Whether `low` is the first end of a range written once with its measure word (5至10户, 1-5万元), not a
    figure of its own that a change leads on from (3万元到5万元)."""
    return re.fullmatch(r"[\d.]+", clause[low.start:low.end]) is not None and (
        RANGE_LINK.fullmatch(clause[low.end:high.start]) is not None)


# The quotation marks the articles write, opening and closing.
_QUOTE_PAIRS = (("“", "”"), ("「", "」"), ("‘", "’"))


def _inside_quotes(text: str, at: int) -> bool:
    """Whether position `at` of `text` is inside a quote (“”, 「」, ‘’) opened before it and not yet closed."""
    return any(text.count(opening, 0, at) > text.count(closing, 0, at) for opening, closing in _QUOTE_PAIRS)


def answers(frame: QuestionFrame, claim: Claim) -> bool:
    """Whether a figure claim may answer the question: admissible, anchored by a key term next to its figure,
    not one of the question's own figures, not said per item (unless the question asks so), and stating at
    least `MIN_CLAIM_COVERAGE` of the question's terms (less is said of something else)."""
    floor = MIN_CLAIM_COVERAGE if any(t.checkable for t in frame.terms) else 0.0
    return claim.alignment.admissible and claim.alignment.coverage >= floor and claim.alignment.anchored and (
        not _said_per_item(claim)) and not any(same_value(claim.value, q) for q in frame.figures)


def _said_per_item(claim: Claim) -> bool:
    """Whether a distributive figure is said of each village or year (每村每两年至少发展1名): no total of what was
    asked. One said of all of them alike (覆盖率和良种率均达到95%) or per household (户均增收2000元) may answer."""
    if not claim.alignment.distributive:
        return False
    part = normalize_for_matching(claim.clause_text)
    figure = next((f for f in clause_figures(part) if same_value(f.value, claim.value)), None)
    return figure is not None and _PER_ITEM.search(part[:figure.start]) is not None


def best_claim(frame: QuestionFrame, evidence: Sequence[Evidence]) -> Claim | None:
    """The figure claim that best states what the question asks, of those that may answer it."""
    claims = [c for c in figure_claims(frame, evidence) if answers(frame, c)]
    # Of figures aligned exactly as well, one in the measure word asked (多少个: 11个, not 三类标准) answers.
    asked = expected_classifier(frame.question)
    return max(claims, key=lambda c: (round(c.alignment.score + _RANK_PRIOR / c.evidence.passage.n, _TIE_DIGITS),
                                      bool(asked) and c.unit == asked), default=None)
