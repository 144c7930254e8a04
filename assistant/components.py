"""Compose wenda's components from a Settings object (the one place that wires them together)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel

from assistant.chain import Assistant
from assistant.llm import build_chat_model
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
    if embeddings is not None:
        factory: Callable[[], Embeddings] = lambda: embeddings  # noqa: E731
    else:
        factory = partial(load_embeddings, settings.embedding, embedding_model_path(settings))
    return IndexBuilder(
        corpus_dir=settings.corpus_dir,
        store=IndexStore(settings.index_dir),
        config=settings.index_config(),
        model_id=settings.embedding.model,
        embeddings_factory=factory,
        show_progress=show_progress,
    )


def open_index(settings: Settings, embeddings: Embeddings | None = None) -> HybridIndex:
    """The published index, ready for search."""
    return HybridIndex.open(IndexStore(settings.index_dir), embeddings or lazy_embeddings(settings))


def chat_model(settings: Settings, backend: str | None = None) -> BaseChatModel | None:
    """The configured LLM backend (None for extractive), loaded lazily on first use."""
    config = settings.llm if backend is None else settings.llm.model_copy(update={"backend": backend})
    path = ModelStore(settings.models).resolve(config.model) if config.backend == "local" else None
    return build_chat_model(config, path)


def assistant(settings: Settings, backend: str | None = None, embeddings: Embeddings | None = None,
              llm: BaseChatModel | None = None) -> Assistant:
    """The answering chain over the published index."""
    return Assistant(
        index=open_index(settings, embeddings),
        chat_model=llm if llm is not None else chat_model(settings, backend),
        prompts_dir=settings.prompts_dir,
        top_k=settings.retrieval.top_k,
        llm_passages=settings.llm.passages,
        fusion=fusion_config(settings),
    )


def fusion_config(settings: Settings) -> FusionConfig:
    """Fusion parameters from the retrieval settings."""
    r = settings.retrieval
    return FusionConfig(candidates=r.candidates, rrf_k=r.rrf_k, dense_weight=r.dense_weight,
                        keyword_weight=r.keyword_weight, keyword_coverage_power=r.keyword_coverage_power)
