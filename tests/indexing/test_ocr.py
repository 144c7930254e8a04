"""A scanned PDF (pages that are pictures) read by OCR (RapidOCR, models shipped in its wheel, offline), then
through the same header/footer removal, line joining and page mapping as a text layer."""

from __future__ import annotations

import unicodedata

import pytest

from evals.sample_documents import PDF_FACT, PDF_FACT_PAGE, PDF_HEADER, make_scanned_pdf
from indexing.config import LoaderConfig
from indexing.corpus import read_article
from indexing.loaders import LoadError
from indexing.ocr import ocr_available
from indexing.pages import page_at


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    return make_scanned_pdf(folder / "scan.pdf", pages=3), folder


def test_a_scan_is_read_by_ocr_with_its_pages(scan):
    assert ocr_available()
    document, folder = scan
    article = read_article(document.path, folder, LoaderConfig(), None)
    fact = unicodedata.normalize("NFKC", PDF_FACT)
    assert fact in article.text and page_at(article.page_starts, article.text.index(fact)) == PDF_FACT_PAGE
    assert PDF_HEADER.replace(" ", "") not in article.text.replace(" ", "") and "页共" not in article.text
    kept = sum(unicodedata.normalize("NFKC", s) in article.text for s in document.sentences)
    assert kept >= 0.9 * len(document.sentences), f"OCR kept {kept} of {len(document.sentences)} sentences"


def test_without_ocr_a_scan_is_reported_as_such(scan):
    document, folder = scan
    with pytest.raises(LoadError, match=r"no text layer.*OCR is off"):
        read_article(document.path, folder, LoaderConfig(ocr=False), None)
    with pytest.raises(LoadError, match="at most 2 pages"):
        read_article(document.path, folder, LoaderConfig(ocr_max_pages=2), None)
