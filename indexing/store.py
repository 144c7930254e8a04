"""The on-disk index: versioned build folders and an atomically switched `current` link.

Layout of `index_dir`:
    current -> builds/<build_id>     the build readers use (a symlink, replaced with one rename)
    builds/<build_id>/               manifest.json, faiss/, bm25/, chunks.jsonl, articles.jsonl
    .tmp-<build_id>/                 a build in progress; never read, removed when stale
A killed build leaves only a `.tmp-*` folder, so `current` keeps pointing at a complete build.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from indexing.documents import Article, Chunk
from indexing.errors import WendaError
from indexing.manifest import MANIFEST_FILE, Manifest

logger = logging.getLogger(__name__)

CURRENT = "current"
BUILDS = "builds"
TMP_PREFIX = ".tmp-"
FAISS_DIR = "faiss"
BM25_DIR = "bm25"
CHUNKS_FILE = "chunks.jsonl"
ARTICLES_FILE = "articles.jsonl"
KEEP_PREVIOUS_BUILDS = 1


class IndexBusyError(WendaError):
    """Another process is building this index."""

    http_status = 503


def new_build_id() -> str:
    """A sortable, unique build id."""
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


class IndexStore:
    """Reads and publishes builds inside `index_dir`."""

    def __init__(self, index_dir: Path) -> None:
        self.root = index_dir

    def current_build(self) -> Path | None:
        """The folder of the published build, or None if nothing was published yet."""
        link = self.root / CURRENT
        if not link.is_symlink() and not link.is_dir():
            return None
        folder = link.resolve()
        return folder if (folder / MANIFEST_FILE).is_file() else None

    def current_manifest(self) -> Manifest | None:
        """The manifest of the published build, if any (an unreadable one counts as none)."""
        folder = self.current_build()
        if folder is None:
            return None
        try:
            return Manifest.read(folder)
        except (OSError, ValueError) as error:
            logger.warning("ignoring unreadable manifest in %s: %s", folder, error)
            return None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the index's build lock for a whole build (reading the corpus to publishing), so two builds never
        overlap and none publishes an index of an older corpus state. A second build is refused at once."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise IndexBusyError(f"another process is building the index in {self.root}; "
                                     "try again when it has finished") from error
            yield

    @contextlib.contextmanager
    def building(self, build_id: str) -> Iterator[Path]:
        """A fresh staging folder for a build (the caller holds `locked()`); removed if the build fails."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._remove_stale_staging()
        staging = self.root / f"{TMP_PREFIX}{build_id}"
        staging.mkdir()
        try:
            yield staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def publish(self, staging: Path, build_id: str) -> Path:
        """Move a finished staging folder into `builds/` and point `current` at it in one rename."""
        _fsync_tree(staging)
        builds = self.root / BUILDS
        builds.mkdir(exist_ok=True)
        final = builds / build_id
        staging.rename(final)
        temporary_link = self.root / f"{TMP_PREFIX}link-{build_id}"
        temporary_link.symlink_to(Path(BUILDS) / build_id)
        os.replace(temporary_link, self.root / CURRENT)
        _fsync_dir(self.root)
        self._prune(keep=final)
        return final

    def _remove_stale_staging(self) -> None:
        for leftover in self.root.glob(f"{TMP_PREFIX}*"):
            logger.info("removing an interrupted build: %s", leftover)
            if leftover.is_symlink() or leftover.is_file():
                leftover.unlink()
            else:
                shutil.rmtree(leftover, ignore_errors=True)

    def _prune(self, keep: Path) -> None:
        builds = sorted(p for p in (self.root / BUILDS).iterdir() if p.is_dir() and p != keep)
        for old in builds[:-KEEP_PREVIOUS_BUILDS] if KEEP_PREVIOUS_BUILDS else builds:
            shutil.rmtree(old, ignore_errors=True)


def write_jsonl(path: Path, rows: list[dict]) -> None:
    """One JSON object a line, UTF-8."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    """The rows written by `write_jsonl`."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write_records(folder: Path, articles: list[Article], chunks: list[Chunk]) -> None:
    """Write the article and chunk records of a build."""
    write_jsonl(folder / ARTICLES_FILE, [asdict(a) for a in articles])
    write_jsonl(folder / CHUNKS_FILE, [asdict(c) for c in chunks])


def read_records(folder: Path) -> tuple[dict[str, Article], dict[str, Chunk]]:
    """The articles and chunks of a build, keyed by id."""
    articles = {}
    for row in read_jsonl(folder / ARTICLES_FILE):
        row["aliases"] = tuple(row.get("aliases", ()))
        row["page_starts"] = tuple(row.get("page_starts", ()))
        articles[row["doc_id"]] = Article(**row)
    chunks = {row["chunk_id"]: Chunk(**row) for row in read_jsonl(folder / CHUNKS_FILE)}
    return articles, chunks


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
