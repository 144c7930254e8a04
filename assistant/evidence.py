"""Evidence first: the sentences of the retrieved passages that state what the question asks, numbered.

The LLM is shown a compact list of these sentences (trimmed to the clauses around the best one) instead of
whole passages: fewer prompt tokens, and the figure that answers the question is not buried among its
neighbours. Each evidence item keeps its passage and offsets, so citations still point at passages and the
highlight is the sentence that was shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import jieba.posseg

from assistant.alignment import (
    Alignment,
    ClauseFigure,
    QuestionFrame,
    align,
    clause_figures,
    clause_spans,
    elided_noun_clause,
    same_value,
)
from assistant.answer import Passage
from assistant.query import asks_for_a_list
from assistant.sentences import SentenceScorer, sentence_spans
from indexing.places import place_aliases
from indexing.textnorm import normalize, normalize_for_matching

# Sentences whose lexical alignment makes the short list, before their meaning is compared (embedding
# every sentence of every passage would cost seconds on a CPU).
_SHORTLIST = 8
# Shown to the LLM: the best clause and its neighbours up to about this many characters.
_WINDOW_CHARS = 100
_RANK_PRIOR = 0.3
# Under this share of the question's terms (weighted, see `align`) a figure's clause is about something else.
MIN_CLAIM_COVERAGE = 0.45
_NAME_BONUS = 1.0
# How far before a person's name its title may stand (县委书记陈建生), and how titles end (村民 is none).
_TITLE_CHARS = 4
_TITLES = ("书记", "长", "主任", "主席", "委员", "干部", "队员", "专干", "经理", "代表")
_WHO = re.compile(r"\bwho\b|谁|姓名|名字|叫什么", re.IGNORECASE)
_ENUMERATION = re.compile(r"[、]|“[^”]{1,12}”[^“]{0,3}“")
_QUOTED_MEMBER = re.compile(r"“[^”]{1,12}”")
# A list question prefers the sentence that enumerates (three members or more) over one that summarises.
_LIST_BONUS = 1.0
MIN_MEMBERS = 3


@dataclass(frozen=True)
class Evidence:
    """A sentence (or its best clauses) of a retrieved passage, aligned with the question."""

    n: int
    passage: Passage
    start: int
    end: int
    text: str
    alignment: Alignment
    clause: tuple[int, int]
    # Alignment, closeness in meaning, a person's name for a who-question, and the passage's rank.
    score: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """A sentence of a passage with its best clause's alignment and its score (alignment, meaning, rank)."""
    passage: Passage
    start: int
    end: int
    alignment: Alignment
    clause: tuple[int, int]
    score: float


def passage_places(passage: Passage) -> list[str]:
    """The normalised names of a passage's place (with its stem: 甘洛县, 甘洛)."""
    return [normalize(p) for p in place_aliases(passage.place)] if passage.place else []


def list_members(sentence: str) -> list[str]:
    """The members a sentence enumerates: quoted names side by side (“经济管理”“农林牧渔”), else the items between
    、 (the first and last trimmed to four characters next to the 、, where the list's own words end)."""
    quoted = [m.strip("“”") for m in _QUOTED_MEMBER.findall(sentence)]
    if len(quoted) >= 2:
        return quoted
    clause = next((sentence[s:e] for s, e in clause_spans(sentence) if "、" in sentence[s:e]), "")
    items = [item.strip() for item in clause.split("、")] if clause else []
    if len(items) < 2:
        return []
    # The members' shared head (…调处党小组、征地拆迁党小组、劳务输出党小组等) is no part of their names.
    head = _shared_ending(items[:-1])
    if head:
        items = [item[: item.find(head)] if head in item else item for item in items]
    items[0], items[-1] = items[0][-4:], items[-1][:4]
    return [item for item in items if item]


def _shared_ending(texts: Sequence[str]) -> str:
    """The longest ending every text has (党小组 of 纠纷调处党小组, 征地拆迁党小组)."""
    ending = texts[0] if texts else ""
    for text in texts[1:]:
        while ending and not text.endswith(ending):
            ending = ending[1:]
    return ending


def enumerated_members(sentence: str) -> int:
    """How many members a sentence enumerates (see `list_members`)."""
    return len(list_members(sentence))


def _name_bonus(frame: QuestionFrame, text: str) -> float:
    """For a who-question: the full bonus when a person's name follows a title the question asks about
    (县委书记陈建生 for "Party secretary"), half for any other person's name, else nothing."""
    bonus = 0.0
    at = 0
    for word, flag in jieba.posseg.cut(text):
        if flag == "nr" and len(word) >= 2:
            title = normalize_for_matching(text[max(0, at - _TITLE_CHARS):at])
            if title.endswith(_TITLES) and any(t.found_in(title) for t in frame.key_terms):
                return _NAME_BONUS
            bonus = _NAME_BONUS / 2
        at += len(word)
    return bonus


class EvidenceSelector:
    """Picks and numbers the evidence sentences for a question from its retrieved passages."""

    def __init__(self, scorer: SentenceScorer | None = None) -> None:
        self.scorer = scorer

    def candidates(self, frame: QuestionFrame, passages: Sequence[Passage]) -> list[Candidate]:
        """Every sentence of the passages with its best clause's alignment, best first."""
        found = []
        who = bool(_WHO.search(frame.question))
        wants_list = asks_for_a_list(frame.question)
        for passage in passages:
            context = normalize_for_matching(passage.text)
            places = passage_places(passage)
            for start, end in sentence_spans(passage.text):
                if any(s < end and start < e for s, e in passage.instructions):
                    continue  # text addressing the assistant is never evidence
                sentence = passage.text[start:end]
                normalized_sentence = normalize_for_matching(sentence)
                best: tuple[Alignment, tuple[int, int]] | None = None
                for c_start, c_end in clause_spans(sentence):
                    clause = normalize_for_matching(sentence[c_start:c_end])
                    if frame.wants_figure and not clause_figures(clause) and len(clause_spans(sentence)) > 1:
                        continue
                    alignment = align(frame, clause, normalized_sentence, context, places)
                    if best is None or alignment.score > best[0].score:
                        best = (alignment, (start + c_start, start + c_end))
                if best is None:
                    alignment = align(frame, normalized_sentence, normalized_sentence, context, places)
                    best = (alignment, (start, end))
                # An enumeration helps as much as it is about what was asked (党员、干部、群众 is no answer).
                score = best[0].score + (_name_bonus(frame, sentence) if who else 0.0) + (
                    _LIST_BONUS * best[0].coverage if wants_list and enumerated_members(sentence) >= MIN_MEMBERS
                    else 0.0)
                found.append(Candidate(passage, start, end, best[0], best[1], score + _RANK_PRIOR / passage.n))
        return sorted(found, key=lambda c: -c.score)

    def select(self, frame: QuestionFrame, passages: Sequence[Passage], limit: int, per_article: bool = False,
               candidates: Sequence[Candidate] | None = None) -> list[Evidence]:
        """The best `limit` admissible sentences (by alignment and meaning), numbered from 1 in passage order.

        `per_article` keeps the best sentence of every article first (lists and cross-article questions);
        `candidates` are those `candidates()` gave for these passages, if the caller has them already.
        """
        if candidates is None:
            candidates = self.candidates(frame, passages)
        shortlist = [c for c in candidates if c.alignment.admissible][:_SHORTLIST]
        if not shortlist:
            return []
        if self.scorer is not None:
            texts = [c.passage.text[c.start:c.end] for c in shortlist]
            similarities = self.scorer(frame.question, texts)
            shortlist = [_with_similarity(c, s) for c, s in zip(shortlist, similarities, strict=True)]
            shortlist.sort(key=lambda c: -c.score)
        # Overlapping passages repeat sentences: one quote per place in its article.
        unique: dict[tuple[str, int], Candidate] = {}
        for candidate in shortlist:
            unique.setdefault((candidate.passage.doc_id, candidate.passage.start + candidate.start), candidate)
        shortlist = list(unique.values())
        chosen: list[Candidate] = []
        if per_article:
            seen: set[str] = set()
            for candidate in shortlist:
                if candidate.passage.doc_id not in seen:
                    seen.add(candidate.passage.doc_id)
                    chosen.append(candidate)
        for candidate in shortlist:
            if len(chosen) >= limit:
                break
            if candidate not in chosen:
                chosen.append(candidate)
        chosen = chosen[:limit]
        chosen.sort(key=lambda c: (c.passage.n, c.start))
        return [_evidence(n, c, frame) for n, c in enumerate(chosen, start=1)]


def _with_similarity(candidate: Candidate, similarity: float) -> Candidate:
    alignment = Alignment(**{**candidate.alignment.__dict__, "similarity": similarity})
    score = candidate.score + alignment.score - candidate.alignment.score
    return Candidate(candidate.passage, candidate.start, candidate.end, alignment, candidate.clause, score)


def _evidence(n: int, candidate: Candidate, frame: QuestionFrame) -> Evidence:
    """The shown text: a whole short sentence, or the clauses around the best one of a long sentence."""
    start, end = candidate.start, candidate.end
    text = candidate.passage.text
    if end - start > _WINDOW_CHARS and not (_ENUMERATION.search(text[start:end]) and not frame.wants_figure):
        clauses = [(start + s, start + e) for s, e in clause_spans(text[start:end])]
        best = next(i for i, (s, e) in enumerate(clauses) if s <= candidate.clause[0] < e or s >= candidate.clause[0])
        lo = hi = best
        while True:
            grown = False
            if hi + 1 < len(clauses) and clauses[hi + 1][1] - clauses[lo][0] <= _WINDOW_CHARS:
                hi, grown = hi + 1, True
            if lo > 0 and clauses[hi][1] - clauses[lo - 1][0] <= _WINDOW_CHARS:
                lo, grown = lo - 1, True
            if not grown:
                break
        start, end = clauses[lo][0], clauses[hi][1]
    return Evidence(n=n, passage=candidate.passage, start=start, end=end, text=text[start:end],
                    alignment=candidate.alignment, clause=candidate.clause, score=candidate.score)


def format_evidence(evidence: Sequence[Evidence]) -> str:
    """Numbered evidence lines for the prompt, each labelled with its article's place (a quote rarely names
    the place it is about, and the model must not take a quote about another place)."""
    return "\n".join(f"[{item.n}] ({item.passage.place or item.passage.title}) {item.text}" for item in evidence)


@dataclass(frozen=True)
class Claim:
    """A figure of an evidence item with the alignment of the clause that states it."""

    evidence: Evidence
    value: float
    number: float
    clause: tuple[int, int]
    alignment: Alignment
    quote: str
    # The whole clause the figure stands in (offsets into the passage).
    full_clause: tuple[int, int]
    # The figure's measure word as written (万元, 名), None for a bare number.
    unit: str | None = None

    @property
    def clause_text(self) -> str:
        """The figure's part of its clause, in the passage's own script."""
        return self.evidence.passage.text[self.clause[0]:self.clause[1]]


# Where a clause's subject ends and a change (由…增加到…, 从…下降至…) begins, and where the change goes on.
_CHANGE_FROM = re.compile(r"(由|从|從|比)[^由从從比]*$")
_CHANGE_TO = re.compile(r"(?:增加|提高|下降|减少|減少|增长|增長|上升|降低|降|增)?(?:到|至)")


def _quote(clause: str, start: int, figure_end: int, end: int) -> str:
    """What to quote for a figure: its part of the clause, after the clause's subject when it starts later,
    and without the change that leads to the next figure.

    全旗…人均纯收入由2015年的12781元增加到2019年度的27772元 → 全旗…人均纯收入由2015年的12781元 (for 2015) and
    全旗…人均纯收入…增加到2019年度的27772元 (for 2019).
    """
    change = _CHANGE_TO.search(clause, figure_end, end)
    end = change.start() if change and end < len(clause) else end
    if start == 0:
        return clause[:end].strip()
    head = clause[:start]
    first_figure = re.search(r"\d", head)
    head = head[:first_figure.start()] if first_figure else head
    head = _CHANGE_FROM.sub("", head).rstrip()
    # ⋯, not …: NFKC makes … three full stops, and a figure after them would read as decimals.
    return f"{head}⋯{clause[start:end].strip()}" if head else clause[start:end].strip()


def figure_claims(frame: QuestionFrame, evidence: Sequence[Evidence]) -> list[Claim]:
    """Every figure of the evidence, aligned clause by clause (the sentence's meaning score is shared)."""
    claims = []
    for item in evidence:
        text = item.passage.text
        sentence = normalize_for_matching(text[item.start:item.end])
        context = normalize_for_matching(text)
        places = passage_places(item.passage)
        previous = None
        for c_start, c_end in clause_spans(text[item.start:item.end]):
            raw = text[item.start + c_start:item.start + c_end]
            clause = normalize_for_matching(raw)
            inherited = elided_noun_clause(previous, clause)
            # The clause a later one may leave its noun to: the last with a figure (截至目前 has none).
            previous = clause if clause_figures(clause) else previous
            for figure, s_start, f_end, s_end in _figure_segments(raw):
                # A figure's qualifiers (year, band) come before it in Chinese: 2019年度的27772元.
                segment = normalize_for_matching(raw[s_start:f_end])
                item_start = raw.rfind("、", 0, figure.start) + 1
                item_end = raw.find("、", figure.end)
                listed = normalize_for_matching(raw[item_start:item_end if item_end >= 0 else len(raw)])
                alignment = align(frame, clause, sentence, context, places, item.alignment.similarity, segment,
                                  normalize_for_matching(raw[s_start:s_end]), inherited, listed)
                offset = item.start + c_start
                claims.append(Claim(item, figure.value, figure.number, (offset + s_start, offset + s_end),
                                    alignment, _quote(raw, s_start, f_end, s_end), (offset, offset + len(raw)),
                                    figure.unit))
    return claims


def _figure_segments(clause: str) -> list[tuple[ClauseFigure, int, int, int]]:
    """Each figure of a clause with its part: (figure, part start, figure end, part end), offsets into `clause`
    as written. A part runs from the end of the figure before it to the next figure, within its item of an
    enumeration (示范嘎查2个、精品示范村18个: 精品示范村 is 18's, 28个基层党委、573个党支部: 基层党委 is 28's).

    Figures are found in the normalised clause; when normalising changes its length (spaces, thousands
    separators) the offsets would not map back, so every figure gets the whole clause instead.
    """
    figures = clause_figures(clause)
    if len(normalize_for_matching(clause)) != len(clause):
        return [(f, 0, len(clause), len(clause)) for f in figures]
    parts = []
    for i, figure in enumerate(figures):
        start = figures[i - 1].end if i else 0
        end = figures[i + 1].start if i + 1 < len(figures) else len(clause)
        start = max(start, clause.rfind("、", start, figure.start) + 1)
        item_end = clause.find("、", figure.end, end)
        end = item_end if item_end >= 0 else end
        parts.append((figure, start, figure.end, max(end, figure.end)))
    return parts


def best_claim(frame: QuestionFrame, evidence: Sequence[Evidence]) -> Claim | None:
    """The admissible figure claim that best states what the question asks; a figure whose clause states less
    than `MIN_CLAIM_COVERAGE` of the question's terms is said of something else and is no claim."""
    floor = MIN_CLAIM_COVERAGE if any(t.checkable for t in frame.terms) else 0.0
    claims = [c for c in figure_claims(frame, evidence) if c.alignment.admissible and c.alignment.coverage >= floor
              and not any(same_value(c.value, q) for q in frame.figures)]
    return max(claims, key=lambda c: c.alignment.score + _RANK_PRIOR / c.evidence.passage.n, default=None)
