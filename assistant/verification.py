"""Verification of an answer against what the question asks (beyond the grounding guard's "is it there").

Two checks: before the LLM, whether the evidence can answer at all (the asked thing is stated for the asked
place and year); after it, whether each figure of the answer sits in a clause that states what was asked,
rather than in a neighbouring clause of the same passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.alignment import STATED_LEVEL, TOPIC_CHARS, opens_with, term_level
from assistant.evidence import (
    Candidate,
    Claim,
    Evidence,
    answers,
    asks_who,
    best_claim,
    best_listing,
    enumeration_size,
    figure_claims,
    list_members,
    names_only_other_ranks,
    person_names,
    titled_names,
)
from assistant.figures import clause_figures
from assistant.grounding import Figure, answer_figures, citation_markers, same_value
from assistant.lexicon import lemma
from assistant.query import asked_count, asks_across_articles, asks_for_a_list, asks_for_the_first, han_pinyin
from assistant.question_frame import PLACE_WORDS, QuestionFrame, Term, asks_one_figure, asks_several_figures
from indexing.textnorm import normalize_for_matching

# A figure whose clause scores this much below the best-aligned clause's is taken to answer another question.
_MARGIN = 0.5
# A member counts as named when the answer holds its first characters (征地拆迁 of 征地拆迁党小组).
_MEMBER_CHARS = 4


# A who-question asking who does what at several levels or places, which roles and bodies answer (旗级领导…
# 驻村工作队), not one person's name.
_ROLES_QUESTION = re.compile(r"\b(?:at|on) (?:each|every|all)(?: of the \w+)? (?:levels?|tiers?)\b|"
                             r"\bwhat (?:roles?|capacity)\b|各级|每一级|哪几级|什么角色|什么职责", re.IGNORECASE)


def answer_gap(frame: QuestionFrame, evidence: Sequence[Evidence], candidates: Sequence[Candidate]) -> str | None:
    """Why the retrieved passages cannot answer the question (a near miss), or None when they may.

    - no sentence is about the asked place and year;
    - a Chinese question's noun (驼奶, 女性), said elsewhere in the corpus or a distinguishing word, is stated
      by no sentence about that place and year (English words are `telling` only for the kinds the articles
      write one way, female 女性 and poor 贫困: other translations are too loose for a missing one to mean a
      near miss; the Chinese an English question quotes is);
    - a how-many question, where no figure of the evidence stands in a clause about what was asked;
    - a who-question, where no evidence sentence names a person (县委书记 alone is no answer to "who"), unless
      it asks for the roles at several levels or places.
    """
    if not evidence:
        what = " and ".join(x for x in (", ".join(frame.places), ", ".join(frame.years)) if x)
        return f"no retrieved passage is about {what or 'what the question asks'}"
    if frame.wants_figure and best_claim(frame, evidence) is None and not (
            asks_for_a_list(frame.question) or asks_across_articles(frame.question)
            or asks_several_figures(frame.question)):
        return "no clause of the evidence gives a figure for what the question asks"
    if asks_who(frame.question) and not _ROLES_QUESTION.search(frame.question):
        named = [e for e in evidence if person_names(e.text)]
        if not named:
            return "no evidence sentence names a person"
        if all(names_only_other_ranks(frame, e.text) for e in named):
            return "the evidence names only people of another rank than the one asked (第一书记, 副职)"
    admissible = [c for c in candidates if c.alignment.admissible]
    texts = [normalize_for_matching(c.passage.text[c.start:c.end]) for c in admissible]
    before = [normalize_for_matching(c.passage.text[max(0, c.start - TOPIC_CHARS):c.start]) for c in admissible]
    missing = [t.text for t in frame.key_terms if t.telling and not any(
        t.found_in(text) or _continues_topic(frame, t, text, previous)
        for text, previous in zip(texts, before, strict=True))]
    if missing:
        return f"no retrieved sentence about the asked place mentions: {', '.join(missing)}"
    return None


def _continues_topic(frame: QuestionFrame, term: Term, sentence: str, previous: str) -> bool:
    """Whether the text before a sentence states the term and the sentence continues its topic, sharing another
    distinguishing word of the question with it, or opening with a key word of the question the text before
    states (…成立黄金茶产业党建联盟…。联盟成立以来，…收购价每斤平均提高了8元); a common word (书记, 村) anywhere
    else is shared by sentences about anything."""
    return term.found_in(previous) and any(
        other is not term and (other.distinguishing or opens_with(other, sentence)) and other.found_in(sentence)
        and other.found_in(previous) for other in frame.key_terms)


def overlooked_claim(frame: QuestionFrame, evidence: Sequence[Evidence]) -> Claim | None:
    """For a how-many question the LLM found no answer to, the best claim when it plainly answers: admissible,
    its figure of the asked measure word, and every key term of the question stated by its sentence (an English
    question over a Chinese quote, 猕猴桃产量2.1万吨 for "kiwifruit output", is what the small model misses). None
    when any of that is missing: then the abstention stands (196名优秀后备干部 says nothing of "female")."""
    if not frame.wants_figure or frame.unit is None or asks_for_a_list(frame.question) or (
            asks_across_articles(frame.question) or asks_several_figures(frame.question)):
        return None
    claim = best_claim(frame, evidence)
    if claim is None or not (claim.alignment.admissible and claim.alignment.unit_match):
        return None
    text = claim.evidence.passage.text
    clause = normalize_for_matching(text[claim.full_clause[0]:claim.full_clause[1]])
    sentence = normalize_for_matching(claim.evidence.text)
    part = normalize_for_matching(claim.clause_text)
    # The place is checked by the alignment; "banner" need not be written (旗) beside the figure.
    terms = [t for t in frame.key_terms if not t.forms <= PLACE_WORDS]
    levels = [term_level(t, clause, sentence, normalize_for_matching(text), part) for t in terms]
    return claim if levels and min(levels) >= STATED_LEVEL else None


# English unit words and the Chinese measure words they translate; a figure said in one of these words must
# stand in the quotes with one of its measure words (2.1万吨 is not "21,000 kilograms").
# Keyed by lemma (tonnes → ton, kilograms → kilogram).
_UNIT_TRANSLATIONS: dict[str, frozenset[str]] = {
    "ton": frozenset({"吨"}),
    **dict.fromkeys(("kilogram", "kg", "kilo"), frozenset({"公斤", "千克"})),
    "jin": frozenset({"斤"}),
    "mu": frozenset({"亩"}),
    "hectare": frozenset({"公顷"}),
    **dict.fromkeys(("yuan", "rmb"), frozenset({"元", "万元", "亿元", "千元"})),
}


def _states(claim: Claim, figure: Figure) -> bool:
    """Whether `claim` is of the figure an answer states (its value, or the number as written)."""
    return same_value(claim.value, figure.value) or same_value(claim.number, figure.number)


def misunitted_figure(frame: QuestionFrame, answer: str, evidence: Sequence[Evidence]) -> Claim | None:
    """The claim whose figure an English answer gives in another unit than its quote's (2.1万吨 as "21,000
    kilograms", 8.7万亩 as "tonnes"), or None when every unit word of the answer's figures matches."""
    claims = [c for c in figure_claims(frame, evidence) if c.unit]
    for figure in answer_figures(answer):
        measure_words = _UNIT_TRANSLATIONS.get(lemma(figure.unit_word or ""))
        if measure_words is None:
            continue
        stating = [c for c in claims if _states(c, figure)]
        if stating and not any(c.unit in measure_words for c in stating):
            return stating[0]
    return None


def stated_figures(frame: QuestionFrame, answer: str) -> list[Figure]:
    """The figures an answer states as its answer: not years (2019年, "in 2019"), not the question's own."""
    text = normalize_for_matching(answer)
    asked = normalize_for_matching(frame.question)

    def is_year(figure: Figure) -> bool:
        year = f"{figure.number:.0f}"
        return figure.number == int(figure.number) and 1900 <= figure.number < 2100 and (
            f"{year}年" in text or f"{year}年" in asked or re.search(rf"(?:in|by|since|of|from|to){year}", text)
            is not None or year in frame.years)

    # A count in words the question says itself (三项工程中) is the question's, as its digits are.
    return [f for f in answer_figures(answer) if not is_year(f)
            and not any(same_value(f.value, q) or same_value(f.number, q) for q in frame.figures)
            and not re.search(rf"(?<![\d.]){re.escape(f'{f.number:g}')}(?![\d.])", asked)
            and (any(c.isdigit() for c in f.raw) or normalize_for_matching(f.raw) not in asked)]


def lacks_figure(frame: QuestionFrame, answer: str) -> bool:
    """A how-many question answered without a figure of its own (only years or the question's figures)."""
    return frame.wants_figure and not stated_figures(frame, answer)


def _close_to_best(frame: QuestionFrame, claim: Claim, best: Claim) -> bool:
    """Whether a claim may answer the question and scores within `_MARGIN` of the best claim."""
    return answers(frame, claim) and claim.alignment.score >= best.alignment.score - _MARGIN


def focused_evidence(frame: QuestionFrame, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The evidence a model needs for a question asking one figure (how many, 多少; not why or how it came
    about): the lines holding a claim that answers it as well as the best one does (within the margin
    `misaligned_figure` allows), renumbered from 1; the evidence as it is for other questions, or when no
    claim answers. Any other figure the model took would be replaced, and each line it reads costs time."""
    if not frame.wants_figure or not asks_one_figure(frame.question) or asks_for_a_list(frame.question) or (
            asks_across_articles(frame.question)):
        return list(evidence)
    best = best_claim(frame, evidence)
    if best is None:
        return list(evidence)
    close = {c.evidence.n for c in figure_claims(frame, evidence) if _close_to_best(frame, c, best)}
    return [replace(e, n=n) for n, e in enumerate((e for e in evidence if e.n in close), start=1)]


def misaligned_figure(frame: QuestionFrame, answer: str, evidence: Sequence[Evidence]) -> Claim | None:
    """The better-aligned claim when a figure of the answer comes from a clause that does not state what was
    asked (a neighbouring figure, another year or band, a ratio), or None when every figure is aligned.

    A figure is aligned when a claim stating it may answer the question as the best one may (admissible, anchored,
    enough of the question's terms; 12类“党员活动日” states no key term next to its figure) and scores within a
    margin of the best claim. Beside the best claim's figure, a figure is aligned only in another measure, which
    describes it: in the best claim's own clause too (an answer quoting 405户、1113人 for households gives the
    households; the people need no admissibility of their own there). One in the same measure competes with it
    (省、州单位派驻34名，县直单位派驻100名 for the province-level ones: a reader cannot tell which answers). A
    neighbour given instead of the best figure is not aligned by sharing its clause (五星级党支部23个 for
    四星级党支部57个).
    Lists, comparisons and questions asking for several figures are left to the grounding guard.
    """
    if not frame.wants_figure or asks_for_a_list(frame.question) or asks_across_articles(frame.question) or (
            asks_several_figures(frame.question)):
        return None
    best = best_claim(frame, evidence)
    if best is None:
        return None
    figures = stated_figures(frame, answer)
    claims = figure_claims(frame, evidence)
    gives_best = any(_states(best, f) for f in figures)

    def aligned(figure: Figure) -> bool:
        stating = [c for c in claims if _states(c, figure)]
        if not gives_best or _states(best, figure):
            return any(_close_to_best(frame, c, best) for c in stating)
        # Beside the best figure, one in another measure describes it, and so does one of another year (由2016年的
        # 6120元增加到2019年的11830元); one in the same measure competes with it.
        return any((c.unit_class != best.unit_class or best.unit_class is None or not c.alignment.year_ok) and (
            _close_to_best(frame, c, best) or (c.evidence is best.evidence and c.full_clause == best.full_clause))
            for c in stating)

    return None if all(aligned(f) for f in figures) else best


def half_answered(frame: QuestionFrame, answer: str, evidence: Sequence[Evidence]) -> Claim | None:
    """For a question asking for several figures (how much … and to how many people), the best claim when the
    answer states one figure and that claim's clause states more (向1526名党员发放贷款9860万元 answered with the
    sum alone), else None. The extractive answer then quotes the whole clause."""
    if not frame.wants_figure or not asks_several_figures(frame.question) or asks_for_a_list(frame.question) or (
            asks_across_articles(frame.question)):
        return None
    if len(stated_figures(frame, answer)) != 1:
        return None
    best = best_claim(frame, evidence)
    if best is None:
        return None
    start, end = best.full_clause
    return best if len(stated_figures(frame, best.evidence.passage.text[start:end])) >= 2 else None


def incomplete_list(frame: QuestionFrame, answer: str, evidence: Sequence[Evidence]) -> Evidence | None:
    """For a list question, the best-aligned evidence that enumerates members when the answer leaves one out
    (a summary such as "divided into eight kinds", three of four groups), or None. Comparisons and figure
    questions, whose answers are figures, are left alone."""
    # 分别 asks across articles, unless the question names one place (乌兰县的举措分别是什么).
    across = asks_across_articles(frame.question) and len(frame.places) != 1
    if not asks_for_a_list(frame.question) or across or frame.wants_figure:
        return None
    listing = best_listing(frame, evidence)
    if listing is None:
        return None
    count = asked_count(frame.question)
    first = count is not None and asks_for_the_first(frame.question)
    members = list_members(listing.text, enumeration_size(frame.question))
    named = normalize_for_matching(answer)
    said = sum(normalize_for_matching(m)[:_MEMBER_CHARS] in named for m in members)
    # Every member, or the first ones a question asks for (前五项): a member dropped is a wrong answer too.
    return listing if said < (count if first else len(members)) else None


# An answer's first sentence (。, ! and ? end it, as does a full stop before a space).
_FIRST_SENTENCE = re.compile(r"[^。！？!?]*?(?:[。！？!?]|\.(?:\s|$)|$)")


def misnamed_person(frame: QuestionFrame, answer: str, evidence: Sequence[Evidence]) -> Evidence | None:
    """For a who-question, the evidence naming a person under the asked title when the answer names none of the
    people under it (the county's Party secretary given for its head of the organisation department, or no name
    at all) or names someone under another title first, or None. The extractive answer then quotes that
    evidence, in the articles' own script."""
    if not asks_who(frame.question):
        return None
    named = normalize_for_matching(answer)
    letters = re.sub(r"[^a-z]", "", answer.lower())
    titled = [(name, under_asked_title, item) for item in evidence if item.alignment.admissible
              for name, under_asked_title in titled_names(frame, item.text)]
    asked = [(name, item) for name, under_asked_title, item in titled if under_asked_title]
    # An English answer may give the name in pinyin (Chen Jiansheng).
    said = any(name in named or han_pinyin(name) in letters for name, _ in asked)
    # The person the answer's first sentence names is its answer: one under another title (村支书木牛子) alone there
    # is the wrong person, even when the asked one (第一书记童本惠) is named later; a sentence naming both may
    # just set the scene (在县委书记王建国的带领下，第一书记李明华…).
    match = _FIRST_SENTENCE.match(answer.strip())
    opening = normalize_for_matching(match.group(0)) if match else ""
    opening_names = {name for name, _, _ in titled if name in opening}
    wrong_first = bool(opening_names) and not any(name in opening for name, _ in asked)
    return asked[0][1] if asked and (not said or wrong_first) else None


def idle_citations(frame: QuestionFrame, answer: str, cited: Sequence[int], evidence: Sequence[Evidence]
                   ) -> list[int]:
    """For a how-many answer, the evidence numbers cited after a figure that their quote does not state while
    another cited quote does (a model citing a neighbouring line too: it backs nothing said there).

    Each marker backs the text since the marker before it (markers side by side share it), so a marker after
    text without figures (…均已选派第一书记 [1]) is never idle.
    """
    if not frame.wants_figure or asks_for_a_list(frame.question) or asks_across_articles(frame.question):
        return []
    by_number = {e.n: e for e in evidence}

    def states(n: int, figures: Sequence[Figure]) -> bool:
        values = [f.value for f in clause_figures(by_number[n].text)] if n in by_number else []
        return any(same_value(v, f.value) or same_value(v, f.number) for v in values for f in figures)

    idle: list[int] = []
    segment, position = "", 0
    for marker in citation_markers(answer):
        text = answer[position:marker.start]
        segment = text if text.strip(" ,，;；。.") else segment
        position = marker.end
        figures = stated_figures(frame, segment)
        if figures and any(states(n, figures) for n in cited):
            idle += [n for n in marker.numbers if n in cited and not states(n, figures) and n not in idle]
    return idle


def uncited_articles(frame: QuestionFrame, answer: str, cited: Sequence[int], evidence: Sequence[Evidence]
                     ) -> list[int]:
    """For a comparison, the evidence numbers of articles the answer does not cite whose best figure it states
    (乌海市和乌兰县各选派19名: both articles say 19), so each place is cited."""
    if not frame.wants_figure or not asks_across_articles(frame.question):
        return []
    figures = stated_figures(frame, answer)
    cited_articles = {e.passage.doc_id for e in evidence if e.n in cited}
    missing = []
    for doc in dict.fromkeys(e.passage.doc_id for e in evidence):
        if doc in cited_articles:
            continue
        claim = best_claim(frame, [e for e in evidence if e.passage.doc_id == doc])
        if claim is not None and any(_states(claim, f) for f in figures):
            missing.append(claim.evidence.n)
    return missing
