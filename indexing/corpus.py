"""Scan the corpus folder: load, clean and describe every article, reporting files that cannot be read."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from indexing.cleaning import clean_article
from indexing.config import LoaderConfig
from indexing.documents import Article
from indexing.loaders import LoadError, load_file
from indexing.metadata import ArticleMeta, load_metadata

logger = logging.getLogger(__name__)

_FIRST_SENTENCE = re.compile(r"^(.+?[。！？!?])")
_FALLBACK_TITLE_CHARS = 30


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


def corpus_files(corpus_dir: Path, config: LoaderConfig) -> list[Path]:
    """The article files below `corpus_dir`, in a stable order (the metadata file and dotfiles excluded)."""
    suffixes = {s.lower() for s in config.extensions}
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.suffix.lower() in suffixes and p.name != config.metadata_file
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def _fallback_title(text: str) -> str:
    first = text.split("\n", 1)[0]
    match = _FIRST_SENTENCE.match(first)
    sentence = match.group(1) if match else first
    return sentence if len(sentence) <= _FALLBACK_TITLE_CHARS else sentence[:_FALLBACK_TITLE_CHARS] + "…"


def read_article(path: Path, corpus_dir: Path, config: LoaderConfig, meta: ArticleMeta | None) -> Article:
    """Load and clean one file into an Article; metadata wins over what the page header says."""
    source = load_file(path, corpus_dir, config)
    meta = meta or ArticleMeta()
    cleaned = clean_article(source.text, known_title=meta.title, known_author=meta.author,
                            known_source=meta.source)
    if not cleaned.text.strip():
        raise LoadError("no article text left after removing page furniture")
    return Article(
        doc_id=source.doc_id,
        path=str(path),
        title=meta.title or source.title_hint or cleaned.title or _fallback_title(cleaned.text),
        text=cleaned.text,
        date=meta.date or cleaned.date,
        source=meta.source or cleaned.source,
        author=meta.author or cleaned.author,
        url=meta.url,
        region=meta.region,
        region_en=meta.region_en,
        aliases=tuple(meta.aliases),
    )


def scan_corpus(corpus_dir: Path, config: LoaderConfig) -> CorpusScan:
    """Read every article in `corpus_dir`; a broken file is logged by name and skipped."""
    metadata = load_metadata(corpus_dir / config.metadata_file)
    scan = CorpusScan()
    for path in corpus_files(corpus_dir, config):
        try:
            article = read_article(path, corpus_dir, config, metadata.get(path.relative_to(corpus_dir)
                                                                          .with_suffix("").as_posix()))
        except (LoadError, OSError) as error:
            logger.warning("skipping %s: %s", path, error)
            scan.skipped.append(SkippedFile(path, str(error)))
            continue
        scan.articles.append(article)
    return scan
