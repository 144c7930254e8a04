"""Figures of a Chinese clause: numbers with their scale and measure word (7.6万亩, 十个规范), not years,
dates or list markers; and the clauses a sentence is read in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba.posseg

from assistant.numerals import MEASURE_WORDS_LONGEST_FIRST, SCALES, UNIT_CLASSES, chinese_counts, names_no_span
from indexing.textnorm import normalize_for_matching

# A year is a four-digit 19xx/20xx figure followed by 年 (2019年度). 超过2000户 states no year.
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*年)")
# What ends a clause inside a sentence.
CLAUSE_BREAK = re.compile(r"[,，;；:：]")

# A figure in Chinese text: the number, an optional 万/亿 scale, 多/余 and its measure word.
# 2大类 (two major kinds) counts 类 as 2类 would: 大 is no part of the measure word.
_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿)?(?:多|余)?\s*(?:大(?=[类项批]))?(" +
                     "|".join(re.escape(u) for u in MEASURE_WORDS_LONGEST_FIRST) + ")?")
# What joins the two ends of a range written once with its measure word (1-5万元, 10至50万元).
RANGE_LINK = re.compile(r"\s*[-–—~～至到]\s*")
# The first year of a range of years (2014—2020年), no figure.
_RANGE_OF_YEARS = re.compile(r"(?:19|20)\d\d\s*[-–—~～至到]\s*(?:19|20)?\d\d\s*年")
# A month or day after its number, or after a range of them (5月底, 1-5月, 3日, 15号): a date, no figure.
_DATE_PART = re.compile(r"(?:[-–—~～至到]\d{1,2})?[月日号]")
# A year written without 年 (甘洛2018贫困县摘帽, "2020脱贫"): a bare number of these is no count of anything.
_BARE_YEAR = re.compile(r"(?:19[5-9]\d|20[0-4]\d)")
_RANGE_END = re.compile(r"\d\s*[-–—~～至到]\s*$")
# A date in a text: a year (2019年, or one written bare before a word, as in 甘洛2018贫困县摘帽, not 2000户),
# a month or day (5月, 1-5月, 3日), or a year's start or end.
_DATE = re.compile(rf"(?:19|20)\d\d年|(?<![\d.]){_BARE_YEAR.pattern}(?=[\u4e00-\u9fff])"
                   rf"(?!万|亿|多|余|{'|'.join(map(re.escape, MEASURE_WORDS_LONGEST_FIRST))})|"
                   rf"\d{{1,2}}{_DATE_PART.pattern}|[一二三四五六七八九十]{{1,3}}月|年初|年底|年末")


@dataclass(frozen=True)
class ClauseFigure:
    """A figure as a clause states it: value, the number written, and its measure word."""

    value: float
    number: float
    unit: str | None
    start: int
    end: int

    @property
    def unit_class(self) -> str | None:
        """What the figure counts (people, money …), or None for a bare number."""
        return UNIT_CLASSES.get(self.unit) if self.unit else None


def _is_list_marker(text: str, match: re.Match[str]) -> bool:
    """Whether a figure match is a list item's number (4.加强…, 2、…, (3)…) at the start of its text or
    sentence: it counts nothing."""
    if match.group(2) or match.group(3) or len(match.group(1)) > 2 or "." in match.group(1):
        return False
    before, after = text[:match.start(1)], text[match.end(1):match.end(1) + 2]
    if before.endswith("(") and after.startswith(")"):
        before = before[:-1]
    elif not (after[:1] in (".", "、") and not after[1:2].isdigit()):
        return False
    return not before.strip() or before.rstrip()[-1] in "。;:!?\n"


def clause_figures(text: str) -> list[ClauseFigure]:
    """Figures of a Chinese text (normalised first), years excluded, counts in words included (十个规范). The low end
    of a range takes the scale and measure word of its high end (10-50万元 is 10万元 to 50万元)."""
    figures: list[ClauseFigure] = []
    normalized = normalize_for_matching(text)
    for match in _FIGURE.finditer(normalized):
        number = float(match.group(1))
        if YEAR.match(normalized, match.start(1)) or _is_list_marker(normalized, match) or (
                _RANGE_OF_YEARS.match(normalized, match.start(1))):
            continue
        if match.group(3) == "年" and names_no_span(normalized, match.end()):
            continue  # 80年代, 5年行动
        value = number * SCALES.get(match.group(2) or "", 1.0)
        unit = match.group(3)
        if unit is None and not match.group(2) and (_is_bare_year(normalized, match) or _DATE_PART.match(
                normalized, match.end())):
            continue  # a year, or a month or day of a date (截至5月底, 11月3日)
        if match.group(2) and unit in ("元", "千元"):
            unit = match.group(2) + "元"
        low = figures[-1] if figures else None
        if low is not None and low.unit is None and low.value == low.number and (match.group(2) or unit) and (
                RANGE_LINK.fullmatch(normalized[low.end:match.start()])):
            figures[-1] = ClauseFigure(low.number * SCALES.get(match.group(2) or "", 1.0), low.number, unit,
                                       low.start, low.end)
        figures.append(ClauseFigure(value, number, unit, match.start(), match.end()))
    counts = [ClauseFigure(c.value, c.number, c.unit, c.start, c.end) for c in chinese_counts(normalized)]
    return sorted(figures + counts, key=lambda figure: figure.start) if counts else figures


def _is_bare_year(text: str, match: re.Match[str]) -> bool:
    """Whether a four-digit number without a measure word is a year written without 年: followed by a word
    (甘洛2018贫困县摘帽) or by no Chinese at all (截至2020，), not by a measure word the list lacks (海拔1980米),
    nor an end of a range (1990—2000)."""
    if not _BARE_YEAR.fullmatch(match.group(1)) or RANGE_LINK.match(text, match.end()):
        return False
    if _RANGE_END.search(text, 0, match.start()):
        return False
    following = text[match.end():match.end() + 2]
    if not following or not "\u4e00" <= following[0] <= "\u9fff":
        return True
    jieba.initialize()  # its dictionary is loaded on first use; a no-op after
    return len(following) == 2 and bool(jieba.get_FREQ(following))


def clause_spans(sentence: str) -> list[tuple[int, int]]:
    """The clauses of a sentence as (start, end) offsets, split at commas, semicolons and colons."""
    spans, start = [], 0
    for match in CLAUSE_BREAK.finditer(sentence):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    if start < len(sentence):
        spans.append((start, len(sentence)))
    return [(s, e) for s, e in spans if sentence[s:e].strip()]


# Words that put a figure at one end of a band: before it (低于5万元, "below 50,000") or after it (5万元以下), in
# text normalised for matching (no spaces: "incomebelow50000").
_SIDE_BEFORE = (("below", re.compile(r"(?:低于|不足|不到|少于|小于|below|under|(?:less|fewer|lower)than)$")),
                ("above", re.compile(r"(?:高于|超过|多于|大于|above|over|exceeding|(?:more|greater|higher)than"
                                     r"|atleast)$")),
                ("range", re.compile(r"(?:between|from)$")))
_SIDE_AFTER = (("below", re.compile(r"^(?:以下|以内|之内)")), ("above", re.compile(r"^(?:以上|及以上)")),
               ("range", re.compile(rf"^(?:{RANGE_LINK.pattern}|and\d|to\d)")))


def band_side(text: str, figure: ClauseFigure) -> str | None:
    """Which side of a band a figure of `text` marks: "below" (5万元以下), "above" (超过10万元), "range" (5万元至10万元,
    the end of one too), or None when it marks none."""
    before, after = text[:figure.start], text[figure.end:]
    # The words before come first: 不到 ("not reaching") ends in the range link 到 but marks the side below.
    for side, pattern in _SIDE_BEFORE:
        if pattern.search(before):
            return side
    # 到 and 至 link a range right after a figure (5万元至10万元), not in a verb (达到10万元以上).
    if before and RANGE_LINK.fullmatch(before[-1]) and _ends_in_a_figure(before[:-1]):
        return "range"
    for side, pattern in _SIDE_AFTER:
        if pattern.search(after):
            return side
    return None


def _ends_in_a_figure(text: str) -> bool:
    """Whether `text` ends with a figure (and its measure word): 5万元, 1."""
    figures = clause_figures(text)
    return bool(figures) and figures[-1].end >= len(text.rstrip())


def states_a_date(text: str) -> bool:
    """Whether a text (normalised for matching) gives a date: a year, a month or day, a year's start or end."""
    return _DATE.search(text) is not None
