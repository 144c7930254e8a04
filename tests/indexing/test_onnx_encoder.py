"""The ONNX int8 export of the real EmbeddingGemma: made on first use (or by `wenda models fetch` with that
backend), verified by sha256, close to the torch model, with the model's prompts, and torch as the fallback when
the export is missing or altered."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from indexing.config import EmbeddingConfig
from indexing.embeddings import load_embeddings
from indexing.onnx_encoder import (
    OnnxEmbeddings,
    OnnxUnavailableError,
    export_onnx,
    onnx_file,
    read_export_record,
    verified_export,
)

QUESTIONS = ["How many first secretaries did Zalaite dispatch?", "扎赉特旗选派了多少名第一书记？"]
PASSAGES = ["title: 扎赉特旗 | text: 全旗精准选派了196名优秀后备干部担任嘎查村第一书记。",
            "title: 乌海市 | text: 我市建成了23个党群服务中心，覆盖全部社区。",
            "title: 阿拉善右旗 | text: 旗委先后提拔重用了79名在脱贫攻坚一线表现突出的干部。"]


@pytest.fixture(scope="module")
def export(embedding_model_path: str) -> Path:
    """The verified int8 export, made here once on a fresh machine (2-5 minutes) and kept in the model cache."""
    return export_onnx(Path(embedding_model_path), "qint8")


@pytest.fixture(scope="module")
def onnx_model(embedding_model_path: str, export) -> OnnxEmbeddings:
    """The int8 export, chosen through the configured backend."""
    return load_embeddings(EmbeddingConfig(backend="onnx"), embedding_model_path)


@pytest.fixture(scope="module")
def torch_model(embedding_model_path: str):
    """The same model in torch, the fallback backend."""
    return load_embeddings(EmbeddingConfig(backend="sentence-transformers"), embedding_model_path)


def test_the_onnx_backend_loads_the_export(onnx_model):
    assert isinstance(onnx_model, OnnxEmbeddings)


def test_the_export_is_recorded_with_its_sha256(embedding_model_path, export):
    record = read_export_record(Path(embedding_model_path), "qint8")
    assert record is not None and record.quantization == "qint8"
    assert export == onnx_file(Path(embedding_model_path), "qint8")
    assert verified_export(Path(embedding_model_path), "qint8") == export
    assert export.stat().st_size < 500_000_000  # int8 matrices: about a quarter of the 1.2 GB fp32 weights


def test_int8_vectors_stay_close_to_torch(onnx_model, torch_model):
    onnx_documents = np.array(onnx_model.embed_documents(PASSAGES))
    torch_documents = np.array(torch_model.embed_documents(PASSAGES))
    assert (onnx_documents * torch_documents).sum(axis=1).min() > 0.95
    for question in QUESTIONS:
        cosine = float(np.dot(onnx_model.embed_query(question), torch_model.embed_query(question)))
        assert cosine > 0.95


def test_int8_keeps_the_ranking_of_passages(onnx_model, torch_model):
    documents_onnx = np.array(onnx_model.embed_documents(PASSAGES))
    documents_torch = np.array(torch_model.embed_documents(PASSAGES))
    for question in QUESTIONS:
        onnx_ranking = np.argsort(-documents_onnx @ np.array(onnx_model.embed_query(question)))
        torch_ranking = np.argsort(-documents_torch @ np.array(torch_model.embed_query(question)))
        assert onnx_ranking[0] == torch_ranking[0] == 0


def test_queries_get_the_models_query_prompt(onnx_model):
    prompt = onnx_model.prompts["query"]
    assert prompt.startswith("task: search result")
    with_prompt = onnx_model.encode([prompt + QUESTIONS[0]])[0]
    assert np.allclose(onnx_model.embed_query(QUESTIONS[0]), with_prompt, atol=1e-5)
    assert not np.allclose(onnx_model.encode([QUESTIONS[0]])[0], with_prompt, atol=1e-2)


def test_newlines_are_embedded_as_spaces_like_the_torch_backend(onnx_model):
    two_lines = "title: 扎赉特旗 | text: 第一段。\n第二段有196名干部。"
    one_line = two_lines.replace("\n", " ")
    assert np.allclose(onnx_model.embed_documents([two_lines])[0], onnx_model.embed_documents([one_line])[0])
    assert np.allclose(onnx_model.embed_query("第一行\n第二行"), onnx_model.embed_query("第一行 第二行"))


def test_concurrent_callers_get_the_vectors_a_single_caller_gets(onnx_model):
    """Answers run in parallel slots and a background build shares the encoder with live questions."""
    from concurrent.futures import ThreadPoolExecutor

    alone = [onnx_model.embed_query(text) for text in PASSAGES]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(onnx_model.embed_query, PASSAGES * 4))
    for i, vector in enumerate(together):
        assert np.allclose(vector, alone[i % len(PASSAGES)], atol=1e-6)


def _model_copy_without_weights(model_dir: Path, target: Path) -> Path:
    """The model folder's small files copied, its large files linked (the tests must not alter the cache)."""
    for path in model_dir.rglob("*"):
        relative = path.relative_to(model_dir)
        if path.is_dir() or relative.parts[0] == "onnx":
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if path.stat().st_size > 10_000_000:
            (target / relative).symlink_to(path)
        else:
            shutil.copy2(path, target / relative)
    return target


def test_an_altered_export_is_refused_and_torch_is_used(embedding_model_path, export, tmp_path, caplog):
    folder = _model_copy_without_weights(Path(embedding_model_path), tmp_path / "model")
    (folder / "onnx").mkdir()
    record = json.loads((Path(embedding_model_path) / "onnx" / "qint8.export.json").read_text(encoding="utf-8"))
    (folder / "onnx" / "qint8.export.json").write_text(json.dumps(record), encoding="utf-8")
    onnx_file(folder, "qint8").write_bytes(b"not the exported graph")
    assert verified_export(folder, "qint8") is None
    with caplog.at_level(logging.WARNING, logger="indexing.embeddings"):
        embeddings = load_embeddings(EmbeddingConfig(backend="onnx"), str(folder))
    assert not isinstance(embeddings, OnnxEmbeddings)
    assert "embedding with torch instead" in caplog.text
    assert len(embeddings.embed_query(QUESTIONS[1])) == 768


def test_the_int8_export_is_the_default_backend(real_embeddings, export):
    config = Settings().embedding
    assert (config.backend, config.onnx_quantization) == ("onnx", "qint8")
    assert isinstance(real_embeddings, OnnxEmbeddings)  # the session's model, loaded from the default settings


def test_an_export_that_cannot_be_made_is_a_clear_error(tmp_path):
    # The export runs in a child process; its failure reaches the caller as the reason, not as a crash.
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(OnnxUnavailableError, match=r"ONNX export of .* failed: .+"):
        export_onnx(tmp_path, "qint8", force=True)
    assert verified_export(tmp_path, "qint8") is None
