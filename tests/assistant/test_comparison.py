"""Questions about several places: finding the places, each place's frame, and the computed comparison.

Made-up counties (青岭县 Qingling, 松溪县 Songxi, 青岭镇 a town of another county); no model is loaded.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.alignment import Alignment
from assistant.answer import Passage
from assistant.comparison import (
    PlaceFinder,
    PlaceTarget,
    about_each_place,
    arithmetic,
    asked_of_each_place,
    asks_comparison,
    figure_frame,
    place_answer,
    place_frame,
)
from assistant.evidence import Claim, Evidence
from assistant.query import QueryAnalysis
from assistant.question_frame import QuestionFrame, Term
from indexing.documents import Article

QINGLING = Article(doc_id="ql", path="ql.txt", title="青岭县抓党建", text="青岭县选派第一书记52名。",
                   region="某省青岭县", region_en="Qingling County (Qingling Xian), Mou Province",
                   aliases=("青岭县", "青岭", "Qingling"))
SONGXI = Article(doc_id="sx", path="sx.txt", title="松溪县扶贫", text="松溪县选派第一书记31名。",
                 region="松溪县", aliases=("松溪县", "松溪", "Songxi County"))
SONGXI_AGAIN = Article(doc_id="sx2", path="sx2.txt", title="松溪县再扶贫", text="松溪县又一篇。",
                       region="松溪县", aliases=("松溪县",))
TOWN = Article(doc_id="town", path="town.txt", title="青岭镇的报道", text="青岭镇。", aliases=("青岭镇",))


@pytest.fixture(scope="module")
def finder() -> PlaceFinder:
    return PlaceFinder([QINGLING, SONGXI, SONGXI_AGAIN, TOWN])


def test_the_places_of_a_chinese_question_are_found_in_order_with_all_their_articles(finder):
    targets = finder.targets(QueryAnalysis(question="松溪县和青岭县各选派了多少名第一书记？", language="zh"))
    assert [t.place for t in targets] == ["松溪县", "青岭县"]
    assert targets[0].doc_ids == ("sx", "sx2")
    assert "青岭" in targets[1].names


def test_a_longer_name_wins_over_an_article_name_inside_it(finder):
    targets = finder.targets(QueryAnalysis(question="青岭镇有多少个合作社？", language="zh"))
    assert [t.doc_ids for t in targets] == [("town",)]  # 青岭镇, not the county 青岭


def test_an_english_question_names_places_through_their_expansions_and_english_labels(finder):
    analysis = QueryAnalysis(question="How many more first secretaries did Qingling send than Songxi?",
                             language="en", expansions=["青岭县", "松溪县"])
    targets = finder.targets(analysis)
    assert [t.label for t in targets] == ["Qingling County", "Songxi County"]


def test_a_village_named_inside_an_article_is_no_second_place(finder):
    analysis = QueryAnalysis(question="Who is the first secretary of Dongshan Village in Qingling?",
                             language="en", expansions=["东山村", "青岭县"], entities=["东山村"])
    assert len(finder.targets(analysis)) == 1


def _term(text: str) -> Term:
    return Term(text, frozenset({text}))


def test_each_place_frame_is_about_its_place_without_the_comparison_words():
    frame = QuestionFrame(question="Qingling vs Songxi County: which promoted more cadres?", language="en",
                          terms=(_term("county"), _term("more"), _term("cadre"), _term("qingling")),
                          places=("青岭县", "松溪县"))
    targets = [PlaceTarget("青岭县", "Qingling County", ("ql",), ("青岭县", "青岭")),
               PlaceTarget("松溪县", "Songxi County", ("sx",), ("松溪县", "松溪"))]
    place = place_frame(frame, targets[0], targets)
    assert place.places == ("青岭县", "青岭")
    assert [t.text for t in place.terms] == ["cadre"]


def test_a_word_said_of_one_place_only_is_not_asked_of_the_other():
    # 青岭县的农民夜校和松溪县的“火塘夜校”: 火塘 tells Songxi's school, not Qingling's.
    kinds = (Term("农民", frozenset({"农民"}), telling=True), Term("火塘", frozenset({"火塘"}), telling=True),
             Term("夜校", frozenset({"夜校"}), telling=True), Term("办", frozenset({"办"})))
    targets = [PlaceTarget("青岭县", "Qingling County", ("ql",), ("青岭县", "青岭")),
               PlaceTarget("松溪县", "Songxi County", ("sx",), ("松溪县", "松溪"))]
    frame = QuestionFrame(question="青岭县的农民夜校和松溪县的“火塘夜校”各办了多少所？", language="zh", terms=kinds)
    assert [t.text for t in place_frame(frame, targets[0], targets).terms] == ["农民", "夜校", "办"]
    assert [t.text for t in place_frame(frame, targets[1], targets).terms] == ["火塘", "夜校", "办"]
    # Places named one after the other share every word, and so do the words after the last place's own.
    for question in ("青岭县和松溪县的“火塘夜校”各办了多少所？", "青岭县比松溪县多办了多少所火塘夜校？"):
        assert len(place_frame(replace(frame, question=question), targets[0], targets).terms) == len(kinds)
    shared = replace(frame, question="青岭县的农民夜校和松溪县的火塘各办了多少所夜校？")
    assert [t.text for t in place_frame(shared, targets[0], targets).terms] == ["农民", "夜校", "办"]


def test_a_town_named_of_one_place_is_not_asked_of_the_other():
    targets = [PlaceTarget("青岭县", "Qingling County", ("ql",), ("青岭县", "青岭")),
               PlaceTarget("松溪县", "Songxi County", ("sx",), ("松溪县", "松溪"))]
    frame = QuestionFrame(question="青岭县白石镇的茶叶联盟和松溪县红岩镇的咖啡联盟分别让收购价提高了多少？",
                          language="zh", local_places=("白石镇", "红岩镇"))
    assert place_frame(frame, targets[0], targets).local_places == ("白石镇",)
    assert place_frame(frame, targets[1], targets).local_places == ("红岩镇",)


@pytest.mark.parametrize(("question", "asks"), [
    ("青岭县和松溪县哪个更多？", True),
    ("How many more did Qingling send than Songxi?", True),
    ("Adding up Qingling and Songxi, how many in total?", True),
    ("青岭县和松溪县各选派了多少名第一书记？", False),
    ("青岭县为缩小城乡差距做了什么？", False),
    ("Which villages of Qingling have more than 100 households?", False),
    ("Qingling's combined efforts: what were they?", False),
])
def test_comparisons_are_recognised(question, asks):
    assert asks_comparison(question) is asks


def test_a_comparison_without_how_many_still_wants_a_figure():
    frame = QuestionFrame(question="In 2014, which had the higher poverty rate, Qingling or Songxi?", language="en")
    assert figure_frame(frame).wants_figure and figure_frame(frame).unit == "percent"


def _claim(value: float, unit: str | None, n: int = 1, quote: str = "") -> Claim:
    passage = Passage(n=n, doc_id=f"d{n}", chunk_id=f"c{n}", title="t", text=quote or f"{value:g}{unit or ''}",
                      score=1.0)
    evidence = Evidence(n=n, passage=passage, start=0, end=len(passage.text), text=passage.text,
                        alignment=Alignment(), clause=(0, len(passage.text)))
    return Claim(evidence, value, value, (0, len(passage.text)), Alignment(), quote or passage.text,
                 (0, len(passage.text)), unit)


QL = PlaceTarget("青岭县", "青岭县", ("ql",), ("青岭县",))
SX = PlaceTarget("松溪县", "松溪县", ("sx",), ("松溪县",))


@pytest.mark.parametrize(("question", "expected"), [
    ("青岭县比松溪县多选派了多少名第一书记？", "青岭县比松溪县多21名。"),
    ("青岭县和松溪县一共选派了多少名第一书记？", "合计83名。"),
    ("青岭县和松溪县哪个选派的第一书记更多？", "青岭县更多。"),
    ("青岭县和松溪县哪个选派的第一书记更少？", "松溪县更少。"),
    ("青岭县和松溪县各选派了多少名第一书记？", None),
])
def test_the_asked_arithmetic_is_computed_from_the_figures(question, expected):
    answered = [(QL, _claim(52, "名", 1)), (SX, _claim(31, "名", 2))]
    assert arithmetic(question, "zh", answered) == expected


def test_money_is_written_in_the_articles_scale_and_different_kinds_are_not_compared():
    money = [(QL, _claim(1.35e8, "亿元", 1)), (SX, _claim(5e7, "万元", 2))]
    assert arithmetic("青岭县比松溪县的产值高出多少？", "zh", money) == "青岭县比松溪县多8500万元。"
    mixed = [(QL, _claim(52, "名", 1)), (SX, _claim(31, "个", 2))]
    assert arithmetic("青岭县比松溪县多多少？", "zh", mixed) is None


def test_the_answer_quotes_and_cites_each_place_and_says_which_has_none():
    answered = [(QL, _claim(52, "名", 1, "青岭县选派第一书记52名"))]
    text, cited, spans = place_answer("青岭县比松溪县多选派了多少名第一书记？", "zh", answered, [SX])
    assert text == "青岭县：青岭县选派第一书记52名 [1]；松溪县：文章没有提到。"
    assert cited == [1] and spans == {1: (0, 12)}


@pytest.mark.parametrize(("question", "each"), [
    ("青岭县和松溪县各有多少个行政村？", True),
    ("Which had more first secretaries, Qingling or Songxi?", True),
    ("青岭县向松溪县派出了多少名干部？", False),  # one place's dealings with another
])
def test_a_question_about_each_place_is_told_from_one_naming_another(question, each):
    assert about_each_place(question) is each


@pytest.mark.parametrize(("question", "values", "units", "expected"), [
    ("青岭县和松溪县哪个的第一书记更多？", (52, 52), ("名", "名"), "两地的数字相同。"),
    ("青岭县和松溪县一共有多少人？", (700000, 350000), ("人", "人"), "合计1050000人。"),
    ("青岭县和松溪县各自一共有多少人？", (700000, 350000), ("人", "人"), None),  # each place's own total
    ("青岭县和松溪县的贫困发生率加起来是多少？", (12.5, 8.25), ("%", "%"), None),  # rates do not add up
    ("青岭县比松溪县的贫困发生率高出多少？", (12.5, 8.25), ("%", "%"), "青岭县比松溪县多4.25个百分点。"),
    ("青岭县比松溪县的茶园多多少？", (300, 20), ("亩", "公顷"), None),  # different measure words
])
def test_ties_totals_rates_and_units(question, values, units, expected):
    answered = [(QL, _claim(values[0], units[0], 1)), (SX, _claim(values[1], units[1], 2))]
    assert arithmetic(question, "zh", answered) == expected


def test_the_direction_is_the_comparatives_not_another_words():
    answered = [(QL, _claim(12, "个", 1)), (SX, _claim(7, "个", 2))]
    question = "Which has more villages with fewer than 100 households, Qingling or Songxi?"
    assert arithmetic(question, "en", answered) == "The figure is more for 青岭县."


@pytest.mark.parametrize(("question", "each"), [
    # The difference is computed from the quotes: each place is asked one figure.
    ("青岭县和松溪县35岁以下的书记各有多少名？两县相差几名？", "青岭县和松溪县35岁以下的书记各有多少名？"),
    ("青岭县和松溪县5万元以下的村各有几个？哪个县多，多几个？", "青岭县和松溪县5万元以下的村各有几个？"),
    ("青岭县和松溪县35岁以下的书记各有多少名，两县相差几名？", "青岭县和松溪县35岁以下的书记各有多少名，"),
    # Two figures of each place stay asked.
    ("青岭县和松溪县分别约谈了多少名、召回调整了多少名？", "青岭县和松溪县分别约谈了多少名、召回调整了多少名？"),
    ("How many first secretaries did Qingling and Songxi each send, and which sent more?",
     "How many first secretaries did Qingling and Songxi each send,"),
])
def test_what_each_place_is_asked_leaves_out_the_comparison(question, each):
    assert asked_of_each_place(question) == each


def test_a_town_named_of_one_place_leaves_the_other_places_county_figures_answering():
    frame = QuestionFrame(question="青岭县马莲河镇和松溪县的茶园面积分别是多少亩？", language="zh",
                          places=("青岭县", "马莲河镇", "松溪县"), local_places=("马莲河镇",), local_kinds=("镇",))
    targets = [PlaceTarget("青岭县", "Qingling County", ("ql",), ("青岭县", "青岭")),
               PlaceTarget("松溪县", "Songxi County", ("sx",), ("松溪县", "松溪"))]
    assert place_frame(frame, targets[0], targets).local_kinds == ("镇",)
    assert place_frame(frame, targets[1], targets).local_kinds == ()
