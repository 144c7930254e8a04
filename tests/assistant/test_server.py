"""The server and its HTTP API through FastAPI's test client, over the real index (extractive backend,
so these tests need no LLM; the chain with the LLM is tested in test_chain.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from assistant.components import assistant
from assistant.feedback import FeedbackStore
from assistant.server import create_app
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def api_settings(built_index):
    settings, _ = built_index
    return settings.model_copy(update={"llm": settings.llm.model_copy(update={"backend": "extractive"})})


@pytest.fixture(scope="module")
def client(api_settings):
    with TestClient(create_app(api_settings, load_on_start=False)) as client:
        yield client


def test_health_chat_pages_and_search(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    for path in ("/", "/embed/"):
        page = client.get(path)
        assert page.status_code == 200 and "gradio" in page.text
        assert "x-frame-options" not in page.headers  # the embed page must load inside an intranet iframe
    config = client.get("/config").json()
    assert config["analytics_enabled"] is False and config["title"] == "wenda 问答"
    hits = client.get("/api/search", params={"q": "阿拉善右旗驼奶产量", "k": 3}).json()["hits"]
    assert len(hits) == 3 and any("300吨" in h["text"] for h in hits)
    assert client.get("/readyz").json() == {"ready": True, "reason": "ready"}


def test_ask_returns_the_documented_json(client):
    body = client.post("/api/ask", json={"question": "乌兰县共有多少个行政村？", "k": 4}).json()
    assert {"question", "answer", "abstained", "citations", "contexts", "latency_ms"} <= set(body)
    assert not body["abstained"] and "38" in body["answer"] and len(body["contexts"]) == 4
    assert any("38个行政村" in c["text"] for c in body["citations"])


def test_ask_accepts_a_conversation(client):
    history = [{"role": "user", "content": "乌兰县共有多少个行政村？"}, {"role": "assistant", "content": "38个 [1]"}]
    body = client.post("/api/ask", json={"question": "资助了多少名贫困学生？", "history": history}).json()
    assert body["standalone_question"] and "179" in body["answer"]


def test_sources_return_the_whole_article(client):
    body = client.post("/api/ask", json={"question": "乌兰县共有多少个行政村？"}).json()
    citation = body["citations"][0]
    article = client.get(f"/api/sources/{citation['doc_id']}").json()
    assert article["text"][citation["start"]:citation["end"]] == citation["text"]
    assert client.get("/api/sources/no-such-article").status_code == 404


@pytest.mark.parametrize(("payload", "reason"), [
    ({"question": ""}, "question"),
    ({"question": "x" * 1001}, "1000 characters"),
    ({"question": "乌海", "k": 0}, "k"),
    ({"question": "乌海", "history": [{"role": "user", "content": "a"}] * 21}, "20 turns"),
    ({"question": "乌海", "history": [{"role": "robot", "content": "a"}]}, "role"),
    ({"history": []}, "question"),
])
def test_bad_requests_get_a_4xx_with_a_reason(client, payload, reason):
    response = client.post("/api/ask", json=payload)
    assert response.status_code == 422 and reason in response.text


def test_oversized_and_malformed_bodies(client):
    huge = client.post("/api/ask", content=b"{" + b" " * 70_000 + b"}", headers={"Content-Type": "application/json"})
    assert huge.status_code == 413 and "bytes" in huge.json()["detail"]

    def chunked() -> Iterator[bytes]:  # no Content-Length: the size is only known while reading
        yield b'{"question": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    streamed = client.post("/api/ask", content=chunked(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413 and "bytes" in streamed.json()["detail"]
    assert client.post("/api/ask", content=b"{not json", headers={"Content-Type": "application/json"}
                       ).status_code == 422
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    long_query = client.get("/api/search", params={"q": "乌" * 1001})
    assert long_query.status_code == 422 and "1000 characters" in long_query.text


@pytest.mark.parametrize(("messages", "reason"), [
    ([{"role": "user"}], "empty"),
    ([{"role": "user", "content": "乌海"}, {"role": "assistant", "content": "?"}], "from the user"),
    ([{"role": "system", "content": "x"}], "from the user"),
])
def test_bad_chat_completions_get_a_422_with_a_reason(client, messages, reason):
    response = client.post("/v1/chat/completions", json={"model": "wenda", "messages": messages})
    assert response.status_code == 422 and reason in response.text


def test_ratings_are_stored_with_the_answer(client, api_settings):
    answer = client.post("/api/ask", json={"question": "乌兰县共有多少个行政村？"}).json()
    created = client.post("/api/feedback", json={"answer": answer, "rating": "up", "comment": "correct"})
    assert created.status_code == 201
    record = next(r for r in FeedbackStore(api_settings.feedback_db).records() if r.id == created.json()["id"])
    assert (record.rating, record.comment, record.question) == (1, "correct", answer["question"])
    assert record.citations[0]["highlight"] == answer["citations"][0]["highlight"]
    assert client.post("/api/feedback", json={"answer": answer, "rating": "meh"}).status_code == 422
    assert client.post("/api/feedback", json={"answer": {"answer": "x"}, "rating": "up"}).status_code == 422


def test_requests_during_loading_get_an_immediate_503(api_settings, built_index, real_embeddings):
    release = threading.Event()

    def slow_factory():
        release.wait(timeout=60)
        return assistant(api_settings, embeddings=real_embeddings)

    with TestClient(create_app(api_settings, chat=False, factory=slow_factory)) as client:
        try:
            started = time.monotonic()
            response = client.post("/api/ask", json={"question": "乌海"})
            assert response.status_code == 503 and "loading" in response.json()["detail"]
            assert response.headers["Retry-After"] and time.monotonic() - started < 5
            assert client.get("/readyz").status_code == 503
        finally:
            release.set()
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert client.post("/api/ask", json={"question": "乌兰县共有多少个行政村？"}).status_code == 200


def test_api_keys_protect_everything_but_health(api_settings):
    settings = api_settings.model_copy(update={"api_keys": "k1, k2"})
    with TestClient(create_app(settings, load_on_start=False)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code in (200, 503)
        assert client.post("/api/ask", json={"question": "乌海"}).status_code == 401
        wrong = client.post("/api/ask", json={"question": "乌海"}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
        assert client.get("/api/search", params={"q": "乌海"}).status_code == 401
        ok = client.get("/api/search", params={"q": "乌海"}, headers={"Authorization": "Bearer k2"})
        assert ok.status_code == 200
        odd = client.get("/api/search", params={"q": "乌海"}, headers={"Authorization": "Bearer kéy".encode("latin-1")})
        assert odd.status_code == 401


def test_missing_index_is_a_503_with_a_reason(tmp_path):
    with TestClient(create_app(make_settings(tmp_path, tmp_path / "none"), load_on_start=False)) as client:
        response = client.post("/api/ask", json={"question": "乌海"})
        assert response.status_code == 503 and "wenda index" in response.json()["detail"]
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "wenda index" in ready.json()["reason"]
