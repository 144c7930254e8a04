"""Slots, queueing, cancellation and timeouts of the local chat model, around a stand-in for the xllamacpp server.

The stand-in replaces only llama.cpp (this is a unit test of the code around it); the real model runs in
test_chain.py and test_backends.py.
"""

from __future__ import annotations

import threading

import pytest
from langchain_core.messages import HumanMessage

from assistant.admission import QueueFullError, RequestCancelledError, cancellable
from assistant.llm import LLMUnavailableError, LocalGGUFChat
from tests.assistant.llm_stand_in import FakeStreamingServer, wait_until


def model_with(server: FakeStreamingServer, timeout_s: float = 5.0, parallel: int = 1, max_queue: int = 4
               ) -> LocalGGUFChat:
    model = LocalGGUFChat(model_path="unused.gguf", timeout_s=timeout_s, parallel=parallel, max_queue=max_queue)
    model._server = server
    return model


def in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def test_tokens_stream_through():
    server = FakeStreamingServer()
    pieces = [c.content for c in model_with(server).stream([HumanMessage("q")]) if c.content]
    assert pieces == ["19", "名"]
    assert server.requests[0]["stream"] is True and server.requests[0]["messages"][0]["role"] == "user"


def test_parallel_requests_generate_at_once_and_no_more():
    release = threading.Event()
    server = FakeStreamingServer(release=release)
    model = model_with(server, parallel=3, max_queue=4)
    results: list[str] = []
    threads = [in_thread(lambda i=i: results.append(model.invoke([HumanMessage(str(i))]).content)) for i in range(5)]
    wait_until(lambda: server.running == 3 and model.gate.waiting == 2)
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert results == ["19名"] * 5 and server.most_running == 3 and model.gate.active == 0


def test_beyond_the_queue_bound_a_request_is_refused_not_queued():
    release = threading.Event()
    server = FakeStreamingServer(release=release)
    model = model_with(server, parallel=1, max_queue=1)
    generating = in_thread(lambda: model.invoke([HumanMessage("first")]))
    wait_until(lambda: server.running == 1)
    queued = in_thread(lambda: model.invoke([HumanMessage("second")]))
    wait_until(lambda: model.gate.waiting == 1)
    with pytest.raises(QueueFullError) as refused:
        model.invoke([HumanMessage("third")])
    assert refused.value.retry_after_s >= 1
    release.set()
    generating.join(timeout=10)
    queued.join(timeout=10)
    assert [r["messages"][0]["content"] for r in server.requests] == ["first", "second"]


def test_a_request_that_times_out_in_the_queue_never_reaches_the_model():
    release = threading.Event()
    server = FakeStreamingServer(release=release)
    model = model_with(server, timeout_s=0.3, parallel=1)
    slow_outcome: list[BaseException] = []

    def slow() -> None:
        try:
            model.invoke([HumanMessage("slow")])
        except LLMUnavailableError as error:  # it outlives the short timeout too
            slow_outcome.append(error)

    generating = in_thread(slow)
    wait_until(lambda: server.running == 1)
    with pytest.raises(LLMUnavailableError, match="did not finish"):
        model.invoke([HumanMessage("waits too long")])
    assert model.gate.waiting == 0
    release.set()
    generating.join(timeout=10)
    assert [r["messages"][0]["content"] for r in server.requests] == ["slow"]


def test_a_cancelled_waiting_request_leaves_the_queue():
    release = threading.Event()
    server = FakeStreamingServer(release=release)
    model = model_with(server, parallel=1)
    generating = in_thread(lambda: model.invoke([HumanMessage("first")]))
    wait_until(lambda: server.running == 1)
    gone = threading.Event()
    outcome: list[BaseException] = []

    def ask_then_disconnect() -> None:
        with cancellable(gone):
            try:
                model.invoke([HumanMessage("client leaves")])
            except RequestCancelledError as error:
                outcome.append(error)

    waiting = in_thread(ask_then_disconnect)
    wait_until(lambda: model.gate.waiting == 1)
    gone.set()
    waiting.join(timeout=5)
    assert outcome and model.gate.waiting == 0
    release.set()
    generating.join(timeout=10)
    assert [r["messages"][0]["content"] for r in server.requests] == ["first"]


def test_a_stream_closed_early_stops_the_generation_and_frees_the_slot():
    pace = threading.Semaphore(1)
    server = FakeStreamingServer(pieces=tuple(str(n) for n in range(100)), pace=pace)
    model = model_with(server, parallel=1)
    stream = model.stream([HumanMessage("count")])
    assert next(stream).content == "0"
    stream.close()
    pace.release()  # the model writes its next piece and hears that nobody wants it
    wait_until(lambda: model.gate.active == 0)
    assert server.stopped_early == 1 and len(server.requests) == 1
    server.pace = None
    assert model.invoke([HumanMessage("next")]).content == "".join(str(n) for n in range(100))


def test_a_model_error_is_reported():
    class FailingServer(FakeStreamingServer):
        def handle_chat_completions(self, request: dict, callback) -> None:
            callback({"error": {"code": 400, "message": "the request exceeds the available context size"}})

    model = model_with(FailingServer())
    with pytest.raises(LLMUnavailableError, match="exceeds the available context size"):
        model.invoke([HumanMessage("long")])
    assert model.gate.active == 0


def test_a_missing_model_file_is_reported():
    with pytest.raises(LLMUnavailableError, match="wenda models fetch"):
        LocalGGUFChat(model_path="/nonexistent/model.gguf").load()


def test_a_request_that_holds_a_slot_does_not_queue_again_for_the_model():
    server = FakeStreamingServer()
    model = model_with(server, parallel=1, max_queue=0)
    with model.gate.held():
        assert model.invoke([HumanMessage("inside")]).content == "19名"  # would wait for itself otherwise
        assert model.gate.active == 1
    assert model.gate.active == 0
