"""Word files made with python-docx read back: headings, paragraphs, a table as text rows, properties."""

from __future__ import annotations

import unicodedata

import pytest

from evals.sample_documents import DOCX_SOURCE, DOCX_TITLE, make_docx
from indexing.config import LoaderConfig
from indexing.corpus import read_article
from indexing.loaders import LoadError, load_file


def test_paragraphs_headings_and_table_rows_are_kept(tmp_path):
    document = make_docx(tmp_path / "report.docx")
    article = read_article(document.path, tmp_path, LoaderConfig(), None)
    text = article.text
    assert all(unicodedata.normalize("NFKC", s) in text for s in document.sentences)
    assert "一、基本情况" in text.splitlines() and "二、重点村情况" in text.splitlines()
    assert "村名:红岩村;集体经济收入:62万元;主导产业:中药材种植。" in text.splitlines()
    assert (article.title, article.date, article.source, article.file_type) == (
        DOCX_TITLE, "2023-11-30", DOCX_SOURCE, "docx")
    assert article.pages is None and not text.startswith(DOCX_TITLE)


@pytest.mark.parametrize(("cut", "reason"), [(0.5, "corrupt"), (0.02, "corrupt")])
def test_a_truncated_word_file_is_reported(tmp_path, cut, reason):
    data = make_docx(tmp_path / "whole.docx").path.read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(LoadError, match=reason):
        load_file(broken, tmp_path, LoaderConfig())
