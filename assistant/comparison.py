"""Questions about several places: each place is answered from its own articles, and a comparison
(which is more, by how much, the total) is computed from the cited figures rather than left to the model.

"扎赉特旗和乌兰县，哪个的嘎查村更多？多出多少个？" asks two questions of two articles. One retrieval for the whole
question returns mostly one article's passages, and a small model that sees both figures still adds and
subtracts wrongly. Here each place gets its passages, its evidence and its best-aligned figure; the answer
quotes each figure with its citation and states the arithmetic, which a reader can check against them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from assistant.evidence import Claim
from assistant.numerals import UNIT_CLASSES
from assistant.query import QueryAnalysis
from assistant.question_frame import QuestionFrame, measured_unit
from assistant.retrieval import article_place
from indexing.documents import Article
from indexing.places import place_aliases
from indexing.textnorm import normalize, normalize_script

_HAN = re.compile(r"[\u4e00-\u9fff]")
_MIN_NAME_CHARS = 2

_ADJECTIVES_EN = "more|higher|larger|greater|bigger|fewer|lower|smaller|less"
_DIFFERENCE = re.compile(
    r"多出|多多少|少多少|相差|差多少|高出|低多少|多几|少几|比[^？?。，,]{1,12}?[多少高低][^？?。，,]{0,6}?(?:多少|几)|"
    rf"\bhow (?:many|much) (?:{_ADJECTIVES_EN})\b|\bdifference between\b|\bby how (?:many|much)\b",
    re.IGNORECASE)
# A total of all the places (not 各自一共, each place's own total).
_TOTAL = re.compile(r"(?<!各)(?<!各自)(?<!分别)(?:加起来|合计|总共|一共|共计|总计|加在一起)|\badding up\b|"
                    r"\badd(?:ed)? up\b|\baltogether\b|\bin total\b", re.IGNORECASE)
# Which place has more: 哪个…更多, 谁更高, "which … higher" (not "more than 100 households").
_WHICH_ZH = re.compile(r"(?:哪个|哪一个|哪里|哪家|哪方|哪边|谁)[^？?。，,]{0,12}?更([多高大少低小])|"
                       r"哪个([多高大少低小])")
_WHICH_EN = re.compile(rf"\bwhich\b[^?]*?\b({_ADJECTIVES_EN})\b(?!\s+than)|"
                       rf"\b({_ADJECTIVES_EN})\b(?!\s+than)[^?]*\bwhich\b", re.IGNORECASE)
_LESS = frozenset("少 低 小 fewer lower smaller less".split())
# Places named side by side, or each place asked: the question is about each of them.
_COORDINATED = re.compile(r"和|与|、|及|跟|同|还是|或|各|分别|\b(?:and|or|than|vs\.?|versus|both|each|"
                          r"compared)\b", re.IGNORECASE)
_DECIMALS = 4


def _comparative(question: str) -> str | None:
    """The comparative the question asks about (多, 高, "higher"), or None when it asks no "which is more"."""
    match = _WHICH_ZH.search(question) or _WHICH_EN.search(question)
    return next((g.lower() for g in match.groups() if g), None) if match else None


# A clause asking which place has more, with the place's kind between (哪个县多, 哪个旗更高).
_WHICH_MORE = re.compile(r"哪(?:个|一个)?[^，,？?。]{0,6}?更?[多高大少低小]")
# The clauses of a question, each with the mark that ends it.
_QUESTION_CLAUSE = re.compile(r"[^？?。!！，,；;]+[？?。!！，,；;]?")


def asked_of_each_place(question: str) -> str:
    """The question without its clauses asking for the comparison itself (两县相差几名, 哪个县多，多几个, "and by how
    many"): what each place's quote must answer. The difference is computed from the quotes, not quoted."""
    kept = [c for c in _QUESTION_CLAUSE.findall(question)
            if not (_DIFFERENCE.search(c) or _WHICH_ZH.search(c) or _WHICH_EN.search(c) or _WHICH_MORE.search(c))]
    return "".join(kept) or question


@dataclass(frozen=True)
class PlaceTarget:
    """A place the question names, with the articles about it and the names a clause may use for it."""

    place: str
    label: str
    doc_ids: tuple[str, ...]
    names: tuple[str, ...]


def _chinese_names(article: Article) -> list[str]:
    """The Chinese names of an article's place as questions write them (阿拉善右旗, 阿右旗, 阿拉善)."""
    place = article_place(article)
    names = [a for a in article.aliases if _HAN.search(a)]
    names += list(place_aliases(place)) if place else []
    return list(dict.fromkeys(normalize(normalize_script(n)) for n in names if len(n) >= _MIN_NAME_CHARS))


def _english_label(article: Article) -> str | None:
    """How an English answer names the article's place (its English region's first name, else its first
    romanised alias)."""
    if article.region_en:
        # "Jalaid Banner (Zalaite Banner), Hinggan League" → "Jalaid Banner"
        return re.split(r"[,(（]", article.region_en)[0].strip()
    return next((a for a in article.aliases if not _HAN.search(a)), None)


class PlaceFinder:
    """Finds the places a question names among the indexed articles' places; built once per index."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles = list(articles)
        self.names = {a.doc_id: _chinese_names(a) for a in self.articles}

    def targets(self, analysis: QueryAnalysis) -> list[PlaceTarget]:
        """The places of the question in the order it names them, each with its articles; two or more make a
        question about several places. A romanised name counts through its Chinese expansion (appended after
        the question's own text, so the names the question writes come first)."""
        expansions = [e for e in analysis.expansions if e not in analysis.entities]
        text = normalize(normalize_script(" ".join([analysis.question, *expansions])))
        found: list[tuple[int, int, str]] = []
        for doc_id, names in self.names.items():
            at, longest = min(((text.find(n), -len(n)) for n in names if n in text), default=(-1, 0))
            if at >= 0:
                found.append((at, at - longest, doc_id))
        # A longer name wins where two overlap (阿拉善右旗 over another article's 阿拉善).
        kept: list[tuple[int, int, str]] = []
        for start, end, doc_id in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if not any(s < end and start < e and (s, e) != (start, end) for s, e, _ in kept):
                kept.append((start, end, doc_id))
        by_place: dict[str, list[str]] = {}
        articles = {a.doc_id: a for a in self.articles}
        for _start, _end, doc_id in sorted(kept):
            place = article_place(articles[doc_id]) or doc_id
            by_place.setdefault(place, []).append(doc_id)
        targets = []
        for place, doc_ids in by_place.items():
            first = articles[doc_ids[0]]
            label = (_english_label(first) if analysis.language == "en" else None) or place
            names = tuple(dict.fromkeys(n for d in doc_ids for n in self.names[d]))
            targets.append(PlaceTarget(place, label, tuple(doc_ids), names))
        return targets


# Words of a comparison that no place's clause states: the kind of place, and the arithmetic asked for.
_COMPARISON_WORDS = frozenset(
    "county counties banner banners city cities town towns township townships village villages league "
    "prefecture district province region place places adding add added up total sum combined altogether "
    "more higher larger greater bigger fewer lower smaller less difference both each compare compared vs versus "
    "one ones two three four number numbers figure figures "
    "两地 各自 分别 多出 相差 差距 高出 合计 总共 一共 共计 总计 加起来 更多 更高 更大 更少 更低 更小 "
    "哪个 哪一个 数量".split())


def asks_comparison(question: str) -> bool:
    """Whether the question asks which place has more, by how much, or the total."""
    question = normalize_script(question)
    return bool(_comparative(question) or _DIFFERENCE.search(question) or _TOTAL.search(question))


def about_each_place(question: str) -> bool:
    """Whether a question naming several places asks about each of them (乌海市和乌兰县…, "X or Y", 各/分别, a
    comparison), not about one place's dealings with another (扎赉特旗向乌兰县派出了多少名干部)."""
    return bool(_COORDINATED.search(normalize_script(question)) or asks_comparison(question))


def figure_frame(frame: QuestionFrame) -> QuestionFrame:
    """A comparison asks for figures even when it has no how-many (哪个更高, "which one promoted more"): its
    frame wants one, with the unit its measured noun gives (贫困发生率 → percent)."""
    if frame.wants_figure or not asks_comparison(frame.question):
        return frame
    return replace(frame, wants_figure=True, unit=frame.unit or measured_unit(normalize(frame.question)))


# Nothing but a link between two place names (镇安县和云岫县, "Qi'an or Yunxiu").
_PLACE_SEPARATOR = re.compile(r"[\s、,，]*(?:和|与|及|跟|同|或|比|较|\band\b|\bor\b|\bthan\b|\bvs\.?|\bversus\b)?"
                              r"[\s、,，]*(?:的|县|'s)?\s*")
# Where the words of the last place named end and those said of every place begin (…的“火塘夜校”各办了多少所).
_SHARED_TAIL = re.compile(r"各|分别|都|共|均|一共|多少|几|哪|[?？,，]|\b(?:each|respectively|both|how|which)\b",
                          re.IGNORECASE)


def place_frame(frame: QuestionFrame, target: PlaceTarget, targets: Sequence[PlaceTarget]) -> QuestionFrame:
    """The question's frame for one of its `targets`: a clause about another of them does not answer it, and
    neither the places' names (Alxa *Right* Banner) nor the comparison's own words (county, in total, more)
    are asked of each place's clause."""
    names = {w.lower() for t in targets for w in re.findall(r"[A-Za-z]+", t.label)}
    own, others = _own_words(frame.question, target, targets)
    terms = tuple(t for t in frame.terms if t.text.lower() not in _COMPARISON_WORDS and t.text.lower() not in names
                  and not (t.distinguishing and t.text.lower() in others and t.text.lower() not in own))
    # A town named of one place (岐安县马莲河镇的…和云岫县勐卡镇的…) is not where the other's clause stands.
    local = tuple(p for p in frame.local_places if p in normalize(own)) if own else frame.local_places
    # Only the kinds of the villages and towns left (a county beside 马莲河镇 is answered by 全县…).
    kinds = tuple(k for k in frame.local_kinds if any(p.endswith(k) for p in local)) if own else frame.local_kinds
    return replace(frame, places=target.names, terms=terms, local_places=local, local_kinds=kinds)


def _own_words(question: str, target: PlaceTarget, targets: Sequence[PlaceTarget]) -> tuple[str, str]:
    """The words a question says of `target` and those it says of the other places (镇安县的农民夜校和云岫县的“火塘
    夜校”: 火塘 is 云岫县's), each from a place's name to the next place's (the last place's to the words said of
    all: 各, 多少, "each"), lower case; ("", "") when the places come one after the other with nothing of their
    own (镇安县和云岫县的…, 青岭县比松溪县多…: every word is said of each)."""
    lowered = question.lower()
    starts = []
    for place in targets:
        found = [(at, len(name)) for name in (*place.names, place.label) if name
                 for at in [lowered.find(name.lower())] if at >= 0]
        if not found:
            return "", ""
        starts.append((min(found, key=lambda f: (f[0], -f[1])), place))
    starts.sort(key=lambda item: item[0][0])
    spans = [(lowered[start + size:starts[i + 1][0][0] if i + 1 < len(starts) else len(lowered)], place)
             for i, ((start, size), place) in enumerate(starts)]
    last, place = spans[-1]
    tail = _SHARED_TAIL.search(last)
    spans[-1] = (last[:tail.start()] if tail else last, place)
    if any(_PLACE_SEPARATOR.fullmatch(words) for words, _ in spans[:-1]):
        return "", ""
    own = next(words for words, place in spans if place is target)
    return own, " ".join(words for words, place in spans if place is not target)


def _number(value: float) -> str:
    """A computed figure without float noise or exponent (1050000, 18.9, 0.35)."""
    return f"{value:.{_DECIMALS}f}".rstrip("0").rstrip(".")


def _format_value(value: float, unit: str | None, language: str) -> str:
    """A computed figure, written in the scale the articles use (8500万元, not 85000000元)."""
    if unit and UNIT_CLASSES.get(unit) == "money":
        for scale, name in ((1e8, "亿元"), (1e4, "万元")):
            if abs(value) >= scale:
                number = _number(value / scale)
                return f"{number}{name}" if language == "zh" else f"{number}{name} ({value:,.0f} yuan)"
        return f"{_number(value)}元" if language == "zh" else f"{_number(value)} yuan"
    if unit in ("%", "％"):
        return f"{_number(value)}个百分点" if language == "zh" else f"{_number(value)} percentage points"
    return f"{_number(value)}{unit or ''}" if language == "zh" else _number(value)


# Money figures are read into yuan whatever their scale (万元, 亿元); other figures compare only in one unit.
_SCALED_MONEY = frozenset({"元", "万元", "亿元"})


def comparable(claims: Sequence[Claim]) -> bool:
    """Whether the figures can be compared as numbers: money in yuan, anything else in one measure word
    (名 with 名, not 亩 with 公顷 or 人次 with 名)."""
    units = {c.unit for c in claims}
    return units <= _SCALED_MONEY or len(units) == 1


def arithmetic(question: str, language: str, answered: Sequence[tuple[PlaceTarget, Claim]]) -> str | None:
    """The comparison the question asks for, computed from each place's figure; None when it asks none or
    the figures cannot be compared (different units; a total of rates)."""
    claims = [c for _, c in answered]
    if len(answered) < 2 or not comparable(claims):
        return None
    question = normalize_script(question)
    unit = claims[0].unit
    ratio = unit is not None and UNIT_CLASSES.get(unit) == "percent"
    if _TOTAL.search(question) and not _DIFFERENCE.search(question):
        if ratio:
            return None
        total = _format_value(sum(c.value for c in claims), unit, language)
        return f"合计{total}。" if language == "zh" else f"In total: {total}."
    ordered = sorted(answered, key=lambda pair: pair[1].value, reverse=True)
    (high, high_claim), (low, low_claim) = ordered[0], ordered[-1]
    comparative = _comparative(question)
    if not (comparative or _DIFFERENCE.search(question)):
        return None
    if len({c.value for c in claims}) == 1:
        return "两地的数字相同。" if language == "zh" else "The figures are the same."
    if _DIFFERENCE.search(question) and len(answered) == 2:
        gap = _format_value(high_claim.value - low_claim.value, unit, language)
        if language == "zh":
            return f"{high.label}比{low.label}多{gap}。"
        return f"{high.label} exceeds {low.label} by {gap}."
    winner = low if comparative in _LESS else high
    if language == "zh":
        return f"{winner.label}更{comparative}。"
    return f"The figure is {comparative} for {winner.label}."


def place_answer(question: str, language: str, answered: Sequence[tuple[PlaceTarget, Claim]],
                 missing: Sequence[PlaceTarget]) -> tuple[str, list[int], dict[int, tuple[int, int]]]:
    """Each place's figure quoted and cited, the places the articles give none for, then the arithmetic.

    Returns the text (evidence numbers as markers), the cited evidence numbers and the quoted spans.
    """
    parts = []
    for target, claim in answered:
        quote = claim.quote if language == "zh" else f"“{claim.quote}”"
        parts.append(f"{target.label}{'：' if language == 'zh' else ': '}{quote} [{claim.evidence.n}]")
    for target in missing:
        parts.append(f"{target.label}：文章没有提到" if language == "zh"
                     else f"{target.label}: the articles do not say")
    text = "；".join(parts) + "。" if language == "zh" else "; ".join(parts) + "."
    computed = arithmetic(question, language, answered) if not missing else None
    if computed:
        text += computed if language == "zh" else f" {computed}"
    cited = list(dict.fromkeys(claim.evidence.n for _, claim in answered))
    return text, cited, {claim.evidence.n: claim.clause for _, claim in answered}
