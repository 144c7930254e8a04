"""Per-article metadata from `corpus/metadata.toml`; every field is optional."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

logger = logging.getLogger(__name__)


class ArticleMeta(BaseModel):
    """What is known about an article beyond its text. Missing fields are inferred from the text."""

    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    region: str | None = None
    region_en: str | None = None
    aliases: list[str] = Field(default_factory=list)


def load_metadata(path: Path) -> dict[str, ArticleMeta]:
    """Read the metadata file, keyed by doc id. A missing file is no metadata; a broken one is reported."""
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        logger.error("ignoring metadata file %s: %s", path, error)
        return {}
    entries: dict[str, ArticleMeta] = {}
    articles = raw.get("articles", {})
    if not isinstance(articles, dict):
        logger.error("ignoring [articles] in %s: it must be a table of articles, not a %s", path,
                     type(articles).__name__)
        return {}
    for doc_id, fields in articles.items():
        if not isinstance(fields, dict):
            logger.error("ignoring metadata of %s in %s: articles.%s must be a table, not a %s", doc_id, path,
                         doc_id, type(fields).__name__)
            continue
        try:
            entries[doc_id] = ArticleMeta.model_validate(fields)
        except ValidationError as error:
            logger.error("ignoring metadata of %s in %s: %s", doc_id, path, error)
    return entries


def load_examples(path: Path) -> list[str]:
    """The example questions listed under `[chat] examples` in the metadata file (none when absent)."""
    if not path.is_file():
        return []
    try:
        chat = tomllib.loads(path.read_text(encoding="utf-8")).get("chat", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        logger.error("no example questions from %s: %s", path, error)
        return []
    examples = chat.get("examples", []) if isinstance(chat, dict) else None
    if not isinstance(examples, list):
        logger.error("no example questions from %s: chat.examples must be a list of strings", path)
        return []
    return [e for e in examples if isinstance(e, str) and e.strip()]
