"""The cited sentence of a passage, as article offsets."""

from assistant.answer import Passage
from assistant.extractive import EmbeddingSentenceScorer, sentence_spans
from assistant.highlight import cited_sentence, cited_sentences

PREFIX = "前文。" * 10
TEXT = "\n乌兰县共有38个行政村。全县资助了179名贫困学生，落实资金230万元。驼奶产量达到300吨。"
ARTICLE = PREFIX + TEXT


def passage(n: int = 1, text: str = TEXT) -> Passage:
    start = ARTICLE.index(text)
    return Passage(n=n, doc_id="d", chunk_id="d#1", title="t", text=text, score=1.0, start=start,
                   end=start + len(text))


def test_sentences_exclude_surrounding_space():
    assert [TEXT[s:e] for s, e in sentence_spans(TEXT)] == [
        "乌兰县共有38个行政村。", "全县资助了179名贫困学生，落实资金230万元。", "驼奶产量达到300吨。"]


def test_the_figure_of_the_answer_picks_the_sentence():
    span = cited_sentence("179 poor students were supported [1].", passage())
    assert ARTICLE[span.start:span.end] == "全县资助了179名贫困学生，落实资金230万元。"
    span = cited_sentence("2.3 million yuan [1]", passage())
    assert "230万元" in ARTICLE[span.start:span.end]


def test_a_quoted_sentence_wins():
    span = cited_sentence("The articles say: “驼奶产量达到300吨。” [1]", passage())
    assert ARTICLE[span.start:span.end] == "驼奶产量达到300吨。"


def test_shared_words_pick_the_sentence_of_a_chinese_answer():
    span = cited_sentence("乌兰县的行政村 [1]", passage())
    assert ARTICLE[span.start:span.end] == "乌兰县共有38个行政村。"


def test_an_english_answer_without_figures_is_matched_by_meaning(real_embeddings):
    scorer = EmbeddingSentenceScorer(real_embeddings)
    span = cited_sentence("Camel milk production grew [1].", passage(), scorer)
    assert ARTICLE[span.start:span.end] == "驼奶产量达到300吨。"


def test_empty_passages_have_no_sentence():
    assert cited_sentence("x [1]", passage(text="\n")) is None
    assert set(cited_sentences("179 [1]", [passage(1), passage(2, "\n")])) == {1}
