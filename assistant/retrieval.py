"""The LangChain retriever over the hybrid index, used by the answering chain."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from indexing.hybrid import FusionConfig, HybridIndex, SearchHit


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
            "start": hit.chunk.start,
            "end": hit.chunk.end,
            "score": hit.score,
            "rank": hit.rank,
            "dense_rank": hit.dense_rank,
            "keyword_rank": hit.keyword_rank,
        },
    )


class HybridRetriever(BaseRetriever):
    """Dense + BM25 retrieval fused by reciprocal rank."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: HybridIndex
    k: int = 5
    fusion: FusionConfig = FusionConfig()

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun
                                ) -> list[Document]:
        return [hit_to_document(h, self.index) for h in self.index.search(query, self.k, self.fusion)]
