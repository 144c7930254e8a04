"""The LangChain retriever: the standard langchain-tests suite, and wenda's own behaviour."""

from __future__ import annotations

from typing import ClassVar

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.components import open_index
from assistant.query import QueryAnalyzer
from assistant.retrieval import HybridRetriever


@pytest.fixture(scope="module")
def retriever_params(built_index, real_embeddings) -> dict:
    settings, _ = built_index
    index = open_index(settings, real_embeddings)
    analyzer = QueryAnalyzer(index.articles.values(), index.keyword.retriever.vocab_dict.keys())
    return {"index": index, "analyzer": analyzer, "fusion": settings.retrieval}


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's standard retriever tests against the real index."""

    params: ClassVar[dict] = {}

    @pytest.fixture(autouse=True)
    def _real_index(self, retriever_params) -> None:
        type(self).params = retriever_params

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return self.params

    @property
    def retriever_query_example(self) -> str:
        return "乌兰县资助了多少名贫困学生？"


def test_documents_carry_what_a_citation_needs(retriever_params):
    docs = HybridRetriever(**retriever_params, k=3).invoke("How many first secretaries did Zalaite dispatch?")
    assert len(docs) == 3 and any("196名" in d.page_content for d in docs)
    for doc in docs:
        assert {"chunk_id", "doc_id", "title", "place", "start", "end", "score"} <= set(doc.metadata)
    assert docs[0].metadata["place"] == "扎赉特旗"


def test_passages_naming_the_asked_entity_come_first(retriever_params):
    docs = HybridRetriever(**retriever_params, k=5).invoke("Who is the first secretary of Dalin Village?")
    assert "大林" in docs[0].page_content
    plain = HybridRetriever(index=retriever_params["index"], k=5).invoke("Who is the first secretary of Dalin Village?")
    assert [d.id for d in plain] != [d.id for d in docs]


def test_a_chinese_question_naming_a_village_reaches_its_passages(retriever_params):
    analysis = retriever_params["analyzer"].analyze("大林村的老党员叫什么名字？")
    assert analysis.entities == ["大林村"]
    # The article's own place is no entity: every passage of its article is about it.
    assert retriever_params["analyzer"].analyze("甘洛县选派了多少名第一书记？").entities == []
    docs = HybridRetriever(**retriever_params, k=3).invoke("大林村的老党员叫什么名字？")
    assert "大林村" in docs[0].page_content, [d.page_content[:40] for d in docs]


def test_the_figures_a_question_states_are_read_without_its_years():
    from assistant.retrieval import question_figures, states_figure

    assert question_figures("Which two places each selected 19 first secretaries?") == ["19"]
    assert question_figures("2019年全县1,200户中，有多少户增收3.5%？5个村呢？") == ["1200", "3.5"]
    assert states_figure("共选派第一书记19名", ["19"])
    assert not any(states_figure(text, ["19"]) for text in ("2019年", "1.19万元", "19.5%", "190名"))


def test_passages_stating_the_questions_figure_come_first(retriever_params):
    # Both places that selected 19 first secretaries are in the first passages, not only the best-scored one.
    docs = HybridRetriever(**retriever_params, k=2).invoke("Which two places each selected 19 first secretaries?")
    stating = [d.metadata["place"] for d in docs if "第一书记19名" in d.page_content]
    assert {"乌海市", "乌兰县"} <= set(stating), [d.page_content[:40] for d in docs]
