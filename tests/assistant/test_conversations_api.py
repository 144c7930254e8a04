"""Stored conversations through the HTTP API (FastAPI's test client over the real index, extractive backend):
`conversation_id` returned and accepted by `/api/ask` and its SSE variant, `GET /api/conversations/{id}`, the
limits, API keys, and a failing database."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.components import assistant
from assistant.conversations import is_conversation_id, new_conversation_id
from assistant.server import create_app

QUESTION, FOLLOW_UP = "乌兰县共有多少个行政村？", "资助了多少名贫困学生？"
KEY_A, KEY_B = {"Authorization": "Bearer key-a"}, {"Authorization": "Bearer key-b"}


@pytest.fixture(scope="module")
def extractive(built_index, real_embeddings):
    settings, _ = built_index
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"backend": "extractive"})})
    return settings, (lambda: assistant(settings, embeddings=real_embeddings))


def client_for(extractive, tmp_path, **changes) -> TestClient:
    settings, factory = extractive
    server = settings.server.model_copy(update=changes.pop("server", {}))
    settings = settings.model_copy(update={"feedback_db": tmp_path / "wenda.sqlite3", "server": server, **changes})
    return TestClient(create_app(settings, load_on_start=False, chat=False, factory=factory))


@pytest.fixture
def client(extractive, tmp_path):
    with client_for(extractive, tmp_path) as client:
        yield client


def stream_answer(client: TestClient, body: dict, headers: dict | None = None) -> dict:
    with client.stream("POST", "/api/ask/stream", json=body, headers=headers or {}) as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    return json.loads(lines[-1][6:])


def test_a_conversation_is_started_continued_and_read_back(client):
    first = client.post("/api/ask", json={"question": QUESTION}).json()
    conversation = first["conversation_id"]
    assert is_conversation_id(conversation) and "38" in first["answer"]
    second = client.post("/api/ask", json={"question": FOLLOW_UP, "conversation_id": conversation}).json()
    # The stored first turn is the history: the follow-up is rewritten with the place it leaves out.
    assert second["conversation_id"] == conversation and "179" in second["answer"]
    assert second["standalone_question"] and "乌兰" in second["standalone_question"]
    stored = client.get(f"/api/conversations/{conversation}").json()
    assert stored["conversation_id"] == conversation
    assert [t["question"] for t in stored["turns"]] == [QUESTION, FOLLOW_UP]
    assert stored["turns"][0]["answer"] == first["answer"] and stored["turns"][0]["citations"][0]["doc_id"]
    assert stored["turns"][0]["citations"][0]["highlight"] == first["citations"][0]["highlight"]
    # Without an id, each question starts a conversation of its own.
    assert client.post("/api/ask", json={"question": QUESTION}).json()["conversation_id"] != conversation


def test_the_stream_gives_the_conversation_in_its_answer_event(client):
    first = stream_answer(client, {"question": QUESTION})
    second = stream_answer(client, {"question": FOLLOW_UP, "conversation_id": first["conversation_id"]})
    assert second["conversation_id"] == first["conversation_id"] and "179" in second["answer"]
    turns = client.get(f"/api/conversations/{first['conversation_id']}").json()["turns"]
    assert [t["answer"] for t in turns] == [first["answer"], second["answer"]]


def test_the_history_field_still_works_without_a_stored_conversation(client):
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "38个 [1]"}]
    body = client.post("/api/ask", json={"question": FOLLOW_UP, "history": history}).json()
    assert "179" in body["answer"] and is_conversation_id(body["conversation_id"])


def test_unknown_malformed_and_ambiguous_conversations_are_refused_with_reasons(client):
    unknown = new_conversation_id()
    for response in (client.get(f"/api/conversations/{unknown}"),
                     client.post("/api/ask", json={"question": QUESTION, "conversation_id": unknown})):
        assert response.status_code == 404 and "no conversation" in response.json()["detail"]
    for response in (client.get("/api/conversations/too-short"),
                     client.post("/api/ask", json={"question": QUESTION, "conversation_id": "x" * 23}),
                     client.post("/api/ask", json={"question": QUESTION, "conversation_id": 7})):
        assert response.status_code == 422, response.text
    conversation = client.post("/api/ask", json={"question": QUESTION}).json()["conversation_id"]
    both = client.post("/api/ask", json={"question": FOLLOW_UP, "conversation_id": conversation,
                                         "history": [{"role": "user", "content": QUESTION}]})
    assert both.status_code == 422 and "either `history` or `conversation_id`" in both.json()["detail"]
    assert len(client.get(f"/api/conversations/{conversation}").json()["turns"]) == 1  # nothing was added


def test_a_full_conversation_asks_for_a_new_one(extractive, tmp_path):
    with client_for(extractive, tmp_path, server={"max_conversation_turns": 1}) as client:
        conversation = client.post("/api/ask", json={"question": QUESTION}).json()["conversation_id"]
        full = client.post("/api/ask", json={"question": FOLLOW_UP, "conversation_id": conversation})
        assert full.status_code == 409 and "start a new one" in full.json()["detail"]


def test_with_api_keys_a_conversation_is_read_and_continued_only_with_its_key(extractive, tmp_path):
    with client_for(extractive, tmp_path, api_keys="key-a,key-b") as client:
        conversation = client.post("/api/ask", json={"question": QUESTION}, headers=KEY_A).json()["conversation_id"]
        assert client.get(f"/api/conversations/{conversation}", headers=KEY_A).status_code == 200
        assert client.get(f"/api/conversations/{conversation}").status_code == 401
        other = client.get(f"/api/conversations/{conversation}", headers=KEY_B)
        assert other.status_code == 404  # as if unknown: another key cannot even learn that it exists
        continued = client.post("/api/ask", json={"question": FOLLOW_UP, "conversation_id": conversation},
                                headers=KEY_B)
        assert continued.status_code == 404
        assert client.get("/api/conversations", headers=KEY_A).status_code in (404, 405)  # no list of them
        assert client.delete(f"/api/conversations/{conversation}", headers=KEY_B).status_code == 404
        assert client.delete(f"/api/conversations/{conversation}", headers=KEY_A).status_code == 204
        assert client.get(f"/api/conversations/{conversation}", headers=KEY_A).status_code == 404


def test_a_failing_database_still_answers_and_says_the_turn_was_not_stored(client):
    conversation = client.post("/api/ask", json={"question": QUESTION}).json()["conversation_id"]
    database = client.app.state.conversations.database
    with database.transaction() as tx:
        tx.run("DROP TABLE conversation_turns")
    body = client.post("/api/ask", json={"question": QUESTION}).json()
    assert "38" in body["answer"] and body["conversation_id"] is None
    assert any("not stored" in note for note in body["notes"])
    read = client.get(f"/api/conversations/{conversation}")
    assert read.status_code == 503 and "database is unavailable" in read.json()["detail"]
    assert read.headers["retry-after"]
