"""Helpers for tests that need a minimal build folder (no model involved)."""

from pathlib import Path

from indexing.config import IndexConfig
from indexing.manifest import Manifest


def write_minimal_build(folder: Path, build_id: str) -> None:
    """A build folder holding only a manifest: enough for the store's bookkeeping."""
    Manifest(build_id=build_id, built_at="2026-01-01T00:00:00", embedding_model="m", dimensions=3,
             config=IndexConfig()).write(folder)
