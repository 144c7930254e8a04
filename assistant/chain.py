"""The answering chain: condense a follow-up, retrieve, generate with citations, ground, fall back.

`Assistant.stream` yields the retrieved passages, then tokens as the LLM writes them, and ends with the
final, grounded Answer; `Assistant.ask` returns only the Answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from assistant.admission import AdmissionError
from assistant.answer import Answer, Passage, Span, abstention_message
from assistant.comparison import (
    PlaceFinder,
    PlaceTarget,
    about_each_place,
    asked_of_each_place,
    figure_frame,
    place_answer,
    place_frame,
)
from assistant.credits import asked_credit, credit_text, find_credit
from assistant.evidence import Candidate, Evidence, EvidenceSelector, best_claim, format_evidence
from assistant.extractive import evidence_answer, with_asked_figures
from assistant.grounding import Grounding, drop_citations, ground, renumber_citations
from assistant.prompts import NOT_FOUND, answer_prompt, condense_prompt
from assistant.query import QueryAnalysis, QueryAnalyzer, asks_across_articles, asks_for_a_list, detect_language
from assistant.question_frame import FrameBuilder, QuestionFrame, asks_several_figures
from assistant.retrieval import HybridRetriever
from assistant.sentences import sentence_before
from assistant.verification import (
    answer_gap,
    focused_evidence,
    half_answered,
    idle_citations,
    incomplete_list,
    lacks_figure,
    misaligned_figure,
    misnamed_person,
    misunitted_figure,
    overlooked_claim,
    uncited_articles,
)
from indexing.documents import Article
from indexing.hybrid import HybridIndex
from indexing.injection import decode_spans
from indexing.pages import decode_pages
from indexing.textnorm import normalize_script

logger = logging.getLogger(__name__)

HistoryTurn = dict[str, str]
_HISTORY_TURNS = 6
_LIST_EXTRA_LINES = 2
# Each place of a comparison gets at least this many evidence lines.
_PLACE_LINES = 2


@dataclass(frozen=True)
class Token:
    """A piece of the answer as the LLM writes it."""

    text: str


@dataclass(frozen=True)
class Retrieved:
    """The passages found for the question, before the answer is written (a front end can show them)."""

    passages: list[Passage]


def to_passages(documents: Sequence[Document], articles: Mapping[str, Article] | None = None) -> list[Passage]:
    """Retrieved documents as passages numbered from 1 (with the sentence before each, when `articles` has the
    article)."""
    return [
        Passage(n=n, doc_id=d.metadata["doc_id"], chunk_id=d.metadata["chunk_id"], title=d.metadata["title"] or "",
                text=d.page_content, score=d.metadata["score"], date=d.metadata["date"],
                source=d.metadata["source"], place=d.metadata["place"], start=d.metadata["start"],
                end=d.metadata["end"], instructions=decode_spans(d.metadata.get("instructions")),
                pages=decode_pages(d.metadata.get("pages")),
                lead=sentence_before(articles[d.metadata["doc_id"]].text, d.metadata["start"])
                if articles and d.metadata["doc_id"] in articles else "")
        for n, d in enumerate(documents, start=1)
    ]


def own_words(question: str, standalone: str) -> str:
    """What a follow-up asks in its own words: the question itself when it was carried along with the previous
    one (`question (previous)`, no LLM rewrite), else the standalone question."""
    return question if standalone.startswith(f"{question} (") and standalone.endswith(")") else standalone


def _with_chinese_names(analysis: QueryAnalysis) -> str:
    """An English question with the Chinese names of the places and people it names in pinyin, which the
    quotes use ("Chayuanping Village" → 茶园坪村), so the model can match them."""
    if analysis.language != "en" or not analysis.expansions:
        return analysis.question
    return f"{analysis.question} ({', '.join(analysis.expansions)})"


def _rejection(frame: QuestionFrame, raw: str, verdict: Grounding, evidence: Sequence[Evidence]) -> str | None:
    """Why the grounded LLM answer is not given (the extractive one is instead), or None to give it."""
    if not verdict.supported:
        return f"the LLM's answer {raw.strip()!r} was not supported by the evidence"
    if lacks_figure(frame, verdict.text):
        return f"the LLM's answer {verdict.text!r} gives no figure for a how-many question"
    better = misaligned_figure(frame, verdict.text, evidence)
    if better is not None:
        return f"the LLM's figure does not answer the question as asked; the clause {better.clause_text!r} does"
    half = half_answered(frame, verdict.text, evidence)
    if half is not None:
        return f"the LLM's answer gives one of the figures asked for; the clause {half.clause_text!r} states more"
    misunitted = misunitted_figure(frame, verdict.text, evidence)
    if misunitted is not None:
        return f"the LLM's answer gives a figure of {misunitted.quote!r} in another unit than its {misunitted.unit}"
    person = misnamed_person(frame, verdict.text, evidence)
    if person is not None:
        return f"the LLM's answer names nobody under the asked title; quote [{person.n}] does"
    listing = incomplete_list(frame, verdict.text, evidence)
    if listing is not None:
        return f"the LLM's answer {verdict.text!r} does not list the members that quote [{listing.n}] enumerates"
    return None


class Assistant:
    """Answers questions over one index with one (optional) chat model."""

    def __init__(self, index: HybridIndex, chat_model: BaseChatModel | None, prompts_dir: Path,
                 retriever: HybridRetriever, frames: FrameBuilder, selector: EvidenceSelector,
                 evidence_lines: int = 3, backend_name: str | None = None, evidence_pool: int = 0,
                 places: PlaceFinder | None = None) -> None:
        self.index = index
        self.chat_model = chat_model
        # How answers are reported to be made (the configured backend's name: local, openai).
        self.backend_name = backend_name or (type(chat_model).__name__ if chat_model is not None else "extractive")
        self.prompts_dir = prompts_dir
        self.retriever = retriever
        self.analyzer = retriever.analyzer or QueryAnalyzer(index.articles.values(), index.vocabulary)
        self.frames = frames
        self.selector = selector
        self.evidence_lines = evidence_lines
        # Passages retrieved for evidence selection: at least the k asked for.
        self.evidence_pool = evidence_pool
        self.places = places

    @property
    def backend(self) -> str:
        """The name of the generator in use."""
        return "extractive" if self.chat_model is None else self.backend_name

    def warm_up(self) -> None:
        """Load the models and fill the LLM's prompt cache with the shared system prompt.

        A server does this at start-up, so the first user does not wait for model loading.
        """
        self.analyzer.analyze("warm up 预热")
        self.frames.build("预热的问题", "zh")
        self.index.embeddings.embed_query("预热")
        if self.chat_model is not None:
            prompt = answer_prompt(self.prompts_dir, "en").invoke({"passages": "[1] -", "question": "-"})
            # A local model's parallel slots each keep their own cache: every one gets the system prompt, so no
            # question of the first busy moment reads it again.
            slots = getattr(self.chat_model, "parallel", 1)
            try:
                self.chat_model.bind(max_tokens=1).batch([prompt] * slots)
            except Exception as error:  # a failing LLM is reported per question, with the fallback
                logger.warning("LLM warm-up failed: %s", error)

    def ask(self, question: str, history: Sequence[HistoryTurn] | None = None, k: int | None = None) -> Answer:
        """Answer one question (with the conversation so far, if any; `k` passages retrieved)."""
        for event in self.stream(question, history, k):
            if isinstance(event, Answer):
                return event
        raise RuntimeError("the chain ended without an answer")

    def stream(self, question: str, history: Sequence[HistoryTurn] | None = None, k: int | None = None
               ) -> Iterator[Retrieved | Token | Answer]:
        """The retrieved passages, tokens as they are generated, then the final Answer.

        The Answer is authoritative: the grounding guard may have repaired or replaced the streamed text
        (a front end shows the tokens while they come, then the Answer's text and citations).
        """
        started = time.perf_counter()
        language = detect_language(question)
        answer = Answer(question=question, answer="", abstained=False, language=language, backend=self.backend)
        standalone = self.condense(question, history or [], answer)
        answer.standalone_question = standalone if standalone != question else None
        analysis = self.analyzer.analyze(standalone)
        analysis.language = language
        retrieval_started = time.perf_counter()
        wanted = k or self.retriever.k
        # A follow-up carried along with the previous question (no LLM rewrite) asks what its own words ask.
        own = own_words(question, standalone)
        own_analysis = analysis if own == standalone else self.analyzer.analyze(own)
        targets = self._places(own, own_analysis)
        # The evidence may come from a few passages past the k reported (the answering sentence is often
        # ranked just below them); `contexts` stays the k asked for, and a citation carries its own passage.
        size = max(wanted, self.evidence_pool)
        if len(targets) >= 2:
            pool = self._pool_by_place(standalone, targets, size)
        else:
            pool = to_passages(self.retriever.invoke(standalone, k=size), self.index.articles)
        answer.contexts = pool[:wanted]
        answer.retrieval_ms = (time.perf_counter() - retrieval_started) * 1000
        yield Retrieved(answer.contexts)
        if analysis.unknown_names:
            answer.notes.append(f"the articles never mention: {', '.join(analysis.unknown_names)}")
            self._abstain(answer)
        else:
            frame = self._frame(analysis, own_analysis, language)
            if len(targets) >= 2:
                yield from self._answer_places(analysis, frame, pool, targets, own, answer, started)
            else:
                yield from self._answer(analysis, frame, pool, answer, started)
        answer.latency_ms = (time.perf_counter() - started) * 1000
        yield answer

    def condense(self, question: str, history: Sequence[HistoryTurn], answer: Answer) -> str:
        """A standalone version of a follow-up question (the question itself when there is no history)."""
        turns = [t for t in history if t.get("content")][-_HISTORY_TURNS:]
        if not turns:
            return question
        previous = next((t["content"] for t in reversed(turns) if t.get("role") == "user"), "")
        if self.chat_model is not None:
            transcript = "\n".join(f"{t['role']}: {t['content']}" for t in turns)
            try:
                chain = condense_prompt(self.prompts_dir) | self.chat_model.bind(max_tokens=80) | StrOutputParser()
                rewritten = chain.invoke({"history": transcript, "question": question}).strip()
                # A small model sometimes translates the question; one in another language is not used.
                if rewritten and NOT_FOUND not in rewritten and detect_language(rewritten) == detect_language(question):
                    return self._carry_places(rewritten.splitlines()[0].strip(), previous)
            except AdmissionError:
                raise  # busy or cancelled: the request ends here, with no answer to give
            except Exception as error:  # any backend failure (HTTP, timeout, model) must not lose the question
                logger.warning("could not rewrite the follow-up: %s", error)
                answer.notes.append(f"could not rewrite the follow-up with the LLM: {error}")
        # Without an LLM, carry the previous question along so its place and topic reach retrieval.
        return f"{question} ({previous})" if previous else question

    def _carry_places(self, rewritten: str, previous: str) -> str:
        """Add the previous question's places when the rewrite lost them (a small model often does)."""
        before = self.analyzer.analyze(previous).expansions
        after = self.analyzer.analyze(rewritten).expansions
        if before and not after and not any(name in rewritten for name in before):
            return f"{rewritten} ({', '.join(before[:2])})"
        return rewritten

    def _answer(self, analysis: QueryAnalysis, frame: QuestionFrame, pool: list[Passage], answer: Answer,
                started: float) -> Iterator[Token]:
        """Answer from the evidence of the whole pool: abstain on a near miss, else generate or extract. Who
        wrote, reported, photographed or edited an article is read from its credit lines."""
        if self._answer_credit(frame, pool, answer):
            return
        candidates = self.selector.candidates(frame, pool)
        evidence = self._evidence(frame, pool, candidates)
        gap = answer_gap(frame, evidence, candidates)
        if gap:
            answer.notes.append(gap)
            self._abstain(answer)
        elif self.chat_model is not None:
            yield from self._generate(analysis, frame, focused_evidence(frame, evidence), answer, started)
        else:
            self._extract(frame, evidence, answer)

    def _answer_credit(self, frame: QuestionFrame, pool: list[Passage], answer: Answer) -> bool:
        """Answer a question for the author, reporter, photographer or editor of an article from its credit
        lines or byline; False when it asks for none, or the article credits nobody."""
        role = asked_credit(frame.question, frame.places)
        credit = find_credit(role, frame.places, pool, self.index.articles) if role else None
        if credit is None:
            return False
        logger.info("credit asked (%s): %s of %s", role, credit.role, credit.passage.doc_id)
        answer.answer = credit_text(credit, answer.language)
        answer.citations = [credit.passage]
        if credit.span is not None:
            at = credit.passage.start
            answer.highlights = {credit.passage.n: Span(at + credit.span[0], at + credit.span[1])}
        else:
            answer.notes.append(f"the {credit.role} is the article's byline, kept with its metadata, not its text")
        return True

    def _frame(self, analysis: QueryAnalysis, own: QueryAnalysis, language: str) -> QuestionFrame:
        """The question's frame. A follow-up carried along with the previous question (`own` analyses its own
        words) asks what its own words ask (a question about funded students after one about 行政村 is no
        question about 行政村), at the places either names; the previous question lends its terms only to one
        without its own (扎赉特旗呢？)."""
        carried = self.frames.build(analysis.question, language, places=analysis.expansions)
        if own is analysis:
            return carried
        mine = self.frames.build(own.question, language, places=own.expansions)
        if not mine.key_terms:
            return carried
        return replace(mine, places=mine.places or carried.places)

    def _places(self, own: str, analysis: QueryAnalysis) -> list[PlaceTarget]:
        """The places a question asks about each of (two or more make it a question about several places).

        `own` is what the question asks in its own words (`analysis` analyses them): a follow-up carried along
        with the previous question is judged by them, so 乌兰县呢？ after a question about 扎赉特旗 is not a
        comparison of the two.
        """
        if self.places is None:
            return []
        targets = self.places.targets(analysis)
        return targets if len(targets) >= 2 and about_each_place(own) else []

    def _pool_by_place(self, question: str, targets: Sequence[PlaceTarget], size: int) -> list[Passage]:
        """Passages for a question about several places: each place's best, as many as a question about it alone
        would get (its answering sentence ranks lower under a question naming the others too), taken in turns,
        so no place is crowded out by another's passages."""
        ranked = [self.retriever.invoke(question, k=size, doc_ids=t.doc_ids) for t in targets]
        return to_passages([d for turn in zip_longest(*ranked) for d in turn if d is not None], self.index.articles)

    def _answer_places(self, analysis: QueryAnalysis, frame: QuestionFrame, pool: list[Passage],
                       targets: Sequence[PlaceTarget], asked: str, answer: Answer, started: float
                       ) -> Iterator[Token]:
        """Answer a question about several places (`asked`, in the user's words) from each place's own evidence.

        A how-many question gets each place's best-aligned figure, quoted and cited, with the comparison it
        asks for computed from them; any other question goes to the LLM (or extraction) with every place's
        evidence.
        """
        frame = figure_frame(frame)
        frames = [place_frame(frame, t, targets) for t in targets]
        lines = max(_PLACE_LINES, (self.evidence_lines + _LIST_EXTRA_LINES) // len(targets))
        chosen: list[Evidence] = []
        gaps: dict[str, str] = {}
        for target, place in zip(targets, frames, strict=True):
            passages = [p for p in pool if p.doc_id in target.doc_ids]
            candidates = self.selector.candidates(place, passages)
            selected = self.selector.select(place, passages, lines, candidates=candidates)
            # A near miss for one place (the fact exists only for the other) leaves that place unanswered.
            gap = answer_gap(place, selected, candidates)
            if gap:
                gaps[target.place] = gap
            else:
                chosen += selected
        answer.notes += [f"{place}: {gap}" for place, gap in gaps.items()]
        chosen.sort(key=lambda e: (e.passage.n, e.start))
        evidence = [replace(e, n=n) for n, e in enumerate(chosen, start=1)]
        if not evidence:
            answer.notes.append("no passage of the named places states what the question asks")
            self._abstain(answer)
            return
        if not frame.wants_figure:
            if self.chat_model is not None:
                yield from self._generate(analysis, frame, evidence, answer, started)
            else:
                self._extract(frame, evidence, answer)
            return
        answered, missing = [], []
        several = asks_several_figures(asked_of_each_place(asked))
        for target, place in zip(targets, frames, strict=True):
            items = [e for e in evidence if e.passage.doc_id in target.doc_ids]
            claim = best_claim(place, items) if items else None
            if claim is None:
                missing.append(target)
            else:
                # 分别约谈了多少名、召回调整了多少名: each place quotes every figure asked of it.
                answered.append((target, with_asked_figures(place, claim) if several else claim))
        if not answered:
            answer.notes.append("no clause of the named places' evidence gives a figure for what the question asks")
            self._abstain(answer)
            return
        text, cited, spans = place_answer(asked, analysis.language, answered, missing)
        answer.notes.append("each place answered from its own evidence; a comparison is computed from the quotes")
        self._cite(answer, text, cited, evidence, spans)
        answer.backend = "extractive" if self.chat_model is None else f"{self.backend}+extractive"

    def _evidence(self, frame: QuestionFrame, contexts: list[Passage], candidates: list[Candidate]
                  ) -> list[Evidence]:
        """The numbered evidence lines for the question: more for lists, one article each for comparisons."""
        spread = asks_for_a_list(frame.question) or asks_across_articles(frame.question)
        limit = self.evidence_lines + (_LIST_EXTRA_LINES if spread else 0)
        return self.selector.select(frame, contexts, limit, per_article=spread, candidates=candidates)

    def _generate(self, analysis: QueryAnalysis, frame: QuestionFrame, evidence: list[Evidence], answer: Answer,
                  started: float) -> Iterator[Token]:
        chain = answer_prompt(self.prompts_dir, analysis.language) | self.chat_model | StrOutputParser()
        text, held = "", ""
        try:
            # The small model reads Simplified Chinese more reliably; users still see the original text.
            inputs = {"passages": normalize_script(format_evidence(evidence)),
                      "question": normalize_script(_with_chinese_names(analysis))}
            for piece in chain.stream(inputs):
                if answer.first_token_ms is None:
                    answer.first_token_ms = (time.perf_counter() - started) * 1000
                text += piece
                # Hold back a possible NOT_FOUND so the abstention token never reaches the user.
                if NOT_FOUND.startswith(text.strip()[: len(NOT_FOUND)]) and len(text.strip()) <= len(NOT_FOUND):
                    held += piece
                    continue
                if held:
                    yield Token(held)
                    held = ""
                yield Token(piece)
        except AdmissionError:
            raise  # busy (the front end answers 503) or cancelled: no fallback answer for nobody
        except Exception as error:  # any backend failure (HTTP, timeout, model) falls back to extraction
            logger.warning("LLM failed, answering extractively: %s", error)
            answer.notes.append(f"the LLM failed ({error}); extractive answer given instead")
            answer.llm_failed = True
            self._extract(frame, evidence, answer)
            return
        verdict = ground(text, [e.text for e in evidence], analysis.question, analysis.language,
                         places=[e.passage.place for e in evidence])
        answer.notes.extend(verdict.problems)
        if verdict.abstained:
            overlooked = overlooked_claim(frame, evidence)
            if overlooked is None:
                self._abstain(answer)
                return
            answer.notes.append(f"the LLM found no answer, but the clause '{overlooked.quote}' states every asked "
                                "term with the asked measure word; extractive answer given")
            self._extract(frame, evidence, answer)
            return
        rejection = _rejection(frame, text, verdict, evidence)
        if rejection:
            answer.notes.append(f"{rejection}; extractive answer given")
            self._extract(frame, evidence, answer)
            return
        idle = idle_citations(frame, verdict.text, verdict.cited, evidence)
        if idle:
            answer.notes.append(f"dropped citations {idle}: their quotes state none of the answer's figures")
        text, cited = drop_citations(verdict.text, idle), [n for n in verdict.cited if n not in idle]
        missing = uncited_articles(frame, text, cited, evidence)
        if missing:
            answer.notes.append(f"added citations {missing}: the answer's figures stand there for the other places")
            text, cited = text.rstrip() + "".join(f" [{n}]" for n in missing), cited + missing
        self._cite(answer, text, cited, evidence)

    def _extract(self, frame: QuestionFrame, evidence: list[Evidence], answer: Answer) -> None:
        """Fill `answer` with the extractive answer; abstain when there is none."""
        found = evidence_answer(frame, evidence)
        if found is None:
            self._abstain(answer)
            return
        text, cited, spans = found
        self._cite(answer, text, cited, evidence, spans)
        if self.chat_model is not None:
            answer.backend = f"{self.backend}+extractive"

    @staticmethod
    def _cite(answer: Answer, text: str, cited: list[int], evidence: list[Evidence],
              spans: dict[int, tuple[int, int]] | None = None) -> None:
        """Set the answer with its evidence markers turned into passage markers, citations and highlights.

        `spans` may narrow an evidence item's highlight (offsets into its passage) to the quoted clause.
        """
        by_number = {e.n: e for e in evidence}
        answer.answer = renumber_citations(text, {e.n: e.passage.n for e in evidence})
        answer.citations, answer.highlights = [], {}
        for n in cited:
            item = by_number[n]
            if item.passage.n in answer.highlights:
                continue
            start, end = (spans or {}).get(n, (item.start, item.end))
            answer.citations.append(item.passage)
            answer.highlights[item.passage.n] = Span(item.passage.start + start, item.passage.start + end)

    def _abstain(self, answer: Answer) -> None:
        answer.abstained = True
        answer.answer = abstention_message(answer.language)
        answer.citations = []
