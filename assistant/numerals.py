"""Measure words, and counts written in Chinese numerals (十个规范, 两遍, 二十三名) before them.

Articles write small counts in words as often as in digits; a clause whose only count is 十个 must still give a
figure, quoted or not (“十个规范”, “两个提高” name ten and two things). Slogans of a number and a numeral are
not counts (五个一批, 三个一百), nor ordinals (第三个); 一个 is "a", and 百 or 千 alone are "many" (百名干部进百村,
千家万户).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# A number up to 999 in words: 十, 十二, 二十, 二十三, 一百, 三百五十.
_NUMBER = re.compile(r"(?:[一二两三四五六七八九]百(?:[零一二三四五六七八九]?十?[一二三四五六七八九]?)|"
                     r"[一二三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])")
# Measure words grouped by what they count: a how-many question about people wants 名/人, not 个.
UNIT_CLASSES: dict[str, str] = {
    **dict.fromkeys(("名", "人", "位", "人次"), "people"),
    **dict.fromkeys(("户", "家庭"), "households"),
    **dict.fromkeys(("元", "万元", "亿元", "千元"), "money"),
    **dict.fromkeys(("吨", "公斤", "斤", "千克"), "weight"),
    **dict.fromkeys(("亩", "平方公里", "公顷", "平方米"), "area"),
    **dict.fromkeys(("%", "％", "个百分点"), "percent"),
    **dict.fromkeys(("倍",), "times"),
    **dict.fromkeys(("岁", "周岁"), "age"),
    # A span of years (驻村三年, 经过七年攻坚); a year itself (2019年) is no figure.
    **dict.fromkeys(("年",), "years"),
    **dict.fromkeys(("个", "所", "项", "支", "条", "家", "座", "件", "次", "批", "期", "类", "处", "只", "头", "台",
                     "套", "间", "种", "场", "公里", "遍", "轮"), "count"),
}
MEASURE_WORDS_LONGEST_FIRST = tuple(sorted(UNIT_CLASSES, key=len, reverse=True))
# The scales a figure is written with (7.6万亩, 三万元), digits or words.
SCALES = {"万": 1e4, "亿": 1e8}


@dataclass(frozen=True)
class ChineseCount:
    """A count in words: its value (scaled by a 万 or 亿 the measure word begins with), the number written, the
    measure word after it, and where it stands in the text."""

    value: float
    number: int
    unit: str
    start: int
    end: int


def parse_chinese_number(words: str) -> int | None:
    """The value of a number in words up to 999 (十 = 10, 二十三 = 23, 三百五十 = 350), or None."""
    if not words or _NUMBER.fullmatch(words) is None:
        return None
    total, digit = 0, 0
    for char in words:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += digit * 100
            digit = 0
    return total + digit


# Not inside a longer number (十三五, 三千五百名, 数十名, 两三个): only a whole number in words is a count.
_COUNT = re.compile(r"(?<![零〇一二两三四五六七八九十百千万亿数几])" + rf"({_NUMBER.pattern})(?:多|余)?(" +
                    "|".join(re.escape(u) for u in MEASURE_WORDS_LONGEST_FIRST) + ")")
# What ends a place's name that begins like a count (五台县, 三台县).
_PLACE_ENDINGS = "县市镇乡村旗区州"


def chinese_counts(text: str) -> list[ChineseCount]:
    """The counts of a normalised text written in Chinese numerals and followed by a measure word, with 多 or 余
    between allowed (十多个), quoted or not; slogans, ordinals, place names and 一 ("a") are left out. A 万 or 亿
    that begins the measure word scales the count (三万元 is 30,000 yuan), as it does for digits."""
    counts = []
    for match in _COUNT.finditer(text):
        number = parse_chinese_number(match.group(1))
        if number is None or number == 1 or _is_slogan(text, match.start(), match.end()) or (
                names_no_span(text, match.end())):
            continue
        unit = match.group(2)
        counts.append(ChineseCount(number * SCALES.get(unit[0], 1), number, unit, match.start(), match.end()))
    return counts


# What follows 年 when a number before it names no span of years: a decade (80年代), a school year (三年级), a
# programme's name (三年行动, 五年规划).
_NO_SPAN_AFTER = re.compile(r"代|级|行动|规划|计划")


def names_no_span(text: str, end: int) -> bool:
    """Whether the 年 ending at `end` follows a number that names no span of years (80年代, 三年行动)."""
    return text[end - 1:end] == "年" and _NO_SPAN_AFTER.match(text, end) is not None


def _is_slogan(text: str, start: int, end: int) -> bool:
    """Whether the count at text[start:end] is an ordinal's (after 第 or 每; `_COUNT` already skips one after 几), a
    slogan's (a numeral follows the measure word: 五个一批) or a place name's beginning (五台县; 十个村 is a count)."""
    if start and text[start - 1] in "第每":
        return True
    return end < len(text) and (text[end] in _DIGITS or text[end] in "十百" or (
        text[end - 1] == "台" and text[end] in _PLACE_ENDINGS))
