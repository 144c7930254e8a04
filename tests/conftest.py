"""Shared fixtures: the repository corpus, settings pointing at temporary folders, the real models."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.model_store import ModelStore
from assistant.settings import Settings
from indexing.offline import enable_offline_mode

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"

enable_offline_mode()


def article_path(prefix: str) -> Path:
    """The corpus file whose name starts with `prefix` (e.g. "004")."""
    return next(CORPUS.glob(f"{prefix}_*.txt"))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the repository corpus (articles and metadata)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def make_settings(corpus: Path, index: Path) -> Settings:
    """Default settings with the corpus and index folders replaced (feedback is kept beside the index)."""
    return Settings(corpus_dir=corpus, index_dir=index, feedback_db=index.parent / "feedback.sqlite3")


def indexed_small_corpus(root: Path, embeddings) -> Settings:
    """Settings over a one-article corpus (乌兰县) in `root`, indexed with `embeddings`, answering extractively."""
    from assistant.components import index_builder

    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(article_path("003"), corpus)
    settings = make_settings(corpus, root / "index")
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"backend": "extractive"})})
    index_builder(settings, show_progress=False, embeddings=embeddings).build()
    return settings


@pytest.fixture(scope="session")
def embedding_model_path() -> str:
    """The real embedding model; fails (does not skip) when `wenda models fetch` was not run."""
    settings = Settings()
    store = ModelStore(settings.models)
    if not store.is_ready(settings.embedding.model):
        pytest.fail(f"embedding model missing from {store.root}: run `wenda models fetch` (make test does)")
    return store.resolve(settings.embedding.model)


@pytest.fixture(scope="session")
def real_embeddings(embedding_model_path: str):
    """The real embedding model, loaded once for the whole test session."""
    from indexing.embeddings import load_embeddings

    return load_embeddings(Settings().embedding, embedding_model_path)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, real_embeddings):
    """The repository corpus indexed with the real model, once per session: (settings, report)."""
    from assistant.components import index_builder

    root = tmp_path_factory.mktemp("built")
    settings = make_settings(CORPUS, root / "index")
    report = index_builder(settings, show_progress=False, embeddings=real_embeddings).build()
    return settings, report


@pytest.fixture(scope="session")
def local_llm():
    """The real local GGUF model, loaded once; fails (does not skip) when it was not fetched."""
    from assistant.components import chat_model

    settings = Settings()
    store = ModelStore(settings.models)
    if not store.is_ready(settings.llm.model):
        pytest.fail(f"LLM missing from {store.root}: run `wenda models fetch` (make test does)")
    return chat_model(settings, backend="local")


@pytest.fixture(scope="session")
def local_assistant(built_index, real_embeddings, local_llm):
    """The full chain: real index, real embedding model, real local LLM."""
    from assistant.components import assistant

    settings, _ = built_index
    return assistant(settings, embeddings=real_embeddings, llm=local_llm)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server (Debian's, see tests/postgres.py) for the session: the URL of its `postgres`
    database. Fails (does not skip) without PostgreSQL: `make test` installs it."""
    from tests.postgres import PostgresUnavailableError, cluster

    try:
        with cluster() as url:
            yield url
    except PostgresUnavailableError as error:
        pytest.fail(str(error))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database, once as a SQLite file and once on the session's PostgreSQL server: store tests run the
    same body over both."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wenda.sqlite3'}"
    from tests.postgres import fresh_database

    return fresh_database(request.getfixturevalue("postgres_server"), f"test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def database(storage_url: str):
    """The storage layer over `storage_url`, closed after the test."""
    from assistant.storage import Database

    opened = Database(storage_url)
    yield opened
    opened.close()


# Fixtures that load a real model, build a real index or start a real server: tests using them (directly or
# through another fixture) are `integration`, so `pytest -m "not integration"` is the fast subset.
_INTEGRATION_FIXTURES = frozenset({"embedding_model_path", "real_embeddings", "built_index", "local_llm",
                                   "local_assistant", "base_url", "live_server", "browser", "page",
                                   "postgres_server", "embedding_server"})
_INTEGRATION_FILES = ("test_cli.py", "test_live_chat.py", "test_live_server.py", "test_model_store.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that need the real models, the LLM, a server process or chromium."""
    for item in items:
        if _INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())) or item.path.name in _INTEGRATION_FILES:
            item.add_marker(pytest.mark.integration)
