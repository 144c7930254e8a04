"""Documents through the API of a real uvicorn server with the real embedding model: upload a PDF and a Word
file, follow indexing to the end (polling and SSE), ask about each and get the cited sentence (with its page
for the PDF), edit a title, delete a document and never see it cited again. Then schemathesis over the
document routes of another app: whatever a client sends, never a 5xx."""

from __future__ import annotations

import json
import time
from functools import partial

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from assistant.components import assistant
from assistant.server import create_app
from evals.sample_documents import DOCX_QUESTION, PDF_FACT_PAGE, PDF_QUESTION, make_docx, make_pdf
from tests.conftest import indexed_small_corpus
from tests.live import serve


@pytest.fixture(scope="module")
def api_url(tmp_path_factory, real_embeddings):
    config = indexed_small_corpus(tmp_path_factory.mktemp("live-docs"), real_embeddings)
    yield from serve(create_app(config, chat=False, factory=partial(assistant, config, embeddings=real_embeddings)))


def wait_until_indexed(url: str, timeout_s: float = 600) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = httpx.get(f"{url}/api/indexing").json()
        if status["state"] in ("idle", "failed"):
            return status
        time.sleep(0.5)
    raise AssertionError("indexing did not finish")


def ask(url: str, question: str) -> dict:
    response = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=120)
    assert response.status_code == 200
    return response.json()


def test_upload_index_ask_edit_and_delete(api_url, tmp_path):
    pdf = make_pdf(tmp_path / "青松县茶产业报告.pdf", pages=4).path
    word = make_docx(tmp_path / "village.docx").path
    response = httpx.post(f"{api_url}/api/documents", timeout=60, files=[
        ("files", (pdf.name, pdf.read_bytes(), "application/pdf")), ("files", (word.name, word.read_bytes()))])
    assert response.status_code == 202
    added = {r["file_type"]: r for r in response.json()["documents"]}
    assert {r["status"] for r in added.values()} == {"added"} and added["pdf"]["pages"] == 4
    pdf_id, word_id = added["pdf"]["doc_id"], added["docx"]["doc_id"]
    # Progress as server-sent events, until the build is done.
    with httpx.stream("GET", f"{api_url}/api/indexing/events", timeout=600) as events:
        states = [json.loads(line[5:])["state"] for line in events.iter_lines() if line.startswith("data:")]
    assert states[-1] == "idle" and wait_until_indexed(api_url)["error"] is None
    listed = {d["id"]: d for d in httpx.get(f"{api_url}/api/documents").json()["documents"]}
    assert listed[pdf_id]["status"] == listed[word_id]["status"] == "indexed"
    assert listed[pdf_id]["pages"] == 4 and listed[pdf_id]["passages"] >= 2 and listed[pdf_id]["indexed_at"]

    pdf_answer = ask(api_url, PDF_QUESTION)
    [citation] = [c for c in pdf_answer["citations"] if c["doc_id"] == pdf_id]
    assert "4200" in pdf_answer["answer"] and citation["page"] == PDF_FACT_PAGE and citation["highlight"]
    source = httpx.get(f"{api_url}/api/sources/{pdf_id}").json()
    assert source["type"] == "pdf" and len(source["pages"]) == 4
    word_answer = ask(api_url, DOCX_QUESTION)
    assert any(c["doc_id"] == word_id and c["page"] is None for c in word_answer["citations"])

    edited = httpx.patch(f"{api_url}/api/documents/{word_id}", json={"title": "白石镇集体经济", "aliases": ["Baishi"]})
    assert edited.status_code == 200 and edited.json()["document"]["title"] == "白石镇集体经济"
    wait_until_indexed(api_url)
    assert any(c["title"] == "白石镇集体经济" for c in ask(api_url, DOCX_QUESTION)["citations"])

    assert httpx.delete(f"{api_url}/api/documents/{pdf_id}").status_code == 200
    assert not any(c["doc_id"] == pdf_id for c in ask(api_url, PDF_QUESTION)["citations"])  # before the rebuild
    assert httpx.get(f"{api_url}/api/sources/{pdf_id}").status_code == 404
    wait_until_indexed(api_url)
    assert pdf_id not in {d["id"] for d in httpx.get(f"{api_url}/api/documents").json()["documents"]}
    assert not any(c["doc_id"] == pdf_id for c in ask(api_url, PDF_QUESTION)["citations"])


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory, real_embeddings):
    config = indexed_small_corpus(tmp_path_factory.mktemp("fuzz-docs"), real_embeddings)
    app = create_app(config, load_on_start=False, chat=False,
                     factory=partial(assistant, config, embeddings=real_embeddings))
    app.state.service.get()
    yield app
    app.state.documents.reindexer.wait(timeout_s=600)


def test_no_document_request_gets_a_server_error(fuzzed_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()
                  if result.ok().path.startswith(("/api/documents", "/api/indexing"))]
    assert {(op.method.upper(), op.path) for op in operations} >= {
        ("GET", "/api/documents"), ("POST", "/api/documents"), ("DELETE", "/api/documents/{doc_id}"),
        ("PATCH", "/api/documents/{doc_id}"), ("GET", "/api/indexing")}
    for operation in operations:
        if operation.path == "/api/indexing/events":
            continue  # a stream; its first event is the status that /api/indexing returns

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        no_server_error()
