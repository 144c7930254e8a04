"""Embeddings from an OpenAI-compatible `/v1/embeddings` server (TEI, vLLM, Infinity, llama.cpp/xllamacpp), so a
large corpus can be embedded on GPU machines.

Such a server embeds exactly the text it is sent. The local backend's prompts (EmbeddingGemma's
"task: search result | query: " before a question) are therefore added here, from the config's prompt texts, so
a question and a passage get the same vectors as from the local model (newlines become spaces, as there).
Passages arrive already formatted with the document template (indexing.builder.dense_text).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import openai
from langchain_core.embeddings import Embeddings

from indexing.config import EmbeddingConfig, OpenAIEmbeddingConfig
from indexing.errors import WendaError

logger = logging.getLogger(__name__)

# Sent as the bearer token when no key is configured: the client needs one, keyless servers ignore it.
NO_KEY = "not-needed"


class EmbeddingServerError(WendaError):
    """The embeddings server could not be reached, refused a request or answered something unusable."""

    http_status = 503


def openai_model_id(config: OpenAIEmbeddingConfig) -> str:
    """The model id recorded in a manifest for vectors from this server (never equal to a local model's id, so an
    index is not mixed across backends)."""
    return f"openai:{config.model}"


def prompt_text(config: OpenAIEmbeddingConfig, name: str | None) -> str:
    """The text of the prompt called `name` ("" for none). Raises EmbeddingServerError for an unknown name."""
    if not name:
        return ""
    if name not in config.prompts:
        raise EmbeddingServerError(f"embedding prompt {name!r} has no text: set embedding.openai.prompts.{name} "
                                   f"(known: {', '.join(sorted(config.prompts)) or 'none'})")
    return config.prompts[name]


class OpenAICompatibleEmbeddings(Embeddings):
    """LangChain embeddings backed by an OpenAI-compatible server, with the model's prompts added client-side and
    the vectors L2-normalised (inner product is then cosine, as in the local backend)."""

    def __init__(self, config: EmbeddingConfig) -> None:
        self.config = config.openai
        self.query_prefix = prompt_text(self.config, config.query_prompt)
        self.document_prefix = prompt_text(self.config, config.document_prompt)
        key = self.config.api_key.get_secret_value() if self.config.api_key else NO_KEY
        self.client = openai.OpenAI(base_url=self.config.base_url, api_key=key, timeout=self.config.timeout_s,
                                    max_retries=self.config.retries)
        self.dimensions = self.config.dimensions

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (with the document prompt, if any), `batch_size` texts per request."""
        size = self.config.batch_size
        vectors: list[list[float]] = []
        for start in range(0, len(texts), size):
            vectors.extend(self._embed([self.document_prefix + t for t in texts[start:start + size]]))
        return vectors

    def embed_query(self, text: str) -> list[float]:
        """Embed a question, with the query prompt."""
        return self._embed([self.query_prefix + text])[0]

    def _embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        if self.config.newlines_as_spaces:
            texts = [t.replace("\n", " ") for t in texts]
        started = time.perf_counter()
        server = self.config.base_url
        try:
            response = self.client.embeddings.create(model=self.config.model, input=texts, encoding_format="float")
        except openai.APITimeoutError as error:
            raise EmbeddingServerError(f"embeddings server {server} did not answer within "
                                       f"{self.config.timeout_s:g} s ({self.config.retries} retries)") from error
        except openai.APIConnectionError as error:
            raise EmbeddingServerError(f"cannot reach the embeddings server {server}: {error} "
                                       f"(after {self.config.retries} retries)") from error
        except openai.APIStatusError as error:
            raise EmbeddingServerError(f"embeddings server {server} answered HTTP {error.status_code}: "
                                       f"{_reason(error)}") from error
        except openai.APIError as error:
            raise EmbeddingServerError(f"embeddings server {server} sent an unusable answer: {error}") from error
        rows = sorted(response.data, key=lambda row: row.index)
        if [row.index for row in rows] != list(range(len(texts))):
            raise EmbeddingServerError(f"embeddings server {server} returned {len(rows)} vectors for "
                                       f"{len(texts)} texts")
        matrix = self._checked(np.asarray([row.embedding for row in rows], dtype=np.float32))
        logger.debug("embedded %d texts on %s in %.2f s", len(texts), server, time.perf_counter() - started)
        return matrix.tolist()

    def _checked(self, matrix: np.ndarray) -> np.ndarray:
        """The vectors normalised, after checking their size against the configured (or first seen) one."""
        if matrix.ndim != 2 or not matrix.shape[1]:
            raise EmbeddingServerError(f"embeddings server {self.config.base_url} returned malformed vectors")
        if self.dimensions is not None and matrix.shape[1] != self.dimensions:
            raise EmbeddingServerError(
                f"embeddings server {self.config.base_url} returned {matrix.shape[1]}-dimensional vectors for "
                f"model {self.config.model!r}, expected {self.dimensions} (is it serving another model?)")
        self.dimensions = matrix.shape[1]
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if not np.all(np.isfinite(matrix)) or np.any(norms == 0):
            raise EmbeddingServerError(f"embeddings server {self.config.base_url} returned a zero or non-finite "
                                       "vector")
        return matrix / norms


def _reason(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        detail = body.get("error", body)
        message = detail.get("message") if isinstance(detail, dict) else detail
        if message:
            return str(message)
    return error.message
