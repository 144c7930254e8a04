"""An Embeddings proxy that loads the real model on first use, so up-to-date builds never load it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from langchain_core.embeddings import Embeddings


class LazyEmbeddings(Embeddings):
    """Calls `factory` once, on the first embedding request, and delegates to what it returns."""

    def __init__(self, factory: Callable[[], Embeddings]) -> None:
        self._factory = factory
        self._loaded: Embeddings | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """True once the model was loaded."""
        return self._loaded is not None

    def get(self) -> Embeddings:
        """The real model, loading it if needed (thread-safe)."""
        with self._lock:
            if self._loaded is None:
                self._loaded = self._factory()
            return self._loaded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self.get().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed a question."""
        return self.get().embed_query(text)
