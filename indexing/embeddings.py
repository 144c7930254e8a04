"""The dense embedding model: sentence-transformers in torch, its ONNX export run by ONNX Runtime, or an
OpenAI-compatible server."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from langchain_core.embeddings import Embeddings

from indexing.config import EmbeddingConfig
from indexing.offline import enable_offline_mode
from indexing.onnx_encoder import OnnxEmbeddings, OnnxUnavailableError, verified_export
from indexing.openai_embeddings import OpenAICompatibleEmbeddings, openai_model_id

logger = logging.getLogger(__name__)


def embedding_model_id(config: EmbeddingConfig) -> str:
    """The id a manifest records for the configured model (a build reuses only vectors of the same id)."""
    if config.backend == "openai":
        return openai_model_id(config.openai)
    if config.backend == "onnx":
        # int8 vectors differ a little from fp32 ones: an index is never extended with the other kind.
        return f"{config.model}@onnx-{config.onnx_quantization}"
    return config.model


def load_embeddings(config: EmbeddingConfig, model_path: str | None) -> Embeddings:
    """The embedding model at `model_path` (a folder, or a hub id when a hub is reachable), on the configured
    backend; the ONNX backend falls back to torch, with a warning, when its export or ONNX Runtime is missing.
    Backend "openai" connects to the configured server and needs no `model_path`.

    Queries and documents are encoded with the model's own prompts (EmbeddingGemma: `query`/`document`)
    and normalised, so inner product is cosine similarity.
    """
    if config.backend == "openai":
        return OpenAICompatibleEmbeddings(config)
    if model_path is None:
        raise ValueError(f"the {config.backend} embeddings backend needs the model's path")
    enable_offline_mode()
    if config.backend == "onnx":
        try:
            return load_onnx_embeddings(config, model_path)
        except OnnxUnavailableError as error:
            logger.warning("%s; embedding with torch instead (run `wenda models fetch` to export)", error)
    return load_torch_embeddings(config, model_path)


def load_onnx_embeddings(config: EmbeddingConfig, model_path: str) -> OnnxEmbeddings:
    """The verified ONNX export of the model at `model_path`. Raises OnnxUnavailableError without one."""
    started = time.perf_counter()
    folder = Path(model_path)
    path = verified_export(folder, config.onnx_quantization) if folder.is_dir() else None
    if path is None:
        raise OnnxUnavailableError(f"no verified {config.onnx_quantization} ONNX export of {model_path}")
    embeddings = OnnxEmbeddings.load(folder, path, threads=config.threads, query_prompt=config.query_prompt,
                                     document_prompt=config.document_prompt)
    logger.info("loaded ONNX embedding model %s in %.1f s", path, time.perf_counter() - started)
    return embeddings


def load_torch_embeddings(config: EmbeddingConfig, model_path: str) -> Embeddings:
    """The sentence-transformers model at `model_path`, in torch, through LangChain's integration."""
    import torch
    from langchain_huggingface import HuggingFaceEmbeddings

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
