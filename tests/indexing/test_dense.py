"""The FAISS half of the index, on hand-made vectors (no model)."""

import numpy as np

from indexing.dense import DenseIndex


def test_a_search_among_some_rows_returns_only_those():
    index = DenseIndex.build(["a", "b", "c"], np.eye(3, dtype=np.float32), embeddings=None)
    assert [cid for cid, _ in index.search([1.0, 0.0, 0.0], k=1)] == ["a"]
    assert {cid for cid, _ in index.search([1.0, 0.0, 0.0], k=3, rows=np.array([1, 2]))} == {"b", "c"}
    assert index.search([1.0, 0.0, 0.0], k=3, rows=np.array([], dtype=np.int64)) == []
