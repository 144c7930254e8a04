"""The dense embedding model, loaded through LangChain's sentence-transformers integration."""

from __future__ import annotations

import logging
import time

import torch
from langchain_core.embeddings import Embeddings
from langchain_huggingface import HuggingFaceEmbeddings

from indexing.config import EmbeddingConfig
from indexing.offline import enable_offline_mode

logger = logging.getLogger(__name__)


def load_embeddings(config: EmbeddingConfig, model_path: str) -> Embeddings:
    """Load the sentence-transformers model at `model_path` (a folder, or a hub id when a hub is reachable).

    Queries and documents are encoded with the model's own prompts (EmbeddingGemma: `query`/`document`)
    and normalised, so inner product is cosine similarity.
    """
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
