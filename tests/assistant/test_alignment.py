"""Claim–question alignment rules, on sentences written for these tests (no models)."""

import pytest

from assistant.alignment import FrameBuilder, align, clause_figures
from assistant.answer import Passage
from assistant.evidence import EvidenceSelector, best_claim
from assistant.extractive import evidence_answer
from assistant.lexicon import BilingualLexicon, lemma
from assistant.query import asks_across_articles
from assistant.verification import answer_gap, lacks_figure, misaligned_figure

TEAMS = ("为加强驻村力量，青岭县精准选派了120名优秀干部，到全县120个行政村任第一书记，"
         "并配备了365名干部组成驻村工作队。")
INCOME = "全县建档立卡贫困户人均纯收入由2016年的6120元增加到2019年的11830元，贫困发生率从2014年的12.5%下降至0.6%。"
PRODUCE = "青岭县全年茶叶产量达820吨，产值突破3100万元，带动1400多户贫困户增收。"
RATIO = "实现每个村都有1支驻村工作队、1名第一书记。"
OTHER_PLACE = "松溪县全年核桃产量达560吨，产值2400万元。"

VOCABULARY = ["选派", "干部", "第一书记", "书记", "第一", "驻村", "工作队", "工作", "队", "人均", "纯收入", "收入",
              "贫困户", "贫困", "户", "茶叶", "产量", "产值", "核桃", "行政村", "村", "发生率", "组成", "配备", "女性"]


@pytest.fixture(scope="module")
def frames() -> FrameBuilder:
    articles = [TEAMS + INCOME + PRODUCE + RATIO, OTHER_PLACE] + ["全县干部群众认真学习。"] * 6
    return FrameBuilder(BilingualLexicon(VOCABULARY), ["青岭县", "青岭", "松溪县", "松溪"], articles)


def passages(*texts: str, place: str = "青岭县") -> list[Passage]:
    return [Passage(n=n, doc_id=f"d{n}", chunk_id=f"d{n}#0", title="t", text=text, score=1.0, place=place)
            for n, text in enumerate(texts, start=1)]


def test_lemma_and_lexicon_translate_english_to_corpus_words() -> None:
    assert lemma("secretaries") == "secretary" and lemma("teams") == "team"
    lexicon = BilingualLexicon(VOCABULARY)
    forms = dict(lexicon.translate(["cadres", "tea", "output"]))
    assert "干部" in forms["cadre"] and "茶叶" in forms["tea"] and "产量" in forms["output"]


def test_clause_figures_read_units_and_scales_and_skip_years() -> None:
    figures = clause_figures("由2016年的6120元增加到1875萬元，选派了120名干部，12.5%")
    assert [(f.value, f.unit_class) for f in figures] == [
        (6120, "money"), (18_750_000, "money"), (120, "people"), (12.5, "percent")]


def test_frames_carry_unit_year_place_and_terms(frames: FrameBuilder) -> None:
    zh = frames.build("青岭县选派了多少名第一书记？", "zh")
    assert zh.unit == "people" and zh.places == ("青岭县",) and zh.wants_figure
    en = frames.build("What was the per capita net income of poor households in 2019?", "en")
    assert en.years == ("2019",) and en.wants_figure
    assert any("人均" in t.forms for t in en.terms)


def test_a_clause_with_another_measure_word_is_not_admissible(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县有多少名第一书记？", "zh")
    people = align(frame, "精准选派了120名优秀干部", TEAMS, TEAMS, ["青岭县"])
    villages = align(frame, "到全县120个行政村任第一书记", TEAMS, TEAMS, ["青岭县"])
    assert people.admissible and not villages.admissible


def test_a_passage_of_another_place_is_not_admissible(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县的核桃产量是多少？", "zh")
    assert not align(frame, OTHER_PLACE, OTHER_PLACE, OTHER_PLACE, ["松溪县", "松溪"]).admissible


@pytest.mark.parametrize(("question", "language", "expected", "wrong"), [
    ("How many cadres make up the work teams in Qingling County?", "en", "365", "120"),
    ("青岭县选派了多少名第一书记？", "zh", "120", "365"),
    ("What was the per capita net income of poor households in 2019?", "en", "11830", "6120"),
    ("全县2016年贫困户人均纯收入是多少？", "zh", "6120", "11830"),
])
def test_the_best_claim_is_the_figure_the_question_asks_for(frames: FrameBuilder, question: str, language: str,
                                                            expected: str, wrong: str) -> None:
    frame = frames.build(question, language, places=["青岭县"] if "Qingling" in question else [])
    evidence = EvidenceSelector().select(frame, passages(TEAMS, INCOME, RATIO), limit=4)
    claim = best_claim(frame, evidence)
    assert claim is not None and expected in claim.quote and wrong not in claim.quote
    text, _, _ = evidence_answer(frame, evidence)
    assert expected in text and wrong not in text


def test_a_figure_from_the_neighbouring_clause_is_flagged_and_the_right_one_offered(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县配备了多少名驻村工作队干部？", "zh")
    evidence = EvidenceSelector().select(frame, passages(TEAMS), limit=4)
    better = misaligned_figure(frame, "青岭县选派了120名 [1]", evidence)
    assert better is not None and "365" in better.quote
    assert misaligned_figure(frame, "配备了365名干部 [1]", evidence) is None
    assert misaligned_figure(frame, "配备了365名干部，另有120名 [1]", evidence) is not None


def test_a_ratio_does_not_answer_a_how_many_question(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    evidence = EvidenceSelector().select(frame, passages(RATIO, TEAMS), limit=4)
    assert "120" in best_claim(frame, evidence).quote


def test_near_misses_leave_a_gap(frames: FrameBuilder) -> None:
    selector = EvidenceSelector()
    # Another place's product, a category the article does not break down, a year it does not give.
    for question, contexts in [
        ("青岭县的核桃产量是多少？", passages(PRODUCE) + passages(OTHER_PLACE, place="松溪县")),
        ("青岭县有多少名女性第一书记？", passages(TEAMS)),
        ("青岭县2018年贫困户人均纯收入是多少？", passages(INCOME)),
    ]:
        frame = frames.build(question, "zh")
        evidence = selector.select(frame, contexts, limit=4)
        assert answer_gap(frame, evidence, selector.candidates(frame, contexts)), question
    frame = frames.build("青岭县的茶叶产量是多少？", "zh")
    contexts = passages(PRODUCE)
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts)) is None


def test_spaces_and_thousands_separators_keep_figures_whole(frames: FrameBuilder) -> None:
    assert [f.value for f in clause_figures("人均纯收入27,772元")] == [27772]
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    evidence = EvidenceSelector().select(frame, passages("全县 共有 196名第一书记。"), limit=3)
    assert "196名第一书记" in best_claim(frame, evidence).quote


def test_years_and_the_questions_own_figures_are_not_the_answer(frames: FrameBuilder) -> None:
    frame = frames.build("What was the per capita net income of poor households in 2019?", "en")
    evidence = EvidenceSelector().select(frame, passages(INCOME), limit=3)
    assert misaligned_figure(frame, "In 2019 it reached 11830 yuan [1]", evidence) is None
    assert not lacks_figure(frames.build("青岭县2019年选派了多少名第一书记？", "zh"), "选派了201名 [1]")
    assert lacks_figure(frame, "It rose in 2019 [1]")
    assert frames.build("超过2000户的村有几个？", "zh").years == ()


@pytest.mark.parametrize(("question", "across"), [
    ("乌海市和乌兰县分别选派了多少名第一书记？", True), ("Which counties set up night schools?", True),
    ("成都的人都脱贫了吗？", False), ("Where is the county seat of Ganluo?", False),
    ("How many villages each have a first secretary?", False),
])
def test_comparisons_are_told_from_single_place_questions(question, across):
    assert asks_across_articles(question) is across
