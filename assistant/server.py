"""The local web server. Until the chat UI lands it serves a status page, health checks and search."""

from __future__ import annotations

import html
import logging
from typing import Annotated

import uvicorn
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from assistant.components import fusion_config, open_index
from assistant.settings import Settings
from indexing.hybrid import HybridIndex, IndexNotFoundError

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500


def create_app(settings: Settings) -> FastAPI:
    """The FastAPI application; the index (and the embedding model) load on the first request needing them."""
    app = FastAPI(title="wenda", description="Questions about a collection of Chinese articles.")
    state: dict[str, HybridIndex] = {}

    def index() -> HybridIndex:
        if "index" not in state:
            try:
                state["index"] = open_index(settings)
            except IndexNotFoundError as error:
                raise HTTPException(status_code=503, detail=str(error)) from error
        return state["index"]

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness."""
        return {"status": "ok"}

    @app.get("/api/search")
    def search(q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
               k: Annotated[int, Query(ge=1, le=50)] = 5) -> dict[str, object]:
        """Ranked passages for a query (no LLM)."""
        hybrid = index()
        hits = hybrid.search(q, k=k, fusion=fusion_config(settings))
        return {"query": q, "hits": [
            {"rank": h.rank, "score": h.score, "chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id,
             "title": hybrid.articles[h.chunk.doc_id].title, "text": h.chunk.text} for h in hits]}

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        """A status page: what is indexed. The chat replaces it."""
        hybrid = index()
        rows = "".join(
            f"<li>{html.escape(a.title)} — {html.escape(a.source or '')} {html.escape(a.date or '')}</li>"
            for a in hybrid.articles.values())
        return (
            "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>wenda 问答</title></head>"
            f"<body><h1>wenda 问答</h1><p>Index {html.escape(hybrid.manifest.build_id)}: "
            f"{len(hybrid.articles)} articles, {len(hybrid.chunks)} passages.</p><ul>{rows}</ul>"
            "<form action='/api/search'><input name='q' size='60' placeholder='Search / 搜索'>"
            "<button>Search</button></form></body></html>"
        )

    return app


def serve(settings: Settings, host: str, port: int) -> None:
    """Run the server until interrupted."""
    logger.info("serving wenda on http://%s:%d", host, port)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
