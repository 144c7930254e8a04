"""The corpus as a managed set of documents: list them with their index status, add uploads (checked by
content, sanitised, de-duplicated), remove them and edit their metadata.

Nothing here touches the index: a change to the corpus is picked up by the next (incremental) build. An
upload is checked completely (type, size, text) before anything is written, and is moved into the corpus
in one rename, so a build never reads half a file and a rejected upload leaves no trace.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from indexing.config import LoaderConfig
from indexing.corpus import corpus_entries, display_path, read_article
from indexing.documents import Article
from indexing.errors import WendaError
from indexing.filetypes import SUFFIXES, UnsupportedTypeError, sniff
from indexing.loaders import LoadError, doc_id_for
from indexing.manifest import Manifest
from indexing.registry import STATE_DIR, DocumentRecord, DocumentRegistry, MetadataOverride
from indexing.store import IndexStore

logger = logging.getLogger(__name__)

DELETED_DIR = "deleted"
_UNSAFE = re.compile(r"[^\w\-.()（）]+")
_MAX_STEM_CHARS = 80


class DocumentError(WendaError):
    """A document operation refused; `name` is the file or document it is about."""

    def __init__(self, message: str, name: str = "") -> None:
        super().__init__(message)
        self.name = name


class UnsupportedDocumentError(DocumentError):
    """The file's content is of a type wenda does not read."""


class DocumentTooLargeError(DocumentError):
    """The file is over the configured size limit."""


class CorruptDocumentError(DocumentError):
    """The file is of a supported type but cannot be read (encrypted, corrupt, truncated, no text)."""


class DocumentNotFoundError(DocumentError):
    """No document has this id."""


@dataclass(frozen=True)
class Upload:
    """A file handed to wenda: the name the user gave it and its bytes."""

    name: str
    data: bytes


@dataclass
class AddResult:
    """What became of one uploaded file: added under `doc_id`, or a duplicate of `duplicate_of`."""

    name: str
    status: str
    doc_id: str | None = None
    duplicate_of: str | None = None
    title: str | None = None
    file_type: str | None = None
    pages: int | None = None


@dataclass
class DocumentInfo:
    """One document as the document list shows it."""

    id: str
    title: str | None
    date: str | None = None
    source: str | None = None
    region: str | None = None
    aliases: list[str] = field(default_factory=list)
    type: str | None = None
    pages: int | None = None
    passages: int | None = None
    # indexed, pending (waiting for the next build), indexing, failed (see reason) or removing.
    status: str = "pending"
    reason: str | None = None
    indexed_at: str | None = None
    uploaded_at: str | None = None
    original_name: str | None = None
    path: str | None = None


def safe_stem(name: str) -> str:
    """A file name stem that is safe inside the corpus: no folders, no `..`, no control or odd characters."""
    base = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = _UNSAFE.sub("_", stem).strip("._- ")[:_MAX_STEM_CHARS].rstrip("._- ")
    return stem or "document"


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _scanned_at(manifest: Manifest) -> float:
    if manifest.scanned_at is not None:
        return manifest.scanned_at
    try:
        return datetime.fromisoformat(manifest.built_at).timestamp()
    except ValueError:
        return 0.0


class DocumentLibrary:
    """The documents of one corpus folder and their status in one index."""

    def __init__(self, corpus_dir: Path, loader: LoaderConfig, store: IndexStore, upload_folder: str = "uploads"
                 ) -> None:
        self.corpus_dir = corpus_dir
        self.loader = loader
        self.store = store
        self.upload_folder = upload_folder
        self.registry = DocumentRegistry(corpus_dir)
        self._lock = threading.Lock()
        # File hashes by path, valid while size and modification time stay the same.
        self._hashes: dict[Path, tuple[int, int, str]] = {}

    # Reading

    def files(self) -> dict[str, Path]:
        """The corpus's article files by doc id."""
        paths, _ = corpus_entries(self.corpus_dir, self.loader) if self.corpus_dir.is_dir() else ([], [])
        return {doc_id_for(path, self.corpus_dir): path for path in paths}

    def list(self, building: bool = False, in_use: Manifest | None = None) -> list[DocumentInfo]:
        """Every document of the corpus, and those of the index whose file is gone, with their status.

        `building` says a build is running, so changed documents are `indexing` rather than `pending`. `in_use`,
        the manifest of the index a server answers from, decides what is `indexed`: a build publishes its index a
        moment before the server switches to it, and a failed switch leaves the server on the old one.
        """
        manifest = in_use if in_use is not None else self.store.current_manifest()
        indexed = manifest.documents if manifest else {}
        scanned = _scanned_at(manifest) if manifest else 0.0
        skipped = manifest.skipped if manifest else {}
        records = self._records()
        files = self.files()
        documents = []
        for doc_id, path in files.items():
            record, entry = records.get(doc_id), indexed.get(doc_id)
            try:
                changed = max(path.stat().st_mtime, record.changed_at if record else 0.0)
            except OSError:
                continue
            reason = skipped.get(display_path(path))
            if entry is not None and changed <= scanned:
                status = "indexed"
            elif reason is not None and changed <= scanned:
                status = "failed"
            else:
                status, reason = ("indexing" if building else "pending"), None
            override = record.override if record else MetadataOverride()
            documents.append(DocumentInfo(
                id=doc_id, path=path.relative_to(self.corpus_dir).as_posix(), status=status, reason=reason,
                title=override.title or (entry.title if entry else None) or (record.title if record else None)
                or path.stem,
                date=override.date or (entry.date if entry else None),
                source=override.source or (entry.source if entry else None),
                region=override.region, aliases=list(override.aliases or []),
                type=(entry.file_type if entry else None) or (record.file_type if record else None)
                or _type_of(path),
                pages=(entry.pages if entry else None) or (record.pages if record else None),
                passages=entry.chunks if entry and status == "indexed" else None,
                indexed_at=entry.indexed_at if entry else None,
                uploaded_at=_iso(record.uploaded_at) if record else None,
                original_name=record.original_name if record else None))
        for doc_id, entry in indexed.items():
            if doc_id not in files:
                documents.append(DocumentInfo(id=doc_id, title=entry.title, date=entry.date, source=entry.source,
                                              type=entry.file_type, pages=entry.pages, passages=entry.chunks,
                                              status="removing", indexed_at=entry.indexed_at))
        return sorted(documents, key=lambda d: d.id)

    def get(self, doc_id: str) -> DocumentInfo:
        """One document of `list`. Raises DocumentNotFoundError."""
        for document in self.list():
            if document.id == doc_id:
                return document
        raise DocumentNotFoundError(f"no document {doc_id!r}", doc_id)

    def _records(self) -> dict[str, DocumentRecord]:
        try:
            return self.registry.read()
        except WendaError as error:
            logger.error("%s", error)
            return {}

    # Adding

    def add(self, uploads: list[Upload]) -> list[AddResult]:
        """Check every upload, then move the new ones into the corpus (a duplicate of a document, or of an
        earlier file of the same call, is reported and not added).

        Raises UnsupportedDocumentError, DocumentTooLargeError or CorruptDocumentError for the first bad file,
        before anything is written: one bad file in a batch adds none of it.
        """
        with self._lock, tempfile.TemporaryDirectory(dir=self._state_dir(), prefix="incoming-") as incoming:
            checked = [self._check(upload, Path(incoming) / str(n)) for n, upload in enumerate(uploads)]
            known = self._content_hashes()
            results: list[AddResult] = []
            with self.registry.editing() as records:
                for upload, (path, article, file_type) in zip(uploads, checked, strict=True):
                    digest = _sha256(upload.data)
                    if digest in known:
                        results.append(AddResult(upload.name, "duplicate", duplicate_of=known[digest],
                                                 title=article.title, file_type=file_type, pages=article.pages))
                        continue
                    doc_id, target = self._free_target(upload.name, file_type, records)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)
                    now = time.time()
                    records[doc_id] = DocumentRecord(sha256=digest, original_name=upload.name, uploaded_at=now,
                                                     changed_at=now, title=article.title, file_type=file_type,
                                                     pages=article.pages)
                    known[digest] = doc_id
                    results.append(AddResult(upload.name, "added", doc_id=doc_id, title=article.title,
                                             file_type=file_type, pages=article.pages))
                    logger.info("added %s as %s (%s)", upload.name, doc_id, display_path(target))
        return results

    def _state_dir(self) -> Path:
        folder = self.corpus_dir / STATE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _check(self, upload: Upload, folder: Path) -> tuple[Path, Article, str]:
        """Type, size and readability of one upload, read through the real loader and cleaner."""
        name = upload.name or "document"
        try:
            file_type = sniff(upload.data, Path(name).suffix)
        except UnsupportedTypeError as error:
            raise UnsupportedDocumentError(f"{name}: {error}", name) from None
        limit = self.loader.max_document_bytes if file_type in ("pdf", "docx") else self.loader.max_bytes
        if len(upload.data) > limit:
            raise DocumentTooLargeError(f"{name}: {len(upload.data)} bytes, over the limit of {limit} bytes for "
                                        f"{file_type} files", name)
        if not upload.data:
            raise CorruptDocumentError(f"{name}: empty file", name)
        folder.mkdir()
        suffix = Path(name).suffix.lower() if file_type == "markdown" else SUFFIXES[file_type]
        path = folder / f"{safe_stem(name)}{suffix}"
        path.write_bytes(upload.data)
        try:
            article = read_article(path, folder, self.loader, None)
        except (LoadError, OSError) as error:
            raise CorruptDocumentError(f"{name}: {error}", name) from None
        return path, article, file_type

    def _content_hashes(self) -> dict[str, str]:
        """doc id by the SHA-256 of each corpus file's bytes."""
        hashes = {}
        for doc_id, path in self.files().items():
            try:
                info = path.stat()
                cached = self._hashes.get(path)
                if cached is None or cached[:2] != (info.st_size, info.st_mtime_ns):
                    cached = (info.st_size, info.st_mtime_ns, _sha256(path.read_bytes()))
                    self._hashes[path] = cached
            except OSError:
                continue
            hashes.setdefault(cached[2], doc_id)
        return hashes

    def _free_target(self, name: str, file_type: str, records: dict[str, DocumentRecord]) -> tuple[str, Path]:
        """A doc id and path under the upload folder that no document has, had in the index, or is recorded."""
        stem = safe_stem(name)
        suffix = Path(name).suffix.lower() if file_type == "markdown" else SUFFIXES[file_type]
        manifest = self.store.current_manifest()
        taken = set(self.files()) | set(records) | set(manifest.documents if manifest else ())
        folder = self.corpus_dir / self.upload_folder
        for n in range(1, 10_000):
            candidate = stem if n == 1 else f"{stem}-{n}"
            doc_id = f"{self.upload_folder}/{candidate}"
            target = folder / f"{candidate}{suffix}"
            if doc_id not in taken and not any(folder.glob(f"{glob_escape(candidate)}.*")):
                return doc_id, target
        raise DocumentError(f"no free file name for {name!r}", name)

    # Changing

    def remove(self, doc_id: str) -> DocumentInfo:
        """Move a document's file out of the corpus (into `.wenda/deleted/`, so nothing is lost) and forget its
        metadata edits. Raises DocumentNotFoundError."""
        with self._lock:
            info = self.get(doc_id)
            path = self.files().get(doc_id)
            if path is None:
                raise DocumentNotFoundError(f"document {doc_id!r} is already removed", doc_id)
            bin_folder = self._state_dir() / DELETED_DIR
            bin_folder.mkdir(exist_ok=True)
            shutil.move(str(path), bin_folder / f"{time.strftime('%Y%m%dT%H%M%S')}-{path.name}")
            with self.registry.editing() as records:
                records.pop(doc_id, None)
            logger.info("removed %s (%s)", doc_id, display_path(path))
            return info

    def update(self, doc_id: str, changes: MetadataOverride) -> DocumentInfo:
        """Set metadata fields of a document (those given; an empty string or list clears a field's edit).
        Raises DocumentNotFoundError."""
        with self._lock:
            if doc_id not in self.files():
                raise DocumentNotFoundError(f"no document {doc_id!r}", doc_id)
            with self.registry.editing() as records:
                record = records.get(doc_id) or DocumentRecord()
                merged = record.override.model_dump() | changes.model_dump(exclude_unset=True)
                cleared = {k: (v if v not in ("", []) else None) for k, v in merged.items()}
                records[doc_id] = record.model_copy(update={"override": MetadataOverride(**cleared),
                                                            "changed_at": time.time()})
        return self.get(doc_id)


def glob_escape(text: str) -> str:
    """`text` with glob wildcards escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _type_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".md": "markdown",
            ".markdown": "markdown"}.get(suffix, "text")
