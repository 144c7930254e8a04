"""The extractive backend: no LLM, the evidence that best states what was asked, quoted and cited.

Used on machines without the model, and whenever the LLM fails, times out or gives an answer the guard
rejects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.evidence import (
    MIN_CLAIM_COVERAGE,
    Claim,
    Evidence,
    asks_who,
    best_claim,
    best_listing,
    figure_claims,
    gives_the_asked_kind,
    names_the_person,
    ordinal_points,
    titled_names,
)
from assistant.figures import clause_figures, clause_spans
from assistant.grounding import same_value
from assistant.query import asks_across_articles, asks_for_a_list
from assistant.question_frame import QuestionFrame, asked_figure_count, asks_each_year, asks_several_figures
from indexing.textnorm import normalize_for_matching

# A comparison quotes each article's best figure that scores within this much of the best one.
_COMPARISON_MARGIN = 1.0


def evidence_answer(frame: QuestionFrame, evidence: Sequence[Evidence]
                    ) -> tuple[str, list[int], dict[int, tuple[int, int]]] | None:
    """An answer quoting the evidence that best states what was asked, cited; None to abstain.

    A how-many question quotes the clause of the best-aligned figure (not its whole sentence, whose other
    figures answer other questions); a list or comparison quotes the best line of each article; otherwise
    the best line. Returns the text (evidence numbers as markers), the cited numbers and the quoted spans.
    """
    if not evidence:
        return None
    quotes: list[tuple[Evidence, tuple[int, int], str]] = []
    across = asks_across_articles(frame.question)
    claims = [best_claim(frame, evidence)] if frame.wants_figure and not across else []
    if frame.wants_figure and across:
        # A comparison: the best figure of each article, so every place is answered and cited.
        articles = dict.fromkeys(item.passage.doc_id for item in evidence)
        claims = [best_claim(frame, [e for e in evidence if e.passage.doc_id == doc]) for doc in articles]
        # An article whose best figure is far from what was asked (another topic), or whose sentence leaves out a
        # telling word of the question (女性), is not part of the answer.
        claims = [c for c in claims if c is not None and _states_the_telling_terms(frame, c.evidence)]
        top = max((c.alignment.score for c in claims), default=0.0)
        claims = [c for c in claims if c.alignment.score >= top - _COMPARISON_MARGIN]
        if asks_each_year(frame):
            claims = [with_asked_figures(frame, c) for c in claims]  # 各县2018年和2020年分别是多少: both years
    claims = [c for c in claims if c is not None]
    if claims and (asks_several_figures(frame.question) or asks_each_year(frame)) and not across:
        # Each figure asked for: the whole clause of the best one (向1526名党员发放贷款9860万元), not its part.
        claim = claims[0]
        start, end = _asked_figures_span(frame, claim)
        quotes.append((claim.evidence, (start, end), claim.evidence.passage.text[start:end].strip()))
    elif claims:
        quotes += [(claim.evidence, claim.clause, claim.quote) for claim in claims]
    elif asks_for_a_list(frame.question) or asks_across_articles(frame.question):
        # A list's answer is the sentence enumerating its members; then each other article's best line.
        listing = best_listing(frame, evidence) if asks_for_a_list(frame.question) else None
        best_by_article: dict[str, Evidence] = {listing.passage.doc_id: listing} if listing else {}
        for item in sorted(evidence, key=lambda e: -e.score):
            if _states_the_telling_terms(frame, item) or not across:
                best_by_article.setdefault(item.passage.doc_id, item)
        quotes += [(item, (item.start, item.end), _listing_quote(item)) for item in best_by_article.values()]
    else:
        # A who-question is answered by a line naming a person under the asked title, or giving the asked
        # person's title, where one does; a neighbour line about the same people does not say who they are.
        named = {e.n: titled_names(frame, e.text) for e in evidence} if asks_who(frame.question) else {}
        of_the_person = [e for e in evidence if any(asked and names_the_person(frame, name)
                                                    for name, asked in named.get(e.n, ()))]
        titled = of_the_person or [e for e in evidence if any(asked for _, asked in named.get(e.n, ()))]
        # A when- or where-question is answered by a line giving a date or another place, where one does.
        of_the_kind = [e for e in evidence if gives_the_asked_kind(frame, e)]
        best = max(titled or of_the_kind or evidence, key=lambda e: e.score)
        skip = 0 if asks_who(frame.question) else _clauses_before_the_asked(frame, best)
        quotes.append((best, (best.start + skip, best.end), best.text[skip:].strip()))
    if not quotes:
        return None  # no article states what a comparison asks
    parts = []
    for item, _span, quote in quotes:
        place = item.passage.place if len(quotes) > 1 and item.passage.place else ""
        if frame.language == "zh":
            parts.append(f"{place + '：' if place else ''}{quote} [{item.n}]")
        else:
            parts.append(f"{place + ': ' if place else ''}“{quote}” [{item.n}]")
    text = ("；".join(parts) if frame.language == "zh" else "The articles say: " + "; ".join(parts))
    return text, [item.n for item, _, _ in quotes], {item.n: span for item, span, _ in quotes}


def _listing_quote(evidence: Evidence) -> str:
    """What a list answer quotes of an evidence line: a report's points by their own sentences (一是…。⋯二是…。),
    not the sentences explaining each; any other line whole."""
    points = ordinal_points(evidence.text)
    if not points:
        return evidence.text.strip()
    return "⋯".join(evidence.text[start:end].strip() for start, end, _ in points)


def _clauses_before_the_asked(frame: QuestionFrame, evidence: Evidence) -> int:
    """Where the evidence's quote starts: after its leading clauses that state a figure and no key word of the
    question (建立了53人的后备人选库, another matter's count); 0 when none leads. A clause without a figure is
    kept, as it may be the means the question asks about (实施“一村一名大学生”培养行动，…学历明显提高)."""
    keys = [t for t in frame.key_terms if t.forms]
    skip = 0
    for start, end in clause_spans(evidence.text):
        clause = normalize_for_matching(evidence.text[start:end])
        if any(t.found_in(clause) for t in keys) or not clause_figures(clause):
            return start if skip else 0
        skip = end
    return 0


def _states_the_telling_terms(frame: QuestionFrame, evidence: Evidence) -> bool:
    """Whether the evidence sentence states each telling word of the question (女性 for "women")."""
    text = normalize_for_matching(evidence.text)
    return all(t.found_in(text) for t in frame.key_terms if t.telling)


def with_asked_figures(frame: QuestionFrame, claim: Claim) -> Claim:
    """The claim quoting every figure a question asking several asks for (约谈了9名…召回调整2名), not its own
    alone: what each place of a comparison answers with."""
    start, end = _asked_figures_span(frame, claim)
    return replace(claim, quote=claim.evidence.passage.text[start:end].strip(), clause=(start, end))


def _asked_figures_span(frame: QuestionFrame, best: Claim) -> tuple[int, int]:
    """What to quote for a question asking several figures: from the best claim's clause, or an earlier one of
    its sentence, holding as many of the best-aligned figures as the question asks, to the end of the last of
    them (8个检查组赴28个乡镇检查党建工作, not the 232个党支部 listed after)."""
    others = sorted((c for c in figure_claims(frame, [best.evidence])
                     if c.alignment.admissible and c.alignment.anchored and c.alignment.coverage >= MIN_CLAIM_COVERAGE
                     and not same_value(c.value, best.value)), key=lambda c: -c.alignment.score)
    chosen = [best]
    for other in others:
        if len(chosen) >= max(asked_figure_count(frame.question), len(frame.years) if asks_each_year(frame) else 0):
            break
        # Asked in several measures (多少户…户均增收多少元), a figure for each: not two of one (1.6元 and 3100元).
        if not (frame.units and other.unit_class in {c.unit_class for c in chosen}):
            chosen.append(other)
    start = min(c.full_clause[0] for c in chosen)
    last = max(chosen, key=lambda c: c.clause[1])
    return start, last.clause[1] if len(chosen) > 1 else last.full_clause[1]
