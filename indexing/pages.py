"""Page boundaries of paged documents (PDF), carried through cleaning as an invisible mark in the text.

A loader puts `PAGE_MARK` where each page after the first begins, even inside a sentence that runs on
across the page break; cleaning keeps the marks (a dropped line hands its marks to the next kept line),
and `split_pages` then removes them, returning the offset at which each page starts in the clean text.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

# A private-use character: never in real text (loaders remove any), untouched by NFKC and by cleaning.
PAGE_MARK = "\ue000"


def without_marks(text: str) -> str:
    """`text` with every page mark removed."""
    return text.replace(PAGE_MARK, "")


def split_pages(marked: str) -> tuple[str, tuple[int, ...]]:
    """(text without marks, start offset of page 1, 2, … in that text); no marks means no pages."""
    if PAGE_MARK not in marked:
        return marked, ()
    starts = [0]
    parts = marked.split(PAGE_MARK)
    offset = 0
    for part in parts[:-1]:
        offset += len(part)
        starts.append(offset)
    return "".join(parts), tuple(starts)


def page_at(page_starts: Sequence[int], offset: int) -> int | None:
    """The 1-based page holding character `offset` (None for a document without pages)."""
    if not page_starts:
        return None
    return max(1, bisect.bisect_right(page_starts, offset))


def encode_pages(page_starts: Sequence[int], start: int, end: int) -> str:
    """The pages a passage `[start, end)` spans, as `page@offset` pairs (what a chunk's metadata carries)."""
    if not page_starts:
        return ""
    first, last = page_at(page_starts, start) or 1, page_at(page_starts, max(start, end - 1)) or 1
    return ",".join(f"{page}@{page_starts[page - 1]}" for page in range(first, last + 1))


def decode_pages(text: str | None) -> tuple[tuple[int, int], ...]:
    """The (page, start offset) pairs `encode_pages` wrote (none for empty or missing text)."""
    if not text:
        return ()
    pairs = []
    for item in text.split(","):
        page, _, start = item.partition("@")
        pairs.append((int(page), int(start)))
    return tuple(pairs)


def page_in_passage(pages: Sequence[tuple[int, int]], offset: int) -> int | None:
    """The page of article `offset` among a passage's (page, start) pairs (None without pages)."""
    page = None
    for number, start in pages:
        if start <= offset or page is None:
            page = number
    return page
