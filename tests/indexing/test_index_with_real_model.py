"""The index built with the real embedding model: retrieval quality, offline guarantee, killed builds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np

from assistant.components import index_builder, open_index
from indexing.checkpoint import CHECKPOINT_FILE, saved_vectors
from indexing.hybrid import HybridIndex
from indexing.store import IndexStore
from tests.conftest import CORPUS, REPO, article_path, make_settings


def top_texts(settings, real_embeddings, query: str, k: int = 3) -> list[str]:
    index = open_index(settings, embeddings=real_embeddings)
    return [h.chunk.text for h in index.search(query, k=k, fusion=settings.retrieval)]


def test_english_question_finds_the_traditional_chinese_passage(built_index, real_embeddings):
    settings, report = built_index
    assert report.documents == 5 and report.embedded_chunks == report.chunks
    texts = top_texts(settings, real_embeddings, "How many first secretaries did Zalaite dispatch?")
    assert any("196名" in t and "第一書記" in t for t in texts)


def test_simplified_question_finds_the_traditional_passage(built_index, real_embeddings):
    settings, _ = built_index
    texts = top_texts(settings, real_embeddings, "扎赉特旗驻村工作队有多少名干部？")
    assert any("784名" in t for t in texts)


def test_place_named_only_in_the_header_is_found(built_index, real_embeddings):
    """The Wuhai article says 我市, never 乌海, in its body."""
    settings, _ = built_index
    texts = top_texts(settings, real_embeddings, "乌海的村干部后备人选库有多少人")
    assert any("53人的村干部后备人选库" in t for t in texts)


def test_english_question_about_a_figure(built_index, real_embeddings):
    settings, _ = built_index
    texts = top_texts(settings, real_embeddings, "How many farmer night schools were opened in Ganluo?", k=5)
    assert any("农民夜校227所" in t for t in texts)


def wenda(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, **kwargs)


def test_indexing_and_search_work_with_the_network_blocked(tmp_path):
    """Every socket connection attempt raises (and is recorded); index and search must still succeed."""
    guard = tmp_path / "guard"
    guard.mkdir()
    attempts = tmp_path / "attempts.log"
    (guard / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import socket
        def _refuse(*args, **kwargs):
            with open({str(attempts)!r}, "a") as log:
                log.write(repr(args[1:] if len(args) > 1 else args) + "\\n")
            raise OSError("network access attempted in an offline test")
        socket.socket.connect = _refuse
        socket.socket.connect_ex = _refuse
        socket.create_connection = _refuse
        socket.getaddrinfo = _refuse
    """))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(article_path("003"), corpus)
    env = {"PYTHONPATH": f"{guard}{os.pathsep}{REPO}", "WENDA_CORPUS_DIR": str(corpus),
           "WENDA_INDEX_DIR": str(tmp_path / "index")}
    probe = subprocess.run([sys.executable, "-c", "import urllib.request; urllib.request.urlopen('http://x.org')"],
                           env={**os.environ, **env}, capture_output=True, text=True)
    assert probe.returncode != 0 and "network access attempted" in probe.stderr, "the guard must bite"
    attempts.unlink()

    built = wenda("index", "--quiet", env=env)
    assert built.returncode == 0, built.stderr[-2000:]
    searched = wenda("search", "乌兰县共有多少个行政村", "--json", env=env)
    assert searched.returncode == 0, searched.stderr[-2000:]
    hits = json.loads(searched.stdout)["hits"]
    assert any("38个行政村" in h["text"] for h in hits)
    assert not attempts.exists(), attempts.read_text()


def test_killed_build_leaves_the_previous_index_usable(tmp_path, real_embeddings):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(article_path("003"), corpus)
    env = {"WENDA_CORPUS_DIR": str(corpus), "WENDA_INDEX_DIR": str(tmp_path / "index")}
    assert wenda("index", "--quiet", env=env).returncode == 0
    before = IndexStore(tmp_path / "index").current_manifest()

    shutil.copy(article_path("001"), corpus)  # 35 chunks: several seconds of embedding
    process = subprocess.Popen([sys.executable, "-m", "assistant", "index"], cwd=REPO, env={**os.environ, **env},
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    seen = ""
    while "embedding" not in seen and time.monotonic() < deadline:
        seen += process.stderr.read(1)
    assert "embedding" in seen, seen[-500:]
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()

    store = IndexStore(tmp_path / "index")
    assert store.current_manifest() == before
    index = HybridIndex.open(store, real_embeddings)
    assert any("38个行政村" in h.chunk.text for h in index.search("乌兰县共有多少个行政村", k=3))

    settings = make_settings(corpus, tmp_path / "index")
    report = index_builder(settings, show_progress=False, embeddings=real_embeddings).build()
    assert report.added == [article_path("001").stem] and report.embedded_chunks < report.chunks
    assert not list((tmp_path / "index").glob(".tmp-*"))


def test_the_repository_corpus_is_what_gets_indexed(built_index):
    settings, report = built_index
    assert settings.corpus_dir == CORPUS and not report.skipped


def test_a_build_killed_with_sigkill_resumes_where_it_stopped(tmp_path, real_embeddings):
    """`wenda index` is killed with SIGKILL after a few batches; the re-run embeds only the remainder and publishes
    the same index as an uninterrupted build."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = article_path("002").read_text(encoding="utf-8")
    (corpus / "002_part.txt").write_text(text[:len(text) * 2 // 5], encoding="utf-8")  # a few chunks
    settings = make_settings(corpus, tmp_path / "clean")
    settings = settings.model_copy(update={"embedding": settings.embedding.model_copy(update={"batch_size": 1})})
    clean = index_builder(settings, show_progress=False, embeddings=real_embeddings).build()
    total = clean.embedded_chunks
    assert total >= 4 and clean.resumed_chunks == 0

    env = {"WENDA_CORPUS_DIR": str(corpus), "WENDA_INDEX_DIR": str(tmp_path / "index"),
           "WENDA_EMBEDDING__BATCH_SIZE": "1"}
    checkpoint = tmp_path / "index" / CHECKPOINT_FILE
    process = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--quiet"], cwd=REPO,
                               env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while saved_vectors(checkpoint) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    saved = saved_vectors(checkpoint)
    assert 2 <= saved < total, f"{saved} of {total} vectors checkpointed when killed"
    assert IndexStore(tmp_path / "index").current_build() is None

    resumed = wenda("index", "--quiet", env=env, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"resuming: {saved} of {total} passages already embedded" in resumed.stderr
    assert f"embedded {total - saved} " in resumed.stdout and f"resumed {saved} from the checkpoint" in resumed.stdout
    assert not checkpoint.exists()

    resumed_index = HybridIndex.open(IndexStore(tmp_path / "index"), real_embeddings)
    clean_index = HybridIndex.open(IndexStore(tmp_path / "clean"), real_embeddings)
    assert resumed_index.dense.ids == clean_index.dense.ids
    expected = clean_index.dense.vectors()
    for chunk_id, vector in resumed_index.dense.vectors().items():
        np.testing.assert_allclose(vector, expected[chunk_id], atol=1e-5)
