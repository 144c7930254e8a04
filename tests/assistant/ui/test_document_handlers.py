"""The Documents tab's handlers without a browser or a model: who may change documents, the table, the
progress line, refusals shown as messages (the build is never started here)."""

from __future__ import annotations

import shutil

import gradio as gr
import pytest
from starlette.requests import Request

from assistant.documents import document_manager
from assistant.reindexer import BuildStatus
from assistant.service import AssistantService
from assistant.ui.documents import DocumentHandlers, documents_table_html, progress_html
from indexing.library import DocumentInfo
from tests.conftest import article_path, make_settings


def request_from(host: str) -> gr.Request:
    """A gr.Request around a bare Starlette request from `host` (what Gradio hands a handler)."""
    return gr.Request(request=Request({"type": "http", "method": "POST", "path": "/", "headers": [],
                                       "client": (host, 5000)}))


@pytest.fixture
def handlers(tmp_path):
    def make(**changes) -> DocumentHandlers:
        corpus = tmp_path / "corpus"
        corpus.mkdir(exist_ok=True)
        shutil.copy(article_path("003"), corpus)
        settings = make_settings(corpus, tmp_path / "index").model_copy(update=changes)
        service = AssistantService(settings, factory=lambda: (_ for _ in ()).throw(AssertionError("no model")))
        return DocumentHandlers(settings, document_manager(settings, service))
    return make


def message_of(view: tuple) -> str:
    return view[2]


def test_changes_are_refused_with_the_reason(handlers, tmp_path):
    picture = tmp_path / "scan.pdf"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    remote = handlers().upload([str(picture)], "", request_from("10.0.0.8"))
    assert "WENDA_ADMIN_KEYS" in message_of(remote)
    local = handlers().upload([str(picture)], "", request_from("127.0.0.1"))
    assert "Not added" in message_of(local) and "PNG image" in message_of(local)
    admin = handlers(admin_keys="boss")
    assert admin.needs_admin_key and "admin key" in message_of(admin.upload([str(picture)], "", request_from("::1")))
    assert "PNG image" in message_of(admin.upload([str(picture)], "boss", request_from("10.0.0.8")))
    # With API keys only, the chat's login (an API key) is what it takes.
    assert "PNG image" in message_of(handlers(api_keys="user").upload([str(picture)], "", request_from("10.0.0.8")))
    deleted = handlers().delete("uploads/none", "", request_from("127.0.0.1"))
    assert "no document" in message_of(deleted) and deleted[-1]["visible"] is False


def test_delete_asks_first_and_metadata_is_loaded_for_editing(handlers):
    tab = handlers()
    doc_id = article_path("003").stem
    row, message = tab.ask_delete(doc_id)
    assert row["visible"] is True and doc_id in message
    assert tab.ask_delete(None)[0]["visible"] is False
    title, date, *_ = tab.load_metadata(doc_id)
    assert title == doc_id and date == ""  # not indexed yet: the file name stands in for the title
    refused = tab.save_metadata(doc_id, "乌兰县报告", "2016-13-45", "", "", "", "", request_from("127.0.0.1"))
    assert "not a date" in message_of(refused) and tab.manager.status().state == "idle"
    assert "Choose a document" in message_of(tab.save_metadata(None, "", "", "", "", "", "", request_from("::1")))


def test_table_and_progress():
    table = documents_table_html([DocumentInfo(id="uploads/a", title="<b>报告</b>", type="pdf", pages=3,
                                               status="failed", reason="truncated PDF")])
    assert "data-status='failed'" in table and "&lt;b&gt;报告&lt;/b&gt;" in table and "truncated PDF" in table
    running = progress_html(BuildStatus(state="running", phase="embed", done=4, total=10))
    assert "<progress max='10' value='4'>" in running and "embedding" in running
    assert "failed" in progress_html(BuildStatus(state="failed", error="disk full"))
    assert "No documents" in documents_table_html([])


@pytest.mark.parametrize("in_embed", [False, True])
def test_the_tab_is_on_the_iframe_page_only_when_configured(tmp_path, in_embed):
    from fastapi.testclient import TestClient

    from assistant.server import create_app

    settings = make_settings(tmp_path / "corpus", tmp_path / "index")
    settings = settings.model_copy(update={"documents": settings.documents.model_copy(
        update={"tab_in_embed": in_embed})})
    app = create_app(settings, load_on_start=False, factory=lambda: (_ for _ in ()).throw(AssertionError()))
    with TestClient(app) as client:
        def elem_ids(path: str) -> set:
            return {c.get("props", {}).get("elem_id") for c in client.get(path).json()["components"]}
        assert "wenda-documents-tab" in elem_ids("/config")
        embedded = elem_ids("/embed/config")
        assert "wenda-question" in embedded and ("wenda-documents-tab" in embedded) == in_embed
