"""The local web server: the chat (Gradio), the HTTP API and health checks in one FastAPI app."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Annotated

import uvicorn
from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.middleware.cors import CORSMiddleware

from assistant.api import AssistantHolder, BodySizeLimit, api_router, require_api_key
from assistant.chain import Assistant
from assistant.feedback import FeedbackStore
from assistant.settings import Settings
from assistant.ui import mount_chat

logger = logging.getLogger(__name__)


def create_app(settings: Settings, load_on_start: bool = True, chat: bool = True,
               factory: Callable[[], Assistant] | None = None) -> FastAPI:
    """The FastAPI application; the assistant loads in the background (see /readyz).

    `factory` builds the assistant (default: from `settings`); `chat=False` serves the API alone.
    """
    holder = AssistantHolder(settings, factory)
    feedback = FeedbackStore(settings.feedback_db)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if load_on_start:
            holder.start_loading()
        yield

    app = FastAPI(title="wenda", description="Questions about a collection of Chinese articles.", lifespan=lifespan)
    app.state.holder, app.state.feedback = holder, feedback
    app.add_middleware(BodySizeLimit, max_bytes=settings.server.max_body_bytes)
    if settings.server.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.server.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.include_router(api_router(settings, holder, feedback))
    max_query = settings.server.max_question_chars

    @app.get("/api/search", dependencies=[Depends(require_api_key(settings))])
    def search(q: Annotated[str, Query(min_length=1)], k: Annotated[int, Query(ge=1, le=50)] = 5
               ) -> dict[str, object]:
        """Ranked passages for a query (no LLM)."""
        if len(q) > max_query:
            raise HTTPException(422, f"query longer than {max_query} characters")
        docs = holder.get().retriever.invoke(q, k=k)
        return {"query": q, "hits": [
            {"rank": n, "score": d.metadata["score"], "chunk_id": d.metadata["chunk_id"],
             "doc_id": d.metadata["doc_id"], "title": d.metadata["title"], "text": d.page_content}
            for n, d in enumerate(docs, start=1)]}

    if chat:
        mount_chat(app, settings, holder, feedback)
    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until interrupted."""
    base = f"http://{host}:{port}"
    logger.info("wenda chat on %s/ (embeddable page %s/embed/, API docs %s/docs)", base, base, base)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
