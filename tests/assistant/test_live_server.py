"""The API against a real uvicorn server on loopback: the official `openai` client, SSE, CORS, API keys
(and the chat behind a login when keys are set).

The extractive backend keeps these fast; the LLM-backed chain is tested in test_chain.py.
"""

from __future__ import annotations

import json

import httpx
import openai
import pytest
from gradio_client import Client

from assistant.server import create_app
from tests.live import serve


@pytest.fixture(scope="module")
def live_settings(built_index):
    settings, _ = built_index
    return settings.model_copy(update={
        "llm": settings.llm.model_copy(update={"backend": "extractive"}),
        "api_keys": "secret-key",
        "server": settings.server.model_copy(update={"cors_origins": ["http://intranet.example"]}),
    })


@pytest.fixture(scope="module")
def base_url(live_settings):
    yield from serve(create_app(live_settings))


AUTH = {"Authorization": "Bearer secret-key"}
QUESTION = "乌兰县共有多少个行政村？"


def test_openai_client_non_streaming(base_url):
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret-key")
    response = client.chat.completions.create(model="wenda", messages=[
        {"role": "system", "content": "ignored"}, {"role": "user", "content": QUESTION}])
    content = response.choices[0].message.content
    assert "38" in content and "[1]" in content
    citations = response.model_extra["citations"]
    assert citations and any("38个行政村" in c["text"] for c in citations)
    assert [m.id for m in client.models.list()] == ["wenda"]


def test_openai_client_streaming(base_url):
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="secret-key")
    chunks = list(client.chat.completions.create(model="wenda", stream=True,
                                                 messages=[{"role": "user", "content": QUESTION}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "38" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"]


def test_openai_client_with_a_wrong_key_is_refused(base_url):
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="wenda", messages=[{"role": "user", "content": QUESTION}])


def test_sse_stream_gives_passages_first_and_ends_with_the_answer(base_url):
    events = []
    with httpx.stream("POST", f"{base_url}/api/ask/stream", json={"question": QUESTION}, headers=AUTH,
                      timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                events.append((event, json.loads(line[6:])))
    assert events[0][0] == "passages" and any("38个行政村" in p["text"] for p in events[0][1]["passages"])
    assert events[-1][0] == "answer" and "38" in events[-1][1]["answer"]
    assert all(name == "token" for name, _ in events[1:-1])


def test_cors_allows_only_configured_origins(base_url):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = httpx.options(f"{base_url}/api/ask", headers={"Origin": "http://intranet.example", **preflight})
    assert allowed.headers.get("access-control-allow-origin") == "http://intranet.example"
    other = httpx.options(f"{base_url}/api/ask", headers={"Origin": "http://elsewhere.example", **preflight})
    assert other.headers.get("access-control-allow-origin") is None


def test_health_needs_no_key_and_the_api_does(base_url):
    assert httpx.get(f"{base_url}/healthz").status_code == 200
    assert httpx.post(f"{base_url}/api/ask", json={"question": QUESTION}).status_code == 401
    assert httpx.post(f"{base_url}/v1/chat/completions", json={"messages": []}, headers=AUTH).status_code == 422
    last_not_user = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
    response = httpx.post(f"{base_url}/v1/chat/completions", json=last_not_user, headers=AUTH)
    assert response.status_code == 422 and "last message" in response.text


def test_with_api_keys_the_chat_needs_one_as_password(base_url):
    assert httpx.get(f"{base_url}/config").status_code == 401
    with pytest.raises(ValueError, match="credentials"):
        Client(base_url, verbose=False)
    with pytest.raises(ValueError):
        Client(base_url, auth=("staff", "wrong-key"), verbose=False)
    client = Client(base_url, auth=("staff", "secret-key"), verbose=False)
    messages, sources, _ = client.predict(QUESTION, [], api_name="/ask")
    assert "38" in messages[-1]["content"][0]["text"] and "wenda-cited" in sources
