"""The intranet HTTP API: ask (JSON and SSE), OpenAI-compatible chat, readiness, sources; optional API
keys; request limits with reasons."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Annotated, Any, Literal, TypeVar

import anyio
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.admission import (
    AdmissionTimeoutError,
    QueueFullError,
    RequestCancelledError,
    cancellable,
    current_cancellation,
)
from assistant.answer import passage_json
from assistant.chain import Assistant, Retrieved, Token
from assistant.conversations import (
    ID_PATTERN,
    ConversationStore,
    ConversationTurn,
    UnknownConversationError,
    history_of,
    owner_of,
)
from assistant.feedback import FeedbackStore
from assistant.keys import api_keys, key_is_valid
from assistant.service import AssistantService, NotReadyError
from assistant.settings import Settings
from assistant.storage import StorageError, StorageUnavailableError
from indexing.errors import WendaError

logger = logging.getLogger(__name__)


def encodable(text: str) -> str:
    """Text that UTF-8 can carry: an unpaired surrogate (\\ud800 in JSON) is refused with a reason."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text contains an unpaired surrogate character") from error
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty or only whitespace")
    return text


Text = Annotated[str, AfterValidator(encodable)]
Question = Annotated[str, Field(min_length=1), AfterValidator(encodable), AfterValidator(_not_blank)]
# Request bodies are JSON: a number is not a string, nor a boolean a number ("5", true for `k` are refused).
_STRICT = ConfigDict(strict=True)


class Turn(BaseModel):
    """One earlier message of the conversation."""

    model_config = _STRICT

    role: Literal["user", "assistant"]
    content: Text


ConversationId = Annotated[str, Field(pattern=ID_PATTERN, description="An id `POST /api/ask` returned.")]


class AskRequest(BaseModel):
    """`POST /api/ask`: a question, the conversation so far (a stored conversation's id, or the earlier turns
    themselves), and how many passages to retrieve."""

    model_config = _STRICT

    question: Question
    history: list[Turn] = Field(default_factory=list)
    conversation_id: ConversationId | None = None
    k: int | None = Field(None, ge=1, le=20)


class Highlight(BaseModel):
    """The supporting sentence of a citation, as article offsets."""

    model_config = _STRICT

    start: int = Field(ge=0)
    end: int = Field(ge=0)


class RatedCitation(BaseModel):
    """A citation as `/api/ask` returns it; a rating keeps these fields, each bounded."""

    model_config = _STRICT

    n: int = Field(ge=1, le=100)
    doc_id: Text = Field(max_length=300)
    chunk_id: Text = Field("", max_length=300)
    title: Text | None = Field(None, max_length=500)
    text: Text = Field("", max_length=3000)
    highlight: Highlight | None = None


class RatedAnswer(BaseModel):
    """The part of an `/api/ask` answer that a rating keeps; other fields are accepted and ignored."""

    model_config = _STRICT

    question: Question = Field(max_length=4000)
    answer: Text = Field(max_length=8000)
    abstained: bool = False
    language: Text = Field("", max_length=20)
    backend: Text = Field("", max_length=100)
    citations: list[RatedCitation] = Field(default_factory=list, max_length=10)


class FeedbackRequest(BaseModel):
    """`POST /api/feedback`: a rating of an answer (the JSON `/api/ask` returned), with an optional comment."""

    model_config = _STRICT

    answer: RatedAnswer
    rating: Literal["up", "down"]
    comment: Text = Field("", max_length=2000)
    history: list[Turn] = Field(default_factory=list)


class ChatMessage(BaseModel):
    """An OpenAI chat message (text content only)."""

    model_config = _STRICT

    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: Text = ""


class ChatCompletionRequest(BaseModel):
    """The part of an OpenAI chat-completions request wenda uses; other fields are accepted and ignored."""

    model_config = _STRICT

    model: Text = "wenda"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


_STREAM_PIECE_CHARS = 16


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _wenda_fields(answer: dict) -> dict:
    """The extra fields an OpenAI-compatible response carries: citations and abstention."""
    return {"citations": answer["citations"], "abstained": answer["abstained"]}


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

    def __init__(self, app: ASGIApp, max_bytes: int, prefixes: tuple[str, ...] = ("/api/", "/v1/"),
                 uploads: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = prefixes
        # Paths that take file uploads, with their own (larger) limit for POST bodies.
        self.uploads = uploads or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        limit = self.uploads.get(scope["path"].rstrip("/"), self.max_bytes) if scope["method"] == "POST" \
            else self.max_bytes
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(send, limit)
            return
        received, too_large, refused = 0, False, False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
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
                await self._refuse(send, limit)

        await self.app(scope, counting_receive, replacing_send)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps({"detail": f"request body over {limit} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class BodyReadTimeout:
    """ASGI middleware: a request whose body stops arriving (shorter than its Content-Length, say) gets a 408.

    Each wait for the next piece of the body is timed (a client trickling a byte just inside the limit is
    bounded by the body-size limit, not by this); once the body is complete, receive() is passed through
    untouched (a streaming response waits on it for the client to disconnect).
    """

    def __init__(self, app: ASGIApp, timeout_s: float) -> None:
        self.app = app
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        complete, timed_out, answered = False, False, False

        async def timed_receive() -> Message:
            nonlocal complete, timed_out
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.timeout_s)
            except TimeoutError:
                timed_out = complete = True
                return {"type": "http.request", "body": b"", "more_body": False}
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        async def replacing_send(message: Message) -> None:
            nonlocal answered
            if not timed_out:
                await send(message)
            elif not answered:
                answered = True
                body = json.dumps({"detail": f"request body not received within {self.timeout_s:g} s"}).encode()
                await send({"type": "http.response.start", "status": 408, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, timed_receive, replacing_send)


def validation_error_response(errors: Sequence[Any]) -> JSONResponse:
    """A 422 naming each invalid field and why, never echoing the input (it may not be encodable as JSON:
    an infinite number, an unpaired surrogate)."""
    detail = [{"loc": [str(part) for part in error.get("loc", ())],
               "msg": str(error.get("msg", "invalid")).encode("utf-8", "replace").decode("utf-8"),
               "type": str(error.get("type", "value_error"))} for error in errors]
    return JSONResponse({"detail": detail}, status_code=422)


def storage_unavailable_response(error: StorageUnavailableError) -> JSONResponse:
    """A 503 with the reason: the database failed (nothing was stored)."""
    return JSONResponse({"detail": str(error)}, status_code=503,
                        headers={"Retry-After": str(StorageUnavailableError.retry_after_s)})


def not_ready_response(error: NotReadyError) -> JSONResponse:
    """A 503 with the reason and when to try again (the assistant is loading, or failed to load)."""
    return JSONResponse({"detail": str(error)}, status_code=503,
                        headers={"Retry-After": str(NotReadyError.retry_after_s)})


def busy_response(error: QueueFullError) -> JSONResponse:
    """A 503 saying every answer slot is busy and the queue is full, with when to try again."""
    return JSONResponse({"detail": str(error), "retry_after_s": error.retry_after_s}, status_code=503,
                        headers={"Retry-After": str(error.retry_after_s)})


def failure_response(error: WendaError) -> JSONResponse:
    """A 5xx with the reason for a failure of wenda's own parts or the services it calls (an index built with
    another model, an embeddings server that is down), instead of a bare "Internal Server Error"."""
    logger.error("request failed: %s", error)
    return JSONResponse({"detail": str(error)}, status_code=error.http_status)


def cancelled_response(error: RequestCancelledError) -> JSONResponse:
    """499 (client closed request): nobody reads it, but the log says why the request ended."""
    return JSONResponse({"detail": str(error)}, status_code=499)


T = TypeVar("T")
_END = object()


async def while_connected(request: Request, work: Callable[[], T]) -> T:
    """Run the blocking `work` in a worker thread; if the client disconnects first, the request is cancelled (a
    question waiting for an answer slot leaves the queue, one being written stops)."""
    gone = threading.Event()

    def run() -> T:
        with cancellable(gone):
            return work()

    async def watch() -> None:
        # The body has been read, so the server's receive() now only returns when the client goes away.
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone.set()

    result: Any = None
    failure: Exception | None = None
    async with anyio.create_task_group() as group:
        group.start_soon(watch)
        try:
            result = await anyio.to_thread.run_sync(run)
        except Exception as error:  # re-raised outside the group, unwrapped, for the app's exception handlers
            failure = error
        group.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return result


def streamed_while_connected(events: Iterator[str]) -> AsyncIterator[str]:
    """`events` produced in worker threads for a streaming response; when the client disconnects (Starlette then
    cancels the response), the request is cancelled even while a step is waiting for an answer slot."""
    gone = threading.Event()
    context = contextvars.copy_context()

    def step() -> Any:
        # Every step in one context, so the chain and the model see the request's cancellation.
        with cancellable(gone):
            return next(events, _END)

    async def stream() -> AsyncIterator[str]:
        try:
            while (item := await anyio.to_thread.run_sync(context.run, step, abandon_on_cancel=True)) is not _END:
                yield item
        finally:
            gone.set()

    return stream()


def _busy_event(error: QueueFullError) -> dict[str, Any]:
    return {"detail": str(error), "status": 503, "retry_after_s": error.retry_after_s}


def health_router(service: AssistantService) -> APIRouter:
    """Liveness and readiness; never behind API keys (load balancers call them)."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @router.get("/readyz")
    def readyz() -> JSONResponse:
        """Readiness: the index and the models are loaded (503 with the reason otherwise)."""
        ready, reason = service.status()
        return JSONResponse({"ready": ready, "reason": reason}, status_code=200 if ready else 503)

    return router


class RequestLimits:
    """Checks an ask request against the configured limits, and hands out the assistant for it."""

    def __init__(self, settings: Settings, service: AssistantService) -> None:
        self.limits = settings.server
        self.service = service
        self.slot_wait_s = settings.llm.timeout_s

    def __call__(self, request: AskRequest) -> tuple[Assistant, list[dict[str, str]]]:
        limits = self.limits
        if len(request.question) > limits.max_question_chars:
            raise HTTPException(422, f"question longer than {limits.max_question_chars} characters")
        if len(request.history) > limits.max_history_turns:
            raise HTTPException(422, f"history longer than {limits.max_history_turns} turns")
        if any(len(turn.content) > limits.max_turn_chars for turn in request.history):
            raise HTTPException(422, f"a history turn is longer than {limits.max_turn_chars} characters")
        chain = self.service.get()
        # Refused before retrieval when the model's queue is already full: retrieving for a question that will
        # not be answered takes CPU from the answers being written.
        gate = getattr(chain.chat_model, "gate", None)
        if gate is not None:
            gate.check()
        return chain, [turn.model_dump() for turn in request.history]

    @contextlib.contextmanager
    def admitted(self, request: AskRequest) -> Iterator[tuple[Assistant, list[dict[str, str]]]]:
        """As a call, but holding one of the local model's answer slots for the whole request (retrieval too): a
        burst of questions waits, or is refused, before any work rather than after its retrieval."""
        chain, history = self(request)
        gate = getattr(chain.chat_model, "gate", None)
        if gate is None:
            yield chain, history
            return
        try:
            with gate.held(time.monotonic() + self.slot_wait_s, current_cancellation()):
                yield chain, history
        except AdmissionTimeoutError as error:  # only waiting raises it: the model converts its own
            retry = gate.retry_after_s()
            raise QueueFullError(f"no answer slot became free within {self.slot_wait_s:g} s; try again in "
                                 f"{retry} s", retry) from error


class ConversationLog:
    """Stored conversations as the ask routes use them: the history of a request's conversation, and each
    finished answer appended as a turn (a conversation is started when the request names none)."""

    def __init__(self, settings: Settings, store: ConversationStore) -> None:
        self.store = store
        self.limits = settings.server
        self.keys = api_keys(settings)

    def owner(self, request: Request) -> str:
        """Whose conversations a request may see: those of its API key (everyone's without API keys)."""
        if not self.keys:
            return ""
        return owner_of(request.headers.get("Authorization", "").partition(" ")[2])

    def history(self, ask: AskRequest, owner: str) -> list[dict[str, str]] | None:
        """The stored history of `ask.conversation_id` within the limits (None when the request names none)."""
        if ask.conversation_id is None:
            return None
        if ask.history:
            raise HTTPException(422, "give either `history` or `conversation_id`, not both")
        try:
            turns = self.store.turns(ask.conversation_id, owner)
        except UnknownConversationError as error:
            raise HTTPException(404, str(error)) from error
        if len(turns) >= self.limits.max_conversation_turns:
            raise HTTPException(409, f"the conversation has {len(turns)} turns, the most one may hold; start a new "
                                     "one (ask without `conversation_id`)")
        return history_of(turns, self.limits.max_history_turns, self.limits.max_turn_chars)

    def record(self, conversation_id: str | None, answer: dict, owner: str) -> dict:
        """`answer` with the id of the conversation it was appended to; when storing fails, the answer still
        goes out, with `conversation_id` null and a note saying why."""
        try:
            conversation_id = self.store.record(conversation_id, ConversationTurn.from_answer(answer), owner)
        except (StorageError, UnknownConversationError) as error:
            logger.error("the answer was not stored in its conversation: %s", error)
            return {**answer, "conversation_id": None,
                    "notes": [*answer.get("notes", []), f"the conversation was not stored: {error}"]}
        return {**answer, "conversation_id": conversation_id}


def ask_router(checked: RequestLimits, log: ConversationLog) -> APIRouter:
    """`/api/ask` as JSON and as server-sent events, and the stored conversations they continue."""
    router = APIRouter(tags=["ask"])

    def prepared(request: AskRequest, http: Request) -> tuple[Assistant, list[dict[str, str]], str]:
        """(assistant, history, owner): the stored history when the request names a conversation."""
        owner = log.owner(http)
        chain, history = checked(request)
        stored = log.history(request, owner)
        return chain, history if stored is None else stored, owner

    @router.post("/api/ask")
    async def ask(request: AskRequest, http: Request) -> dict:
        """Answer a question; the body of `wenda ask --json` and the `conversation_id` the turn was stored in
        (pass it back to continue the conversation). 503 with Retry-After when every answer slot is busy and
        the queue is full."""

        def answer() -> dict:
            owner = log.owner(http)
            with checked.admitted(request) as (chain, history):
                stored = log.history(request, owner)
                answered = chain.ask(request.question, history if stored is None else stored, k=request.k)
            return log.record(request.conversation_id, answered.to_json(), owner)

        return await while_connected(http, answer)

    @router.post("/api/ask/stream")
    async def ask_stream(request: AskRequest, http: Request) -> StreamingResponse:
        """Server-sent events: one `passages` event (what was retrieved), `token` events as the LLM writes,
        then one `answer` event (authoritative, with the `conversation_id`). A question refused once the stream
        has begun (the answer slots filled up meanwhile) ends with an `error` event (status 503, retry_after_s)."""
        chain, history, owner = await anyio.to_thread.run_sync(prepared, request, http)

        def events() -> Iterator[str]:
            try:
                for event in chain.stream(request.question, history, k=request.k):
                    if isinstance(event, Retrieved):
                        yield _sse("passages", {"passages": [passage_json(p) for p in event.passages]})
                    elif isinstance(event, Token):
                        yield _sse("token", {"text": event.text})
                    else:
                        yield _sse("answer", log.record(request.conversation_id, event.to_json(), owner))
            except QueueFullError as error:
                yield _sse("error", _busy_event(error))
            except RequestCancelledError:
                raise  # the client is gone: nobody reads an error event
            except WendaError as error:  # the stream has begun: the reason goes out as its last event
                logger.error("streamed answer failed: %s", error)
                yield _sse("error", {"detail": str(error), "status": error.http_status})

        return StreamingResponse(streamed_while_connected(events()), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @router.get("/api/conversations/{conversation_id}")
    def conversation(conversation_id: Annotated[str, Path(pattern=ID_PATTERN)], http: Request) -> dict:
        """The turns of a conversation, oldest first (there is no list of conversations: an id is known only
        to whoever was given it)."""
        try:
            turns = log.store.turns(conversation_id, log.owner(http))
        except UnknownConversationError as error:
            raise HTTPException(404, str(error)) from error
        return {"conversation_id": conversation_id, "turns": [turn.to_json() for turn in turns]}

    @router.delete("/api/conversations/{conversation_id}", status_code=204)
    def forget_conversation(conversation_id: Annotated[str, Path(pattern=ID_PATTERN)], http: Request) -> Response:
        """Delete a conversation and its turns (only the API key that started it may)."""
        try:
            log.store.delete(conversation_id, log.owner(http))
        except UnknownConversationError as error:
            raise HTTPException(404, str(error)) from error
        return Response(status_code=204)

    return router


def openai_router(checked: RequestLimits) -> APIRouter:
    """The OpenAI-compatible chat completions and models routes."""
    router = APIRouter(tags=["openai"])

    @router.post("/v1/chat/completions")
    async def chat_completions(request: ChatCompletionRequest, http: Request) -> Response:
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
        completion_id = f"chatcmpl-{secrets.token_hex(12)}"
        created = int(time.time())
        if not request.stream:
            def ask() -> Any:
                with checked.admitted(ask_request) as (chain, history):
                    return chain.ask(ask_request.question, history)

            answer = await while_connected(http, ask)
            return JSONResponse({
                "id": completion_id, "object": "chat.completion", "created": created, "model": request.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                **_wenda_fields(answer.to_json()),
            })

        chain, history = await anyio.to_thread.run_sync(checked, ask_request)

        def chunks() -> Iterator[str]:
            def chunk(delta: dict, finish: str | None = None, extra: dict | None = None) -> str:
                body = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                        "model": request.model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                        **(extra or {})}
                return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

            def error_chunk(error: Exception, kind: str, code: int, **extra: object) -> str:
                body = {"message": str(error), "type": kind, "code": code, **extra}
                return f"data: {json.dumps({'error': body}, ensure_ascii=False)}\n\n"

            yield chunk({"role": "assistant", "content": ""})
            try:
                answer = chain.ask(ask_request.question, history).to_json()
            except QueueFullError as error:  # the stream has begun: OpenAI's clients read an error chunk
                yield error_chunk(error, "server_busy", 503, retry_after_s=error.retry_after_s)
                return
            except RequestCancelledError:
                raise  # the client is gone: nobody reads an error chunk
            except WendaError as error:  # as on /api/ask/stream: the reason, not a cut-off stream
                logger.error("streamed completion failed: %s", error)
                yield error_chunk(error, "server_error", error.http_status)
                return
            for start in range(0, len(answer["answer"]), _STREAM_PIECE_CHARS):
                yield chunk({"content": answer["answer"][start:start + _STREAM_PIECE_CHARS]})
            yield chunk({}, "stop", _wenda_fields(answer))
            yield "data: [DONE]\n\n"

        return StreamingResponse(streamed_while_connected(chunks()), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})

    @router.get("/v1/models")
    def models() -> dict:
        """The one model this endpoint serves."""
        return {"object": "list", "data": [{"id": "wenda", "object": "model", "owned_by": "wenda"}]}

    return router


def sources_router(settings: Settings, service: AssistantService) -> APIRouter:
    """Whole articles and ranked passages (no LLM)."""
    router = APIRouter(tags=["sources"])
    max_query = settings.server.max_question_chars

    @router.get("/api/sources/{doc_id:path}")
    def source(doc_id: str) -> dict:
        """A whole article: metadata and its text as shown (citation offsets point into `text`)."""
        article = service.get().index.article(doc_id)
        if article is None:
            raise HTTPException(404, f"no article {doc_id!r}")
        return {"doc_id": article.doc_id, "title": article.title, "date": article.date, "source": article.source,
                "author": article.author, "url": article.url, "region": article.region, "type": article.file_type,
                "pages": [{"page": n, "start": start} for n, start in enumerate(article.page_starts, start=1)],
                "text": article.text}

    @router.get("/api/search")
    def search(q: Annotated[str, Query(min_length=1)], k: Annotated[int, Query(ge=1, le=50)] = 5
               ) -> dict[str, object]:
        """Ranked passages for a query (no LLM)."""
        if len(q) > max_query:
            raise HTTPException(422, f"query longer than {max_query} characters")
        if not q.strip():
            raise HTTPException(422, "the query is empty")
        docs = service.get().retriever.invoke(q, k=k)
        return {"query": q, "hits": [
            {"rank": n, "score": d.metadata["score"], "chunk_id": d.metadata["chunk_id"],
             "doc_id": d.metadata["doc_id"], "title": d.metadata["title"], "text": d.page_content}
            for n, d in enumerate(docs, start=1)]}

    return router


def feedback_router(settings: Settings, feedback: FeedbackStore) -> APIRouter:
    """Ratings of answers."""
    router = APIRouter(tags=["feedback"])
    max_turns = settings.server.max_history_turns

    @router.post("/api/feedback", status_code=201)
    def rate(request: FeedbackRequest) -> dict[str, int]:
        """Store a thumbs up/down (and comment) on an answer; `wenda feedback export` turns them into gold items."""
        history = [turn.model_dump() for turn in request.history[-max_turns:]]
        rated = request.answer.model_dump(exclude_none=True)
        return {"id": feedback.record(rated, request.rating == "up", request.comment, history)}

    return router


def api_router(settings: Settings, service: AssistantService, feedback: FeedbackStore,
               extra: Sequence[APIRouter] = (), conversations: ConversationStore | None = None) -> APIRouter:
    """Every API route: the health checks open, the rest (and `extra`) behind API keys when keys are configured.
    Conversations are kept in the feedback's database unless `conversations` is given."""
    checked = RequestLimits(settings, service)
    log = ConversationLog(settings, conversations or ConversationStore(feedback.database))
    protected = APIRouter(dependencies=[Depends(require_api_key(settings))])
    for router in (ask_router(checked, log), openai_router(checked), sources_router(settings, service),
                   feedback_router(settings, feedback), *extra):
        protected.include_router(router)
    router = health_router(service)
    router.include_router(protected)
    return router
