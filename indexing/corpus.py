"""Scan the corpus folder: load, clean and describe every article, reporting files that cannot be read."""

from __future__ import annotations

import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from indexing.cleaning import clean_article, parse_date
from indexing.config import LoaderConfig
from indexing.documents import Article
from indexing.loaders import LoadError, load_file
from indexing.metadata import ArticleMeta, load_metadata
from indexing.pages import split_pages
from indexing.places import infer_place, place_aliases
from indexing.registry import DocumentRegistry

logger = logging.getLogger(__name__)

_FIRST_SENTENCE = re.compile(r"^(.+?[。！？!?])")
_FALLBACK_TITLE_CHARS = 30
# A document-properties title that only names the file or the program ("Microsoft Word - 报告.docx").
_FILE_TITLE = re.compile(r"(^microsoft (word|powerpoint)\b|\.(docx?|pdf|wps|txt)$|^untitled$|^无标题)", re.IGNORECASE)


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file that was not indexed, and why."""

    path: Path
    reason: str


@dataclass
class CorpusScan:
    """The articles read from a corpus folder and the files skipped."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)


def display_path(path: Path) -> str:
    """A path as text that can always be printed and stored (undecodable bytes shown as \\xNN escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _entry_problem(path: Path, root: Path) -> str | None:
    """Why a corpus entry cannot be read as an article file, or None when it can."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename the file"
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "symbolic link that is dangling or loops"
        if not target.is_relative_to(root):
            return f"symbolic link to {display_path(target)}, outside the corpus folder (refused)"
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if stat.S_ISDIR(mode):
        return "a folder named like an article file"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, device or socket)"
    return None


def corpus_entries(corpus_dir: Path, config: LoaderConfig) -> tuple[list[Path], list[SkippedFile]]:
    """The article files below `corpus_dir` in a stable order, and the entries named like articles that are not
    readable files (bad names, links leaving the folder, FIFOs, folders …), each with the reason.

    The metadata file and dotfiles are ignored; links to folders are not followed.
    """
    suffixes = {s.lower() for s in config.extensions}
    root = corpus_dir.resolve()
    files: list[Path] = []
    skipped: list[SkippedFile] = []
    for folder, folders, names in os.walk(corpus_dir, followlinks=False):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name, is_file in [*((f, False) for f in folders), *((n, True) for n in names)]:
            path = Path(folder) / name
            if name.startswith(".") or name == config.metadata_file or path.suffix.lower() not in suffixes:
                continue
            problem = _entry_problem(path, root)
            if problem:
                skipped.append(SkippedFile(path, problem))
            elif is_file:
                files.append(path)
    return sorted(files), skipped


def _fallback_title(text: str) -> str:
    first = text.split("\n", 1)[0]
    match = _FIRST_SENTENCE.match(first)
    sentence = match.group(1) if match else first
    return sentence if len(sentence) <= _FALLBACK_TITLE_CHARS else sentence[:_FALLBACK_TITLE_CHARS] + "…"


def _property_title(title: str | None) -> str | None:
    return title if title and not _FILE_TITLE.search(title.strip()) else None


def read_article(path: Path, corpus_dir: Path, config: LoaderConfig, meta: ArticleMeta | None) -> Article:
    """Load and clean one file into an Article. Metadata wins over the page header, which wins over the
    first page of a document and then its own properties (title, author, date)."""
    source = load_file(path, corpus_dir, config)
    for problem in source.problems:
        logger.warning("%s: %s", display_path(path), problem)
    meta = meta or ArticleMeta()
    cleaned = clean_article(source.text, known_title=meta.title, known_author=meta.author,
                            known_source=meta.source)
    text, page_starts = split_pages(cleaned.text)
    if not text.strip():
        raise LoadError("no article text left after removing page furniture")
    properties = source.properties
    hint = source.title_hint if source.file_type in ("html", "markdown") else _property_title(properties.title)
    title = meta.title or hint or cleaned.title or _fallback_title(text)
    # Without metadata, the place the article names most is its place, so questions naming it find it.
    region = meta.region or infer_place(title, text)
    aliases = tuple(meta.aliases) or (place_aliases(region) if region else ())
    return Article(
        doc_id=source.doc_id,
        path=str(path),
        title=title,
        text=text,
        date=meta.date or cleaned.date or parse_date(source.first_page) or properties.date,
        source=meta.source or cleaned.source or properties.author,
        author=meta.author or cleaned.author or properties.author,
        editor=cleaned.editor,
        url=meta.url,
        region=region,
        region_en=meta.region_en,
        aliases=aliases,
        file_type=source.file_type,
        page_starts=page_starts,
    )


def corpus_metadata(corpus_dir: Path, config: LoaderConfig) -> dict[str, ArticleMeta]:
    """The metadata file's entries with the edits made through wenda (indexing.registry) on top."""
    metadata = load_metadata(corpus_dir / config.metadata_file)
    for doc_id, override in DocumentRegistry(corpus_dir).overrides().items():
        metadata[doc_id] = (metadata.get(doc_id) or ArticleMeta()).model_copy(update=override)
    return metadata


def scan_corpus(corpus_dir: Path, config: LoaderConfig) -> CorpusScan:
    """Read every article in `corpus_dir`; a broken file is logged by name and skipped."""
    metadata = corpus_metadata(corpus_dir, config)
    paths, refused = corpus_entries(corpus_dir, config)
    scan = CorpusScan()
    for entry in refused:
        logger.warning("skipping %s: %s", display_path(entry.path), entry.reason)
        scan.skipped.append(entry)
    for path in paths:
        try:
            article = read_article(path, corpus_dir, config, metadata.get(path.relative_to(corpus_dir)
                                                                          .with_suffix("").as_posix()))
        except (LoadError, OSError) as error:
            logger.warning("skipping %s: %s", display_path(path), error)
            scan.skipped.append(SkippedFile(path, str(error)))
            continue
        scan.articles.append(article)
    return scan
