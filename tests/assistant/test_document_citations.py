"""A PDF and a Word file indexed with the real embedding model: a question answered from each cites the right
sentence, with the page for the PDF, in the API's JSON and in the sources panel."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from assistant.components import assistant, index_builder
from assistant.ui.render import sources_html
from evals.sample_documents import (
    DOCX_FACT,
    DOCX_QUESTION,
    DOCX_TITLE,
    PDF_FACT,
    PDF_FACT_PAGE,
    PDF_QUESTION,
    PDF_TITLE,
    make_docx,
    make_pdf,
)
from tests.conftest import article_path, make_settings


@pytest.fixture(scope="module")
def documents_assistant(tmp_path_factory, real_embeddings):
    root = tmp_path_factory.mktemp("documents")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(article_path("003"), corpus)
    make_pdf(corpus / "tea-report.pdf", pages=4)
    make_docx(corpus / "village-report.docx")
    settings = make_settings(corpus, root / "index")
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"backend": "extractive"})})
    report = index_builder(settings, show_progress=False, embeddings=real_embeddings).build()
    assert not report.skipped and report.documents == 3
    return assistant(settings, embeddings=real_embeddings)


def cited(answer: dict, doc_id: str) -> dict:
    return next(c for c in answer["citations"] if c["doc_id"] == doc_id)


def test_a_pdf_answer_cites_the_sentence_on_its_page(documents_assistant):
    answer = documents_assistant.ask(PDF_QUESTION).to_json()
    assert "4200" in answer["answer"] and not answer["abstained"]
    citation = cited(answer, "tea-report")
    article = documents_assistant.index.articles["tea-report"]
    highlight = article.text[citation["highlight"]["start"]:citation["highlight"]["end"]]
    assert "4200" in highlight and highlight in unicodedata.normalize("NFKC", PDF_FACT)
    assert citation["page"] == PDF_FACT_PAGE and citation["title"] == PDF_TITLE
    panel = sources_html(answer, documents_assistant.index.articles)
    assert f"p. {PDF_FACT_PAGE}" in panel
    # In the full document, the marked sentence comes after its page's label and before the next page's.
    full = panel[panel.index("wenda-article-text"):]
    mark = full.index("<mark class='wenda-cited'>")
    assert full.index(f"data-page='{PDF_FACT_PAGE}'") < mark < full.index(f"data-page='{PDF_FACT_PAGE + 1}'")


def test_a_word_answer_cites_its_sentence_without_a_page(documents_assistant):
    answer = documents_assistant.ask(DOCX_QUESTION).to_json()
    assert "17" in answer["answer"]
    citation = cited(answer, "village-report")
    assert citation["page"] is None and citation["title"] == DOCX_TITLE
    article = documents_assistant.index.articles["village-report"]
    assert article.text[citation["highlight"]["start"]:citation["highlight"]["end"]] in unicodedata.normalize(
        "NFKC", DOCX_FACT)
