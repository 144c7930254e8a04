"""Background builds with the real embedding model and a hot swap in the running service: an uploaded PDF
becomes answerable without a restart, a question holding the old assistant still finishes on the old index,
and a deleted document is never cited again, from the moment it is deleted."""

from __future__ import annotations

from functools import partial

import pytest

from assistant.components import assistant, document_library, index_builder, refreshed_assistant
from assistant.reindexer import Reindexer
from assistant.service import AssistantService
from evals.sample_documents import PDF_FACT_PAGE, PDF_QUESTION, make_docx, make_pdf
from indexing.library import Upload
from tests.conftest import indexed_small_corpus


@pytest.fixture
def running(tmp_path, real_embeddings):
    settings = indexed_small_corpus(tmp_path, real_embeddings)
    service = AssistantService(settings, factory=partial(assistant, settings, embeddings=real_embeddings),
                               refresher=partial(refreshed_assistant, settings))
    phases: list[str] = []

    def builder(progress):
        def recorded(phase, done, total):
            phases.append(phase)
            progress(phase, done, total)
        return index_builder(settings, show_progress=False, embeddings=real_embeddings, progress=recorded)

    reindexer = Reindexer(builder, lambda report: service.refresh())
    service.get()
    return settings, service, reindexer, phases


def tea_citations(answer) -> list:
    return [c for c in answer.to_json()["citations"] if c["doc_id"].startswith("uploads/tea")]


def test_an_upload_becomes_answerable_and_a_deletion_is_never_cited(running, tmp_path):
    settings, service, reindexer, phases = running
    library = document_library(settings)
    before = service.get()
    assert not tea_citations(before.ask(PDF_QUESTION))
    [added] = library.add([Upload("tea.pdf", make_pdf(tmp_path / "tea.pdf", pages=3).path.read_bytes())])
    reindexer.request()
    status = reindexer.wait(timeout_s=600)
    assert status.state == "idle" and status.generation == 1 and {"scan", "embed", "write", "published"} <= set(phases)
    after = service.get()
    assert after is not before and added.doc_id in after.index.articles
    [citation] = tea_citations(after.ask(PDF_QUESTION))
    assert citation["page"] == PDF_FACT_PAGE
    # A question that started before the swap holds the old assistant and finishes on the old index.
    assert not tea_citations(before.ask(PDF_QUESTION))
    assert {d.id: d.status for d in library.list()}[added.doc_id] == "indexed"

    library.remove(added.doc_id)
    service.withdraw(added.doc_id)
    assert not tea_citations(after.ask(PDF_QUESTION))  # at once, on the index still loaded
    assert after.index.article(added.doc_id) is None
    reindexer.request()
    assert reindexer.wait(timeout_s=600).state == "idle"
    final = service.get()
    assert added.doc_id not in final.index.articles and not tea_citations(final.ask(PDF_QUESTION))


def test_an_index_published_by_another_process_is_picked_up(running, tmp_path, real_embeddings):
    settings, service, _, _ = running
    before = service.get()
    assert not service.refresh_if_republished()  # nothing new
    document_library(settings).add([Upload("village.docx", make_docx(tmp_path / "v.docx").path.read_bytes())])
    index_builder(settings, show_progress=False, embeddings=real_embeddings).build()  # as `wenda docs add` does
    assert service.refresh_if_republished()
    assert service.get() is not before and "uploads/village" in service.get().index.articles
