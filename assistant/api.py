"""The intranet HTTP API: ask (JSON and SSE), OpenAI-compatible chat, readiness, sources; optional API
keys; request limits with reasons."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.chain import Assistant, Token
from assistant.components import assistant
from assistant.settings import Settings

logger = logging.getLogger(__name__)


class Turn(BaseModel):
    """One earlier message of the conversation."""

    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    """`POST /api/ask`: a question, the conversation so far, and how many passages to retrieve."""

    question: str = Field(min_length=1)
    history: list[Turn] = Field(default_factory=list)
    k: int | None = Field(None, ge=1, le=20)


class ChatMessage(BaseModel):
    """An OpenAI chat message (text content only)."""

    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str = ""


class ChatCompletionRequest(BaseModel):
    """The part of an OpenAI chat-completions request wenda uses; other fields are accepted and ignored."""

    model: str = "wenda"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


_STREAM_PIECE_CHARS = 16


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _wenda_fields(answer: dict) -> dict:
    """The extra fields an OpenAI-compatible response carries: citations and abstention."""
    return {"citations": answer["citations"], "abstained": answer["abstained"]}


class AssistantHolder:
    """Builds the assistant once (index, embedding model, LLM) and says whether it is ready."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._assistant: Assistant | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def load(self) -> Assistant:
        """The assistant, loading and warming it on first use; raises HTTP 503 with the reason."""
        with self._lock:
            if self._assistant is None:
                try:
                    loaded = assistant(self.settings)
                    loaded.warm_up()
                except Exception as error:  # reported by /readyz and as a 503 reason, not a crash
                    self._error = str(error)
                    logger.error("wenda is not ready: %s", error)
                    raise HTTPException(status_code=503, detail=f"wenda is not ready: {error}") from error
                self._assistant, self._error = loaded, None
            return self._assistant

    def status(self) -> tuple[bool, str]:
        """(ready, reason)."""
        if self._assistant is not None:
            return True, "ready"
        return False, self._error or "loading the index and models"

    def start_loading(self) -> None:
        """Load in the background so the server answers health checks at once."""

        def run() -> None:
            with contextlib.suppress(HTTPException):  # the reason is kept for /readyz
                self.load()

        threading.Thread(target=run, daemon=True, name="wenda-load").start()


def _api_keys(settings: Settings) -> set[str]:
    return {key.strip() for key in settings.api_keys.split(",") if key.strip()}


def require_api_key(settings: Settings):
    """A dependency that checks `Authorization: Bearer <key>` when API keys are configured."""
    keys = _api_keys(settings)

    def check(request: Request) -> None:
        if not keys:
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        # Bytes, not str: compare_digest refuses non-ASCII text, and a header may carry any.
        presented = token.encode("utf-8", "surrogateescape")
        if scheme.lower() != "bearer" or not any(secrets.compare_digest(presented, key.encode()) for key in keys):
            raise HTTPException(status_code=401, detail="a valid API key is required (Authorization: Bearer …)",
                                headers={"WWW-Authenticate": "Bearer"})

    return check


def limit_body_size(app: FastAPI, max_bytes: int) -> None:
    """Refuse bodies over `max_bytes` with 413 before they are read."""

    @app.middleware("http")
    async def check_size(request: Request, call_next):
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            return JSONResponse({"detail": f"request body over {max_bytes} bytes"}, status_code=413)
        return await call_next(request)


def api_router(settings: Settings, holder: AssistantHolder) -> APIRouter:
    """Routes under /api (protected by API keys when configured) and the health checks (never)."""
    limits = settings.server
    protected = APIRouter(dependencies=[Depends(require_api_key(settings))])
    router = APIRouter()

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz")
    def readyz() -> JSONResponse:
        """Readiness: the index and the models are loaded (503 with the reason otherwise)."""
        ready, reason = holder.status()
        return JSONResponse({"ready": ready, "reason": reason}, status_code=200 if ready else 503)

    def checked_request(request: AskRequest) -> tuple[Assistant, list[dict[str, str]]]:
        if len(request.question) > limits.max_question_chars:
            raise HTTPException(422, f"question longer than {limits.max_question_chars} characters")
        if len(request.history) > limits.max_history_turns:
            raise HTTPException(422, f"history longer than {limits.max_history_turns} turns")
        if any(len(turn.content) > limits.max_turn_chars for turn in request.history):
            raise HTTPException(422, f"a history turn is longer than {limits.max_turn_chars} characters")
        return holder.load(), [turn.model_dump() for turn in request.history]

    @protected.post("/api/ask")
    def ask(request: AskRequest) -> dict:
        """Answer a question; the body of `wenda ask --json`."""
        chain, history = checked_request(request)
        return chain.ask(request.question, history, k=request.k).to_json()

    @protected.post("/api/ask/stream")
    def ask_stream(request: AskRequest) -> StreamingResponse:
        """Server-sent events: `token` events as the LLM writes, then one `answer` event (authoritative)."""
        chain, history = checked_request(request)

        def events() -> Iterator[str]:
            for event in chain.stream(request.question, history, k=request.k):
                if isinstance(event, Token):
                    yield _sse("token", {"text": event.text})
                else:
                    yield _sse("answer", event.to_json())

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @protected.post("/v1/chat/completions")
    def chat_completions(request: ChatCompletionRequest) -> Response:
        """OpenAI-compatible chat: the last user message is the question, earlier turns the history.

        The answer is grounded before it is sent, so a stream carries the checked answer; citations come
        as `[n]` in the text and in the extra `citations` field.
        """
        turns = [m for m in request.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user":
            raise HTTPException(422, "the last message must come from the user")
        ask_request = AskRequest(question=turns[-1].content, history=[Turn(role=m.role, content=m.content)
                                                                        for m in turns[:-1]])
        chain, history = checked_request(ask_request)
        completion_id = f"chatcmpl-{secrets.token_hex(12)}"
        created = int(time.time())
        if not request.stream:
            answer = chain.ask(ask_request.question, history)
            return JSONResponse({
                "id": completion_id, "object": "chat.completion", "created": created, "model": request.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                **_wenda_fields(answer.to_json()),
            })

        def chunks() -> Iterator[str]:
            def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
                body = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                        "model": request.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                        **(extra or {})}
                return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

            yield chunk({"role": "assistant", "content": ""})
            answer = chain.ask(ask_request.question, history).to_json()
            for start in range(0, len(answer["answer"]), _STREAM_PIECE_CHARS):
                yield chunk({"content": answer["answer"][start:start + _STREAM_PIECE_CHARS]})
            yield chunk({}, "stop", _wenda_fields(answer))
            yield "data: [DONE]\n\n"

        return StreamingResponse(chunks(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @protected.get("/v1/models")
    def models() -> dict:
        """The one model this endpoint serves."""
        return {"object": "list", "data": [{"id": "wenda", "object": "model", "owned_by": "wenda"}]}

    @protected.get("/api/sources/{doc_id:path}")
    def source(doc_id: str) -> dict:
        """A whole article: metadata and its text as shown (citation offsets point into `text`)."""
        article = holder.load().index.articles.get(doc_id)
        if article is None:
            raise HTTPException(404, f"no article {doc_id!r}")
        return {"doc_id": article.doc_id, "title": article.title, "date": article.date, "source": article.source,
                "author": article.author, "url": article.url, "region": article.region, "text": article.text}

    router.include_router(protected)
    return router

