"""The LLM backends inside the real chain: OpenAI-compatible against a real llama.cpp server process running the
same GGUF (`python -m assistant.llm_server`), compared with the in-process model; extractive; and the fallback
when the server is down or refuses the key."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.answer import Answer
from assistant.chain import Token
from assistant.components import assistant
from assistant.server import create_app
from tests.assistant.test_chain import assert_grounded
from tests.conftest import REPO

# (question, the figure its answer must give and cite); the same questions go to both LLM backends.
ANSWERABLE = [("乌兰县一共资助了几名贫困学生？", "179"), ("How many first secretaries did Zalaite dispatch?", "196")]
# The passages tell of Jalaid Banner's first secretaries, never of a sport they play: no guard before the model
# abstains on a question that asks no figure, no person and no Chinese word, so the model itself must say NOT_FOUND.
UNANSWERABLE = "Which sport do Jalaid Banner's first secretaries play together?"
_START_TIMEOUT_S = 180


def start_llm_server(*args: str) -> tuple[subprocess.Popen, str]:
    """`python -m assistant.llm_server --port 0 …` in its own process; its base URL once the model is loaded."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "assistant.llm_server", "--port", "0", *args], cwd=REPO,
                               env=env, stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    deadline = time.monotonic() + _START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line.startswith("listening on "):
            return process, line.removeprefix("listening on ").strip()
    process.kill()
    raise AssertionError(f"the LLM server did not start (exit code {process.poll()})")


@pytest.fixture(scope="module")
def llm_server(local_llm) -> Iterator[str]:
    """A real OpenAI-compatible server (llama.cpp via xllamacpp) with the model the in-process backend uses."""
    process, base_url = start_llm_server("--parallel", "2", "--model", local_llm.model_path)
    yield base_url
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def make_assistant(built_index, real_embeddings, backend: str, base_url: str = "http://127.0.0.1:9/v1",
                   **llm_settings):
    settings, _ = built_index
    config = settings.llm.model_copy(update={"backend": backend, "base_url": base_url, "timeout_s": 120,
                                             **llm_settings})
    return assistant(settings.model_copy(update={"llm": config}), embeddings=real_embeddings)


@pytest.fixture(scope="module")
def remote_assistant(built_index, real_embeddings, llm_server):
    return make_assistant(built_index, real_embeddings, "openai", llm_server)


def outcome(answer: Answer) -> tuple:
    """What must not depend on where the model runs: abstention, the cited passages, the answer's backend."""
    return answer.abstained, [c.chunk_id for c in answer.citations], answer.llm_failed


@pytest.mark.parametrize(("question", "figure"), ANSWERABLE)
def test_the_server_streams_the_same_grounded_answer_as_the_in_process_model(remote_assistant, local_assistant,
                                                                             question, figure):
    events = list(remote_assistant.stream(question))
    remote = events[-1]
    assert len([e for e in events if isinstance(e, Token)]) >= 2  # streamed piece by piece, not in one block
    assert_grounded(remote, figure)
    assert remote.backend.startswith("openai") and not remote.llm_failed
    assert outcome(remote) == outcome(local_assistant.ask(question))


def test_the_server_abstains_where_the_in_process_model_does(remote_assistant, local_assistant):
    remote = remote_assistant.ask(UNANSWERABLE)
    assert remote.abstained and not remote.citations and not remote.llm_failed
    assert remote.first_token_ms is not None  # the model itself said NOT_FOUND (no earlier guard abstained)
    assert outcome(remote) == outcome(local_assistant.ask(UNANSWERABLE))


def test_tokens_reach_the_api_stream(built_index, remote_assistant):
    settings, _ = built_index
    app = create_app(settings, load_on_start=False, chat=False, factory=lambda: remote_assistant)
    question, figure = ANSWERABLE[0]
    events, event = [], None
    with TestClient(app) as client, client.stream("POST", "/api/ask/stream", json={"question": question}) as response:
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((event, json.loads(line.removeprefix("data: "))))
    names = [name for name, _ in events]
    assert names[0] == "passages" and names[-1] == "answer"
    assert names.count("token") >= 2 and set(names[1:-1]) == {"token"}
    final = events[-1][1]
    assert figure in final["answer"] and any(figure in c["text"] for c in final["citations"])


def test_the_server_requires_the_configured_key(llm_server, built_index, real_embeddings):
    request = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}
    assert httpx.post(f"{llm_server}/chat/completions", json=request, timeout=30).status_code == 401
    chain = make_assistant(built_index, real_embeddings, "openai", llm_server, api_key="wrong-key")
    answer = chain.ask("乌兰县共有多少个行政村？")
    assert answer.llm_failed and "38" in answer.answer and answer.citations  # the extractive answer instead
    assert any("LLM failed" in note and "401" in note for note in answer.notes), answer.notes


def test_extractive_backend_answers_without_an_llm(built_index, real_embeddings):
    chain = make_assistant(built_index, real_embeddings, "extractive")
    answer = chain.ask("How many poor students did Wulan County support?")
    assert chain.backend == "extractive" and not answer.abstained
    assert "179" in answer.answer and answer.citations and "179" in answer.citations[0].text


def test_an_unreachable_llm_falls_back_to_the_extractive_answer(built_index, real_embeddings):
    chain = make_assistant(built_index, real_embeddings, "openai", "http://127.0.0.1:9/v1", timeout_s=10)
    answer = chain.ask("乌兰县共有多少个行政村？")
    assert "38" in answer.answer and answer.citations and answer.llm_failed
    assert any("LLM failed" in note for note in answer.notes)
    assert answer.backend.endswith("+extractive")
