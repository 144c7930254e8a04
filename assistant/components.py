"""Compose wenda's components from a Settings object (the one place that wires them together)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel

from assistant.chain import Assistant
from assistant.comparison import PlaceFinder
from assistant.evidence import EvidenceSelector
from assistant.lexicon import BilingualLexicon
from assistant.llm import build_chat_model
from assistant.model_store import ModelStore
from assistant.query import QueryAnalyzer
from assistant.question_frame import FrameBuilder
from assistant.retrieval import HybridRetriever
from assistant.sentences import EmbeddingSentenceScorer
from assistant.settings import Settings
from indexing.builder import IndexBuilder, Progress
from indexing.embeddings import embedding_model_id, load_embeddings
from indexing.hybrid import HybridIndex
from indexing.lazy import LazyEmbeddings
from indexing.library import DocumentLibrary
from indexing.onnx_encoder import export_onnx
from indexing.store import IndexStore

logger = logging.getLogger(__name__)


def embedding_model_path(settings: Settings) -> str | None:
    """The local path (or hub id) of the configured embedding model (None for a server: backend "openai")."""
    if settings.embedding.backend == "openai":
        return None
    return ModelStore(settings.models).resolve(settings.embedding.model)


def export_embedding_model(settings: Settings, force: bool = False) -> Path | None:
    """Export the configured embedding model to ONNX beside it (once; a verified export is kept). None when the
    model is not a local folder (a hub id, or a server: backend "openai") and so cannot be exported here."""
    path = embedding_model_path(settings)
    folder = Path(path) if path is not None else None
    if folder is None or not folder.is_dir():
        return None
    return export_onnx(folder, settings.embedding.onnx_quantization, force=force)


def lazy_embeddings(settings: Settings) -> LazyEmbeddings:
    """The embedding model, loaded on first use. Raises ModelFetchError if it was never fetched."""
    path = embedding_model_path(settings)
    return LazyEmbeddings(partial(load_embeddings, settings.embedding, path))


def deferred_embeddings(settings: Settings) -> LazyEmbeddings:
    """The embedding model, found and loaded on first use (so a server starts before models are fetched)."""
    return LazyEmbeddings(lambda: load_embeddings(settings.embedding, embedding_model_path(settings)))


def index_builder(settings: Settings, show_progress: bool = True, embeddings: Embeddings | None = None,
                  progress: Progress | None = None) -> IndexBuilder:
    """A builder for the configured corpus and index folders."""
    if embeddings is not None:
        factory: Callable[[], Embeddings] = lambda: embeddings  # noqa: E731
    else:
        factory = partial(load_embeddings, settings.embedding, embedding_model_path(settings))
    return IndexBuilder(
        corpus_dir=settings.corpus_dir,
        store=IndexStore(settings.index_dir),
        config=settings.index_config(),
        model_id=embedding_model_id(settings.embedding),
        embeddings_factory=factory,
        show_progress=show_progress,
        progress=progress,
    )


def document_library(settings: Settings) -> DocumentLibrary:
    """The configured corpus as a managed set of documents, with their status in the configured index."""
    return DocumentLibrary(settings.corpus_dir, settings.loader, IndexStore(settings.index_dir),
                           upload_folder=settings.documents.upload_folder)


def open_index(settings: Settings, embeddings: Embeddings | None = None) -> HybridIndex:
    """The published index, ready for search."""
    index = HybridIndex.open(IndexStore(settings.index_dir), embeddings or lazy_embeddings(settings))
    configured = embedding_model_id(settings.embedding)
    if index.manifest.embedding_model != configured:
        logger.warning("the index in %s was embedded with %s, but questions are embedded with %s: run "
                       "`wenda index` to rebuild it", settings.index_dir, index.manifest.embedding_model, configured)
    return index


def chat_model(settings: Settings, backend: str | None = None) -> BaseChatModel | None:
    """The configured LLM backend (None for extractive), loaded lazily on first use."""
    config = settings.llm if backend is None else settings.llm.model_copy(update={"backend": backend})
    path = ModelStore(settings.models).resolve(config.model) if config.backend == "local" else None
    return build_chat_model(config, path)


def assistant(settings: Settings, backend: str | None = None, embeddings: Embeddings | None = None,
              llm: BaseChatModel | None = None) -> Assistant:
    """The answering chain over the published index, with its query analysis, retriever and evidence parts."""
    index = open_index(settings, embeddings)
    vocabulary = index.vocabulary
    analyzer = QueryAnalyzer(index.articles.values(), vocabulary)
    places = [name for article in index.articles.values() for name in (article.region, *article.aliases) if name]
    texts = [a.text for a in index.articles.values()]
    return Assistant(
        index=index,
        chat_model=llm if llm is not None else chat_model(settings, backend),
        prompts_dir=settings.prompts_dir,
        retriever=HybridRetriever(index=index, analyzer=analyzer, k=settings.retrieval.top_k,
                                  fusion=settings.retrieval),
        frames=FrameBuilder(BilingualLexicon(vocabulary, texts), places, texts),
        selector=EvidenceSelector(EmbeddingSentenceScorer(index.embeddings, index.document_template)),
        evidence_lines=settings.llm.evidence_lines,
        evidence_pool=settings.retrieval.evidence_pool,
        backend_name=backend or settings.llm.backend,
        places=PlaceFinder(index.articles.values()),
    )


def refreshed_assistant(settings: Settings, current: Assistant) -> Assistant:
    """An assistant over the index published last, with the models `current` has loaded (no second copy of the
    embedding model or the LLM); its query analysis and question frames are built for the new articles."""
    backend = current.backend_name if current.chat_model is not None else "extractive"
    fresh = assistant(settings, backend=backend, embeddings=current.index.embeddings, llm=current.chat_model)
    fresh.backend_name = current.backend_name
    fresh.analyzer.analyze("warm up 预热")
    fresh.frames.build("预热的问题", "zh")
    return fresh
