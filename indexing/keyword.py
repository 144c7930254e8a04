"""Keyword retrieval: BM25 (bm25s) over jieba tokens of the normalised text, saved to and loaded from disk."""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import jieba
import numpy as np

from indexing.textnorm import normalize

logger = logging.getLogger(__name__)

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\w\u4e00-\u9fff%.+]+")
# Function words that carry no topic in a question or a passage.
STOPWORDS = frozenset(
    "的 了 和 与 及 是 在 有 对 把 被 为 以 等 也 都 就 而 之 其 这 那 个 中 上 下 将 从 到 由 并 或 "
    "多少 什么 哪些 哪 几 如何 怎么 怎样 吗 呢 么 谁 是否 "
    "a an the of to in on for and or by with from at as is are was were be been did do does how "
    "what which who whom when where why many much than that this these those it its their".split()
)


@lru_cache(maxsize=1)
def _warm_jieba() -> None:
    jieba.initialize()


def tokenize(text: str) -> list[str]:
    """Search tokens of `text`: normalised, jieba-segmented (with sub-words), no punctuation or stopwords.

    `cut_for_search` also yields the parts of long words, so 第一书记 matches 书记 and 第一书记.
    """
    _warm_jieba()
    tokens = []
    for token in jieba.cut_for_search(normalize(text)):
        token = token.strip()
        if token and token not in STOPWORDS and _WORD.fullmatch(token):
            tokens.append(token)
    return tokens


class KeywordIndex:
    """A BM25 index whose row i is the i-th chunk id in `ids`."""

    def __init__(self, retriever: bm25s.BM25, ids: list[str]) -> None:
        self.retriever = retriever
        self.ids = ids

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> KeywordIndex:
        """Index `texts` (raw; they are normalised and tokenised here)."""
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) or ["<empty>"] for t in texts], show_progress=False)
        return cls(retriever, list(ids))

    def save(self, folder: Path) -> None:
        """Write the index files into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(folder), corpus=[{"id": i} for i in self.ids], show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """Read an index written by `save`."""
        retriever = bm25s.BM25.load(str(folder), load_corpus=True, show_progress=False)
        ids = [row["id"] for row in retriever.corpus]
        retriever.corpus = None
        return cls(retriever, ids)

    @property
    def vocabulary(self) -> list[str]:
        """Every token of the indexed text."""
        return list(self.retriever.vocab_dict)

    def coverage(self, query: str) -> float:
        """Share of the query's tokens that occur in the indexed text (1.0 for a query with no tokens).

        An English question over Chinese articles shares almost no tokens with them, so its BM25
        ranking rests on a stray alias and should count for little in fusion.
        """
        tokens = tokenize(query)
        if not tokens:
            return 1.0
        return sum(1 for t in tokens if t in self.retriever.vocab_dict) / len(tokens)

    def search(self, query: str, k: int, rows: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The best `k` chunk ids for `query` with their BM25 scores (positive scores only; among `rows`
        only, when given: the row numbers of the chunks that may be returned)."""
        vocab = self.retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens or not self.ids or (rows is not None and not len(rows)):
            return []
        mask = None
        if rows is not None:
            mask = np.zeros(len(self.ids), dtype=np.float32)
            mask[np.asarray(rows, dtype=np.int64)] = 1.0
            k = min(k, len(rows))
        k = min(k, len(self.ids))
        found, scores = self.retriever.retrieve([tokens], k=k, show_progress=False, n_threads=1, weight_mask=mask)
        return [(self.ids[int(r)], float(s)) for r, s in zip(found[0], scores[0], strict=True)
                if s > 0 and np.isfinite(s)]
