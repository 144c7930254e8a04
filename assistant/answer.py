"""What an answer is: text, abstention, the passages it cites and the passages it was shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexing.pages import page_in_passage


@dataclass(frozen=True)
class Passage:
    """A retrieved passage as shown to the answer step, numbered from 1."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    text: str
    score: float
    date: str | None = None
    source: str | None = None
    place: str | None = None
    start: int = 0
    end: int = 0
    # Sentences (offsets into `text`) that address an AI assistant: never evidence (indexing.injection).
    instructions: tuple[tuple[int, int], ...] = ()
    # (page, article offset where it starts) for each page the passage spans; empty without pages.
    pages: tuple[tuple[int, int], ...] = ()
    # The article's sentence just before the passage: a village it names is where the passage's first sentences
    # are (走进…茶园坪村。| “…”村党支部书记向国富说。).
    lead: str = ""

    def page_of(self, offset: int) -> int | None:
        """The page of article `offset` inside this passage (None for a document without pages)."""
        return page_in_passage(self.pages, offset)


@dataclass(frozen=True)
class Span:
    """A character range of an article (`text[start:end]`)."""

    start: int
    end: int


@dataclass
class Answer:
    """The result of one question; `to_json` is the documented `wenda ask --json` shape."""

    question: str
    answer: str
    abstained: bool
    language: str
    citations: list[Passage] = field(default_factory=list)
    contexts: list[Passage] = field(default_factory=list)
    standalone_question: str | None = None
    backend: str = "extractive"
    notes: list[str] = field(default_factory=list)
    # The LLM failed or timed out and the answer is extractive instead.
    llm_failed: bool = False
    # The sentence of each cited passage that supports the answer, by passage number.
    highlights: dict[int, Span] = field(default_factory=dict)
    latency_ms: float = 0.0
    first_token_ms: float | None = None
    retrieval_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The JSON object of `wenda ask --json` and `POST /api/ask`."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [passage_json(p, self.highlights.get(p.n)) for p in self.citations],
            "contexts": [{"doc_id": p.doc_id, "chunk_id": p.chunk_id, "text": p.text, "score": p.score}
                         for p in self.contexts],
            "latency_ms": round(self.latency_ms, 1),
            "first_token_ms": None if self.first_token_ms is None else round(self.first_token_ms, 1),
            "retrieval_ms": round(self.retrieval_ms, 1),
            "language": self.language,
            "standalone_question": self.standalone_question,
            "backend": self.backend,
            "llm_failed": self.llm_failed,
            "notes": self.notes,
        }


def passage_json(passage: Passage, highlight: Span | None = None) -> dict[str, Any]:
    """A passage as the API shows it: offsets into the article, the supporting sentence if known, and the page
    (of that sentence, else of the passage's start; None for a document without pages)."""
    return {"n": passage.n, "doc_id": passage.doc_id, "title": passage.title, "chunk_id": passage.chunk_id,
            "text": passage.text, "date": passage.date, "source": passage.source, "start": passage.start,
            "end": passage.end, "highlight": None if highlight is None else {"start": highlight.start,
                                                                            "end": highlight.end},
            "page": passage.page_of(highlight.start if highlight else passage.start)}


def abstention_message(language: str) -> str:
    """What wenda says when the articles do not contain the answer."""
    if language == "zh":
        return "文章中没有提到这个问题的答案。"
    return "The articles do not say."
