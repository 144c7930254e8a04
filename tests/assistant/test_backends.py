"""The LLM backends inside the real chain: OpenAI-compatible (against a local HTTP server), extractive,
and the fallback when the LLM is unreachable. The local GGUF backend is exercised in test_chain.py."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from assistant.chain import Token
from assistant.components import assistant


class PassageQuotingHandler(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible server: answers with the first figure of passage [1] of the prompt."""

    requests: ClassVar[list[dict]] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        prompt = body["messages"][-1]["content"]
        passage = re.search(r"^\[1\] \(.*?\) (.*)$", prompt, re.MULTILINE).group(1)
        figure = re.search(r"\d+", passage).group(0)
        text = f"The passages give {figure} [1]."
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in (text[:10], text[10:]):
                chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        payload = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def openai_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PassageQuotingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PassageQuotingHandler.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def make_assistant(built_index, real_embeddings, backend: str, base_url: str = "http://127.0.0.1:9/v1"):
    settings, _ = built_index
    config = settings.llm.model_copy(update={"backend": backend, "base_url": base_url, "timeout_s": 10})
    return assistant(settings.model_copy(update={"llm": config}), embeddings=real_embeddings)


def test_openai_compatible_backend_streams_a_grounded_answer(built_index, real_embeddings, openai_server):
    chain = make_assistant(built_index, real_embeddings, "openai", openai_server)
    events = list(chain.stream("乌兰县资助了多少名贫困学生？"))
    tokens = [e.text for e in events if isinstance(e, Token)]
    answer = events[-1]
    assert len(tokens) >= 2 and "".join(tokens).startswith("The passages give")
    assert not answer.abstained and answer.citations and answer.citations[0].n == 1
    assert re.search(r"\d+", answer.answer).group(0) in answer.citations[0].text
    sent = PassageQuotingHandler.requests[-1]
    assert sent["stream"] is True and "Quotes:\n[1] " in sent["messages"][-1]["content"]
    assert sent["messages"][0]["role"] == "system" and "NOT_FOUND" in sent["messages"][0]["content"]


def test_extractive_backend_answers_without_an_llm(built_index, real_embeddings):
    chain = make_assistant(built_index, real_embeddings, "extractive")
    answer = chain.ask("How many poor students did Wulan County support?")
    assert chain.backend == "extractive" and not answer.abstained
    assert "179" in answer.answer and answer.citations and "179" in answer.citations[0].text


def test_an_unreachable_llm_falls_back_to_the_extractive_answer(built_index, real_embeddings):
    chain = make_assistant(built_index, real_embeddings, "openai", "http://127.0.0.1:9/v1")
    answer = chain.ask("乌兰县共有多少个行政村？")
    assert "38" in answer.answer and answer.citations
    assert any("LLM failed" in note for note in answer.notes)
    assert answer.backend.endswith("+extractive")
