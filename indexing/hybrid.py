"""A published index loaded for search: dense (FAISS) and keyword (BM25) rankings fused by RRF."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from indexing.config import FusionConfig
from indexing.dense import DenseIndex
from indexing.documents import Article, Chunk
from indexing.errors import WendaError
from indexing.keyword import KeywordIndex
from indexing.manifest import Manifest
from indexing.store import BM25_DIR, FAISS_DIR, IndexStore, read_records
from indexing.textnorm import normalize_script

logger = logging.getLogger(__name__)

_QUERY_VECTORS_KEPT = 8


class IndexNotFoundError(WendaError):
    """No index has been built yet."""


@dataclass(frozen=True)
class SearchHit:
    """A retrieved chunk with its rank in each ranking (1-based; None when absent) and fused score."""

    chunk: Chunk
    score: float
    dense_rank: int | None
    dense_score: float | None
    keyword_rank: int | None
    keyword_score: float | None
    rank: int


class HybridIndex:
    """Search over one published build."""

    def __init__(self, folder: Path, manifest: Manifest, dense: DenseIndex, keyword: KeywordIndex,
                 articles: dict[str, Article], chunks: dict[str, Chunk]) -> None:
        self.folder = folder
        self.manifest = manifest
        self.dense = dense
        self.keyword = keyword
        self.articles = articles
        self.chunks = chunks
        self._query_vectors: dict[str, list[float]] = {}
        self._query_lock = threading.Lock()
        # Documents deleted since this build was published: never returned, while the next build is made.
        self.withdrawn: frozenset[str] = frozenset()

    def withdraw(self, doc_ids: set[str] | frozenset[str]) -> None:
        """From now on, return no passage of these documents (those this build holds); the set replaces the
        one given before."""
        self.withdrawn = frozenset(d for d in doc_ids if d in self.articles)

    @property
    def visible_articles(self) -> dict[str, Article]:
        """The articles of this build that were not withdrawn."""
        if not self.withdrawn:
            return self.articles
        return {doc_id: a for doc_id, a in self.articles.items() if doc_id not in self.withdrawn}

    def article(self, doc_id: str) -> Article | None:
        """The article `doc_id`, unless it is not in this build or was withdrawn."""
        return None if doc_id in self.withdrawn else self.articles.get(doc_id)

    @property
    def vocabulary(self) -> list[str]:
        """The keyword index's tokens (normalised words of the corpus)."""
        return self.keyword.vocabulary

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the dense index was built with (queries must use the same)."""
        return self.dense.embeddings

    @property
    def document_template(self) -> str | None:
        """How passages were formatted for the embedding model (a sentence compared with them must match)."""
        return self.manifest.config.embedding.document_template

    @classmethod
    def open(cls, store: IndexStore, embeddings: Embeddings) -> HybridIndex:
        """Load the current build of `store`. Raises IndexNotFoundError if there is none."""
        folder = store.current_build()
        if folder is None:
            raise IndexNotFoundError(f"no index in {store.root}; run `wenda index`")
        dense = DenseIndex.load(folder / FAISS_DIR, embeddings)
        articles, chunks = read_records(folder)
        return cls(folder, Manifest.read(folder), dense, KeywordIndex.load(folder / BM25_DIR), articles, chunks)

    def dense_search(self, query: str, k: int, rows: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Chunk ids by cosine similarity to `query` (Traditional folded to Simplified first; among the
        dense index's `rows` only, when given)."""
        return self.dense.search(self._query_vector(normalize_script(query)), k, rows)

    def _query_vector(self, query: str) -> list[float]:
        """The query's embedding; the last few are kept, since a comparison searches one query per place."""
        with self._query_lock:
            if query in self._query_vectors:
                return self._query_vectors[query]
        vector = self.dense.embeddings.embed_query(query)
        with self._query_lock:
            if len(self._query_vectors) >= _QUERY_VECTORS_KEPT:
                self._query_vectors.pop(next(iter(self._query_vectors)))
            self._query_vectors[query] = vector
        return vector

    def search(self, query: str, k: int = 5, fusion: FusionConfig | None = None,
               coverage_query: str | None = None, doc_ids: Collection[str] | None = None) -> list[SearchHit]:
        """The best `k` chunks for `query`, fusing both rankings.

        `coverage_query` is the text whose keyword coverage weighs the BM25 vote (default `query`): the
        user's own words, when `query` carries terms added by query expansion. With `doc_ids`, only those
        articles' chunks are searched (each place of a comparison gets its own passages).
        """
        fusion = fusion or FusionConfig()
        if fusion.keyword_coverage_power:
            scale = self.keyword.coverage(coverage_query or query) ** fusion.keyword_coverage_power
            fusion = fusion.model_copy(update={"keyword_weight": fusion.keyword_weight * scale})
        # A withdrawn document's passages are never candidates (nor, with `doc_ids`, another article's).
        allowed = None
        if doc_ids is not None or self.withdrawn:
            allowed = set(self.articles if doc_ids is None else doc_ids) - self.withdrawn
        dense_rows = keyword_rows = None
        if allowed is not None:
            dense_rows, keyword_rows = self._rows(self.dense.ids, allowed), self._rows(self.keyword.ids, allowed)
        dense = self.dense_search(query, fusion.candidates, dense_rows) if fusion.dense_weight > 0 else []
        keyword = self.keyword.search(query, fusion.candidates, keyword_rows) if fusion.keyword_weight > 0 else []
        return fuse(self.chunks, dense, keyword, k, fusion)

    def _rows(self, ids: list[str], doc_ids: Collection[str]) -> np.ndarray:
        """The row numbers, in a ranking's own order of `ids`, of the chunks of the articles `doc_ids`."""
        wanted = set(doc_ids)
        return np.asarray([row for row, chunk_id in enumerate(ids) if self.chunks[chunk_id].doc_id in wanted],
                          dtype=np.int64)


def fuse(chunks: dict[str, Chunk], dense: list[tuple[str, float]], keyword: list[tuple[str, float]],
         k: int, fusion: FusionConfig) -> list[SearchHit]:
    """Reciprocal-rank fusion of two ranked lists of (chunk id, score)."""
    dense_pos = {cid: (i + 1, s) for i, (cid, s) in enumerate(dense)}
    keyword_pos = {cid: (i + 1, s) for i, (cid, s) in enumerate(keyword)}
    scores: dict[str, float] = {}
    for cid, (rank, _) in dense_pos.items():
        scores[cid] = scores.get(cid, 0.0) + fusion.dense_weight / (fusion.rrf_k + rank)
    for cid, (rank, _) in keyword_pos.items():
        scores[cid] = scores.get(cid, 0.0) + fusion.keyword_weight / (fusion.rrf_k + rank)
    ranked = sorted(scores, key=lambda cid: (-scores[cid], dense_pos.get(cid, (10**9,))[0]))[:k]
    return [
        SearchHit(
            chunk=chunks[cid],
            score=scores[cid],
            dense_rank=dense_pos.get(cid, (None, None))[0],
            dense_score=dense_pos.get(cid, (None, None))[1],
            keyword_rank=keyword_pos.get(cid, (None, None))[0],
            keyword_score=keyword_pos.get(cid, (None, None))[1],
            rank=i + 1,
        )
        for i, cid in enumerate(ranked)
    ]
