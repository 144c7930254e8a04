"""Chunking invariants on the real corpus and on hand-made edge cases."""

import itertools
import re

import pytest

from indexing.chunking import Chunker
from indexing.config import ChunkingConfig, LoaderConfig
from indexing.corpus import scan_corpus
from indexing.documents import Article
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def articles():
    return scan_corpus(CORPUS, LoaderConfig()).articles


@pytest.mark.parametrize(("size", "overlap"), [(256, 48), (128, 0), (64, 16)])
def test_invariants_on_the_corpus(articles, size, overlap):
    chunker = Chunker(ChunkingConfig(chunk_tokens=size, overlap_tokens=overlap))
    for article in articles:
        chunks = chunker.split(article)
        covered = [False] * len(article.text)
        for i, chunk in enumerate(chunks):
            assert chunk.ordinal == i
            assert chunk.text == article.text[chunk.start:chunk.end], "offsets must map back"
            assert chunker.count(chunk.text) == chunk.tokens <= size, "token budget"
            for pos in range(chunk.start, chunk.end):
                covered[pos] = True
        lost = [ch for ch, seen in zip(article.text, covered, strict=True) if not seen and not ch.isspace()]
        assert not lost, f"text lost from {article.doc_id}: {''.join(lost)[:40]}"
        starts = [c.start for c in chunks]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), "chunks advance"


def test_chunks_end_on_sentence_boundaries(articles):
    """A chunk ends at a sentence end or line break; only a sentence over budget is cut at a clause."""
    chunker = Chunker(ChunkingConfig())
    for article in articles:
        for chunk in chunker.split(article):
            following = article.text[chunk.end:chunk.end + 1]
            if chunk.end == len(article.text) or following == "\n":
                continue
            if re.search(r"[。！？；!?;”’」』）)\"']$", chunk.text):
                continue
            sentence_start = max(article.text.rfind(p, 0, chunk.end) for p in "。！？；\n") + 1
            sentence_end = min(i for i in (article.text.find(p, chunk.end) for p in "。！？；\n") if i >= 0)
            assert chunker.count(article.text[sentence_start:sentence_end + 1]) > chunker.config.chunk_tokens
            assert re.search(r"[，,、：:]$", chunk.text), chunk.text[-20:]


def test_overlap_repeats_the_previous_sentences(articles):
    chunks = Chunker(ChunkingConfig(chunk_tokens=128, overlap_tokens=48)).split(articles[1])
    overlapping = sum(1 for a, b in itertools.pairwise(chunks) if b.start < a.end)
    assert overlapping >= len(chunks) // 2


def test_ids_are_stable_and_unique(articles):
    first = [c.chunk_id for a in articles for c in Chunker(ChunkingConfig()).split(a)]
    second = [c.chunk_id for a in articles for c in Chunker(ChunkingConfig()).split(a)]
    assert first == second
    assert len(set(first)) == len(first)


def test_every_chunk_names_its_article_and_place(articles):
    wuhai = next(a for a in articles if a.doc_id.startswith("002"))
    assert "乌海" not in wuhai.text[:200]  # the article says 我市
    for chunk in Chunker(ChunkingConfig()).split(wuhai):
        assert "乌海" in chunk.embedding_text() and "Wuhai" in chunk.embedding_text()


def test_long_sentence_is_split_without_cutting_numbers():
    numbers = ",".join(f"第{i}项资金为{i * 1111}.25万元占比{i}.5%" for i in range(1, 80))
    article = Article(doc_id="x", path="x", title="t", text=numbers + "。")
    chunker = Chunker(ChunkingConfig(chunk_tokens=40, overlap_tokens=0))
    chunks = chunker.split(article)
    assert len(chunks) > 5
    for a, b in itertools.pairwise(chunks):
        boundary = article.text[a.end - 1:b.start + 1]
        assert not re.fullmatch(r"[\d.%]{2,}", boundary.replace(",", "X")), boundary
        assert not (article.text[b.start - 1].isdigit() and article.text[b.start].isdigit())


def test_overlap_must_be_smaller_than_the_budget():
    with pytest.raises(ValueError, match="overlap"):
        Chunker(ChunkingConfig(chunk_tokens=64, overlap_tokens=64))


def test_a_long_line_without_punctuation_costs_linear_work():
    """Chunking a line with no sentence or clause break measures each piece from a bounded guess."""
    calls = []

    class CountingChunker(Chunker):
        def count(self, text):
            calls.append(len(text))
            return super().count(text)

    chunker = CountingChunker(ChunkingConfig())
    work = []
    for size in (20_000, 80_000):
        calls.clear()
        chunks = chunker.split(Article("d", "p", "t", "测试文字" * (size // 4)))
        assert chunks[0].start == 0 and chunks[-1].end == size
        assert all(a.end >= b.start for a, b in itertools.pairwise(chunks))  # no text left out
        work.append(sum(calls))
    assert work[1] <= 5 * work[0]  # four times the text, about four times the characters tokenised


def test_an_article_over_the_passage_limit_is_cut_and_reported(caplog):
    chunker = Chunker(ChunkingConfig(max_chunks_per_document=3))
    chunks = chunker.split(Article("long", "p", "t", "测试文字。" * 4000))
    assert len(chunks) == 3 and "max_chunks_per_document" in caplog.text
