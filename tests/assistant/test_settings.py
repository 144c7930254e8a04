from pathlib import Path

from assistant.settings import Settings


def test_defaults():
    settings = Settings(_env_file=None)
    assert settings.chunking.chunk_tokens == 256
    assert settings.embedding.model == "embeddinggemma-300m"
    assert set(settings.models.sources) == {"embeddinggemma-300m", "qwen2.5-coder-1.5b-instruct-q4_k_m"}


def test_toml_file_then_environment_then_arguments(tmp_path, monkeypatch):
    config = tmp_path / "wenda.toml"
    config.write_text('index_dir = "/srv/idx"\n[chunking]\nchunk_tokens = 300\noverlap_tokens = 20\n'
                      '[retrieval]\ntop_k = 7\n', encoding="utf-8")
    monkeypatch.setenv("WENDA_CONFIG", str(config))
    monkeypatch.setenv("WENDA_CHUNKING__CHUNK_TOKENS", "200")
    settings = Settings()
    assert settings.index_dir == Path("/srv/idx")
    assert settings.chunking.chunk_tokens == 200  # environment beats the file
    assert settings.chunking.overlap_tokens == 20
    assert settings.retrieval.top_k == 7
    assert Settings(index_dir=Path("/x")).index_dir == Path("/x")


def test_index_config_carries_what_decides_index_content():
    settings = Settings(chunking={"chunk_tokens": 128, "overlap_tokens": 8})
    assert settings.index_config().chunking.chunk_tokens == 128
