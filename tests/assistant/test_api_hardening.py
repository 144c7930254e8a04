"""Bad and hostile requests get a 4xx with a reason, never a 500 or a hang (no models needed: every request
here is refused before the assistant is asked, so the app is built with a factory that must not be called)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

from assistant.server import create_app
from tests.conftest import make_settings


def _never_called():
    raise AssertionError("a refused request reached the assistant")


@pytest.fixture
def client(tmp_path):
    settings = make_settings(tmp_path / "corpus", tmp_path / "index")
    with TestClient(create_app(settings, load_on_start=False, chat=False, factory=_never_called)) as client:
        yield client


@pytest.mark.parametrize("body", [
    b'{"question": "ok?", "k": 1e400}',  # a number JSON cannot echo back (infinity)
    b'{"question": "\\ud800"}',  # an unpaired surrogate
    b'{"question": "   \\n\\t "}',  # only whitespace
    b'{"question": "ok?", "k": "5"}',  # strings are not numbers
    b'{"question": "ok?", "k": true}',  # nor booleans
    b'{"question": "ok?", "history": [{"role": "user", "content": "\\udfff"}]}',
])
def test_invalid_ask_bodies_are_422_with_a_reason(client, body):
    response = client.post("/api/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail and all("input" not in error and error["msg"] for error in detail)


def test_strict_types_in_the_openai_route(client):
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}],
                                                          "stream": "yes"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "stream"


def test_feedback_citations_are_bounded(client):
    answer = {"question": "q?", "answer": "a", "citations": [{"n": 1, "doc_id": "d", "text": "长" * 3001}]}
    response = client.post("/api/feedback", json={"answer": answer, "rating": "up"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "text"
    answer["citations"] = [{"n": 1, "doc_id": "d", "text": "短"}] * 11
    assert client.post("/api/feedback", json={"answer": answer, "rating": "up"}).status_code == 422
    answer["citations"] = [{"n": "1", "doc_id": "d"}]  # strict: a string is not a number
    assert client.post("/api/feedback", json={"answer": answer, "rating": "up"}).status_code == 422


def test_docs_are_closed_when_api_keys_are_set(tmp_path):
    settings = make_settings(tmp_path / "corpus", tmp_path / "index").model_copy(update={"api_keys": "k1"})
    with TestClient(create_app(settings, load_on_start=False, chat=False, factory=_never_called)) as client:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert client.get(path).status_code == 404
        assert client.get("/healthz").status_code == 200


def test_the_chats_own_schema_is_closed_when_api_keys_are_set(tmp_path):
    # Gradio's app, mounted at / and /embed, serves an OpenAPI schema of its own that its login does not cover.
    settings = make_settings(tmp_path / "corpus", tmp_path / "index").model_copy(update={"api_keys": "k1"})
    with TestClient(create_app(settings, load_on_start=False, chat=True, factory=_never_called)) as client:
        for path in ("/openapi.json", "/docs", "/embed/openapi.json", "/embed/docs"):
            assert client.get(path).status_code == 404, path
        assert client.get("/healthz").status_code == 200


def test_a_body_shorter_than_its_length_gets_408_not_a_hang(tmp_path):
    settings = make_settings(tmp_path / "corpus", tmp_path / "index")
    settings = settings.model_copy(update={"server": settings.server.model_copy(update={"body_read_timeout_s": 1.0})})
    app = create_app(settings, load_on_start=False, chat=False, factory=_never_called)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 100\r\n\r\n{\"question\": ")
            started = time.monotonic()
            # Headers and body may come in separate packets; the server closes the connection after them.
            received = b""
            while chunk := connection.recv(4096):
                received += chunk
            reply = received.decode()
        assert reply.startswith("HTTP/1.1 408") and "not received" in reply
        assert time.monotonic() - started < 8
    finally:
        server.should_exit = True
        thread.join(10)


class _StandInAssistantWhoseEmbeddingsServerIsDown:
    """Unit-test stand-in for the chain: every question fails the way a down embeddings server fails it."""

    chat_model = None
    backend = "extractive"

    class index:  # the one attribute the service touches
        @staticmethod
        def withdraw(doc_ids):
            pass

    def warm_up(self):
        pass

    def ask(self, *args, **kwargs):
        from indexing.openai_embeddings import EmbeddingServerError

        raise EmbeddingServerError("cannot reach the embeddings server http://127.0.0.1:9/v1")

    def stream(self, *args, **kwargs):
        yield from ()
        self.ask()


def test_a_failing_embeddings_server_is_a_503_with_its_reason_not_a_bare_500(tmp_path):
    settings = make_settings(tmp_path / "corpus", tmp_path / "index")
    app = create_app(settings, load_on_start=False, chat=False,
                     factory=_StandInAssistantWhoseEmbeddingsServerIsDown)
    with TestClient(app) as client:
        response = client.post("/api/ask", json={"question": "有多少？"})
        assert response.status_code == 503 and "embeddings server" in response.json()["detail"]
        streamed = client.post("/api/ask/stream", json={"question": "有多少？"}).text
        assert "event: error" in streamed and "embeddings server" in streamed and '"status": 503' in streamed
        completion = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "有多少？"}],
                                                               "stream": True}).text
        assert '"error"' in completion and "embeddings server" in completion and '"code": 503' in completion
