"""The article and chunk records that flow from the corpus into the index."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Article:
    """A cleaned article: `text` is the body in its original script, as shown to users."""

    doc_id: str
    path: str
    title: str
    text: str
    date: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    region: str | None = None
    region_en: str | None = None
    aliases: tuple[str, ...] = ()
    # pdf, docx, html, markdown or text (None in indexes built before documents had types).
    file_type: str | None = None
    # Where page 1, 2, … starts in `text` (paged documents only: PDF).
    page_starts: tuple[int, ...] = ()
    # Who the page credits as the article's editor (责任编辑), a line the cleaner takes off the page.
    editor: str | None = None

    @property
    def pages(self) -> int | None:
        """The number of pages (None for a document without pages)."""
        return len(self.page_starts) or None

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that goes into this article's chunks changes."""
        fields = asdict(self)
        # The type follows from the path; pages are left out while unset, so articles indexed before these
        # fields existed keep their hash (and are not rewritten).
        del fields["file_type"]
        for unset in ("page_starts", "editor"):
            if not fields[unset]:
                del fields[unset]
        payload = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def header(self) -> str:
        """The title/place line put in front of every chunk, so a chunk names its article and place."""
        place = " ".join(p for p in (self.region, self.region_en) if p)
        aliases = "、".join(a for a in self.aliases if a not in place)
        parts = [self.title, place, aliases, " ".join(p for p in (self.source, self.date) if p)]
        return " | ".join(p for p in parts if p)


@dataclass(frozen=True)
class Chunk:
    """A passage of an article: `text == article.text[start:end]`."""

    chunk_id: str
    doc_id: str
    ordinal: int
    start: int
    end: int
    text: str
    header: str
    tokens: int
    metadata: dict[str, str] = field(default_factory=dict)

    def embedding_text(self) -> str:
        """What the dense model and the keyword index see: the header, then the passage."""
        return f"{self.header}\n{self.text}"
