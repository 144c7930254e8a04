"""The document library without a model: uploads checked by content, sanitised, de-duplicated, removed
into the bin, metadata edits laid over the metadata file; status read from a real (fake-embedded) build."""

from __future__ import annotations

import shutil

import pytest

from evals.sample_documents import make_docx, make_pdf
from indexing.builder import IndexBuilder
from indexing.config import IndexConfig, LoaderConfig
from indexing.corpus import scan_corpus
from indexing.library import (
    CorruptDocumentError,
    DocumentLibrary,
    DocumentNotFoundError,
    DocumentTooLargeError,
    UnsupportedDocumentError,
    Upload,
    safe_stem,
)
from indexing.registry import MetadataOverride
from indexing.store import IndexStore
from tests.conftest import article_path
from tests.indexing.test_builder import FakeHashEmbeddings


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    return make_pdf(folder / "tea.pdf", pages=3).path.read_bytes(), make_docx(folder / "village.docx").path.read_bytes()


@pytest.fixture
def library(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(article_path("003"), corpus)
    return DocumentLibrary(corpus, LoaderConfig(), IndexStore(tmp_path / "index"))


def corpus_files(library: DocumentLibrary) -> list[str]:
    return sorted(library.files())


@pytest.mark.parametrize(("name", "stem"), [
    ("../../etc/passwd.pdf", "passwd"), ("..\\..\\boot.ini", "boot"), ("..", "document"),
    ("报告 (终稿).docx", "报告_(终稿)"),
    (".hidden.pdf", "hidden"), ("a\x00b\nc.pdf", "a_b_c"), ("/abs/path/年报.pdf", "年报"),
])
def test_file_names_are_sanitised(name, stem):
    assert safe_stem(name) == stem


def test_uploads_are_added_under_safe_unique_names_and_their_type_comes_from_the_content(library, samples):
    pdf, docx = samples
    results = library.add([Upload("../../outside.docx", pdf), Upload("outside.pdf", docx)])
    # The first "docx" is a PDF and is stored as one; the second file may not take the same doc id.
    assert [(r.status, r.doc_id, r.file_type) for r in results] == [
        ("added", "uploads/outside", "pdf"), ("added", "uploads/outside-2", "docx")]
    assert (library.corpus_dir / "uploads" / "outside.pdf").is_file()
    assert not (library.corpus_dir.parent / "outside.docx").exists()
    assert {d.id: d.status for d in library.list()} == {article_path("003").stem: "pending",
                                                        "uploads/outside": "pending", "uploads/outside-2": "pending"}


def test_a_duplicate_is_reported_and_not_added_again(library, samples):
    pdf, _ = samples
    first, again = library.add([Upload("tea.pdf", pdf), Upload("copy of tea.pdf", pdf)])
    assert first.status == "added" and (again.status, again.duplicate_of) == ("duplicate", "uploads/tea")
    existing = article_path("003").read_bytes()
    [text] = library.add([Upload("same.txt", existing)])
    assert text.status == "duplicate" and text.duplicate_of == article_path("003").stem
    assert len(corpus_files(library)) == 2


@pytest.mark.parametrize(("data", "error", "reason"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), UnsupportedDocumentError, "PNG image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), UnsupportedDocumentError, "legacy Word"),
    (b"PK\x03\x04" + bytes(100), UnsupportedDocumentError, "ZIP"),
    (b"%PDF-1.7\n garbage", CorruptDocumentError, "truncated"),
    (b"", CorruptDocumentError, "empty"),
])
def test_bad_uploads_are_refused_with_a_reason_and_nothing_is_written(library, samples, data, error, reason):
    before = corpus_files(library)
    with pytest.raises(error, match=reason):
        library.add([Upload("good.pdf", samples[0]), Upload("bad.pdf", data)])
    assert corpus_files(library) == before and not library.registry.read()
    assert not list((library.corpus_dir / ".wenda").glob("incoming-*"))


def test_a_file_over_the_size_limit_is_refused(tmp_path, samples):
    small = DocumentLibrary(tmp_path, LoaderConfig(max_document_bytes=1000), IndexStore(tmp_path / "index"))
    with pytest.raises(DocumentTooLargeError, match="over the limit of 1000"):
        small.add([Upload("tea.pdf", samples[0])])


def test_remove_moves_the_file_to_the_bin_and_edit_overrides_the_metadata(library, samples):
    [added] = library.add([Upload("village.docx", samples[1])])
    library.update(added.doc_id, MetadataOverride(title="白石镇报告", region="白石镇", aliases=["Baishi", "白石"]))
    articles = {a.doc_id: a for a in scan_corpus(library.corpus_dir, LoaderConfig()).articles}
    assert articles[added.doc_id].title == "白石镇报告" and articles[added.doc_id].aliases == ("Baishi", "白石")
    library.update(added.doc_id, MetadataOverride(title=""))  # clears the edit: the inferred title is back
    articles = {a.doc_id: a for a in scan_corpus(library.corpus_dir, LoaderConfig()).articles}
    assert articles[added.doc_id].title == "白石镇2023年村级集体经济报告"
    library.remove(added.doc_id)
    assert added.doc_id not in library.files()
    assert [p.name.endswith("-village.docx") for p in (library.corpus_dir / ".wenda" / "deleted").iterdir()] == [True]
    with pytest.raises(DocumentNotFoundError):
        library.remove(added.doc_id)
    with pytest.raises(DocumentNotFoundError):
        library.update("uploads/none", MetadataOverride(title="x"))


def test_status_follows_the_index(library, samples):
    [added] = library.add([Upload("tea.pdf", samples[0])])
    builder = IndexBuilder(library.corpus_dir, library.store, IndexConfig(), "fake", FakeHashEmbeddings,
                           show_progress=False)
    builder.build()
    listed = {d.id: d for d in library.list()}
    tea = listed[added.doc_id]
    assert (tea.status, tea.type, tea.pages, tea.title) == ("indexed", "pdf", 3, "青松县2023年茶产业发展报告")
    assert tea.passages and tea.indexed_at and tea.original_name == "tea.pdf"
    library.remove(added.doc_id)
    assert {d.id: d.status for d in library.list()}[added.doc_id] == "removing"
    builder.build()
    assert added.doc_id not in {d.id for d in library.list()}


def test_the_index_in_use_decides_what_is_indexed(library, samples):
    builder = IndexBuilder(library.corpus_dir, library.store, IndexConfig(), "fake", FakeHashEmbeddings,
                           show_progress=False)
    builder.build()
    in_use = library.store.current_manifest()
    [added] = library.add([Upload("tea.pdf", samples[0])])
    builder.build()  # published; the server has not switched to it yet
    assert {d.id: d.status for d in library.list(building=True, in_use=in_use)}[added.doc_id] == "indexing"
    switched = library.store.current_manifest()
    assert {d.id: d.status for d in library.list(building=True, in_use=switched)}[added.doc_id] == "indexed"
    # A server left on the old index (its switch failed) does not answer from the new document.
    assert {d.id: d.status for d in library.list(building=False, in_use=in_use)}[added.doc_id] == "pending"
    assert {d.id: d.status for d in library.list()}[added.doc_id] == "indexed"


def test_an_index_built_before_documents_had_titles_is_described_by_the_next_check(library):
    builder = IndexBuilder(library.corpus_dir, library.store, IndexConfig(), "fake", FakeHashEmbeddings,
                           show_progress=False)
    builder.build()
    folder = library.store.current_build()
    manifest = library.store.current_manifest()
    bare = {doc_id: entry.model_copy(update={"title": None, "indexed_at": None})
            for doc_id, entry in manifest.documents.items()}
    manifest.model_copy(update={"documents": bare, "scanned_at": None}).write(folder)  # as an older build wrote it
    assert builder.build().up_to_date
    [document] = library.list()
    assert document.title == "乌兰县采取“党建+”模式打赢脱贫攻坚战" and document.status == "indexed"
    assert document.indexed_at == manifest.built_at and library.store.current_build() == folder
