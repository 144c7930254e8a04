"""Document management for a running server: each change to the corpus (through the API or the Documents
tab) is followed by a background build, a deletion withdraws the document from answers at once."""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.components import deferred_embeddings, document_library, index_builder
from assistant.reindexer import BuildStatus, Reindexer
from assistant.service import AssistantService
from assistant.settings import Settings
from indexing.builder import BuildReport, Progress
from indexing.library import AddResult, DocumentInfo, DocumentLibrary, Upload
from indexing.registry import MetadataOverride

logger = logging.getLogger(__name__)

# How often a running server looks for an index published by another process.
_WATCH_S = 5.0


class DocumentManager:
    """The library's operations, each followed by what the running server must do about it."""

    def __init__(self, library: DocumentLibrary, reindexer: Reindexer, service: AssistantService) -> None:
        self.library = library
        self.reindexer = reindexer
        self.service = service

    def list(self) -> list[DocumentInfo]:
        """Every document with its status, as the index the server answers from has it (`indexing` while a build
        runs, until the server has switched to it)."""
        loaded = self.service.loaded
        return self.library.list(building=self.reindexer.building,
                                 in_use=loaded.index.manifest if loaded is not None else None)

    def status(self) -> BuildStatus:
        """The background build's state and progress."""
        return self.reindexer.status()

    def add(self, uploads: list[Upload]) -> list[AddResult]:
        """Add checked uploads and start indexing them (a batch with a bad file adds nothing: see
        DocumentLibrary.add)."""
        results = self.library.add(uploads)
        if any(r.status == "added" for r in results):
            self.reindexer.request()
        return results

    def remove(self, doc_id: str) -> DocumentInfo:
        """Remove a document: never cited from now on, gone from the index after the build this starts."""
        removed = self.library.remove(doc_id)
        self.service.withdraw(doc_id)
        self.reindexer.request()
        return removed

    def watch_index(self, stop: threading.Event, interval_s: float = _WATCH_S) -> None:
        """Until `stop` is set, switch the service to an index another process published (`wenda docs add` on
        the server's machine); the server's own builds switch it themselves."""
        while not stop.wait(interval_s):
            if self.reindexer.building:
                continue
            try:
                self.service.refresh_if_republished()
            except Exception:  # a broken outside build must not stop the watch; the old index stays in use
                logger.exception("could not switch to the index published outside this server")

    def update(self, doc_id: str, changes: MetadataOverride) -> DocumentInfo:
        """Edit a document's metadata and re-index it."""
        updated = self.library.update(doc_id, changes)
        self.reindexer.request()
        return updated


def document_json(document: DocumentInfo) -> dict[str, Any]:
    """A document as the API shows it."""
    return asdict(document)


def document_manager(settings: Settings, service: AssistantService,
                     embeddings: Embeddings | None = None) -> DocumentManager:
    """The manager of the configured corpus, building with the service's embedding model once it is loaded
    (or `embeddings`, else one loaded on first use) and switching the service to each new index."""
    fallback = embeddings or deferred_embeddings(settings)

    def current_embeddings() -> Embeddings:
        loaded = service.loaded
        return loaded.index.embeddings if loaded is not None else fallback

    def builder(progress: Progress):
        return index_builder(settings, show_progress=False, embeddings=current_embeddings(), progress=progress)

    def published(report: BuildReport) -> None:
        loaded = service.loaded
        if report.up_to_date and loaded is not None and loaded.index.manifest.build_id == report.build_id:
            return
        service.refresh()

    return DocumentManager(document_library(settings), Reindexer(builder, published), service)


