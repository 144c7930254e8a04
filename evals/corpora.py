"""Evaluation corpora: the configured corpus plus extra articles (new or look-alike), in a folder of their own.

The product's `corpus/` is never touched: a combined copy is kept under a work folder, synchronised file by
file, so the incremental index builder re-embeds only what changed between runs.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from indexing.config import LoaderConfig

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvalCorpus:
    """Where a combined corpus and its index live."""

    corpus_dir: Path
    index_dir: Path


def _source_files(folders: Sequence[Path], metadata_file: str) -> dict[Path, Path]:
    """Every file below the folders by its path relative to its folder (subfolders kept); only the first
    folder's metadata file is used (extra articles come without metadata, as a user's new files would)."""
    files: dict[Path, Path] = {}
    for number, folder in enumerate(folders):
        if not folder.is_dir():
            raise FileNotFoundError(f"no such folder of articles: {folder}")
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if not path.is_file() or any(part.startswith(".") for part in relative.parts):
                continue
            if relative.name == metadata_file and number:
                logger.warning("ignoring %s: the evaluation corpus keeps the base corpus's metadata only", path)
                continue
            if relative in files:
                raise ValueError(f"two articles at {relative}: {files[relative]} and {path}")
            files[relative] = path
    return files


def combined_corpus(base: Path, extras: Sequence[Path], workdir: Path,
                    metadata_file: str = LoaderConfig().metadata_file) -> EvalCorpus:
    """A corpus of `base` plus every file of the `extras` folders, synchronised into `workdir`."""
    folders = [base, *extras]
    digest = hashlib.sha256("\n".join(str(f.resolve()) for f in folders).encode()).hexdigest()[:12]
    target = workdir / f"corpus-{digest}"
    target.mkdir(parents=True, exist_ok=True)
    wanted = _source_files(folders, metadata_file)
    for stale in [p for p in target.rglob("*") if p.is_file() and p.relative_to(target) not in wanted]:
        stale.unlink()
    copied = 0
    for relative, source in wanted.items():
        destination = target / relative
        if not destination.exists() or destination.read_bytes() != source.read_bytes():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            copied += 1
    logger.info("evaluation corpus %s: %d files (%d copied)", target, len(wanted), copied)
    return EvalCorpus(corpus_dir=target, index_dir=workdir / f"index-{digest}")
