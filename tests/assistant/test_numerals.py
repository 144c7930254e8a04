"""Counts written in Chinese numerals: read before a measure word, never from slogans, ordinals or 一 ("a")."""

from __future__ import annotations

import pytest

from assistant.figures import clause_figures
from assistant.grounding import answer_figures, passage_values
from assistant.numerals import chinese_counts, parse_chinese_number


@pytest.mark.parametrize(("words", "value"), [
    ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23), ("一百", 100), ("三百五十", 350), ("百", None),
    ("十三五", None), ("", None),
])
def test_numbers_in_words_are_read(words, value):
    assert parse_chinese_number(words) == value


@pytest.mark.parametrize(("text", "counts"), [
    ("细化完善了十个规范", [(10, "个")]),
    ("村党组织书记实现全覆盖集中轮训两遍", [(2, "遍")]),
    ("选派二十三名干部、三百五十户", [(23, "名"), (350, "户")]),
    ("十多个村", [(10, "个")]),
    ("三万元", [(30000, "万元")]),
    ("提高三个百分点", [(3, "个百分点")]),
    ("细化完善“十个规范”的体系", [(10, "个")]),  # quoted, still ten things
    # Slogans, ordinals and "a": no counts.
    ("实施“八个一批”", []),
    ("按照五个一批的要求", []),
    ("第三个", []),
    ("围绕一个目标", []),
    ("“十三五”时期", []),
    ("百名干部进百村", []),
    # Inside a longer number, or a place's name: no count of its own.
    ("十三五期间投入资金", []),
    ("三千五百名干部", []),
    ("数十名干部", []),
    ("两三个村", []),
    ("五台县", []),
    ("两不愁三保障", []),
])
def test_counts_before_a_measure_word(text, counts):
    assert [(c.value, c.unit) for c in chinese_counts(text)] == counts


def test_a_clause_whose_count_is_in_words_gives_a_figure():
    figures = clause_figures("共选派第一书记19名、脱贫干部五十三人，制定十个行业扶贫专项方案")
    assert [(f.value, f.unit) for f in figures] == [(19, "名"), (53, "人"), (10, "个")]
    assert [f.start for f in figures] == sorted(f.start for f in figures)


def test_grounding_reads_counts_in_words_in_passages_and_answers():
    assert 10 in passage_values("細化完善了十個規範")  # Traditional too
    assert [f.value for f in answer_figures("一共有十个规范 [1]。")] == [10]
    assert answer_figures("实施“五个一批” [1]") == []
    # 千 begins a measure word and scales it, read either way as for digits (5千元).
    assert [(f.number, f.value) for f in answer_figures("投入五千元 [1]")] == [(5, 5000)]
    assert {5, 5000} <= passage_values("投入五千元")


def test_a_count_in_words_in_a_question_is_no_figure_it_asks_by():
    from assistant.lexicon import BilingualLexicon
    from assistant.question_frame import FrameBuilder

    frames = FrameBuilder(BilingualLexicon(["工程", "村"]), ["青岭县", "松溪县"], ["青岭县有村12个。"])
    assert frames.build("青岭、松溪两个县中，哪个县的村更多？", "zh").figures == ()
    assert frames.build("青岭县创新实施的六项工程分别是什么？", "zh").figures == ()
    assert frames.build("青岭县年收入5万元以下的村有几个？", "zh").figures == (50000,)
    # An English question's figures are found however far into it they stand (offsets of the matching text).
    assert frames.build("About 2,500 farmers joined the villages. How many of them are poor?", "en").figures == (
        2500,)


def test_an_answer_repeating_the_questions_count_in_words_states_only_its_own_figure():
    from assistant.lexicon import BilingualLexicon
    from assistant.question_frame import FrameBuilder
    from assistant.verification import stated_figures

    frames = FrameBuilder(BilingualLexicon(["工程", "产业", "资金"]), ["青岭县"], ["青岭县投入资金500万元。"])
    frame = frames.build("青岭县实施的三项工程中，产业工程投入了多少资金？", "zh")
    stated = stated_figures(frame, "青岭县三项工程中，产业工程投入资金500万元 [1]。")
    assert [f.value for f in stated] == [5_000_000]


def test_a_span_of_years_is_a_figure_and_a_year_is_not():
    assert [(c.value, c.unit) for c in chinese_counts("驻村三年，经过七年攻坚")] == [(3, "年"), (7, "年")]
    assert [(f.value, f.unit) for f in clause_figures("2019年底连续5年")] == [(5, "年")]
    assert chinese_counts("第三年") == [] and chinese_counts("二〇一九年") == []
