"""The `openai` embeddings backend against a real OpenAI-compatible server in another process: llama.cpp's server
(xllamacpp) serving EmbeddingGemma as GGUF (tests/embedding_server.py), reached through a relay that records the
requests. Its vectors match the local model's, which shows the client adds the prompts as the local model does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
from pydantic import SecretStr

from assistant.components import index_builder, open_index
from indexing.builder import dense_text
from indexing.config import EMBEDDINGGEMMA_PROMPTS, EmbeddingConfig, OpenAIEmbeddingConfig
from indexing.embeddings import embedding_model_id, load_embeddings
from indexing.manifest import MANIFEST_FILE
from indexing.openai_embeddings import EmbeddingServerError, OpenAICompatibleEmbeddings
from indexing.store import IndexStore, read_records
from tests.conftest import REPO, article_path, make_settings
from tests.embedding_server import embedding_gguf_path, start
from tests.ports import free_port

QUERY_PROMPT = EMBEDDINGGEMMA_PROMPTS["query"]
SECRET = "sk-test-do-not-log"


class RecordingRelay(BaseHTTPRequestHandler):
    """Passes each request on to `upstream` unchanged and keeps its JSON body and Authorization header."""

    upstream = ""
    received: list[tuple[str, dict]] = []  # noqa: RUF012 - reset by the fixture

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers.get("Authorization", ""), json.loads(body)))
        request = urllib.request.Request(self.upstream + self.path, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        except OSError as error:
            status, payload = 502, json.dumps({"error": {"message": f"relay: {error}"}}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (the timeout test)


@pytest.fixture(scope="module")
def embedding_server() -> Iterator[str]:
    """The base URL (…/v1) of the real server, reached through the recording relay."""
    model = embedding_gguf_path()
    if not model.is_file():
        pytest.fail(f"{model} is missing: run `make embedding-gguf` (make test does)")
    port = free_port()
    process = start(model, port)
    RecordingRelay.upstream = f"http://127.0.0.1:{port}"
    relay = ThreadingHTTPServer(("127.0.0.1", 0), RecordingRelay)
    threading.Thread(target=relay.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{relay.server_address[1]}/v1"
    finally:
        relay.shutdown()
        process.kill()
        process.wait()


@pytest.fixture
def received(embedding_server) -> list[tuple[str, dict]]:
    """The requests the server receives during one test: (Authorization header, JSON body)."""
    RecordingRelay.received = []
    return RecordingRelay.received


@pytest.fixture(scope="module")
def torch_embeddings(embedding_model_path: str):
    """The local model in sentence-transformers (torch), whose vectors the server's must equal."""
    return load_embeddings(EmbeddingConfig(backend="sentence-transformers"), embedding_model_path)


def remote_config(base_url: str, **openai: object) -> EmbeddingConfig:
    return EmbeddingConfig(backend="openai", openai=OpenAIEmbeddingConfig(base_url=base_url, **openai))


def cosine(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_questions_and_passages_get_the_local_models_vectors(embedding_server, received, torch_embeddings):
    remote = load_embeddings(remote_config(embedding_server, api_key=SecretStr(SECRET)), None)
    question = "乌兰县共有多少个行政村？"
    passage = EmbeddingConfig().document_template.format(
        title="乌兰县 | 海西州", text="乌兰县共有38个行政村。\n  全县选派第一书记38名，实现全覆盖。")

    query_vector = remote.embed_query(question)
    assert received[-1][1]["input"] == [QUERY_PROMPT + question]
    assert received[-1][0] == f"Bearer {SECRET}"
    assert cosine(query_vector, torch_embeddings.embed_query(question)) > 0.999
    [document_vector] = remote.embed_documents([passage])
    assert received[-1][1]["input"] == [passage.replace("\n", " ")], "newlines go as spaces, as in the local model"
    assert cosine(document_vector, torch_embeddings.embed_documents([passage])[0]) > 0.999
    assert abs(np.linalg.norm(query_vector) - 1) < 1e-5

    bare = load_embeddings(remote_config(embedding_server).model_copy(update={"query_prompt": None}), None)
    assert cosine(bare.embed_query(question), torch_embeddings.embed_query(question)) < 0.95, \
        "without its prompt a question is embedded differently, so the check above can fail"


def test_an_index_built_through_the_server_finds_the_right_passage(embedding_server, received, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(article_path("003"), corpus)
    settings = make_settings(corpus, tmp_path / "index")
    embedding = remote_config(embedding_server, api_key=SecretStr(SECRET), batch_size=4)
    settings = settings.model_copy(update={"embedding": embedding})

    report = index_builder(settings, show_progress=False).build()
    store = IndexStore(tmp_path / "index")
    manifest = store.current_manifest()
    assert manifest.embedding_model == embedding_model_id(embedding) == "openai:embeddinggemma-300m"
    assert report.embedded_chunks == manifest.chunk_count > 4
    assert SECRET not in (store.current_build() / MANIFEST_FILE).read_text(encoding="utf-8")
    assert all(len(body["input"]) <= 4 for _, body in received)
    _, chunks = read_records(store.current_build())
    template = settings.embedding.document_template
    sent = [text for _, body in received for text in body["input"]]
    expected = [dense_text(chunk, template).replace("\n", " ") for chunk in chunks.values()]
    assert sorted(sent) == sorted(expected), \
        "passages are sent as the builder formats them, with no second prompt in front"

    hits = open_index(settings).search("乌兰县共有多少个行政村", k=3)
    assert received[-1][1]["input"] == [QUERY_PROMPT + "乌兰县共有多少个行政村"]
    assert any("38个行政村" in hit.chunk.text for hit in hits)

    # Built again through the composed settings: nothing changed, so nothing is sent.
    count = len(received)
    assert index_builder(settings, show_progress=False).build().up_to_date and len(received) == count


def test_an_unreachable_server_is_a_clear_error(tmp_path):
    remote = OpenAICompatibleEmbeddings(remote_config(f"http://127.0.0.1:{free_port()}/v1", retries=0))
    with pytest.raises(EmbeddingServerError, match=r"cannot reach the embeddings server http://127\.0\.0\.1:"):
        remote.embed_query("乌兰县")

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# 乌兰县\n\n乌兰县共有38个行政村。\n", encoding="utf-8")
    env = {**os.environ, "WENDA_CORPUS_DIR": str(corpus), "WENDA_INDEX_DIR": str(tmp_path / "index"),
           "WENDA_EMBEDDING__BACKEND": "openai", "WENDA_EMBEDDING__OPENAI__RETRIES": "0",
           "WENDA_EMBEDDING__OPENAI__BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
           "WENDA_EMBEDDING__OPENAI__API_KEY": SECRET}
    result = subprocess.run([sys.executable, "-m", "assistant", "index", "--quiet"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "error: cannot reach the embeddings server" in result.stderr and SECRET not in result.stderr


def test_server_errors_and_vectors_of_the_wrong_size_are_clear_errors(embedding_server, received):
    remote = OpenAICompatibleEmbeddings(remote_config(embedding_server, retries=0))
    with pytest.raises(EmbeddingServerError, match=r"answered HTTP 500: input \(\d+ tokens\) is too large"):
        remote.embed_documents(["乌兰县" * 3000])

    expecting = OpenAICompatibleEmbeddings(remote_config(embedding_server, dimensions=1024))
    with pytest.raises(EmbeddingServerError, match=r"returned 768-dimensional vectors .* expected 1024"):
        expecting.embed_query("乌兰县")

    impatient = OpenAICompatibleEmbeddings(remote_config(embedding_server, retries=0, timeout_s=0.001))
    with pytest.raises(EmbeddingServerError, match=r"did not answer within 0\.001 s"):
        impatient.embed_documents(["乌兰县共有38个行政村。" * 20])


def test_a_prompt_without_a_text_is_refused_at_once():
    config = remote_config("http://127.0.0.1:9/v1").model_copy(update={"query_prompt": "Retrieval-query"})
    with pytest.raises(EmbeddingServerError, match="prompt 'Retrieval-query' has no text"):
        OpenAICompatibleEmbeddings(config)
