"""The extractive backend on real passages, without and with a sentence scorer."""

from assistant.answer import Passage
from assistant.extractive import extractive_answer
from assistant.query import QueryAnalysis

PASSAGES = [
    Passage(n=1, doc_id="003", chunk_id="c1", title="乌兰县", score=0.1,
            text="乌兰县站在协调推进的高度。截至目前,乌兰县38个行政村中,年集体经济收入在5万元以下的村有11个。"),
    Passage(n=2, doc_id="003", chunk_id="c2", title="乌兰县", score=0.09,
            text="对建档立卡贫困户中有子女就读的179名贫困学生,分别按照各类标准进行资助。"),
]


def test_picks_the_sentence_with_the_question_words_and_a_figure():
    analysis = QueryAnalysis(question="乌兰县资助了多少名贫困学生？", language="zh")
    text, cited = extractive_answer(analysis, PASSAGES)
    assert "179名贫困学生" in text and cited == [2] and text.endswith("[2]")


def test_a_sentence_scorer_can_carry_an_english_question():
    def scorer(question, sentences):  # a stand-in scorer for this unit test: likes the student sentence
        return [0.8 if "学生" in s else 0.1 for s in sentences]

    analysis = QueryAnalysis(question="How many poor students got support?", language="en")
    assert extractive_answer(analysis, PASSAGES) is None
    text, cited = extractive_answer(analysis, PASSAGES, scorer)
    assert cited == [2] and "179" in text and text.startswith("The articles say:")


def test_the_classifier_the_question_asks_for_picks_the_figure():
    passage = Passage(n=1, doc_id="004", chunk_id="c", title="扎賚特旗", score=0.1,
                      text="扎賚特旗面積11155平方公里,人口40萬人。共有28個基層黨委、573個黨支部、13504名黨員。")
    text, _ = extractive_answer(QueryAnalysis(question="扎賚特旗共有多少名黨員？", language="zh"), [passage])
    assert "13504名黨員" in text


def test_nothing_related_abstains():
    analysis = QueryAnalysis(question="法国的首都是哪里？", language="zh")
    assert extractive_answer(analysis, PASSAGES) is None
