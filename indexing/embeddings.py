"""The dense embedding model: sentence-transformers through LangChain, or an OpenAI-compatible server."""

from __future__ import annotations

import logging
import time

import torch
from langchain_core.embeddings import Embeddings
from langchain_huggingface import HuggingFaceEmbeddings

from indexing.config import EmbeddingConfig
from indexing.offline import enable_offline_mode
from indexing.openai_embeddings import OpenAICompatibleEmbeddings, openai_model_id

logger = logging.getLogger(__name__)


def embedding_model_id(config: EmbeddingConfig) -> str:
    """The id a manifest records for the configured model (a build reuses only vectors of the same id)."""
    if config.backend == "openai":
        return openai_model_id(config.openai)
    return config.model


def load_embeddings(config: EmbeddingConfig, model_path: str | None) -> Embeddings:
    """Load the sentence-transformers model at `model_path` (a folder, or a hub id when a hub is reachable), or
    connect to the configured server (backend "openai", which needs no `model_path`).

    Queries and documents are encoded with the model's own prompts (EmbeddingGemma: `query`/`document`)
    and normalised, so inner product is cosine similarity.
    """
    if config.backend == "openai":
        return OpenAICompatibleEmbeddings(config)
    if model_path is None:
        raise ValueError("the sentence-transformers backend needs the model's path")
    enable_offline_mode()
    if config.threads:
        torch.set_num_threads(config.threads)
    started = time.perf_counter()
    document_kwargs: dict[str, object] = {"normalize_embeddings": True, "batch_size": config.batch_size}
    query_kwargs: dict[str, object] = {"normalize_embeddings": True}
    if config.document_prompt:
        document_kwargs["prompt_name"] = config.document_prompt
    if config.query_prompt:
        query_kwargs["prompt_name"] = config.query_prompt
    embeddings = HuggingFaceEmbeddings(
        model_name=model_path,
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs=document_kwargs,
        query_encode_kwargs=query_kwargs,
    )
    logger.info("loaded embedding model %s in %.1f s", model_path, time.perf_counter() - started)
    return embeddings
