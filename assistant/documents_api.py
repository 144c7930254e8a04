"""`/api/documents`: list, upload (multipart, several files), delete and edit documents; `/api/indexing`:
the background build's progress (JSON to poll, or server-sent events)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import date as calendar_date
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from assistant.api import encodable
from assistant.documents import DocumentManager, document_json
from assistant.keys import api_keys, document_permission
from assistant.settings import Settings
from indexing.library import (
    CorruptDocumentError,
    DocumentError,
    DocumentNotFoundError,
    DocumentTooLargeError,
    UnsupportedDocumentError,
    Upload,
)
from indexing.registry import MetadataOverride

_STATUS_EVENT_S = 0.5
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})?$")
# How each refusal of the library is answered.
_STATUS = {UnsupportedDocumentError: 415, DocumentTooLargeError: 413, CorruptDocumentError: 422,
           DocumentNotFoundError: 404}


def _date(text: str) -> str:
    try:
        if not _DATE.match(text) or (text and not calendar_date.fromisoformat(text)):
            raise ValueError
    except ValueError:
        raise ValueError("a date is written YYYY-MM-DD (or empty to clear it)") from None
    return text


Field300 = Annotated[str, Field(max_length=300), AfterValidator(encodable)]


class MetadataUpdate(BaseModel):
    """`PATCH /api/documents/{id}`: the fields to set; an empty string (or list) clears an earlier edit."""

    model_config = ConfigDict(strict=True, extra="forbid")

    title: Field300 | None = None
    date: Annotated[str, Field(max_length=10), AfterValidator(_date)] | None = None
    source: Field300 | None = None
    region: Annotated[str, Field(max_length=100), AfterValidator(encodable)] | None = None
    region_en: Annotated[str, Field(max_length=100), AfterValidator(encodable)] | None = None
    # Other names of the place, romanised ones too ("Qingsong"): English questions find the document by them.
    aliases: list[Annotated[str, Field(min_length=1, max_length=100), AfterValidator(encodable)]] | None = Field(
        None, max_length=30)


def require_document_rights(settings: Settings):
    """A dependency refusing document changes to callers without the right (see keys.document_permission)."""

    def check(request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        presented = token if scheme.lower() == "bearer" else None
        permission = document_permission(settings, presented, request.client.host if request.client else None)
        if not permission.allowed:
            raise HTTPException(permission.status, permission.reason, headers={"WWW-Authenticate": "Bearer"}
                                if permission.status == 401 else None)
        if not api_keys(settings):
            # Allowed for being on this machine: so would be any web page this machine's browser opens, unless
            # a request from another site (or a rebound DNS name) is refused.
            reason = _cross_site(request)
            if reason:
                raise HTTPException(403, reason)

    return check


_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _cross_site(request: Request) -> str | None:
    """Why a keyless change from this machine looks like another site's doing, or None."""
    if request.headers.get("Sec-Fetch-Site", "") in ("cross-site", "same-site"):
        return "documents may not be changed from another site's page"
    host = urlsplit(f"//{request.headers.get('Host', '')}").hostname
    if host and host not in _LOCAL_HOSTS:
        return f"without API keys, documents are changed only through localhost, not {host!r}"
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).hostname not in _LOCAL_HOSTS:
        return "documents may not be changed from another site's page"
    return None


def _refused(error: Exception) -> HTTPException:
    # Any other refusal of the library (no free file name, say) is a conflict with what is stored, not a crash.
    status = next((code for kind, code in _STATUS.items() if isinstance(error, kind)), 409)
    return HTTPException(status, str(error))


def documents_router(settings: Settings, manager: DocumentManager) -> APIRouter:
    """The document routes (reading open to API keys, changes behind `require_document_rights`)."""
    router = APIRouter(tags=["documents"])
    change = [Depends(require_document_rights(settings))]
    limits = settings.documents

    @router.get("/api/documents")
    def list_documents() -> dict:
        """Every document: id, title, date, source, type, pages, passages, status, indexed time."""
        return {"documents": [document_json(d) for d in manager.list()], "indexing": manager.status().to_json()}

    @router.get("/api/documents/{doc_id:path}")
    def get_document(doc_id: str) -> dict:
        """One document of the list."""
        try:
            return {"document": document_json(manager.library.get(doc_id))}
        except DocumentNotFoundError as error:
            raise _refused(error) from None

    @router.post("/api/documents", status_code=202, dependencies=change)
    async def add_documents(files: Annotated[list[UploadFile], File(description="PDF, Word, HTML, Markdown or text"
                                                                                " files")]) -> JSONResponse:
        """Add files (multipart `files`, several at once) and index them in the background (202). The type is
        judged by content: unsupported → 415, over the size limit → 413, unreadable → 422, each with the file's
        name and reason, and then nothing is added. A file with the content of a document already there is
        reported as `duplicate` (409 when every file is one)."""
        if len(files) > limits.max_files_per_request:
            raise HTTPException(422, f"{len(files)} files; at most {limits.max_files_per_request} per request")
        uploads = [Upload(f.filename or "document", await f.read()) for f in files]
        try:
            results = await run_in_threadpool(manager.add, uploads)
        except DocumentError as error:
            raise _refused(error) from None
        body = {"documents": [vars(r) for r in results], "indexing": manager.status().to_json()}
        added = any(r.status == "added" for r in results)
        return JSONResponse(body, status_code=202 if added else 409)

    @router.delete("/api/documents/{doc_id:path}", dependencies=change)
    def delete_document(doc_id: str) -> dict:
        """Remove a document: it is never cited from now on, and leaves the index in the build this starts."""
        try:
            removed = manager.remove(doc_id)
        except DocumentNotFoundError as error:
            raise _refused(error) from None
        return {"document": document_json(removed), "indexing": manager.status().to_json()}

    @router.patch("/api/documents/{doc_id:path}", dependencies=change)
    def update_document(doc_id: str, changes: MetadataUpdate) -> dict:
        """Set title, date, source, region and aliases (romanised names find the document through its aliases)."""
        try:
            updated = manager.update(doc_id, MetadataOverride(**changes.model_dump(exclude_unset=True)))
        except DocumentNotFoundError as error:
            raise _refused(error) from None
        return {"document": document_json(updated), "indexing": manager.status().to_json()}

    @router.get("/api/indexing")
    def indexing_status() -> dict:
        """The background build: state (idle, queued, running, failed), phase, done/total, progress, error."""
        return manager.status().to_json()

    @router.get("/api/indexing/events")
    async def indexing_events(request: Request) -> StreamingResponse:
        """Server-sent `status` events while a build is queued or running, then one last event."""

        async def events() -> AsyncIterator[str]:
            while True:
                status = manager.status()
                yield f"event: status\ndata: {json.dumps(status.to_json(), ensure_ascii=False)}\n\n"
                if status.state not in ("queued", "running") or await request.is_disconnected():
                    return
                await asyncio.sleep(_STATUS_EVENT_S)

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    return router
