"""Which sentence of a cited passage supports the answer, as offsets into the article.

The chat highlights it inside the passage and the article; API clients get the same offsets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import Passage, Span
from assistant.extractive import SentenceScorer, sentence_spans
from assistant.grounding import answer_figures, passage_values, same_value, strip_citations
from indexing.keyword import tokenize

_QUOTED = re.compile(r"[“\"「](.+?)[”\"」]")
# A matching figure outweighs shared words: it is what a how-many answer is about.
_FIGURE_WEIGHT = 3.0
_SIMILARITY_WEIGHT = 4.0


def cited_sentence(answer: str, passage: Passage, scorer: SentenceScorer | None = None) -> Span | None:
    """The sentence of `passage` that best supports `answer`, in article offsets; None for an empty passage.

    A sentence the answer quotes wins outright; otherwise the answer's figures, shared words and (with a
    scorer) closeness in meaning decide, which also matches an English answer to a Chinese sentence.
    """
    spans = sentence_spans(passage.text)
    if not spans:
        return None
    claim = strip_citations(answer).strip()
    sentences = [passage.text[s:e] for s, e in spans]
    for quoted in _QUOTED.findall(claim):
        for (start, end), sentence in zip(spans, sentences, strict=True):
            if quoted.strip() and (quoted.strip() in sentence or sentence in quoted):
                return Span(passage.start + start, passage.start + end)
    figures = {value for f in answer_figures(claim) for value in (f.value, f.number)}
    words = set(tokenize(claim))
    lexical = [_FIGURE_WEIGHT * _shared_figures(figures, passage_values(sentence))
               + len(words & set(tokenize(sentence))) for sentence in sentences]
    # Meaning is only consulted when no sentence carries a figure of the answer: embedding the sentences
    # costs the user a few hundred milliseconds before the final answer appears.
    use_meaning = scorer is not None and claim and max(lexical) < _FIGURE_WEIGHT
    similarities = scorer(claim, sentences) if use_meaning else [0.0] * len(sentences)
    scores = [score + _SIMILARITY_WEIGHT * similarity for score, similarity in zip(lexical, similarities, strict=True)]
    start, end = spans[scores.index(max(scores))]
    return Span(passage.start + start, passage.start + end)


def _shared_figures(figures: set[float], values: set[float]) -> int:
    """How many of the answer's figures the sentence carries."""
    return sum(1 for figure in figures if any(same_value(figure, value) for value in values))


def cited_sentences(answer: str, citations: Sequence[Passage], scorer: SentenceScorer | None = None
                    ) -> dict[int, Span]:
    """The supporting sentence of each cited passage, by passage number."""
    spans = {p.n: cited_sentence(answer, p, scorer) for p in citations}
    return {n: span for n, span in spans.items() if span is not None}
