"""What wenda itself records about the documents it manages: uploads and metadata edits.

The registry is `<corpus>/.wenda/documents.json` (a dot-folder, so the corpus scan never reads it as an
article). `corpus/metadata.toml` stays the hand-written source; an edit made through the API or the CLI is
an override on top of it, kept here, so wenda never rewrites a file people maintain by hand.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import date as calendar_date
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from indexing.errors import WendaError

STATE_DIR = ".wenda"
REGISTRY_FILE = "documents.json"


class MetadataOverride(BaseModel):
    """Fields set through the API or CLI; None leaves the metadata file's (or the inferred) value."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    region: str | None = None
    region_en: str | None = None
    aliases: list[str] | None = None

    @field_validator("date")
    @classmethod
    def _calendar_date(cls, value: str | None) -> str | None:
        if value:
            try:
                calendar_date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date written YYYY-MM-DD") from None
        return value


class DocumentRecord(BaseModel):
    """One managed document: where its file came from, its content hash and any metadata override."""

    sha256: str | None = None
    original_name: str | None = None
    uploaded_at: float | None = None
    # What the upload check read from the file, shown until the document is indexed.
    title: str | None = None
    file_type: str | None = None
    pages: int | None = None
    # When the document last changed through wenda (an upload or an edit), as a Unix time.
    changed_at: float = Field(default_factory=time.time)
    override: MetadataOverride = Field(default_factory=MetadataOverride)


class DocumentRegistry:
    """Reads and updates the registry file atomically, one writer at a time (threads and processes)."""

    _thread_lock = threading.Lock()

    def __init__(self, corpus_dir: Path) -> None:
        self.folder = corpus_dir / STATE_DIR
        self.path = self.folder / REGISTRY_FILE

    def read(self) -> dict[str, DocumentRecord]:
        """Every record by doc id; a missing or unreadable registry is empty (and logged by the caller)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise RegistryError(f"unreadable document registry {self.path}: {error}") from error
        records = {}
        for doc_id, fields in raw.get("documents", {}).items():
            with contextlib.suppress(ValidationError):
                records[doc_id] = DocumentRecord.model_validate(fields)
        return records

    @contextlib.contextmanager
    def editing(self) -> Iterator[dict[str, DocumentRecord]]:
        """The records to change in place; written back in one rename when the block ends without error."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, (self.folder / ".registry.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            records = self.read()
            yield records
            payload = {"documents": {doc_id: record.model_dump() for doc_id, record in sorted(records.items())}}
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".registry-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)

    def overrides(self) -> dict[str, dict[str, object]]:
        """The metadata overrides by doc id (only the fields that were set)."""
        try:
            records = self.read()
        except RegistryError:
            return {}
        return {doc_id: record.override.model_dump(exclude_none=True) for doc_id, record in records.items()
                if record.override.model_dump(exclude_none=True)}


class RegistryError(WendaError):
    """The registry file cannot be read."""
