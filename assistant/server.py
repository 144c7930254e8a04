"""The local web server: the chat (Gradio), the HTTP API and health checks in one FastAPI app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware

from assistant.api import (
    BodyReadTimeout,
    BodySizeLimit,
    api_router,
    not_ready_response,
    validation_error_response,
)
from assistant.chain import Assistant
from assistant.feedback import FeedbackStore
from assistant.keys import api_keys
from assistant.service import AssistantService, NotReadyError
from assistant.settings import Settings
from assistant.ui import mount_chat

logger = logging.getLogger(__name__)


def create_app(settings: Settings, load_on_start: bool = True, chat: bool = True,
               factory: Callable[[], Assistant] | None = None) -> FastAPI:
    """The FastAPI application; the assistant loads in the background (see /readyz).

    `factory` builds the assistant (default: from `settings`); `chat=False` serves the API alone.
    """
    service = AssistantService(settings, factory)
    feedback = FeedbackStore(settings.feedback_db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if load_on_start:
            service.start_loading()
        yield

    # With API keys the schema and docs pages are closed too (and /docs would load its script from a CDN,
    # which an offline intranet cannot reach).
    docs = {} if not api_keys(settings) else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(title="wenda", description="Questions about a collection of Chinese articles.", lifespan=lifespan,
                  **docs)
    app.add_exception_handler(NotReadyError, lambda request, error: not_ready_response(error))
    app.add_exception_handler(RequestValidationError,
                              lambda request, error: validation_error_response(error.errors()))
    app.state.service, app.state.feedback = service, feedback
    app.add_middleware(BodySizeLimit, max_bytes=settings.server.max_body_bytes)
    app.add_middleware(BodyReadTimeout, timeout_s=settings.server.body_read_timeout_s)
    if settings.server.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.server.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.include_router(api_router(settings, service, feedback))
    if chat:
        mount_chat(app, settings, service, feedback)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until interrupted."""
    base = f"http://{host}:{port}"
    logger.info("wenda chat on %s/ (embeddable page %s/embed/, API docs %s/docs)", base, base, base)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
