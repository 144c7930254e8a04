"""Build or update the index: embed only new or changed articles, then publish atomically."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from indexing.checkpoint import CHECKPOINT_FILE, EmbeddingCheckpoint
from indexing.chunking import Chunker
from indexing.config import OPERATIONAL_FIELDS, IndexConfig
from indexing.corpus import CorpusScan, display_path, scan_corpus
from indexing.dense import DenseIndex
from indexing.documents import Article, Chunk
from indexing.errors import WendaError
from indexing.keyword import KeywordIndex
from indexing.lazy import LazyEmbeddings
from indexing.manifest import MANIFEST_FILE, DocumentEntry, Manifest
from indexing.store import BM25_DIR, FAISS_DIR, IndexStore, new_build_id, write_records
from indexing.textnorm import normalize_script

logger = logging.getLogger(__name__)


# Told how a build goes: (phase, done, total) with phase scan, embed, write or published.
Progress = Callable[[str, int, int], None]


class NothingToIndexError(WendaError):
    """The corpus folder holds no readable article."""


class EmbeddingDimensionError(WendaError):
    """The embedding model returned vectors of another size than the rest of the index."""


@dataclass
class BuildReport:
    """What a build did and where its time went."""

    build_id: str | None
    up_to_date: bool = False
    documents: int = 0
    chunks: int = 0
    embedded_chunks: int = 0
    # Passages whose vectors came from the checkpoint of an interrupted build (not embedded again).
    resumed_chunks: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        """Total time of the timed phases."""
        return sum(self.timings.values())


def dense_text(chunk: Chunk, template: str | None) -> str:
    """The text the dense model embeds for `chunk`: Simplified script, header as the title."""
    header, body = normalize_script(chunk.header), normalize_script(chunk.text)
    return template.format(title=header, text=body) if template else f"{header}\n{body}"


class _Timer:
    def __init__(self, report: BuildReport) -> None:
        self.report = report

    def __call__(self, phase: str) -> _Phase:
        return _Phase(self.report, phase)


class _Phase:
    def __init__(self, report: BuildReport, name: str) -> None:
        self.report, self.name = report, name

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.report.timings[self.name] = self.report.timings.get(self.name, 0.0) + (
            time.perf_counter() - self.started)


class IndexBuilder:
    """Turns a corpus folder into a published index build in an IndexStore."""

    def __init__(self, corpus_dir: Path, store: IndexStore, config: IndexConfig, model_id: str,
                 embeddings_factory: Callable[[], Embeddings], show_progress: bool = True,
                 progress: Progress | None = None) -> None:
        self.corpus_dir = corpus_dir
        self.store = store
        self.config = config
        self.model_id = model_id
        self.embeddings = LazyEmbeddings(embeddings_factory)
        self.chunker = Chunker(config.chunking)
        self.show_progress = show_progress
        self.progress: Progress = progress or (lambda phase, done, total: None)

    def build(self, force: bool = False) -> BuildReport:
        """Bring the index up to date with the corpus; a no-op when nothing changed (unless `force`).

        Raises IndexBusyError when another build of the same index is running.
        """
        with self.store.locked():
            return self._build(force)

    def _build(self, force: bool) -> BuildReport:
        report = BuildReport(build_id=None)
        timer = _Timer(report)
        self.progress("scan", 0, 0)
        scanned_at = time.time()
        with timer("scan"):
            scan = scan_corpus(self.corpus_dir, self.config.loader)
            report.skipped = {display_path(s.path): s.reason for s in scan.skipped}
        if not scan.articles:
            raise NothingToIndexError(f"no readable article in {self.corpus_dir} "
                                      f"({len(scan.skipped)} file(s) skipped)")
        previous = self.store.current_manifest()
        reusable = previous is not None and not force and previous.compatible_with(self.config, self.model_id)
        self._diff(scan, previous if reusable else None, report)
        if reusable and not (report.added or report.changed or report.removed):
            if previous is not None:
                self._mark_scanned(previous, scan, scanned_at, report.skipped)
            report.up_to_date = True
            report.build_id = previous.build_id if previous else None
            report.documents, report.chunks = len(scan.articles), previous.chunk_count if previous else 0
            return report
        with timer("chunk"):
            chunks_by_doc = {a.doc_id: self.chunker.split(a) for a in scan.articles}
            chunks = [c for a in scan.articles for c in chunks_by_doc[a.doc_id]]
        with timer("reuse"):
            vectors = self._previous_vectors() if reusable else {}
        checkpoint_path = self.store.root / CHECKPOINT_FILE
        if force:
            checkpoint_path.unlink(missing_ok=True)
        self._embed_missing(chunks, vectors, report, timer)
        report.build_id = new_build_id()
        self.progress("write", 0, 0)
        with timer("write"), self.store.building(report.build_id) as staging:
            self._write(staging, scan, chunks_by_doc, chunks, vectors, report, scanned_at,
                        previous if reusable else None)
            self.store.publish(staging, report.build_id)
        # The published build holds every vector now; a later build reuses them from there.
        checkpoint_path.unlink(missing_ok=True)
        report.documents, report.chunks = len(scan.articles), len(chunks)
        self.progress("published", len(chunks), len(chunks))
        return report

    def _diff(self, scan: CorpusScan, previous: Manifest | None, report: BuildReport) -> None:
        old = previous.documents if previous else {}
        for article in scan.articles:
            entry = old.get(article.doc_id)
            if entry is None:
                report.added.append(article.doc_id)
            elif entry.content_hash != article.content_hash:
                report.changed.append(article.doc_id)
        current = {a.doc_id for a in scan.articles}
        report.removed = sorted(set(old) - current)

    def _previous_vectors(self) -> dict[str, np.ndarray]:
        folder = self.store.current_build()
        if folder is None:
            return {}
        try:
            return DenseIndex.load(folder / FAISS_DIR, self.embeddings).vectors()
        except (OSError, RuntimeError, ValueError) as error:
            logger.warning("cannot reuse vectors of %s: %s", folder, error)
            return {}

    def checkpoint_fingerprint(self) -> str:
        """What the checkpointed vectors depend on besides their text: the model and its prompts."""
        embedding = self.config.embedding.model_dump(mode="json", exclude=OPERATIONAL_FIELDS["embedding"])
        return json.dumps({"model": self.model_id, "embedding": embedding}, sort_keys=True, ensure_ascii=False)

    def _embed_missing(self, chunks: list[Chunk], vectors: dict[str, np.ndarray], report: BuildReport,
                       timer: _Timer) -> None:
        """Embed the chunks without a vector, taking those an interrupted build saved from its checkpoint and
        saving each new batch there before going on."""
        missing = [c for c in chunks if c.chunk_id not in vectors]
        if not missing:
            return
        template = self.config.embedding.document_template
        texts = {c.chunk_id: dense_text(c, template) for c in missing}
        with timer("checkpoint"):
            checkpoint = EmbeddingCheckpoint.open(self.store.root / CHECKPOINT_FILE, self.checkpoint_fingerprint())
            for chunk in missing:
                saved = checkpoint.get(texts[chunk.chunk_id])
                if saved is not None:
                    vectors[chunk.chunk_id] = saved
        todo = [c for c in missing if c.chunk_id not in vectors]
        report.resumed_chunks, report.embedded_chunks = len(missing) - len(todo), len(todo)
        if report.resumed_chunks:
            logger.info("resuming: %d of %d passages already embedded", report.resumed_chunks, len(missing))
        if not todo:
            return
        dimensions = len(next(iter(vectors.values()))) if vectors else None
        with timer("load_model"):
            self.embeddings.get()
        batch = self.config.embedding.texts_per_batch
        # Similar lengths in a batch waste less padding; order back by id afterwards.
        ordered = sorted(todo, key=lambda c: len(c.text))
        docs_total = len({c.doc_id for c in missing})
        needed = {d: sum(1 for c in missing if c.doc_id == d) for d in {c.doc_id for c in missing}}
        done_docs: dict[str, int] = {}
        for chunk in missing:
            if chunk.chunk_id in vectors:
                done_docs[chunk.doc_id] = done_docs.get(chunk.doc_id, 0) + 1
        with tqdm(total=len(missing), initial=report.resumed_chunks, unit="chunk", desc="embedding",
                  disable=not self.show_progress) as bar:
            started = time.perf_counter()
            for i in range(0, len(ordered), batch):
                part = ordered[i:i + batch]
                part_texts = [texts[c.chunk_id] for c in part]
                with timer("embed"):
                    matrix = np.asarray(self.embeddings.embed_documents(part_texts), dtype=np.float32)
                dimensions = _checked_dimensions(matrix, len(part), dimensions)
                with timer("checkpoint"):
                    checkpoint.append(part_texts, matrix)
                for chunk, vector in zip(part, matrix, strict=True):
                    vectors[chunk.chunk_id] = vector
                    done_docs[chunk.doc_id] = done_docs.get(chunk.doc_id, 0) + 1
                finished = sum(1 for d, n in done_docs.items() if n == needed[d])
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.set_postfix(docs=f"{finished}/{docs_total}", docs_per_s=f"{finished / elapsed:.2f}")
                bar.update(len(part))
                self.progress("embed", report.resumed_chunks + min(i + batch, len(ordered)), len(missing))

    def _mark_scanned(self, manifest: Manifest, scan: CorpusScan, scanned_at: float, skipped: dict[str, str]
                      ) -> None:
        """Record in the current build that the corpus was read again with no article changed (so a touched but
        unchanged file counts as indexed, and a newly broken one as failed), and describe articles that a build
        made before document entries had titles left bare; one rename replaces the manifest."""
        folder = self.store.current_build()
        if folder is None:
            return
        documents = dict(manifest.documents)
        for article in scan.articles:
            entry = documents.get(article.doc_id)
            if entry is not None and entry.title is None:
                documents[article.doc_id] = entry.model_copy(update={
                    "title": article.title, "date": article.date, "source": article.source,
                    "file_type": article.file_type, "pages": article.pages,
                    "indexed_at": entry.indexed_at or manifest.built_at})
        updated = manifest.model_copy(update={"scanned_at": scanned_at, "skipped": skipped, "documents": documents})
        temporary = folder / f".{MANIFEST_FILE}.tmp"
        temporary.write_text(updated.model_dump_json(indent=2), encoding="utf-8")
        temporary.replace(folder / MANIFEST_FILE)

    def _write(self, staging: Path, scan: CorpusScan, chunks_by_doc: dict[str, list[Chunk]],
               chunks: list[Chunk], vectors: dict[str, np.ndarray], report: BuildReport, scanned_at: float,
               previous: Manifest | None) -> None:
        DenseIndex.build([c.chunk_id for c in chunks], np.stack([vectors[c.chunk_id] for c in chunks]),
                         self.embeddings).save(staging / FAISS_DIR)
        KeywordIndex.build([c.chunk_id for c in chunks],
                           [c.embedding_text() for c in chunks]).save(staging / BM25_DIR)
        write_records(staging, scan.articles, chunks)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        earlier = previous.documents if previous else {}
        Manifest(
            build_id=report.build_id or "",
            built_at=now,
            embedding_model=self.model_id,
            dimensions=len(next(iter(vectors.values()))),
            config=self.config,
            documents={a.doc_id: _entry(a, chunks_by_doc[a.doc_id], earlier.get(a.doc_id), now)
                       for a in scan.articles},
            chunk_count=len(chunks),
            skipped=report.skipped,
            scanned_at=scanned_at,
        ).write(staging)


def _checked_dimensions(matrix: np.ndarray, count: int, expected: int | None) -> int:
    """The vector size of an embedded batch, which must be one vector per text and match the index's."""
    if matrix.ndim != 2 or matrix.shape[0] != count:
        raise EmbeddingDimensionError(f"the embedding model returned {matrix.shape[0] if matrix.ndim else 0} "
                                      f"vectors for {count} passages")
    if expected is not None and matrix.shape[1] != expected:
        raise EmbeddingDimensionError(f"the embedding model returned {matrix.shape[1]}-dimensional vectors, but "
                                      f"this index holds {expected}-dimensional ones; rebuild with --force if "
                                      "the model was meant to change")
    return matrix.shape[1]


def _entry(article: Article, chunks: list[Chunk], before: DocumentEntry | None, now: str) -> DocumentEntry:
    unchanged = before is not None and before.content_hash == article.content_hash
    return DocumentEntry(path=article.path, content_hash=article.content_hash, chunks=len(chunks),
                         title=article.title, date=article.date, source=article.source,
                         file_type=article.file_type, pages=article.pages,
                         indexed_at=(before.indexed_at if unchanged and before.indexed_at else now))


