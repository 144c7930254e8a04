"""The FAISS half of the index, on hand-made vectors (no model)."""

import numpy as np
import pytest

from indexing.dense import DenseIndex, DimensionMismatchError


def test_a_search_among_some_rows_returns_only_those():
    index = DenseIndex.build(["a", "b", "c"], np.eye(3, dtype=np.float32), embeddings=None)
    assert [cid for cid, _ in index.search([1.0, 0.0, 0.0], k=1)] == ["a"]
    assert {cid for cid, _ in index.search([1.0, 0.0, 0.0], k=3, rows=np.array([1, 2]))} == {"b", "c"}
    assert index.search([1.0, 0.0, 0.0], k=3, rows=np.array([], dtype=np.int64)) == []


def test_a_query_vector_of_another_size_is_refused_with_a_reason():
    index = DenseIndex.build(["a", "b", "c"], np.eye(3, dtype=np.float32), embeddings=None)
    with pytest.raises(DimensionMismatchError, match=r"4-dimensional query vector.*3-dimensional passage"):
        index.search([1.0, 0.0, 0.0, 0.0], k=1)
