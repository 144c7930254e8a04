"""Sentences of a passage, and how close each is in meaning to a question under the embedding model."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from indexing.textnorm import normalize_script

# A closing quote after the end mark belongs to the sentence it closes (…的用人机制。” 甘洛县…).
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?[”’」』]*")
_MIN_SENTENCE_CHARS = 4
_SENTENCE_ENDS = "。！？；!?;”’」』"
_OPENING_QUOTES = "“‘「『"
_CLOSING_QUOTES = "”’」』"
# The speaker of the quotation before: 村党支部书记王建平一边检查套袋质量一边说。
_ATTRIBUTION = re.compile(r"^[^。！？；]*?(?:说|介绍|表示|谈到|告诉|坦言|感慨)")
_ATTRIBUTION_REACH = 40

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


def sentence_before(text: str, start: int, reach: int = 120, past_quotation: bool = True) -> str:
    """The sentence of `text` that ends where `start` begins (within `reach` characters), with the beginning of
    the sentence `start` falls in when it falls mid-sentence; "" at the start of the text. A quotation whose speaker
    is named at `start` comes with the sentence before it (`past_quotation`)."""
    window = text[max(0, start - reach):start]
    spans = sentence_spans(window)
    if not spans:
        return ""
    complete = window[spans[-1][1] - 1] in _SENTENCE_ENDS
    first = spans[-1] if complete or len(spans) < 2 else spans[-2]
    lead = window[first[0]:]
    quotation = complete and lead[0] in _OPENING_QUOTES and lead.rstrip()[-1] in _CLOSING_QUOTES
    if past_quotation and quotation and _ATTRIBUTION.search(text[start:start + _ATTRIBUTION_REACH]):
        # A quotation says nothing of where it was said; the sentence before it does (…杏树塬村的苹果园里一派繁忙。
        # “…多卖两三毛钱。”| 村党支部书记王建平…说。). One step back only.
        return sentence_before(text, start - len(window) + first[0], reach, past_quotation=False) + lead
    return lead
