"""LLM backends behind LangChain's chat-model interface: local GGUF via xllamacpp, or OpenAI-compatible."""

from __future__ import annotations

import logging
import os
import queue
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, PrivateAttr

from assistant.admission import (
    AdmissionGate,
    AdmissionTimeoutError,
    RequestCancelledError,
    current_cancellation,
)
from assistant.settings import LLMConfig
from indexing.errors import WendaError

logger = logging.getLogger(__name__)

_ROLES = {"human": "user", "ai": "assistant", "system": "system"}
_DONE = object()
# How often a request being answered looks at its cancellation event.
_CANCEL_POLL_S = 0.2


class LLMUnavailableError(WendaError):
    """The configured LLM cannot be used (missing model, server down, timeout)."""

    http_status = 503


def to_openai_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages as OpenAI chat messages."""
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


@dataclass(frozen=True)
class GGUFServing:
    """How llama.cpp serves a GGUF model, in this process or as an OpenAI-compatible server (`assistant.llm_server`).

    `context_tokens` is each request's context: llama.cpp splits its KV cache evenly between the `parallel` slots,
    so the cache holds `parallel * context_tokens` tokens. A unified cache would let one request use more, but when
    the requests in flight together outgrow it llama.cpp fails all of them; split, a too-long prompt fails alone
    and at once.
    """

    model_path: str
    context_tokens: int = 1536
    threads: int = 2
    parallel: int = 4
    prompt_cache_mib: int = 64
    # llama.cpp can copy the weights into a CPU-specific layout; here that cost ~600 MB of RAM beside the mapped
    # file for no measurable speed (prompt ~66 tokens/s either way on 2 cores), so they are used in place.
    repack_weights: bool = False

    @classmethod
    def from_config(cls, config: LLMConfig, model_path: str) -> GGUFServing:
        """The serving parameters `config` sets for the model at `model_path`."""
        return cls(model_path=model_path, **{f.name: getattr(config, f.name) for f in fields(cls)
                                             if f.name != "model_path"})

    def params(self, host: str = "127.0.0.1", port: int = 0, api_keys: list[str] | None = None) -> Any:
        """xllamacpp's CommonParams for this model (continuous batching on); `host`/`port` for its HTTP listener
        (port 0: a free one), which only answers requests bearing one of `api_keys` (none: any request)."""
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = self.model_path
        params.n_parallel = self.parallel
        params.n_ctx = self.context_tokens * self.parallel
        params.kv_unified = False
        params.cont_batching = True
        params.cache_ram_mib = self.prompt_cache_mib
        params.no_extra_bufts = not self.repack_weights
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        params.verbosity = -1
        params.hostnames = [host]
        params.port = port
        params.api_keys = list(api_keys or [])
        return params


class LocalGGUFChat(BaseChatModel):
    """A GGUF model run in-process by xllamacpp (llama.cpp), loaded once on first use.

    Up to `parallel` requests generate at once (llama.cpp slots with continuous batching: the answers being
    written share each decoding step); up to `max_queue` more wait in arrival order, and beyond that a request is
    refused with QueueFullError. Streaming yields tokens as the model produces them. The timeout counts from
    the request, queueing included; a request whose caller gives up (timeout, closed stream, cancelled client)
    leaves the queue or stops generating.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    context_tokens: int = 1536
    threads: int = 2
    parallel: int = Field(4, ge=1)
    max_queue: int = Field(8, ge=0)
    prompt_cache_mib: int = 64
    repack_weights: bool = False
    max_tokens: int = 160
    temperature: float = 0.0
    timeout_s: float = 60.0

    _server: Any = PrivateAttr(default=None)
    _load_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _gate: AdmissionGate = PrivateAttr()

    def model_post_init(self, context: Any, /) -> None:
        """The admission gate sized from the fields (after LangChain's own post-init)."""
        super().model_post_init(context)
        self._gate = AdmissionGate(self.parallel, self.max_queue)

    @property
    def _llm_type(self) -> str:
        return "xllamacpp-gguf"

    @property
    def loaded(self) -> bool:
        """True once the model is in memory."""
        return self._server is not None

    @property
    def gate(self) -> AdmissionGate:
        """The admission gate in front of the model (how many generate and wait)."""
        return self._gate

    def serving(self) -> GGUFServing:
        """How this model is served by llama.cpp."""
        return GGUFServing(**{f.name: getattr(self, f.name) for f in fields(GGUFServing)})

    def load(self) -> Any:
        """Load the model (once per process)."""
        with self._load_lock:
            if self._server is None:
                if not os.path.isfile(self.model_path):
                    raise LLMUnavailableError(f"no GGUF model at {self.model_path}; run `wenda models fetch`")
                import xllamacpp

                started = time.perf_counter()
                # xllamacpp always opens an HTTP listener too; a random key keeps other local processes (and web
                # pages: its CORS is open) off the model this process answers with.
                params = self.serving().params(api_keys=[secrets.token_urlsafe(24)])
                self._server = xllamacpp.Server(params)
                logger.info("loaded %s in %.1f s (%d slots of %d tokens)", self.model_path,
                            time.perf_counter() - started, self.parallel, self.context_tokens)
            return self._server

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        request = {"messages": to_openai_messages(messages),
                   "max_tokens": kwargs.get("max_tokens", self.max_tokens),
                   "temperature": kwargs.get("temperature", self.temperature)}
        if stop:
            request["stop"] = stop
        return request

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        server = self.load()
        request = {**self._request(messages, stop, **kwargs), "stream": True}
        deadline = time.monotonic() + self.timeout_s
        cancelled = current_cancellation()
        # A request admitted as a whole (the API does that) already holds its slot.
        queued = not self._gate.holds_here()
        try:
            entered = self._gate.enter(deadline, cancelled) if queued else time.monotonic()
        except AdmissionTimeoutError as error:
            raise LLMUnavailableError(f"the local model did not finish within {self.timeout_s:g} s "
                                      f"(all {self.parallel} slots stayed busy)") from error
        tokens: queue.Queue[Any] = queue.Queue()
        abandoned = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            tokens.put(chunk)
            return abandoned.is_set()  # True stops the generation and frees the llama.cpp slot

        def produce() -> None:
            try:
                result = server.handle_chat_completions(request, on_chunk)
                if isinstance(result, dict) and "error" in result:
                    tokens.put(LLMUnavailableError(str(result["error"])))
            except Exception as error:  # the worker must always release the consumer
                tokens.put(error)
            finally:
                # The slot is given back only when llama.cpp has let go of it, so no more than `parallel`
                # requests ever run there.
                if queued:
                    self._gate.leave(entered)
                tokens.put(_DONE)

        try:
            threading.Thread(target=produce, daemon=True, name="llm-generate").start()
        except BaseException:
            if queued:
                self._gate.leave(entered)
            raise
        try:
            yield from self._consume(tokens, deadline, run_manager, cancelled)
        finally:
            abandoned.set()  # timed out, failed, cancelled or closed early: stop generating for nobody

    def _consume(self, tokens: queue.Queue[Any], deadline: float, run_manager: CallbackManagerForLLMRun | None,
                 cancelled: threading.Event | None = None) -> Iterator[ChatGenerationChunk]:
        while True:
            if cancelled is not None and cancelled.is_set():
                raise RequestCancelledError("the client went away while its answer was written")
            remaining = deadline - time.monotonic()
            try:
                item = tokens.get(timeout=max(0.01, min(remaining, _CANCEL_POLL_S)))
            except queue.Empty as error:
                if remaining > _CANCEL_POLL_S:
                    continue
                raise LLMUnavailableError(f"the local model did not finish within {self.timeout_s:g} s") from error
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise LLMUnavailableError(str(item)) from item
            if isinstance(item, dict) and "error" in item:
                raise LLMUnavailableError(_error_message(item["error"]))
            if isinstance(item, dict) and item.get("timings"):
                timings = item["timings"]
                logger.debug("prompt %s tokens (%s cached), %s generated", timings.get("prompt_n"),
                             timings.get("cache_n"), timings.get("predicted_n"))
            for choice in (item.get("choices") or []) if isinstance(item, dict) else []:
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                    if run_manager:
                        run_manager.on_llm_new_token(piece, chunk=chunk)
                    yield chunk


def _error_message(error: Any) -> str:
    """llama.cpp's error text ({"message": ...} or a plain string)."""
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return str(error)


def build_chat_model(config: LLMConfig, model_path: str | None) -> BaseChatModel | None:
    """The configured chat model; None for the extractive backend."""
    if config.backend == "extractive":
        return None
    if config.backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(base_url=config.base_url, api_key=config.api_key, model=config.openai_model,
                          temperature=config.temperature, max_completion_tokens=config.max_tokens,
                          timeout=config.timeout_s, max_retries=1)
    if model_path is None:
        raise LLMUnavailableError("no local model path")
    return LocalGGUFChat(**asdict(GGUFServing.from_config(config, model_path)), max_queue=config.max_queue,
                         max_tokens=config.max_tokens, temperature=config.temperature, timeout_s=config.timeout_s)
