"""The embedding checkpoint file: round trip, torn and corrupt records, checkpoints of another model."""

from __future__ import annotations

import numpy as np
import pytest

from indexing.checkpoint import EmbeddingCheckpoint, saved_vectors


def batch(seed: int, count: int = 3, dimensions: int = 8) -> tuple[list[str], np.ndarray]:
    vectors = np.random.default_rng(seed).normal(size=(count, dimensions)).astype(np.float32)
    return [f"passage {seed}-{i} 乌兰县" for i in range(count)], vectors


def test_saved_batches_are_read_back_by_their_text(tmp_path):
    path = tmp_path / "checkpoint.bin"
    checkpoint = EmbeddingCheckpoint.open(path, "model-a")
    first, second = batch(1), batch(2)
    checkpoint.append(*first)
    checkpoint.append(*second)

    again = EmbeddingCheckpoint.open(path, "model-a")
    assert len(again) == 6 and again.dimensions == 8 and saved_vectors(path) == 6
    for texts, vectors in (first, second):
        for text, vector in zip(texts, vectors, strict=True):
            np.testing.assert_array_equal(again.get(text), vector)
    assert again.get("a text never embedded") is None


def test_a_torn_last_record_is_dropped_and_the_earlier_ones_kept(tmp_path):
    path = tmp_path / "checkpoint.bin"
    checkpoint = EmbeddingCheckpoint.open(path, "model-a")
    kept, torn = batch(1), batch(2)
    checkpoint.append(*kept)
    whole = path.stat().st_size
    checkpoint.append(*torn)
    # A kill in the middle of the second write leaves part of its record.
    with path.open("r+b") as handle:
        handle.truncate(whole + 37)

    assert saved_vectors(path) == 3 and path.stat().st_size == whole + 37, "reading alone changes nothing"
    resumed = EmbeddingCheckpoint.open(path, "model-a")
    assert len(resumed) == 3 and resumed.dropped_bytes == 37 and path.stat().st_size == whole
    assert resumed.get(torn[0][0]) is None
    np.testing.assert_array_equal(resumed.get(kept[0][2]), kept[1][2])

    resumed.append(*torn)
    assert len(EmbeddingCheckpoint.open(path, "model-a")) == 6


def test_a_record_with_a_flipped_byte_ends_what_is_trusted(tmp_path):
    path = tmp_path / "checkpoint.bin"
    checkpoint = EmbeddingCheckpoint.open(path, "model-a")
    checkpoint.append(*batch(1))
    good = path.stat().st_size
    checkpoint.append(*batch(2))
    checkpoint.append(*batch(3))
    data = bytearray(path.read_bytes())
    data[good + 50] ^= 0xFF
    path.write_bytes(bytes(data))

    resumed = EmbeddingCheckpoint.open(path, "model-a")
    assert len(resumed) == 3 and path.stat().st_size == good


def test_a_checkpoint_of_another_model_is_never_reused(tmp_path):
    path = tmp_path / "checkpoint.bin"
    texts, vectors = batch(1)
    EmbeddingCheckpoint.open(path, "model-a").append(texts, vectors)

    other = EmbeddingCheckpoint.open(path, "model-b")
    assert len(other) == 0 and other.get(texts[0]) is None
    assert len(EmbeddingCheckpoint.open(path, "model-a")) == 0, "the other model's file was replaced"


@pytest.mark.parametrize("content", [b"", b"WENDACK1", b"not a checkpoint at all", b"WENDACK1\xff\xff\xff\x00{"])
def test_an_unreadable_file_is_started_afresh(tmp_path, content):
    path = tmp_path / "checkpoint.bin"
    path.write_bytes(content)
    checkpoint = EmbeddingCheckpoint.open(path, "model-a")
    assert len(checkpoint) == 0
    checkpoint.append(*batch(1))
    assert len(EmbeddingCheckpoint.open(path, "model-a")) == 3


def test_vectors_of_another_size_are_refused(tmp_path):
    checkpoint = EmbeddingCheckpoint.open(tmp_path / "checkpoint.bin", "model-a")
    checkpoint.append(*batch(1, dimensions=8))
    with pytest.raises(ValueError, match="4 dimensions"):
        checkpoint.append(*batch(2, dimensions=4))
    with pytest.raises(ValueError, match="3 texts"):
        checkpoint.append(batch(3)[0], np.zeros((2, 8), dtype=np.float32))
    assert len(EmbeddingCheckpoint.open(tmp_path / "checkpoint.bin", "model-a")) == 3
