"""Queueing and timeouts of the local chat model, around a stand-in for the xllamacpp server."""

from __future__ import annotations

import threading

import pytest
from langchain_core.messages import HumanMessage

from assistant.llm import LLMUnavailableError, LocalGGUFChat


class FakeStreamingServer:
    """Stand-in for xllamacpp.Server in this unit test: streams two pieces, records each request."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    def handle_chat_completions(self, request: dict, callback) -> None:
        self.requests.append(request)
        for piece in ("19", "名"):
            callback({"choices": [{"index": 0, "delta": {"content": piece}}]})


def model_with(server: FakeStreamingServer, timeout_s: float = 5.0) -> LocalGGUFChat:
    model = LocalGGUFChat(model_path="unused.gguf", timeout_s=timeout_s)
    model._server = server
    return model


def test_tokens_stream_through():
    server = FakeStreamingServer()
    pieces = [c.content for c in model_with(server).stream([HumanMessage("q")]) if c.content]
    assert pieces == ["19", "名"]
    assert server.requests[0]["stream"] is True and server.requests[0]["messages"][0]["role"] == "user"


def test_a_request_that_times_out_in_the_queue_never_reaches_the_model():
    server = FakeStreamingServer()
    model = model_with(server, timeout_s=0.2)
    model._turn.acquire()  # another request is generating
    with pytest.raises(LLMUnavailableError, match="did not finish"):
        model.invoke([HumanMessage("waits too long")])
    model._turn.release()
    assert model.invoke([HumanMessage("next")]).content == "19名"
    assert [r["messages"][0]["content"] for r in server.requests] == ["next"]


def test_a_missing_model_file_is_reported():
    with pytest.raises(LLMUnavailableError, match="wenda models fetch"):
        LocalGGUFChat(model_path="/nonexistent/model.gguf").load()


def test_requests_are_served_one_at_a_time():
    server = FakeStreamingServer()
    model = model_with(server)
    results: list[str] = []
    threads = [threading.Thread(target=lambda i=i: results.append(model.invoke([HumanMessage(str(i))]).content))
               for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == ["19名"] * 4 and len(server.requests) == 4
