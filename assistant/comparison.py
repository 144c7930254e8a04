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

from assistant.alignment import UNIT_CLASSES, QuestionFrame, measured_unit
from assistant.evidence import Claim
from assistant.query import QueryAnalysis
from assistant.retrieval import article_place
from indexing.documents import Article
from indexing.places import place_aliases
from indexing.textnorm import normalize, normalize_script

_HAN = re.compile(r"[\u4e00-\u9fff]")
_MIN_NAME_CHARS = 2

_DIFFERENCE = re.compile(
    r"多出|多多少|少多少|相差|差多少|差距|高出|低多少|多几|少几|比[^？?。，,]{1,12}?[多少高低][^？?。，,]{0,6}?(?:多少|几)|"
    r"\bhow (?:many|much) (?:more|fewer|less|higher|lower)\b|\bdifference\b|\bby how (?:many|much)\b",
    re.IGNORECASE)
_TOTAL = re.compile(r"加起来|合计|总共|一共|共计|总计|加在一起|\badding up\b|\badd(?:ed)? up\b|\baltogether\b|"
                    r"\bcombined\b|\bin total\b|\bsum\b", re.IGNORECASE)
_WHICH = re.compile(r"(?:哪(?:个|一个|里|家|方|边)?|谁)[^？?。，,]{0,12}?更|哪个[多高大少低小]|"
                    r"\bwhich\b.*\b(?:more|higher|larger|greater|bigger|fewer|lower|smaller|less)\b|"
                    r"\b(?:more|higher|larger|greater|bigger|fewer|lower|smaller|less)\b.*\bwhich\b", re.IGNORECASE)
_LESS = re.compile(r"更[少低小]|哪个[少低小]|\b(?:fewer|lower|smaller|less)\b", re.IGNORECASE)
_ZH_ADJECTIVE = re.compile(r"更([多高大少低小])|哪个([多高大少低小])")
_EN_ADJECTIVE = re.compile(r"\b(more|higher|larger|greater|bigger|fewer|lower|smaller|less)\b", re.IGNORECASE)


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
    """How an English answer names the article's place (its first romanised alias, or its English region)."""
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
        question about several places. A romanised name counts through its Chinese expansion."""
        # Romanised names count through their Chinese expansions, appended after the question's own text.
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
    return bool(_WHICH.search(question) or _DIFFERENCE.search(question) or _TOTAL.search(question))


def figure_frame(frame: QuestionFrame) -> QuestionFrame:
    """A comparison asks for figures even when it has no how-many (哪个更高, "which one promoted more"): its
    frame wants one, with the unit its measured noun gives (贫困发生率 → percent)."""
    if frame.wants_figure or not asks_comparison(frame.question):
        return frame
    return replace(frame, wants_figure=True, unit=frame.unit or measured_unit(normalize(frame.question)))


def place_frame(frame: QuestionFrame, target: PlaceTarget, targets: Sequence[PlaceTarget]) -> QuestionFrame:
    """The question's frame for one of its `targets`: a clause about another of them does not answer it, and
    neither the places' names (Alxa *Right* Banner) nor the comparison's own words (county, in total, more)
    are asked of each place's clause."""
    names = {w.lower() for t in targets for w in re.findall(r"[A-Za-z]+", t.label)}
    terms = tuple(t for t in frame.terms if t.text.lower() not in _COMPARISON_WORDS and t.text.lower() not in names)
    return replace(frame, places=target.names, terms=terms)


def _format_value(value: float, unit: str | None, language: str) -> str:
    """A computed figure, written in the scale the articles use (8500万元, not 85000000元)."""
    if unit and UNIT_CLASSES.get(unit) == "money":
        for scale, name, english in ((1e8, "亿元", None), (1e4, "万元", None)):
            if abs(value) >= scale and english is None:
                number = f"{round(value / scale, 4):g}"
                return f"{number}{name}" if language == "zh" else f"{number}{name} ({value:,.0f} yuan)"
        return f"{value:g}元" if language == "zh" else f"{value:g} yuan"
    number = f"{round(value, 4):g}"
    if unit in ("%", "％"):
        return f"{number}个百分点" if language == "zh" else f"{number} percentage points"
    return f"{number}{unit or ''}" if language == "zh" else number


def comparable(claims: Sequence[Claim]) -> bool:
    """Whether the figures count the same kind of thing (people with people, money with money)."""
    classes = {UNIT_CLASSES.get(c.unit) if c.unit else None for c in claims}
    return len(classes) == 1


def arithmetic(question: str, language: str, answered: Sequence[tuple[PlaceTarget, Claim]]) -> str | None:
    """The comparison the question asks for, computed from each place's figure; None when it asks none or
    the figures cannot be compared."""
    claims = [c for _, c in answered]
    if len(answered) < 2 or not comparable(claims):
        return None
    question = normalize_script(question)
    unit = claims[0].unit
    if _TOTAL.search(question) and not _DIFFERENCE.search(question):
        total = _format_value(sum(c.value for c in claims), unit, language)
        return f"合计{total}。" if language == "zh" else f"In total: {total}."
    ordered = sorted(answered, key=lambda pair: pair[1].value, reverse=True)
    (high, high_claim), (low, low_claim) = ordered[0], ordered[-1]
    if _DIFFERENCE.search(question) and len(answered) == 2:
        gap = _format_value(high_claim.value - low_claim.value, unit, language)
        if language == "zh":
            return f"{high.label}比{low.label}多{gap}。"
        return f"{high.label} exceeds {low.label} by {gap}."
    if not _WHICH.search(question):
        return None
    wants_less = bool(_LESS.search(question))
    winner = low if wants_less else high
    if language == "zh":
        match = _ZH_ADJECTIVE.search(question)
        adjective = next((g for g in match.groups() if g), "多") if match else ("少" if wants_less else "多")
        return f"{winner.label}更{adjective}。"
    match = _EN_ADJECTIVE.search(question)
    adjective = match.group(1).lower() if match else ("lower" if wants_less else "higher")
    return f"The figure is {adjective} for {winner.label}."


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
