"""The manifest of an index build: what it was built from, so a later build knows what to redo."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from indexing.config import OPERATIONAL_FIELDS, IndexConfig

MANIFEST_FILE = "manifest.json"
# 2: the dense index is a FAISS index file and JSON ids (no pickle).
# 3: Traditional text is converted with tw2s (着力 from 著力), which changes what the keyword index holds.
# 4: only text holding Traditional characters is converted with tw2s (a Simplified 显著 stays 显著).
# 5: the script is decided clause by clause (a Traditional name leaves a Simplified 显著 beside it alone).
# 6: a page's date line naming its weekday (2020年9月15日 星期二), or one past the header scan before the body, gives
#    the article's date; the editor line taken off the page names the article's editor.
FORMAT_VERSION = 6


class DocumentEntry(BaseModel):
    """One indexed article (the descriptive fields let a document list be made without reading the records)."""

    path: str
    content_hash: str
    chunks: int
    title: str | None = None
    date: str | None = None
    source: str | None = None
    file_type: str | None = None
    pages: int | None = None
    # When this article's current passages were first indexed (ISO time).
    indexed_at: str | None = None


class Manifest(BaseModel):
    """Model id, dimensions, chunking parameters and per-document hashes of one build."""

    format_version: int = FORMAT_VERSION
    build_id: str
    built_at: str
    embedding_model: str
    dimensions: int
    config: IndexConfig
    documents: dict[str, DocumentEntry] = Field(default_factory=dict)
    chunk_count: int = 0
    skipped: dict[str, str] = Field(default_factory=dict)
    # When the build read the corpus (Unix time): a file changed later is not in this build yet.
    scanned_at: float | None = None

    def compatible_with(self, config: IndexConfig, embedding_model: str) -> bool:
        """True when vectors of this build can be reused under `config` (same model, same chunking).

        The loader settings only decide which files are read; the per-document diff handles their effect.
        Batch sizes, threads and server addresses change how fast vectors are made, not what they are.
        """
        return (self.format_version == FORMAT_VERSION and self.embedding_model == embedding_model
                and self.config.model_dump(exclude=OPERATIONAL_FIELDS) == config.model_dump(exclude=OPERATIONAL_FIELDS))

    def write(self, folder: Path) -> None:
        """Write `manifest.json` into `folder`."""
        (folder / MANIFEST_FILE).write_text(self.model_dump_json(indent=2), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read `manifest.json` from `folder`."""
        return cls.model_validate(json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8")))
