"""The extractive backend: no LLM, the best-supported sentence of the retrieved passages, cited.

Used on machines without the model, and whenever the LLM fails, times out or gives an ungrounded answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.answer import Passage
from assistant.query import QueryAnalysis, expected_classifier
from indexing.keyword import tokenize
from indexing.textnorm import normalize_script

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?")
_QUANTITY_QUESTION = re.compile(r"how many|how much|what (?:was|is|were) the (?:total|number|amount)|"
                                r"多少|几[个名所人项]|数量|总数|比例|增长", re.IGNORECASE)
# A counted figure (137个, 196名, 10.8%, 2220万元), not a year or a label such as "1121".
_COUNTED_FIGURE = re.compile(r"\d(?:\.\d+)?(?:万|亿)?(?:多|余)?[个名所户人项支次件座家条元吨亩%倍平公]")
_MIN_SENTENCE_CHARS = 4
_CLAUSE = re.compile(r"[,，;；:：]")
_MIN_CLAUSE_CHARS = 4
_RANK_PRIOR = 0.2
# Weight of the semantic similarity (cosine, about 0.2–0.7 for related text) against shared words.
_SIMILARITY_WEIGHT = 4.0
# A sentence competes when it shares a question word, or is nearly as close in meaning as the closest
# sentence (similarities differ by text and script, so an absolute bar alone is unreliable).
_RELATIVE_SIMILARITY = 0.85
_MIN_SIMILARITY = 0.2

SentenceScorer = Callable[[str, list[str]], list[float]]


class EmbeddingSentenceScorer:
    """Cosine similarity of question and sentences under the dense model, caching sentence vectors."""

    def __init__(self, embeddings: Embeddings, document_template: str | None = None) -> None:
        self.embeddings = embeddings
        self.template = document_template
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, question: str, sentences: list[str]) -> list[float]:
        missing = [s for s in dict.fromkeys(sentences) if s not in self.cache]
        if missing:
            # Sentences are embedded in the same document format as the indexed passages.
            texts = [self.template.format(title="none", text=normalize_script(s)) if self.template
                     else normalize_script(s) for s in missing]
            for sentence, vector in zip(missing, self.embeddings.embed_documents(texts), strict=True):
                self.cache[sentence] = np.asarray(vector, dtype=np.float32)
        query = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        return [float(self.cache[s] @ query) for s in sentences]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` as (start, end) offsets, surrounding space excluded, very short ones dropped."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start >= _MIN_SENTENCE_CHARS:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class Extract:
    """The chosen sentence and the passage it came from."""

    sentence: str
    passage: Passage
    score: float


def best_sentence(analysis: QueryAnalysis, passages: Sequence[Passage], scorer: SentenceScorer | None = None
                  ) -> Extract | None:
    """The sentence sharing most question words and meaning (and a figure, for how-many questions).

    Only sentences that share a word with the question or come close to it in meaning compete;
    None when there is no such sentence.
    """
    # Only the question's own words: added place names fit every sentence of the article alike.
    wanted = set(tokenize(analysis.question))
    quantity = bool(_QUANTITY_QUESTION.search(analysis.question))
    classifier = expected_classifier(analysis.question)
    candidates = [(rank, passage, passage.text[start:end]) for rank, passage in enumerate(passages)
                  for start, end in sentence_spans(passage.text)]
    if not candidates:
        return None
    similarities = _best_clause_similarities(scorer, analysis.question, [c[2] for c in candidates]) \
        if scorer else [0.0] * len(candidates)
    bar = max(_MIN_SIMILARITY, _RELATIVE_SIMILARITY * max(similarities)) if scorer else float("inf")
    best: Extract | None = None
    for (rank, passage, sentence), similarity in zip(candidates, similarities, strict=True):
        overlap = len(wanted & set(tokenize(sentence)))
        if overlap < 1 and similarity < bar:
            continue  # no evidence that this sentence is about the question
        score = (overlap + _SIMILARITY_WEIGHT * similarity + _RANK_PRIOR / (rank + 1)
                 + (1.0 if quantity and _COUNTED_FIGURE.search(normalize_script(sentence)) else 0.0)
                 + (2.0 if classifier and _has_classified_figure(sentence, classifier) else 0.0))
        if best is None or score > best.score:
            best = Extract(sentence, passage, score)
    return best


def _best_clause_similarities(scorer: SentenceScorer, question: str, sentences: list[str]) -> list[float]:
    """Each sentence's similarity to the question: that of its best clause, or of the whole sentence.

    A long sentence's one relevant clause (驻大林村第一书记童本惠介绍) is diluted by the rest of it.
    """
    units = [[s, *(c for c in _CLAUSE.split(s) if len(c) >= _MIN_CLAUSE_CHARS)] for s in sentences]
    flat = [u for group in units for u in group]
    scores = iter(scorer(question, flat))
    return [max(next(scores) for _ in group) for group in units]


def _has_classified_figure(sentence: str, classifier: str) -> bool:
    return re.search(r"\d(?:万|亿|萬|億)?(?:多|余|餘)?" + re.escape(classifier), normalize_script(sentence)) is not None


def extractive_answer(analysis: QueryAnalysis, passages: Sequence[Passage], scorer: SentenceScorer | None = None
                      ) -> tuple[str, list[int]] | None:
    """An answer quoting the best sentence with its citation, in the question's language; None to abstain."""
    extract = best_sentence(analysis, passages, scorer)
    if extract is None:
        return None
    n = extract.passage.n
    if analysis.language == "zh":
        return f"{extract.sentence} [{n}]", [n]
    return f"The articles say: “{extract.sentence}” [{n}]", [n]
