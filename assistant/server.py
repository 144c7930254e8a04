"""The local web server: the HTTP API, health checks and, until the chat UI lands, a status page."""

from __future__ import annotations

import html
import logging
from contextlib import asynccontextmanager
from typing import Annotated

import uvicorn
from fastapi import Depends, FastAPI, Query
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse

from assistant.api import AssistantHolder, api_router, limit_body_size, require_api_key
from assistant.settings import Settings

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500


def create_app(settings: Settings, load_on_start: bool = True) -> FastAPI:
    """The FastAPI application; the assistant loads in the background (see /readyz)."""
    holder = AssistantHolder(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if load_on_start:
            holder.start_loading()
        yield

    app = FastAPI(title="wenda", description="Questions about a collection of Chinese articles.", lifespan=lifespan)
    app.state.holder = holder
    limit_body_size(app, settings.server.max_body_bytes)
    if settings.server.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.server.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.include_router(api_router(settings, holder))

    @app.get("/api/search", dependencies=[Depends(require_api_key(settings))])
    def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
               k: Annotated[int, Query(ge=1, le=50)] = 5) -> dict[str, object]:
        """Ranked passages for a query (no LLM)."""
        chain = holder.load()
        docs = chain.retriever.invoke(q, k=k)
        return {"query": q, "hits": [
            {"rank": n, "score": d.metadata["score"], "chunk_id": d.metadata["chunk_id"],
             "doc_id": d.metadata["doc_id"], "title": d.metadata["title"], "text": d.page_content}
            for n, d in enumerate(docs, start=1)]}

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        """A status page: what is indexed. The chat replaces it."""
        index = holder.load().index
        rows = "".join(
            f"<li>{html.escape(a.title)} — {html.escape(a.source or '')} {html.escape(a.date or '')}</li>"
            for a in index.articles.values())
        return (
            "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>wenda 问答</title></head>"
            f"<body><h1>wenda 问答</h1><p>Index {html.escape(index.manifest.build_id)}: "
            f"{len(index.articles)} articles, {len(index.chunks)} passages.</p><ul>{rows}</ul>"
            "<form action='/api/search'><input name='q' size='60' placeholder='Search / 搜索'>"
            "<button>Search</button></form></body></html>"
        )

    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until interrupted."""
    logger.info("serving wenda on http://%s:%d", host, port)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
