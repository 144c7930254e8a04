"""The LangChain retriever over the hybrid index: query analysis, fused search, entity-first order."""

from __future__ import annotations

import re
from collections.abc import Collection

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.query import QueryAnalysis, QueryAnalyzer, detect_language
from indexing.config import FusionConfig
from indexing.documents import Article
from indexing.hybrid import HybridIndex, SearchHit
from indexing.textnorm import normalize_script

_HAN = re.compile(r"[\u4e00-\u9fff]")
# A figure a question carries (19 first secretaries, 208户): two digits or more, or a decimal; not a year.
_QUESTION_FIGURE = re.compile(r"(?<![\d.,])(\d{2,}(?:\.\d+)?|\d\.\d+)(?![\d.])(?!\s*年)")
_YEAR_LIKE = re.compile(r"^(?:19|20)\d\d$")
# How many passages stating the question's figure are put first.
_FIGURE_PASSAGES = 2


def question_figures(question: str) -> list[str]:
    """The figures a question states, as digits (thousands separators removed); years left out."""
    return [f for f in dict.fromkeys(_QUESTION_FIGURE.findall(re.sub(r"(?<=\d),(?=\d{3})", "", question)))
            if not _YEAR_LIKE.match(f)]


def states_figure(text: str, figures: list[str]) -> bool:
    """Whether `text` writes one of `figures` as a number of its own (19名, not 2019 or 1.19)."""
    return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d]|\.\d)", text) for f in figures)


def article_place(article: Article | None) -> str | None:
    """The short Chinese name of the article's place (its first Chinese alias), else its region."""
    if article is None:
        return None
    return next((a for a in article.aliases if _HAN.search(a)), article.region)


def hit_to_document(hit: SearchHit, index: HybridIndex) -> Document:
    """A LangChain Document for a hit: the passage text plus everything needed to cite it."""
    article = index.articles.get(hit.chunk.doc_id)
    return Document(
        page_content=hit.chunk.text,
        id=hit.chunk.chunk_id,
        metadata={
            "chunk_id": hit.chunk.chunk_id,
            "doc_id": hit.chunk.doc_id,
            "title": article.title if article else hit.chunk.metadata.get("title"),
            "date": article.date if article else None,
            "source": article.source if article else None,
            "place": article_place(article),
            "start": hit.chunk.start,
            "end": hit.chunk.end,
            "score": hit.score,
            "dense_rank": hit.dense_rank,
            "keyword_rank": hit.keyword_rank,
            "instructions": hit.chunk.metadata.get("instructions", ""),
            "pages": hit.chunk.metadata.get("pages", ""),
        },
    )


class HybridRetriever(BaseRetriever):
    """Dense + BM25 retrieval fused by reciprocal rank, for questions in English or Chinese.

    With an analyzer, the question's romanised names are searched in Chinese as well (BM25 still
    weighed by the user's own words), and passages naming a specific entity of the question come first.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: HybridIndex
    analyzer: QueryAnalyzer | None = None
    k: int = 5
    fusion: FusionConfig = FusionConfig()

    def analyze(self, query: str) -> QueryAnalysis:
        """The analysis retrieval uses for `query`."""
        if self.analyzer is None:
            return QueryAnalysis(question=query, language=detect_language(query))
        return self.analyzer.analyze(query)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                k: int | None = None, doc_ids: Collection[str] | None = None) -> list[Document]:
        """The best `k` passages for `query` (of the articles `doc_ids` only, when given)."""
        k = k or self.k
        analysis = self.analyze(query)
        hits = self.index.search(analysis.search_text, k=max(k, self.fusion.candidates), fusion=self.fusion,
                                 coverage_query=analysis.question, doc_ids=doc_ids)
        if analysis.entities:
            def names_one(hit: SearchHit) -> bool:
                return any(e in normalize_script(hit.chunk.text) for e in analysis.entities)

            if not any(names_one(h) for h in hits):
                # The named village is in no candidate: look it up by its name alone.
                by_name = self.fusion.model_copy(update={"dense_weight": 0.0, "keyword_coverage_power": 0.0})
                seen = {h.chunk.chunk_id for h in hits}
                hits += [h for h in self.index.search(" ".join(analysis.entities), k=self.fusion.candidates,
                                                      fusion=by_name, doc_ids=doc_ids)
                         if names_one(h) and h.chunk.chunk_id not in seen]
            hits = sorted(hits, key=lambda h: not names_one(h))
        figures = question_figures(analysis.question)
        if figures:
            # A passage stating the question's own figure ("which two places each selected 19 …", "of the 208
            # households …") is what it is about: the best few go first, the named entity still ahead of them. Only
            # a few: a digit the articles write otherwise ("10 major projects": 十大工程) may be any passage's.
            stating = [h for h in hits if states_figure(h.chunk.text, figures)][:_FIGURE_PASSAGES]
            hits = stating + [h for h in hits if h not in stating]
            if analysis.entities:
                hits = sorted(hits, key=lambda h: not names_one(h))
        return [hit_to_document(hit, self.index) for hit in hits[:k]]
