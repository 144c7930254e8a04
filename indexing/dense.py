"""The dense half of the index: passage vectors in a FAISS inner-product index, with their chunk ids.

Stored as FAISS's own index file and a JSON list of ids, never as a pickle: loading an index folder must not
run code, whoever could write to it. Everything FAISS-specific lives here, so another vector store is one
new module with the same four methods.
"""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np
from langchain_core.embeddings import Embeddings

from indexing.errors import WendaError

INDEX_FILE = "index.faiss"
IDS_FILE = "ids.json"


class DimensionMismatchError(WendaError):
    """A query vector of another size than the index's passage vectors (another embedding model)."""


class DenseIndex:
    """Normalised passage vectors searched by inner product (cosine), row i being chunk `ids[i]`."""

    def __init__(self, index: faiss.Index, ids: list[str], embeddings: Embeddings) -> None:
        if index.ntotal != len(ids):
            raise ValueError(f"dense index holds {index.ntotal} vectors for {len(ids)} ids")
        self.index = index
        self.ids = ids
        self.embeddings = embeddings

    @classmethod
    def build(cls, ids: list[str], vectors: np.ndarray, embeddings: Embeddings) -> DenseIndex:
        """An index of `vectors` (one row per id)."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        index = faiss.IndexFlatIP(matrix.shape[1])
        index.add(matrix)
        return cls(index, list(ids), embeddings)

    def save(self, folder: Path) -> None:
        """Write the index file and the ids into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / INDEX_FILE))
        (folder / IDS_FILE).write_text(json.dumps(self.ids, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path, embeddings: Embeddings) -> DenseIndex:
        """Read what `save` wrote. Raises OSError or ValueError for a missing or inconsistent folder."""
        ids = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(f"{folder / IDS_FILE} is not a list of chunk ids")
        if not (folder / INDEX_FILE).is_file():
            raise FileNotFoundError(folder / INDEX_FILE)
        return cls(faiss.read_index(str(folder / INDEX_FILE)), ids, embeddings)

    def search(self, vector: list[float], k: int, rows: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The `k` chunk ids closest to `vector`, with their inner products, best first (among `rows` only,
        when given: the row numbers of the chunks that may be returned)."""
        if len(vector) != self.index.d:
            raise DimensionMismatchError(
                f"the embedding model made a {len(vector)}-dimensional query vector, but the index holds "
                f"{self.index.d}-dimensional passage vectors: it was built with another model; rebuild it "
                "with the configured model (`wenda index --force`) or configure the model it was built with")
        if not self.ids or (rows is not None and not len(rows)):
            return []
        params = None
        if rows is not None:
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(np.asarray(rows, dtype=np.int64)))
            k = min(k, len(rows))
        scores, found = self.index.search(np.asarray([vector], dtype=np.float32), min(k, len(self.ids)),
                                          params=params)
        return [(self.ids[row], float(score)) for row, score in zip(found[0], scores[0], strict=True) if row >= 0]

    def vectors(self) -> dict[str, np.ndarray]:
        """Every stored vector by chunk id (an incremental build reuses those of unchanged passages)."""
        matrix = self.index.reconstruct_n(0, self.index.ntotal)
        return {chunk_id: matrix[i] for i, chunk_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)
