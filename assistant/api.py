"""The intranet HTTP API: ask (JSON and SSE), OpenAI-compatible chat, readiness, sources; optional API
keys; request limits with reasons."""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.answer import passage_json
from assistant.chain import Assistant, Retrieved, Token
from assistant.components import assistant
from assistant.feedback import FeedbackStore
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


class RatedAnswer(BaseModel):
    """The part of an `/api/ask` answer that a rating keeps; other fields are accepted and ignored."""

    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(max_length=8000)
    abstained: bool = False
    language: str = ""
    backend: str = ""
    citations: list[dict[str, Any]] = Field(default_factory=list, max_length=20)


class FeedbackRequest(BaseModel):
    """`POST /api/feedback`: a rating of an answer (the JSON `/api/ask` returned), with an optional comment."""

    answer: RatedAnswer
    rating: Literal["up", "down"]
    comment: str = Field("", max_length=2000)
    history: list[Turn] = Field(default_factory=list)


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

    def __init__(self, settings: Settings, factory: Callable[[], Assistant] | None = None) -> None:
        self.settings = settings
        self.factory = factory or partial(assistant, settings)
        self._assistant: Assistant | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def get(self) -> Assistant:
        """The assistant, loading and warming it if nobody is; raises HTTP 503 with the reason.

        A request that arrives while the assistant loads gets the 503 at once rather than waiting
        for the load; after a failed load (no index yet, say) the next request tries again.
        """
        if self._assistant is not None:
            return self._assistant
        if not self._lock.acquire(blocking=False):
            raise HTTPException(503, f"wenda is not ready: {self.status()[1]}", headers={"Retry-After": "5"})
        try:
            if self._assistant is None:
                started = time.perf_counter()
                try:
                    loaded = self.factory()
                    loaded.warm_up()
                except Exception as error:  # reported by /readyz and as a 503 reason, not a crash
                    self._error = str(error)
                    logger.error("wenda is not ready: %s", error)
                    raise HTTPException(503, f"wenda is not ready: {error}") from error
                self._assistant, self._error = loaded, None
                logger.info("wenda is ready (loaded in %.1f s; answers: %s)", time.perf_counter() - started,
                            loaded.backend)
            return self._assistant
        finally:
            self._lock.release()

    def status(self) -> tuple[bool, str]:
        """(ready, reason)."""
        if self._assistant is not None:
            return True, "ready"
        if self._lock.locked():
            return False, "loading the index and models"
        return False, self._error or "loading the index and models"

    def start_loading(self) -> None:
        """Load in the background so the server answers health checks at once."""

        def run() -> None:
            with contextlib.suppress(HTTPException):  # the reason is kept for /readyz
                self.get()

        threading.Thread(target=run, daemon=True, name="wenda-load").start()


def api_keys(settings: Settings) -> set[str]:
    """The configured API keys (none: the API is open)."""
    return {key.strip() for key in settings.api_keys.split(",") if key.strip()}


def key_is_valid(keys: set[str], presented: str) -> bool:
    """Whether `presented` is one of `keys`, compared in constant time."""
    # Bytes, not str: compare_digest refuses non-ASCII text, and a header may carry any.
    token = presented.encode("utf-8", "surrogateescape")
    return any(secrets.compare_digest(token, key.encode()) for key in keys)


def require_api_key(settings: Settings):
    """A dependency that checks `Authorization: Bearer <key>` when API keys are configured."""
    keys = api_keys(settings)

    def check(request: Request) -> None:
        if not keys:
            return
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key_is_valid(keys, token):
            raise HTTPException(status_code=401, detail="a valid API key is required (Authorization: Bearer …)",
                                headers={"WWW-Authenticate": "Bearer"})

    return check


class BodySizeLimit:
    """ASGI middleware: API request bodies over `max_bytes` get a 413, whether or not they state a length.

    Only paths under `prefixes` are limited; the chat's own traffic is Gradio's to bound.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: tuple[str, ...] = ("/api/", "/v1/")) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        received, too_large, refused = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    # Whatever the app makes of a cut-off body, the client is told why.
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def replacing_send(message: Message) -> None:
            nonlocal refused
            if not too_large:
                await send(message)
            elif not refused:
                refused = True
                await self._refuse(send)

        await self.app(scope, counting_receive, replacing_send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"request body over {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def api_router(settings: Settings, holder: AssistantHolder, feedback: FeedbackStore) -> APIRouter:
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
        return holder.get(), [turn.model_dump() for turn in request.history]

    @protected.post("/api/ask")
    def ask(request: AskRequest) -> dict:
        """Answer a question; the body of `wenda ask --json`."""
        chain, history = checked_request(request)
        return chain.ask(request.question, history, k=request.k).to_json()

    @protected.post("/api/ask/stream")
    def ask_stream(request: AskRequest) -> StreamingResponse:
        """Server-sent events: one `passages` event (what was retrieved), `token` events as the LLM writes,
        then one `answer` event (authoritative)."""
        chain, history = checked_request(request)

        def events() -> Iterator[str]:
            for event in chain.stream(request.question, history, k=request.k):
                if isinstance(event, Retrieved):
                    yield _sse("passages", {"passages": [passage_json(p) for p in event.passages]})
                elif isinstance(event, Token):
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
        if not turns[-1].content.strip():
            raise HTTPException(422, "the last user message is empty")
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
        article = holder.get().index.articles.get(doc_id)
        if article is None:
            raise HTTPException(404, f"no article {doc_id!r}")
        return {"doc_id": article.doc_id, "title": article.title, "date": article.date, "source": article.source,
                "author": article.author, "url": article.url, "region": article.region, "text": article.text}

    @protected.post("/api/feedback", status_code=201)
    def rate(request: FeedbackRequest) -> dict[str, int]:
        """Store a thumbs up/down (and comment) on an answer; `wenda feedback export` turns them into gold items."""
        history = [turn.model_dump() for turn in request.history[-limits.max_history_turns:]]
        return {"id": feedback.record(request.answer.model_dump(), request.rating == "up", request.comment, history)}

    router.include_router(protected)
    return router

