"""Two real `wenda serve` processes on loopback sharing one PostgreSQL database and one read-only index: a
rating given through one replica is exported with the other's configuration, a conversation started on one
continues on the other, and neither writes to the shared index (extractive backend: no LLM to load)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, indexed_small_corpus
from tests.live import wenda_serve_processes
from tests.postgres import fresh_database

QUESTION, FOLLOW_UP = "乌兰县共有多少个行政村？", "How many poor students were funded?"


def snapshot(*folders: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `folders`: size, modification time and content digest."""
    return {str(path): (path.stat().st_size, path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest())
            for folder in folders for path in sorted(folder.rglob("*")) if path.is_file()}


def set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = (0o755 if path.is_dir() else 0o644) if writable else (0o555 if path.is_dir() else 0o444)
        path.chmod(mode)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, real_embeddings, postgres_server):
    """The index (built once, then read-only), the database and the environment both replicas run with."""
    root = tmp_path_factory.mktemp("replicas")
    settings = indexed_small_corpus(root / "shared", real_embeddings)
    folders = (settings.corpus_dir, settings.index_dir)
    for folder in folders:
        set_writable(folder, False)
    env = {"WENDA_CORPUS_DIR": str(settings.corpus_dir), "WENDA_INDEX_DIR": str(settings.index_dir),
           "WENDA_LLM__BACKEND": "extractive", "WENDA_DATABASE_URL": fresh_database(postgres_server, "replicas"),
           # Must stay unused: the state is in PostgreSQL.
           "WENDA_FEEDBACK_DB": str(root / "unused.sqlite3")}
    work = root / "work"
    work.mkdir()
    yield env, folders, work
    for folder in folders:
        set_writable(folder, True)


@pytest.fixture(scope="module")
def replicas(shared):
    env, _, work = shared
    with wenda_serve_processes(2, env, work) as urls:
        yield urls


def export_ratings(env: dict[str, str], cwd: Path) -> list[dict]:
    """`wenda feedback export` with a replica's configuration."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("WENDA_")}
    result = subprocess.run([sys.executable, "-m", "assistant", "feedback", "export", "--rating", "up"], cwd=cwd,
                            env={**clean, **env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_rating_given_on_one_replica_is_exported_with_the_other(replicas, shared):
    a, _ = replicas
    env, _, work = shared
    answer = httpx.post(f"{a}/api/ask", json={"question": QUESTION}, timeout=120).json()
    assert "38" in answer["answer"]
    rated = httpx.post(f"{a}/api/feedback", json={"answer": answer, "rating": "up", "comment": "清楚"}, timeout=30)
    assert rated.status_code == 201
    items = [item for item in export_ratings(env, work) if item["question"] == QUESTION]
    assert len(items) == 1 and items[0]["id"] == f"feedback-{rated.json()['id']}"
    assert items[0]["accept"] == [["num:38"]] and items[0]["feedback"]["comment"] == "清楚"
    assert items[0]["evidence"] and "38" in items[0]["evidence"][0][0]  # offsets into the shared index's article


def test_a_conversation_started_on_one_replica_continues_on_the_other(replicas):
    a, b = replicas
    first = httpx.post(f"{a}/api/ask", json={"question": QUESTION}, timeout=120).json()
    conversation = first["conversation_id"]
    second = httpx.post(f"{b}/api/ask", json={"question": FOLLOW_UP, "conversation_id": conversation},
                        timeout=120).json()
    # B answered with A's turn as the history: the follow-up was searched together with the earlier question.
    assert second["conversation_id"] == conversation and "179" in second["answer"]
    assert QUESTION in second["standalone_question"]
    turns = httpx.get(f"{a}/api/conversations/{conversation}", timeout=30).json()["turns"]
    assert [(t["question"], t["answer"]) for t in turns] == [(QUESTION, first["answer"]),
                                                             (FOLLOW_UP, second["answer"])]


def test_the_replicas_left_the_shared_index_and_the_sqlite_default_alone(replicas, shared):
    env, folders, work = shared
    before = snapshot(*folders)
    a, b = replicas
    for base in (a, b):
        assert httpx.post(f"{base}/api/ask", json={"question": QUESTION}, timeout=120).status_code == 200
    assert snapshot(*folders) == before
    assert not Path(env["WENDA_FEEDBACK_DB"]).exists() and not (work / "data").exists()


def test_a_replica_with_an_unreachable_database_stops_at_once_with_the_reason(shared):
    env, _, work = shared
    clean = {key: value for key, value in os.environ.items() if not key.startswith("WENDA_")}
    unreachable = {**env, "WENDA_DATABASE_URL": "postgresql://wenda:secret@127.0.0.1:1/wenda"}
    result = subprocess.run([sys.executable, "-m", "assistant", "serve", "--no-index", "--port", "1"], cwd=work,
                            env={**clean, **unreachable, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1
    assert "cannot connect to the database postgresql://wenda:***@127.0.0.1:1/wenda" in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
