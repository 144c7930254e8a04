"""The grounding guard: citations must point at shown passages, and figures and names must be in them.

An answer that fails is repaired (bad markers dropped, a missing citation added where one shown passage
supports the claim) or withheld (the caller falls back or abstains). Never an invented figure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import jieba.posseg

from assistant.lexicon import lemma
from assistant.numerals import chinese_counts
from assistant.prompts import NOT_FOUND
from assistant.query import PLACE_SUFFIXES, expected_classifier, fold_pinyin, han_pinyin, romanised_name
from indexing.textnorm import normalize_for_matching, normalize_script

_CITATION = re.compile(r"\s*[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
# Not preceded by a Latin letter or digit (Han characters may touch a figure: 选派了19名).
_ANSWER_NUMBER = re.compile(
    r"(?<![0-9A-Za-z.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*(million|billion|thousand|万|亿|千)?", re.IGNORECASE)
_PASSAGE_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(?:多|余)?\s*(万|亿|千)?")
_SCALES = {"thousand": 1e3, "千": 1e3, "万": 1e4, "million": 1e6, "亿": 1e8, "billion": 1e9}
# The scales a figure is read with only as written with them (7.6万 is never 7.6).
_CHINESE_SCALES = ("万", "亿")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# A lower-case Latin letter and a Han character side by side (a中药材 base, village办): a phrase begun in one
# language and ended in the other. A name keeps a space or bracket between them (Li Weiqiang (李卫强)).
_CODE_SWITCH = re.compile(r"[a-z][\u4e00-\u9fff]|[\u4e00-\u9fff][a-z]")
# A romanised place name with its Chinese suffix (Baiyan村, as `whole_names` keeps it): no switch of language.
_ROMANISED_PLACE = re.compile(rf"\b[A-Z][a-z]+(?:{'|'.join(PLACE_SUFFIXES)})")
# A capitalised pinyin syllable run straight into Han characters: a surname romanised, the given name not.
_HALF_ROMANISED = re.compile(r"(?<![A-Za-z])([A-Z][a-z]{0,5})([\u4e00-\u9fff]{1,2})(?![\u4e00-\u9fff])")
_REFUSALS = re.compile(
    r"do(?:es)? not (?:contain|mention|say|provide|specify)|not (?:mentioned|stated|provided|found) in|"
    r"no information|cannot (?:be )?(?:found|determined|answer)|没有提到|未提及|没有提及|无法(?:确定|回答)|没有相关",
    re.IGNORECASE,
)


@dataclass
class Grounding:
    """The guard's verdict on one answer."""

    text: str
    cited: list[int] = field(default_factory=list)
    abstained: bool = False
    supported: bool = True
    problems: list[str] = field(default_factory=list)


def citation_numbers(text: str) -> list[int]:
    """Passage numbers cited in `text`, in order of first appearance (`[1]`, `[1, 2]`, `【3】`)."""
    return list(dict.fromkeys(n for marker in citation_markers(text) for n in marker.numbers))


def renumber_citations(text: str, numbers: dict[int, int]) -> str:
    """`text` with every marker's numbers mapped (evidence line → passage), duplicates in a marker merged."""

    def mapped(match: re.Match[str]) -> str:
        parts = [numbers.get(int(p), int(p)) for p in re.split(r"[,，、]", match.group(1))]
        return f" [{', '.join(str(n) for n in dict.fromkeys(parts))}]"

    return _CITATION.sub(mapped, text)


@dataclass(frozen=True)
class CitationMarker:
    """A citation marker of a text: where it stands and the numbers it cites."""

    start: int
    end: int
    numbers: tuple[int, ...]


def citation_markers(text: str) -> list[CitationMarker]:
    """The citation markers of `text` in order (`[1]`, `[1, 2]`, `【3】`)."""
    return [CitationMarker(m.start(), m.end(), tuple(int(p) for p in re.split(r"[,，、]", m.group(1))))
            for m in _CITATION.finditer(text)]


def drop_citations(text: str, dropped: Sequence[int]) -> str:
    """`text` without the given numbers in its markers (a marker left empty goes too)."""

    def kept(match: re.Match[str]) -> str:
        parts = [p for p in re.split(r"[,，、]", match.group(1)) if int(p) not in dropped]
        return f" [{', '.join(parts)}]" if parts else ""

    return _CITATION.sub(kept, text)


def strip_citations(text: str) -> str:
    """`text` without its citation markers."""
    return _CITATION.sub("", text)


@dataclass(frozen=True)
class Figure:
    """A figure written in an answer: `22.2 million` has number 22.2 and value 22200000."""

    raw: str
    number: float
    value: float
    percent: bool = False
    # The English word after it ("tonnes", "yuan", "people"), which may name its unit.
    unit_word: str | None = None


def answer_figures(text: str) -> list[Figure]:
    """The figures of an answer, counts in Chinese numerals too (十个); a scale word counts (`1875 million` is not
    1875万)."""
    figures = []
    text_without_markers = strip_citations(text)
    for match in _ANSWER_NUMBER.finditer(text_without_markers):
        number = float(match.group(1).replace(",", ""))
        scale = _SCALES.get((match.group(2) or "").lower(), 1.0)
        after = text_without_markers[match.end():match.end() + 9].lstrip().lower()
        percent = after.startswith(("%", "％", "percent", "per cent"))
        figures.append(Figure(match.group(0).strip(), number, number * scale, percent,
                              _unit_word(text_without_markers[match.end():match.end() + _UNIT_REACH])))
    written = normalize_script(text_without_markers)
    figures += [Figure(written[c.start:c.end], c.number, _thousands(c.unit) * c.value)
                for c in chinese_counts(written)]
    return figures


# How far after a figure its unit word may stand: "2.1万 (21,000) tonnes".
_UNIT_REACH = 24
_UNIT_WORD = re.compile(r"\s*\)?\s*(?:\([^)]{0,14}\)\s*)?(?:of\s+)?([a-z]+)", re.IGNORECASE)


def _unit_word(after: str) -> str | None:
    """The English word right after a figure (skipping a bracketed gloss), lower-cased; None when there is none."""
    match = _UNIT_WORD.match(after)
    return match.group(1).lower() if match else None


def _thousands(unit: str) -> int:
    """1000 for a measure word that begins with 千 (五千元, as 5千元 is 5000 as well as 5), else 1."""
    return 1000 if unit.startswith("千") else 1


def passage_values(text: str) -> set[float]:
    """Every figure in a passage (counts in Chinese numerals too), with its 万/亿 scale applied: 7.6万亩 is
    76,000 mu, and "7.6 mu" states no figure of it (an English answer that dropped the scale is restated with the
    passage's own figure). A 千 may begin a unit (1500千克, 200千瓦), so a figure before it is also taken as
    written."""
    normalized = normalize_for_matching(text)
    values = {count.value * scale for count in chinese_counts(normalized) for scale in {1, _thousands(count.unit)}}
    for match in _PASSAGE_NUMBER.finditer(normalized):
        number, scale = float(match.group(1)), match.group(2) or ""
        values.add(number * _SCALES.get(scale, 1.0))
        if scale not in _CHINESE_SCALES:
            values.add(number)
    return values


def scaled_forms(text: str) -> dict[float, str]:
    """Figures written with a Chinese scale in a passage, by bare number: {1875: "1875万"}."""
    return {float(m.group(1)): m.group(0) for m in _PASSAGE_NUMBER.finditer(normalize_for_matching(text))
            if m.group(2)}


def same_value(a: float, b: float) -> bool:
    """Whether two figures are equal up to floating-point noise."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


def _supports(passage: str, value: float | None = None, name: str | None = None, percent: bool = False) -> bool:
    if value is not None and percent:  # "5000%" is not supported by 5000万元
        return any(same_value(value, float(m.group(1)))
                   for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[%％]", normalize_for_matching(passage)))
    if value is not None:
        return any(same_value(value, found) for found in passage_values(passage))
    return name is not None and normalize_for_matching(name) in normalize_for_matching(passage)


def english_amount(value: float) -> str:
    """A value in English words of scale: 18750000 → "18.75 million"."""
    for word, scale in (("billion", 1e9), ("million", 1e6)):
        if value >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:,.0f}"


def _restate_scaled(text: str, figure: Figure, passages: Sequence[str], cited: list[int]) -> tuple[str, int] | None:
    """Repair a figure whose Chinese scale was mistranslated (1875万 → "1875 million") or dropped (7.6万亩 → "7.6
    mu"): use the passage's."""
    for n in [*cited, *range(1, len(passages) + 1)]:
        written = scaled_forms(passages[n - 1]).get(figure.number)
        if written:
            value = float(written.rstrip("多余万亿千")) * _SCALES[written[-1]]
            return text.replace(figure.raw, f"{written} ({english_amount(value)})", 1), n
    return None


def is_refusal(text: str) -> bool:
    """The model said the passages do not hold the answer."""
    return NOT_FOUND in text or bool(_REFUSALS.search(text))


_LEADING_MARKERS = re.compile(r"^((?:\[\d+\])(?:\s*(?:,|and|&|、|和|与)\s*\[\d+\])*)")
_WORD = re.compile(r"[A-Za-z]+|[\u4e00-\u9fff]|\d+")
_FILLER = frozenset("the a an is are was were be of in on at to by and or it its they their this that".split())


def name_leading_markers(text: str, places: Sequence[str | None]) -> str:
    """`[1] and [2] selected …` → `乌海市 [1] and 乌兰县 [2] selected …`: markers used as the subject.

    A single leading marker is a citation written first (`[3] 旗委提拔了79名`): it moves to the end.
    """
    match = _LEADING_MARKERS.match(text)
    if not match:
        return text
    if len(citation_numbers(match.group(1))) == 1:
        return f"{text[match.end():].strip()} {match.group(1)}"

    def named(marker: re.Match[str]) -> str:
        n = int(marker.group(1))
        place = places[n - 1] if 1 <= n <= len(places) else None
        return f"{place} [{n}]" if place else marker.group(0)

    return re.sub(r"\[(\d+)\]", named, match.group(1)) + text[match.end():]


def whole_names(text: str, passages: Sequence[str]) -> str:
    """`Zhang海燕` → `张海燕 (Zhang Haiyan)`: a person's name a small model wrote half in pinyin, made whole from a
    passage that names the person (a one- or two-character surname whose pinyin the romanised part is, then the
    given name the answer kept). A place (Baiyan村) is no name; a reading the model already gave is not repeated."""
    readable = [normalize_script(p) for p in passages]

    def whole(match: re.Match[str]) -> str:
        latin, given = match.group(1), match.group(2)
        if given.endswith(PLACE_SUFFIXES):
            return match.group(0)
        for passage in readable:
            for found in re.finditer(r"([\u4e00-\u9fff]{1,2})" + re.escape(given), passage):
                for surname in dict.fromkeys((found.group(1)[-1:], found.group(1))):
                    if han_pinyin(surname) != fold_pinyin(latin):
                        continue
                    if text[match.end():].lstrip().startswith(("(", "（")):
                        return surname + given
                    return f"{surname}{given} ({romanised_name(surname + given, surname)})"
        return match.group(0)

    return _HALF_ROMANISED.sub(whole, text)


def says_something(text: str, question: str) -> bool:
    """False when, citations aside, the answer only repeats the question's words (in any inflection), or
    announces what it would say and stops ("…counted toward the points:")."""
    body = strip_citations(text).strip()
    if body.endswith((":", "：")):
        return False
    asked = {lemma(w.lower()) for w in _WORD.findall(question)}
    new = [w for w in _WORD.findall(body) if lemma(w.lower()) not in asked and w.lower() not in _FILLER]
    return len(new) >= 2 or any(w.isdigit() for w in new)


def figure_has_classifier(passage: str, number: float, classifier: str) -> bool:
    """Whether `number` stands in `passage` with `classifier` after it (allowing 多/余: 2500多名)."""
    pattern = rf"(\d+(?:\.\d+)?)(?:万|亿)?(?:多|余)?({re.escape(classifier)})?"
    return any(match.group(2) and same_value(float(match.group(1)), number)
               for match in re.finditer(pattern, normalize_for_matching(passage)))


def classifier_mismatch(figures: Sequence[Figure], passages: Sequence[str], cited: Sequence[int],
                        classifier: str | None) -> bool:
    """True when a how-many question wants `classifier` (名, 所…) and the answer's figure never has it,
    while some shown passage has a figure that does: the model picked the wrong figure."""
    if not classifier or not figures:
        return False
    if any(figure_has_classifier(passages[n - 1], f.number, classifier) for f in figures for n in cited):
        return False
    return any(re.search(r"\d(?:万|亿)?(?:多|余)?" + re.escape(classifier), normalize_for_matching(p))
               for p in passages)


_QUOTED = re.compile(r"[“「\"]([^”」\"]{2,20})[”」\"]")
_SHORT_ANSWER_CHARS = 8
_TRAILING = "。.！!？?，,；; "


def _names(text: str, language: str) -> list[str]:
    """Names an answer states: Chinese in an English answer, quoted terms, a short Chinese answer.

    A passage's place name is not a claim (it comes from the article's metadata); callers drop those.
    """
    body = strip_citations(text).strip().rstrip(_TRAILING)
    names = _HAN_RUN.findall(body) if language == "en" else []
    names += [q for q in _QUOTED.findall(body) if _HAN_RUN.search(q)]
    if language == "zh" and len(body) <= _SHORT_ANSWER_CHARS and _HAN_RUN.fullmatch(body):
        names.append(body)
    # A person's name must be in a cited passage, in any answer (木牛子, 陈建生).
    names += [w for w, flag in jieba.posseg.cut(body) if flag == "nr" and len(w) >= 2 and _HAN_RUN.fullmatch(w)]
    return list(dict.fromkeys(names))


def ground(answer: str, passages: Sequence[str], question: str, language: str,
           places: Sequence[str | None] = ()) -> Grounding:
    """Check (and where possible repair) an answer against the passages it was shown (1-based).

    `places` names the place of each passage, to name passages the answer uses as its subject.
    """
    text = answer.strip()
    if not text or is_refusal(text):
        return Grounding(text="", abstained=True)
    text = name_leading_markers(text, places)
    if language == "en":
        text = whole_names(text, passages)
    result = Grounding(text=text)
    if language == "en" and _CODE_SWITCH.search(_ROMANISED_PLACE.sub("", text)):
        # "built a中药材 base": the small model fell into Chinese mid-phrase; the quote says it whole instead.
        result.supported = False
        result.problems.append("the English answer runs Chinese words into English ones")
        return result
    if not says_something(text, question):
        result.supported = False
        result.problems.append("the answer says nothing the question did not")
        return result
    valid = [n for n in citation_numbers(text) if 1 <= n <= len(passages)]
    invalid = [n for n in citation_numbers(text) if n not in valid]
    if invalid:
        result.problems.append(f"dropped citations of passages that were not shown: {invalid}")
        result.text = _CITATION.sub(lambda m: _keep_valid(m, len(passages)), result.text)
    claims: list[tuple[str, Figure | None, str | None]] = [
        (figure.raw, figure, None) for figure in answer_figures(result.text)
        if not _supports(question, value=figure.value)]
    claims += [(name, None, name) for name in _names(result.text, language) if name not in places]
    cited = list(valid)
    for raw, figure, name in claims:
        value = figure.value if figure else None
        percent = bool(figure and figure.percent)
        if any(_supports(passages[n - 1], value, name, percent) for n in cited):
            continue
        backing = [i + 1 for i, p in enumerate(passages) if _supports(p, value, name, percent)]
        restated = _restate_scaled(result.text, figure, passages, cited) if figure and not backing else None
        if backing:
            cited.append(backing[0])
            result.problems.append(f"added citation [{backing[0]}] for {raw!r}")
        elif restated:
            result.text, n = restated
            cited += [] if n in cited else [n]
            result.problems.append(f"restated {raw!r} with the passage's own figure")
        else:
            result.supported = False
            result.problems.append(f"{raw!r} is in no shown passage")
    if not cited:
        result.supported = False
        result.problems.append("the answer cites no passage")
    if cited != valid:
        result.text = result.text.rstrip() + "".join(f" [{n}]" for n in cited if n not in valid)
    result.cited = cited
    if result.supported and classifier_mismatch(answer_figures(result.text), passages, cited,
                                                 expected_classifier(question)):
        result.supported = False
        result.problems.append(f"the question asks for a figure with {expected_classifier(question)!r}; "
                               "the answer's figure has another unit")
    return result


def _keep_valid(match: re.Match[str], count: int) -> str:
    kept = [p for p in re.split(r"[,，、]", match.group(1)) if 1 <= int(p) <= count]
    return f" [{', '.join(kept)}]" if kept else ""
