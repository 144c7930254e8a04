"""A full model queue over real HTTP: 503 with Retry-After on every ask route, a waiting request leaves the queue
when its client gives up, and the chat says it is busy.

The real server, index and embedding model run; only llama.cpp is replaced by a stand-in that holds its slot until
released (the real model cannot be made to stay busy on cue).
"""

from __future__ import annotations

import threading
from types import SimpleNamespace

import httpx
import pytest

from assistant.admission import AdmissionGate, QueueFullError
from assistant.api import AskRequest, RequestLimits
from assistant.components import assistant
from assistant.llm import LocalGGUFChat
from assistant.server import create_app
from assistant.service import AssistantService
from assistant.ui.chat import ChatHandlers
from tests.assistant.llm_stand_in import FakeStreamingServer, wait_until
from tests.conftest import indexed_small_corpus, make_settings
from tests.live import serve

QUESTION = "乌兰县共有多少个行政村？"


@pytest.fixture(scope="module")
def stand_in():
    return FakeStreamingServer(release=threading.Event())


@pytest.fixture(scope="module")
def busy_model(stand_in):
    model = LocalGGUFChat(model_path="unused.gguf", parallel=1, max_queue=1, timeout_s=60)
    model._server = stand_in
    return model


@pytest.fixture(scope="module")
def busy_settings(tmp_path_factory, real_embeddings):
    return indexed_small_corpus(tmp_path_factory.mktemp("busy"), real_embeddings)


@pytest.fixture(scope="module")
def base_url(busy_settings, real_embeddings, busy_model, stand_in):
    stand_in.release.set()  # the warm-up at start passes
    factory = lambda: assistant(busy_settings, embeddings=real_embeddings, llm=busy_model)  # noqa: E731
    yield from serve(create_app(busy_settings, chat=False, factory=factory))


def ask_in_thread(url: str, question: str, timeout_s: float = 60) -> tuple[threading.Thread, list]:
    """POST /api/ask from a thread; the list receives the response or the client's error."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(httpx.post(f"{url}/api/ask", json={"question": question}, timeout=timeout_s))
        except httpx.HTTPError as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@pytest.fixture
def full_queue(base_url, busy_model, stand_in):
    """One question generating (held by the stand-in), one waiting: the queue of one is full."""
    stand_in.release.clear()
    seen = len(stand_in.requests)
    generating, first = ask_in_thread(base_url, QUESTION)
    wait_until(lambda: stand_in.running == 1, timeout_s=60)
    waiting, second = ask_in_thread(base_url, "乌兰县资助了多少名贫困学生？")
    wait_until(lambda: busy_model.gate.waiting == 1, timeout_s=60)
    yield base_url
    stand_in.release.set()
    generating.join(timeout=60)
    waiting.join(timeout=60)
    assert [r.status_code for r in first + second] == [200, 200]
    assert len(stand_in.requests) == seen + 2


def test_every_ask_route_answers_503_with_retry_after_when_the_queue_is_full(full_queue):
    message = {"messages": [{"role": "user", "content": QUESTION}]}
    refused = [
        httpx.post(f"{full_queue}/api/ask", json={"question": QUESTION}, timeout=10),
        httpx.post(f"{full_queue}/api/ask/stream", json={"question": QUESTION}, timeout=10),
        httpx.post(f"{full_queue}/v1/chat/completions", json=message, timeout=10),
        httpx.post(f"{full_queue}/v1/chat/completions", json={**message, "stream": True}, timeout=10),
    ]
    for response in refused:
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) >= 1
        assert "busy" in response.json()["detail"]
    assert httpx.get(f"{full_queue}/readyz").status_code == 200  # busy is not unready


def test_a_waiting_request_whose_client_gives_up_leaves_the_queue(base_url, busy_model, stand_in):
    stand_in.release.clear()
    seen = len(stand_in.requests)
    generating, first = ask_in_thread(base_url, QUESTION)
    wait_until(lambda: stand_in.running == 1, timeout_s=60)
    impatient, gave_up = ask_in_thread(base_url, "乌兰县资助了多少名贫困学生？", timeout_s=3)
    wait_until(lambda: busy_model.gate.waiting == 1, timeout_s=60)
    impatient.join(timeout=30)
    assert isinstance(gave_up[0], httpx.TimeoutException)
    wait_until(lambda: busy_model.gate.waiting == 0)  # the server noticed the disconnect
    stand_in.release.set()
    generating.join(timeout=60)
    assert first[0].status_code == 200
    assert len(stand_in.requests) == seen + 1  # the abandoned question never reached the model


def test_the_chat_says_it_is_busy_and_keeps_the_question(full_queue, busy_settings, busy_model, real_embeddings,
                                                         tmp_path):
    from assistant.feedback import FeedbackStore

    service = AssistantService(busy_settings, factory=lambda: assistant(busy_settings, embeddings=real_embeddings,
                                                                       llm=busy_model))
    handlers = ChatHandlers(busy_settings, service, FeedbackStore(tmp_path / "feedback.sqlite3"))
    *_, (messages, _, question_box, turns, _, conversation) = handlers.respond(QUESTION, [], [], {})
    assert "busy" in messages[-1]["content"] and "秒后再问" in messages[-1]["content"]
    assert question_box == QUESTION and turns == [] and conversation is None


class OneAssistant:
    """Stand-in for the assistant service: hands out an assistant whose model has `gate`."""

    def __init__(self, gate) -> None:
        self.assistant = SimpleNamespace(chat_model=SimpleNamespace(gate=gate))

    def get(self):
        return self.assistant


def test_a_question_that_waits_too_long_for_a_slot_is_refused_as_busy(tmp_path):
    gate = AdmissionGate(slots=1, max_waiting=1)
    holder = gate.enter()
    settings = make_settings(tmp_path / "corpus", tmp_path / "index")
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"timeout_s": 0.2})})
    limits = RequestLimits(settings, OneAssistant(gate))
    with pytest.raises(QueueFullError, match=r"within 0\.2 s") as refused, limits.admitted(AskRequest(question="q")):
        pass
    assert refused.value.retry_after_s >= 1 and gate.waiting == 0
    gate.leave(holder)
    with limits.admitted(AskRequest(question="q")) as (chain, history):
        assert gate.active == 1 and chain.chat_model.gate is gate and history == []
    assert gate.active == 0
