"""Embedded passages saved while a build runs, so a killed build resumes instead of starting over.

One append-only file per index folder (`embedding-checkpoint.bin`, beside `builds/`):

    header   b"WENDACK1", u32 length, JSON {"format", "fingerprint"}
    record   u32 payload length, u32 CRC-32 of the payload, payload       (one record per embedded batch)
    payload  u32 count, u32 dimensions, count × 32-byte text digests, count × dimensions float32 (little-endian)

Why a file of records and not SQLite: a batch is written with one `write` and one `fsync` (about a millisecond
next to seconds of embedding), the vectors are read back with numpy in one pass, and the only failure a kill
can cause — a record cut short at the end — is found by its length and CRC and cut off, records before it
staying usable. A vector is keyed by the SHA-256 of the exact text the model embedded (template, header and
passage), so a changed article's old vectors never match; the fingerprint in the header names the model and
prompts, so a checkpoint of another model is discarded, never reused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

CHECKPOINT_FILE = "embedding-checkpoint.bin"
MAGIC = b"WENDACK1"
FORMAT = 1
_U32 = struct.Struct("<I")
_RECORD_HEAD = struct.Struct("<II")
_BATCH_HEAD = struct.Struct("<II")
DIGEST_BYTES = 32


def text_digest(text: str) -> bytes:
    """The key of a vector: the SHA-256 of the text that was embedded."""
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCheckpoint:
    """The vectors embedded so far by an unfinished build, appended batch by batch to one file."""

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.vectors: dict[bytes, np.ndarray] = {}
        self.dimensions: int | None = None
        self.dropped_bytes = 0

    @classmethod
    def open(cls, path: Path, fingerprint: str) -> EmbeddingCheckpoint:
        """Load what `path` holds for `fingerprint` and get ready to append to it.

        A file of another fingerprint (another model or prompts) or one with an unreadable header is started
        afresh; a torn or corrupt record is cut off with everything after it.
        """
        checkpoint = cls(path, fingerprint)
        end = checkpoint._load()
        if end is None:
            checkpoint._start()
        elif end < path.stat().st_size:
            checkpoint.dropped_bytes = path.stat().st_size - end
            logger.warning("embedding checkpoint %s: dropped %d bytes of a torn or corrupt last record",
                           path, checkpoint.dropped_bytes)
            with path.open("r+b") as handle:
                handle.truncate(end)
                os.fsync(handle.fileno())
        return checkpoint

    def get(self, text: str) -> np.ndarray | None:
        """The saved vector of `text`, if it was embedded."""
        return self.vectors.get(text_digest(text))

    def append(self, texts: list[str], vectors: np.ndarray) -> None:
        """Save one embedded batch durably (flushed and fsynced) before the build goes on."""
        matrix = np.ascontiguousarray(vectors, dtype="<f4")
        if matrix.ndim != 2 or matrix.shape[0] != len(texts):
            raise ValueError(f"{len(texts)} texts but vectors of shape {matrix.shape}")
        if self.dimensions is not None and matrix.shape[1] != self.dimensions:
            raise ValueError(f"vectors of {matrix.shape[1]} dimensions in a checkpoint of {self.dimensions}")
        digests = [text_digest(t) for t in texts]
        payload = _BATCH_HEAD.pack(len(texts), matrix.shape[1]) + b"".join(digests) + matrix.tobytes()
        with self.path.open("ab") as handle:
            handle.write(_RECORD_HEAD.pack(len(payload), zlib.crc32(payload)) + payload)
            handle.flush()
            os.fsync(handle.fileno())
        self.dimensions = matrix.shape[1]
        for digest, vector in zip(digests, matrix, strict=True):
            self.vectors[digest] = vector

    def delete(self) -> None:
        """Remove the file (the build it served was published)."""
        self.path.unlink(missing_ok=True)
        self.vectors.clear()

    def __len__(self) -> int:
        return len(self.vectors)

    def _start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        header = json.dumps({"format": FORMAT, "fingerprint": self.fingerprint}).encode("utf-8")
        temporary = self.path.with_name(f".{self.path.name}.new")
        with temporary.open("wb") as handle:
            handle.write(MAGIC + _U32.pack(len(header)) + header)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(self.path)

    def _load(self) -> int | None:
        """Read the file into `vectors`; the offset where good records end, or None to start afresh."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        header = _read_header(data)
        if header is None:
            logger.warning("embedding checkpoint %s has no readable header; starting a new one", self.path)
            return None
        fingerprint, offset = header
        if fingerprint != self.fingerprint:
            logger.info("embedding checkpoint %s is of another model or prompts; starting a new one", self.path)
            return None
        for end, digests, matrix in _records(data, offset):
            if self.dimensions is not None and matrix.shape[1] != self.dimensions:
                break
            self.dimensions = matrix.shape[1]
            self.vectors.update(zip(digests, matrix, strict=True))
            offset = end
        return offset


def _read_header(data: bytes) -> tuple[str, int] | None:
    start = len(MAGIC) + _U32.size
    if len(data) < start or not data.startswith(MAGIC):
        return None
    (length,) = _U32.unpack_from(data, len(MAGIC))
    try:
        header = json.loads(data[start:start + length].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None
    return str(header.get("fingerprint")), start + length


def _records(data: bytes, offset: int) -> Iterator[tuple[int, list[bytes], np.ndarray]]:
    """The whole, intact records from `offset` on: (end offset, digests, vectors); stops at the first bad one."""
    while offset + _RECORD_HEAD.size <= len(data):
        length, crc = _RECORD_HEAD.unpack_from(data, offset)
        start, end = offset + _RECORD_HEAD.size, offset + _RECORD_HEAD.size + length
        if end > len(data) or length < _BATCH_HEAD.size:
            return
        payload = data[start:end]
        if zlib.crc32(payload) != crc:
            return
        count, dimensions = _BATCH_HEAD.unpack_from(payload)
        if length != _BATCH_HEAD.size + count * (DIGEST_BYTES + 4 * dimensions) or not dimensions:
            return
        digests_end = _BATCH_HEAD.size + count * DIGEST_BYTES
        digests = [payload[i:i + DIGEST_BYTES] for i in range(_BATCH_HEAD.size, digests_end, DIGEST_BYTES)]
        matrix = np.frombuffer(payload, dtype="<f4", offset=digests_end).reshape(count, dimensions)
        yield end, digests, matrix.astype(np.float32)
        offset = end


def saved_vectors(path: Path) -> int:
    """How many vectors the checkpoint at `path` holds in intact records (read only: safe beside a writer)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    header = _read_header(data)
    return sum(len(digests) for _, digests, _ in _records(data, header[1])) if header else 0
