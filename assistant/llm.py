"""LLM backends behind LangChain's chat-model interface: local GGUF via xllamacpp, or OpenAI-compatible."""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from assistant.fairlock import FairLock
from assistant.settings import LLMConfig
from indexing.errors import WendaError

logger = logging.getLogger(__name__)

_ROLES = {"human": "user", "ai": "assistant", "system": "system"}
_DONE = object()


class LLMUnavailableError(WendaError):
    """The configured LLM cannot be used (missing model, server down, timeout)."""


def to_openai_messages(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages as OpenAI chat messages."""
    return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]


class LocalGGUFChat(BaseChatModel):
    """A GGUF model run in-process by xllamacpp (llama.cpp), loaded once on first use.

    Requests run one at a time in arrival order (one model, two cores: a FairLock); streaming yields
    tokens as the model produces them. The timeout counts from the request, queueing included.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    context_tokens: int = 4096
    threads: int = 2
    max_tokens: int = 160
    temperature: float = 0.0
    timeout_s: float = 60.0

    _server: Any = PrivateAttr(default=None)
    _load_lock: Any = PrivateAttr(default_factory=threading.Lock)
    _turn: Any = PrivateAttr(default_factory=FairLock)

    @property
    def _llm_type(self) -> str:
        return "xllamacpp-gguf"

    @property
    def loaded(self) -> bool:
        """True once the model is in memory."""
        return self._server is not None

    def load(self) -> Any:
        """Load the model (once per process)."""
        with self._load_lock:
            if self._server is None:
                if not os.path.isfile(self.model_path):
                    raise LLMUnavailableError(f"no GGUF model at {self.model_path}; run `wenda models fetch`")
                import xllamacpp

                started = time.perf_counter()
                params = xllamacpp.CommonParams()
                params.model.path = self.model_path
                params.n_ctx = self.context_tokens
                params.cpuparams.n_threads = self.threads
                params.cpuparams_batch.n_threads = self.threads
                params.n_parallel = 1
                params.verbosity = -1
                self._server = xllamacpp.Server(params)
                logger.info("loaded %s in %.1f s", self.model_path, time.perf_counter() - started)
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
        tokens: queue.Queue[Any] = queue.Queue()
        abandoned = threading.Event()

        def produce() -> None:
            try:
                with self._turn:
                    if abandoned.is_set():
                        return  # the caller timed out while queued: do not spend the model on nobody
                    result = server.handle_chat_completions(request, tokens.put)
                if isinstance(result, dict) and "error" in result:
                    tokens.put(LLMUnavailableError(str(result["error"])))
            except Exception as error:  # the worker must always release the consumer
                tokens.put(error)
            finally:
                tokens.put(_DONE)

        threading.Thread(target=produce, daemon=True, name="llm-generate").start()
        deadline = time.monotonic() + self.timeout_s
        try:
            yield from self._consume(tokens, deadline, run_manager)
        finally:
            abandoned.set()  # timed out, failed or closed early: a queued request need not run

    def _consume(self, tokens: queue.Queue[Any], deadline: float, run_manager: CallbackManagerForLLMRun | None
                 ) -> Iterator[ChatGenerationChunk]:
        while True:
            try:
                item = tokens.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty as error:
                raise LLMUnavailableError(f"the local model did not finish within {self.timeout_s:.0f} s") from error
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise LLMUnavailableError(str(item)) from item
            if isinstance(item, dict) and "error" in item:
                raise LLMUnavailableError(str(item["error"]))
            for choice in (item.get("choices") or []) if isinstance(item, dict) else []:
                piece = (choice.get("delta") or {}).get("content")
                if piece:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                    if run_manager:
                        run_manager.on_llm_new_token(piece, chunk=chunk)
                    yield chunk


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
    return LocalGGUFChat(model_path=model_path, context_tokens=config.context_tokens, threads=config.threads,
                         max_tokens=config.max_tokens, temperature=config.temperature, timeout_s=config.timeout_s)
