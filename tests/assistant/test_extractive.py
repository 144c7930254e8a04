"""The extractive backend on real passages: the evidence that states what was asked, quoted and cited."""

from dataclasses import replace

import pytest

from assistant.answer import Passage
from assistant.evidence import EvidenceSelector
from assistant.extractive import evidence_answer
from assistant.lexicon import BilingualLexicon
from assistant.question_frame import FrameBuilder

PASSAGES = [
    Passage(n=1, doc_id="003", chunk_id="c1", title="乌兰县", score=0.1, place="乌兰县",
            text="乌兰县站在协调推进的高度。截至目前,乌兰县38个行政村中,年集体经济收入在5万元以下的村有11个。"),
    Passage(n=2, doc_id="003", chunk_id="c2", title="乌兰县", score=0.09, place="乌兰县",
            text="对建档立卡贫困户中有子女就读的179名贫困学生,分别按照各类标准进行资助。"),
]
VOCABULARY = ["贫困", "学生", "资助", "行政村", "集体经济", "收入", "党员", "黨員", "基层", "党委", "党支部"]


@pytest.fixture(scope="module")
def frames() -> FrameBuilder:
    return FrameBuilder(BilingualLexicon(VOCABULARY), ["乌兰县", "乌兰", "扎赉特旗", "扎赉特"])


def answer(frames, question, language, passages, scorer=None):
    """The extractive answer, with its cited evidence numbers turned into the numbers of their passages."""
    frame = frames.build(question, language)
    evidence = EvidenceSelector(scorer).select(frame, passages, limit=3)
    found = evidence_answer(frame, evidence)
    if found is None:
        return None
    text, cited, spans = found
    passage_of = {e.n: e.passage.n for e in evidence}
    return text, [passage_of[n] for n in cited], {passage_of[n]: span for n, span in spans.items()}


def test_picks_the_sentence_with_the_question_words_and_a_figure(frames):
    text, cited, spans = answer(frames, "乌兰县资助了多少名贫困学生？", "zh", PASSAGES)
    assert "179名贫困学生" in text and cited == [2] and "11" not in text
    start, end = spans[2]
    assert "179" in PASSAGES[1].text[start:end]


def test_a_sentence_scorer_can_carry_an_english_question(frames):
    def scorer(question, sentences):  # a stand-in scorer for this unit test: likes the student sentence
        return [0.8 if "学生" in s else 0.1 for s in sentences]

    text, cited, _ = answer(frames, "How many poor students got support?", "en", PASSAGES, scorer)
    assert cited == [2] and "179" in text and text.startswith("The articles say:")


def test_the_measure_word_the_question_asks_for_picks_the_figure(frames):
    passage = Passage(n=1, doc_id="004", chunk_id="c", title="扎賚特旗", score=0.1, place="扎赉特旗",
                      text="扎賚特旗面積11155平方公里,人口40萬人。共有28個基層黨委、573個黨支部、13504名黨員。")
    text, _, _ = answer(frames, "扎賚特旗共有多少名黨員？", "zh", [passage])
    assert "13504名黨員" in text and "573" not in text


def test_nothing_about_the_asked_place_abstains(frames):
    assert answer(frames, "法国的首都是哪里？", "zh", PASSAGES) is None


def test_a_question_for_two_figures_quotes_both_and_stops_after_the_last():
    passage = Passage(n=1, doc_id="001", chunk_id="c", title="甘洛县", score=0.1, place="甘洛县",
                      text="甘洛县通过组织8个检查组赴28个乡镇检查党建工作、完成232个党支部的培训等工作推进基层党建。")
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "检查组", "检查", "乡镇", "党建", "培训"]), ["甘洛县", "甘洛"])
    text, _, _ = answer(frames, "甘洛县派出几个检查组检查党建工作？一共查了多少个乡镇？", "zh", [passage])
    assert "8个检查组" in text and "28个乡镇" in text and "232" not in text


def test_a_quote_answering_no_figure_starts_at_its_first_clause_about_the_question():
    passage = Passage(n=1, doc_id="002", chunk_id="c", title="乌兰县", score=0.1, place="乌兰县",
                      text="乌兰县还建立了53人的村干部后备人选库,实施“一村一名大学生”培养行动,"
                           "13个行政村实现村“两委”班子中至少有1名大专以上学历干部。")
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "两委", "班子", "学历", "要求"]), ["乌兰县", "乌兰"])
    text, _, _ = answer(frames, "乌兰县行政村的村“两委”班子在学历方面达到了什么要求？", "zh", [passage])
    assert "大专以上学历" in text and "53" not in text, text


def test_a_leading_clause_without_a_figure_is_kept_as_the_means_asked():
    passage = Passage(n=1, doc_id="002", chunk_id="c", title="乌兰县", score=0.1, place="乌兰县",
                      text="乌兰县实施“一村一名大学生”培养行动,村“两委”班子学历明显提高。")
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "两委", "班子", "学历", "办法"]), ["乌兰县", "乌兰"])
    text, _, _ = answer(frames, "乌兰县通过什么办法提高村“两委”班子学历？", "zh", [passage])
    assert "一村一名大学生" in text, text


def test_a_when_question_quotes_the_line_with_a_date_and_a_where_question_another_place(frames):
    dated = [Passage(n=1, doc_id="x2", chunk_id="c1", title="望谟县", score=0.2, place="望谟县",
                     text="望谟县脱贫摘帽后经批准退出贫困县，坚持摘帽不摘责任。"),
             Passage(n=2, doc_id="x2b", chunk_id="c2", title="望谟县", score=0.1, place="望谟县",
                     text="2020年11月，望谟县经省人民政府批准退出贫困县序列。")]
    text, _cited, _spans = answer(frames, "When was Wangmo County approved to exit poverty?", "en", dated)
    assert "2020年11月" in text, text
    helped = [Passage(n=1, doc_id="001", chunk_id="c1", title="甘洛县", score=0.2, place="甘洛县",
                      text="山坡上在建的是甘洛县的土鸡育种项目，专家指导建厂。"),
              Passage(n=2, doc_id="001b", chunk_id="c2", title="甘洛县", score=0.1, place="甘洛县",
                      text="甘洛县该项目均受到重庆繁育专家的全程指导。")]
    text, _cited, _spans = answer(frames, "甘洛县的土鸡育种项目受到哪个市的专家指导？", "zh", helped)
    assert "重庆" in text
    # Places ending as terrain words do (汕头, 渝北区) are places all the same.
    helped[1] = replace(helped[1], text="甘洛县该项目均受到渝北区繁育专家的全程指导。")
    text, _cited, _spans = answer(frames, "甘洛县的土鸡育种项目受到哪个市的专家指导？", "zh", helped)
    assert "渝北区" in text


def test_a_reports_points_one_sentence_each_answer_a_list_question(frames):
    points = [Passage(n=1, doc_id="004", chunk_id="c1", title="扎赉特旗", score=0.2, place="扎赉特旗",
                      text="嘎查村集体经济的发展壮大是关键。一是积极发展股份合作制经济。要让社会资本和技术走进来，"
                           "不断壮大农村集体经济实力。二是大力发展新型合作经济。培育新型合作经营主体。")]
    text, cited, _spans = answer(frames, "扎赉特旗建议发展哪两种经济来壮大嘎查村集体经济？", "zh", points)
    assert "股份合作制经济" in text and "新型合作经济" in text and cited == [1], text
    # The points by their own sentences, not the sentences explaining them.
    assert "社会资本" not in text


def test_a_question_about_one_of_a_reports_points_is_not_answered_by_the_points():
    text = ("一是实施好易地搬迁项目。二是推进危房改造。三是低保政策兜底扶贫。通过“三评、三审、三公示”，做到应保尽保，"
            "使贫困户真正得到实惠。")
    builder = FrameBuilder(BilingualLexicon(["低保", "兜底", "扶贫", "程序", "搬迁", "危房"]), ["乌兰县", "乌兰"],
                           [text] + ["全县干部群众认真学习。"] * 6)
    points = [Passage(n=1, doc_id="003", chunk_id="c1", title="乌兰县", score=0.2, place="乌兰县", text=text)]
    result = answer(builder, "乌兰县低保兜底扶贫要经过哪几道程序？", "zh", points)
    assert result is not None and "一是" not in result[0] and "二是" not in result[0], result
