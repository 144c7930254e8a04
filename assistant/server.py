"""The local web server: the chat (Gradio), the HTTP API and health checks in one FastAPI app."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from functools import partial

import uvicorn
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from assistant.admission import QueueFullError, RequestCancelledError
from assistant.api import (
    BodyReadTimeout,
    BodySizeLimit,
    api_router,
    busy_response,
    cancelled_response,
    failure_response,
    not_ready_response,
    storage_unavailable_response,
    validation_error_response,
)
from assistant.chain import Assistant
from assistant.components import assistant, deferred_embeddings
from assistant.conversations import ConversationStore, keep_purging
from assistant.documents import document_manager
from assistant.documents_api import documents_router
from assistant.feedback import FeedbackStore
from assistant.keys import api_keys
from assistant.service import AssistantService, NotReadyError
from assistant.settings import Settings
from assistant.storage import Database, StorageUnavailableError
from assistant.ui import mount_chat
from indexing.errors import WendaError

logger = logging.getLogger(__name__)


def create_app(settings: Settings, load_on_start: bool = True, chat: bool = True,
               factory: Callable[[], Assistant] | None = None) -> FastAPI:
    """The FastAPI application; the assistant loads in the background (see /readyz).

    `factory` builds the assistant (default: from `settings`); `chat=False` serves the API alone. Raises
    StorageError at once when the database (`database_url`, else the SQLite file) cannot be used.
    """
    embeddings = deferred_embeddings(settings)
    # One embedding model for answering and for the builds the Documents tab and API start.
    service = AssistantService(settings, factory or partial(assistant, settings, embeddings=embeddings))
    database = Database.from_settings(settings)
    feedback, conversations = FeedbackStore(database), ConversationStore(database)
    documents = document_manager(settings, service, embeddings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = threading.Event()
        if load_on_start:
            service.start_loading()
            threading.Thread(target=documents.watch_index, args=(stop,), daemon=True, name="wenda-index-watch").start()
        if settings.server.conversation_retention_days:
            threading.Thread(target=keep_purging, args=(conversations, settings.server.conversation_retention_days,
                                                        stop), daemon=True, name="wenda-conversation-purge").start()
        yield
        stop.set()
        database.close()

    # With API keys the schema and docs pages are closed too (and /docs would load its script from a CDN,
    # which an offline intranet cannot reach).
    docs = {} if not api_keys(settings) else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(title="wenda", description="Questions about a collection of Chinese articles.", lifespan=lifespan,
                  **docs)
    app.add_exception_handler(NotReadyError, lambda request, error: not_ready_response(error))
    app.add_exception_handler(StorageUnavailableError, lambda request, error: storage_unavailable_response(error))
    app.add_exception_handler(QueueFullError, lambda request, error: busy_response(error))
    app.add_exception_handler(RequestCancelledError, lambda request, error: cancelled_response(error))
    app.add_exception_handler(WendaError, lambda request, error: failure_response(error))
    app.add_exception_handler(RequestValidationError,
                              lambda request, error: validation_error_response(error.errors()))
    app.state.service, app.state.feedback, app.state.documents = service, feedback, documents
    app.state.conversations = conversations
    app.add_middleware(BodySizeLimit, max_bytes=settings.server.max_body_bytes,
                       uploads={"/api/documents": settings.documents.max_request_bytes})
    app.add_middleware(BodyReadTimeout, timeout_s=settings.server.body_read_timeout_s)
    if settings.server.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.server.cors_origins,
                           allow_methods=["GET", "POST", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"])
    app.include_router(api_router(settings, service, feedback, [documents_router(settings, documents)],
                                  conversations=conversations))
    if chat:
        mount_chat(app, settings, service, feedback, documents, conversations=conversations)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until interrupted."""
    base = f"http://{host}:{port}"
    logger.info("wenda chat on %s/ (embeddable page %s/embed/, API docs %s/docs)", base, base, base)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
