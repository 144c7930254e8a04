"""The Documents tab on a real server, in headless Debian Chromium (Playwright): upload a Word file and a PDF,
watch indexing finish, ask about each and see the citation with its title (and page), delete one and see
that it is no longer cited."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from playwright.sync_api import Page

from assistant.components import assistant
from assistant.server import create_app
from evals.sample_documents import (
    DOCX_QUESTION,
    DOCX_TITLE,
    PDF_FACT_PAGE,
    PDF_QUESTION,
    PDF_TITLE,
    make_docx,
    make_pdf,
)
from tests.assistant.ui.test_live_chat import SCREENSHOTS, open_chat
from tests.conftest import article_path, indexed_small_corpus
from tests.live import serve

INDEXING_TIMEOUT_MS = 600_000


@pytest.fixture(scope="module")
def docs_url(tmp_path_factory, real_embeddings) -> Iterator[str]:
    config = indexed_small_corpus(tmp_path_factory.mktemp("docs-tab"), real_embeddings)
    yield from serve(create_app(config, factory=partial(assistant, config, embeddings=real_embeddings)))


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def wait_indexed(page: Page, *doc_ids: str) -> None:
    page.wait_for_function(
        "ids => ids.every(id => document.querySelector(`#wenda-docs-table tr[data-id='${id}']`)"
        "?.dataset.status === 'indexed')", arg=list(doc_ids), timeout=INDEXING_TIMEOUT_MS)
    wait_served(page)


def wait_served(page: Page) -> None:
    """Until the build is over: a document is listed as indexed once its index is published, and the server
    answers from that index a moment later, when it has switched to it (the progress says "up to date")."""
    page.wait_for_selector("#wenda-docs-progress [data-state='idle']", timeout=INDEXING_TIMEOUT_MS)


def ask(page: Page, question: str) -> str:
    """Ask in the chat tab (after clearing it) and return the sources panel once the final answer is there."""
    open_tab(page, "Chat 问答")
    page.click("#wenda-clear")
    page.wait_for_function("!document.querySelector('#wenda-sources .wenda-source')")
    page.fill("#wenda-question textarea", question)
    page.press("#wenda-question textarea", "Enter")
    page.wait_for_function("document.querySelector('#wenda-sources .wenda-source') || "
                           "document.querySelector('#wenda-sources')?.innerText.includes('No passage')",
                           timeout=120_000)
    return page.inner_text("#wenda-sources")


def test_upload_watch_indexing_ask_and_delete(docs_url, page, tmp_path):
    word = make_docx(tmp_path / "village-report.docx").path
    pdf = make_pdf(tmp_path / "tea-report.pdf", pages=4).path
    open_chat(page, f"{docs_url}/")
    open_tab(page, "Documents 文档")
    page.wait_for_selector(f"#wenda-docs-table tr[data-id='{article_path('003').stem}']")
    page.set_input_files("#wenda-docs-upload input[type=file]", [str(word), str(pdf)])
    page.wait_for_selector("#wenda-docs-message :text('uploads/tea-report')", timeout=120_000)
    assert "uploads/village-report" in page.inner_text("#wenda-docs-message")
    # Progress shows while the documents are indexed, then the list says they are.
    page.wait_for_selector("#wenda-docs-progress [data-state='running'], #wenda-docs-table tr[data-status='indexed']"
                           "[data-id='uploads/tea-report']", timeout=60_000)
    wait_indexed(page, "uploads/tea-report", "uploads/village-report")
    assert page.locator("#wenda-docs-table tr[data-id='uploads/tea-report'] td").nth(3).inner_text() == "4"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "documents.png", full_page=True)

    sources = ask(page, PDF_QUESTION)
    assert PDF_TITLE in sources and f"p. {PDF_FACT_PAGE}" in sources
    assert "4200" in page.locator("#wenda-sources mark.wenda-cited").first.inner_text()
    source = page.locator("#wenda-sources .wenda-source").filter(has_text=PDF_TITLE).first
    source.locator("details summary").click()
    # In the full document the cited sentence sits on its page.
    marked_page = source.locator(".wenda-article-text").evaluate(
        "box => { const mark = box.querySelector('mark.wenda-cited');"
        " const pages = [...box.querySelectorAll('.wenda-page')].filter(p =>"
        " p.compareDocumentPosition(mark) & Node.DOCUMENT_POSITION_FOLLOWING); return pages.at(-1)?.dataset.page; }")
    assert marked_page == str(PDF_FACT_PAGE)
    assert DOCX_TITLE in ask(page, DOCX_QUESTION)

    open_tab(page, "Documents 文档")
    page.click("#wenda-docs-select input")
    page.get_by_role("option", name="uploads/tea-report").click()
    page.click("#wenda-docs-delete")
    page.wait_for_selector("#wenda-docs-confirm", state="visible")
    assert "uploads/tea-report" in page.inner_text("#wenda-docs-message")
    page.click("#wenda-docs-confirm")
    page.wait_for_selector("#wenda-docs-message :text('Deleted')", timeout=60_000)
    page.wait_for_function("!document.querySelector(\"#wenda-docs-table tr[data-id='uploads/tea-report']\")",
                           timeout=INDEXING_TIMEOUT_MS)
    wait_served(page)
    assert PDF_TITLE not in ask(page, PDF_QUESTION)
