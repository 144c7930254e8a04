"""Compose wenda's components from a Settings object (the one place that wires them together)."""

from __future__ import annotations

from functools import partial

from langchain_core.embeddings import Embeddings

from assistant.model_store import ModelStore
from assistant.settings import Settings
from indexing.builder import IndexBuilder
from indexing.embeddings import load_embeddings
from indexing.hybrid import FusionConfig, HybridIndex
from indexing.lazy import LazyEmbeddings
from indexing.store import IndexStore


def embedding_model_path(settings: Settings) -> str:
    """The local path (or hub id) of the configured embedding model."""
    return ModelStore(settings.models).resolve(settings.embedding.model)


def lazy_embeddings(settings: Settings) -> LazyEmbeddings:
    """The embedding model, loaded on first use. Raises ModelFetchError if it was never fetched."""
    path = embedding_model_path(settings)
    return LazyEmbeddings(partial(load_embeddings, settings.embedding, path))


def index_builder(settings: Settings, show_progress: bool = True,
                  embeddings: Embeddings | None = None) -> IndexBuilder:
    """A builder for the configured corpus and index folders."""
    model = embeddings or lazy_embeddings(settings)
    return IndexBuilder(
        corpus_dir=settings.corpus_dir,
        store=IndexStore(settings.index_dir),
        config=settings.index_config(),
        model_id=settings.embedding.model,
        embeddings_factory=lambda: model.get() if isinstance(model, LazyEmbeddings) else model,
        show_progress=show_progress,
    )


def open_index(settings: Settings, embeddings: Embeddings | None = None) -> HybridIndex:
    """The published index, ready for search."""
    return HybridIndex.open(IndexStore(settings.index_dir), embeddings or lazy_embeddings(settings))


def fusion_config(settings: Settings) -> FusionConfig:
    """Fusion parameters from the retrieval settings."""
    r = settings.retrieval
    return FusionConfig(candidates=r.candidates, rrf_k=r.rrf_k, dense_weight=r.dense_weight,
                        keyword_weight=r.keyword_weight, keyword_coverage_power=r.keyword_coverage_power)
