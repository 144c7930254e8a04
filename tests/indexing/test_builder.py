"""Incremental build logic, with a fake embedder (unit test of the code around the model).

The real model is exercised in test_index_with_real_model.py.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from indexing.builder import EmbeddingDimensionError, IndexBuilder, NothingToIndexError, dense_text
from indexing.checkpoint import CHECKPOINT_FILE, saved_vectors
from indexing.config import ChunkingConfig, EmbeddingConfig, IndexConfig, OpenAIEmbeddingConfig
from indexing.hybrid import HybridIndex
from indexing.keyword import KeywordIndex
from indexing.store import IndexStore


class FakeHashEmbeddings(Embeddings):
    """A deterministic stand-in embedder that counts what it was asked to embed."""

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def _vector(self, text: str) -> list[float]:
        seed = int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)
        vector = np.random.default_rng(seed).normal(size=16)
        return (vector / np.linalg.norm(vector)).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def builder(corpus: Path, index: Path, fake: FakeHashEmbeddings, config: IndexConfig | None = None,
            model_id: str = "fake") -> IndexBuilder:
    return IndexBuilder(corpus, IndexStore(index), config or IndexConfig(), model_id, lambda: fake,
                        show_progress=False)


def test_first_build_embeds_everything_and_is_searchable(corpus_copy, tmp_path):
    fake = FakeHashEmbeddings()
    report = builder(corpus_copy, tmp_path / "index", fake).build()
    assert report.documents == 5 and report.chunks == report.embedded_chunks == len(fake.embedded) > 50
    assert sorted(report.added) == sorted(p.stem for p in corpus_copy.glob("*.txt"))
    index = HybridIndex.open(IndexStore(tmp_path / "index"), fake)
    assert index.manifest.chunk_count == report.chunks and index.manifest.dimensions == 16
    assert len(index.dense_search("乌海", 5)) == 5


def test_unchanged_corpus_is_a_no_op_without_loading_the_model(corpus_copy, tmp_path):
    builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()

    def must_not_load() -> Embeddings:
        raise AssertionError("the model was loaded for an up-to-date index")

    second = IndexBuilder(corpus_copy, IndexStore(tmp_path / "index"), IndexConfig(), "fake", must_not_load,
                          show_progress=False).build()
    assert second.up_to_date and second.embedded_chunks == 0


def test_only_changed_and_added_documents_are_embedded(corpus_copy, tmp_path):
    first = builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()
    changed = next(corpus_copy.glob("003_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n乌兰县新增一个示范村。\n", encoding="utf-8")
    (corpus_copy / "005_new.md").write_text("# 新文章\n\n某县选派第一书记7名。\n", encoding="utf-8")
    next(corpus_copy.glob("000_*.txt")).unlink()

    fake = FakeHashEmbeddings()
    report = builder(corpus_copy, tmp_path / "index", fake).build()
    assert report.changed == [changed.stem] and report.added == ["005_new"]
    assert report.removed == [p for p in first.added if p.startswith("000")]
    embedded_docs = {t for t in fake.embedded}
    assert all("乌兰" in t or "新文章" in t for t in embedded_docs)
    index = HybridIndex.open(IndexStore(tmp_path / "index"), fake)
    assert not any(c.doc_id.startswith("000") for c in index.chunks.values())
    assert index.manifest.documents["005_new"].chunks == 1
    assert len(index.keyword.ids) == len(index.chunks) == len(index.dense)


def test_changing_chunking_or_model_rebuilds_everything(corpus_copy, tmp_path):
    builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()
    fake = FakeHashEmbeddings()
    smaller = IndexConfig(chunking=ChunkingConfig(chunk_tokens=128, overlap_tokens=16))
    report = builder(corpus_copy, tmp_path / "index", fake, config=smaller).build()
    assert report.embedded_chunks == report.chunks and len(report.added) == 5
    other_model = builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings(), config=smaller,
                          model_id="other").build()
    assert other_model.embedded_chunks == other_model.chunks


def test_broken_files_are_reported_and_skipped(corpus_copy, tmp_path):
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "image.txt").write_bytes(b"\x89PNG\x00\x00" + bytes(range(256)))
    (corpus_copy / "menu.html").write_text("<nav>首页 新闻</nav>", encoding="utf-8")
    report = builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()
    assert report.documents == 5
    assert {Path(p).name for p in report.skipped} == {"empty.txt", "image.txt", "menu.html"}
    assert "empty" in report.skipped[str(corpus_copy / "empty.txt")]


def test_nothing_indexable_is_an_error(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    with pytest.raises(NothingToIndexError, match="1 file"):
        builder(corpus, tmp_path / "index", FakeHashEmbeddings()).build()


def test_a_failure_while_writing_keeps_the_previous_index(corpus_copy, tmp_path, monkeypatch):
    builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()
    before = IndexStore(tmp_path / "index").current_manifest()
    shutil.copy(next(corpus_copy.glob("002_*.txt")), corpus_copy / "006_copy.txt")

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(KeywordIndex, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()
    after = IndexStore(tmp_path / "index").current_manifest()
    assert after == before
    assert not list((tmp_path / "index").glob(".tmp-*"))
    HybridIndex.open(IndexStore(tmp_path / "index"), FakeHashEmbeddings())


class FailingAfterBatches(FakeHashEmbeddings):
    """The fake embedder, failing (like a killed or crashed model) once it has embedded `batches` batches."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.batches = batches

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.batches == 0:
            raise RuntimeError("the model crashed")
        self.batches -= 1
        return super().embed_documents(texts)


SMALL_BATCHES = IndexConfig(embedding=EmbeddingConfig(batch_size=8))


class BatchCountingEmbeddings(FakeHashEmbeddings):
    """The fake embedder, recording how many passages each call hands it."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return super().embed_documents(texts)


@pytest.mark.parametrize(("backend", "expected"), [("sentence-transformers", 8), ("openai", 5)])
def test_passages_go_to_the_encoder_in_the_active_backends_batches(corpus_copy, tmp_path, backend, expected):
    # An embeddings server's request size is its own setting: the builder must not cut it down to the local one.
    embedding = EmbeddingConfig(backend=backend, batch_size=8, openai=OpenAIEmbeddingConfig(batch_size=5))
    counting = BatchCountingEmbeddings()
    builder(corpus_copy, tmp_path / "index", counting, config=IndexConfig(embedding=embedding)).build()
    assert set(counting.calls[:-1]) == {expected} and 0 < counting.calls[-1] <= expected


def interrupted_build(corpus: Path, index: Path, batches: int = 3, model_id: str = "fake",
                      force: bool = False) -> FailingAfterBatches:
    failing = FailingAfterBatches(batches)
    with pytest.raises(RuntimeError, match="crashed"):
        builder(corpus, index, failing, config=SMALL_BATCHES, model_id=model_id).build(force=force)
    assert saved_vectors(index / CHECKPOINT_FILE) == 8 * batches
    return failing


def test_a_failed_build_resumes_from_its_checkpoint(corpus_copy, tmp_path):
    failing = interrupted_build(corpus_copy, tmp_path / "index")
    fake = FakeHashEmbeddings()
    report = builder(corpus_copy, tmp_path / "index", fake, config=SMALL_BATCHES).build()
    assert report.resumed_chunks == 24 and report.embedded_chunks == report.chunks - 24 == len(fake.embedded)
    assert not set(fake.embedded) & set(failing.embedded), "nothing checkpointed was embedded again"
    assert not (tmp_path / "index" / CHECKPOINT_FILE).exists(), "the checkpoint is deleted once published"

    clean = FakeHashEmbeddings()
    builder(corpus_copy, tmp_path / "clean", clean, config=SMALL_BATCHES).build()
    resumed_index = HybridIndex.open(IndexStore(tmp_path / "index"), fake)
    clean_index = HybridIndex.open(IndexStore(tmp_path / "clean"), clean)
    assert resumed_index.dense.ids == clean_index.dense.ids
    resumed_vectors, clean_vectors = resumed_index.dense.vectors(), clean_index.dense.vectors()
    for chunk_id, vector in clean_vectors.items():
        np.testing.assert_array_equal(resumed_vectors[chunk_id], vector)


def test_a_changed_article_gets_fresh_vectors_not_its_checkpointed_ones(corpus_copy, tmp_path):
    interrupted_build(corpus_copy, tmp_path / "index", batches=6)
    changed = next(corpus_copy.glob("003_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("第一书记", "驻村书记"), encoding="utf-8")
    fake = FakeHashEmbeddings()
    report = builder(corpus_copy, tmp_path / "index", fake, config=SMALL_BATCHES).build()
    assert 0 < report.resumed_chunks < 48
    index = HybridIndex.open(IndexStore(tmp_path / "index"), fake)
    vectors = index.dense.vectors()
    template = SMALL_BATCHES.embedding.document_template
    for chunk_id, chunk in index.chunks.items():
        np.testing.assert_allclose(vectors[chunk_id], fake._vector(dense_text(chunk, template)), rtol=1e-6)


def test_a_checkpoint_of_another_model_or_a_forced_build_is_not_resumed(corpus_copy, tmp_path):
    interrupted_build(corpus_copy, tmp_path / "index", model_id="other-model")
    report = builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings(), config=SMALL_BATCHES).build()
    assert report.resumed_chunks == 0 and report.embedded_chunks == report.chunks

    interrupted_build(corpus_copy, tmp_path / "index", batches=1, force=True)
    forced = builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings(), config=SMALL_BATCHES).build(force=True)
    assert forced.resumed_chunks == 0 and forced.embedded_chunks == forced.chunks


def test_vectors_of_another_size_stop_the_build_with_a_reason(corpus_copy, tmp_path):
    builder(corpus_copy, tmp_path / "index", FakeHashEmbeddings()).build()
    before = IndexStore(tmp_path / "index").current_manifest()
    (corpus_copy / "005_new.md").write_text("# 新文章\n\n某县选派第一书记7名。\n", encoding="utf-8")

    class LongerVectors(FakeHashEmbeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return [v + v for v in super().embed_documents(texts)]

    with pytest.raises(EmbeddingDimensionError, match="32-dimensional vectors, but this index holds 16"):
        builder(corpus_copy, tmp_path / "index", LongerVectors()).build()
    assert IndexStore(tmp_path / "index").current_manifest() == before
