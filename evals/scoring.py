"""Scoring rules of the gold set (`shared/gold/README.md`), applied exactly as written there."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

_PINYIN_ARTIFACT = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_SPACE = re.compile(r"\s+")
_MARKER = re.compile(r"[\[【]\s*\d+(?:\s*[,，、]\s*\d+)*\s*[\]】]")


def normalize(text: str) -> str:
    """NFKC, `(pinyin)` artifacts removed, commas between digits removed, whitespace removed, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = _PINYIN_ARTIFACT.sub("", text)
    text = _DIGIT_COMMA.sub("", text)
    return _SPACE.sub("", text).lower()


def matches_alternative(alternative: str, text: str) -> bool:
    """`num:N`: the number N standing alone (not inside a longer number); else a normalised substring."""
    normalized = normalize(text)
    if alternative.startswith("num:"):
        number = re.escape(normalize(alternative[4:]))
        return re.search(rf"(?<![\d.]){number}(?!\d|\.\d)", normalized) is not None
    return normalize(alternative) in normalized


def groups_satisfied(groups: Sequence[Sequence[str]], texts: Iterable[str]) -> bool:
    """Every group has one alternative inside some of `texts` (an empty list of groups is not satisfied)."""
    texts = list(texts)
    return bool(groups) and all(any(matches_alternative(a, t) for a in group for t in texts)
                                for group in groups)


def answer_correct(item: dict, answer: str, abstained: bool) -> bool:
    """An unanswerable item is correct only when abstained; an answerable one needs every accept group.

    An item may also list `reject` alternatives (our extension of the gold format, for passages with several
    figures): an answer containing one of them (a neighbouring, wrong figure) is wrong.
    """
    if item.get("type") == "unanswerable":
        return abstained
    # Citation markers ([2]) are not figures of the answer.
    bare = _MARKER.sub(" ", answer)
    if any(matches_alternative(alternative, bare) for alternative in item.get("reject", ())):
        return False
    return not abstained and groups_satisfied(item["accept"], [answer])


def confidently_wrong(item: dict, answer: str, abstained: bool, cited: int) -> bool:
    """Answered, with at least one citation, and wrong: the failure that looks checked to a user."""
    return not abstained and cited > 0 and not answer_correct(item, answer, abstained)


def hit_at_k(item: dict, passages: Sequence[str], k: int) -> bool:
    """The evidence is inside the first `k` retrieved passages."""
    return groups_satisfied(item["evidence"], passages[:k])


def reciprocal_rank(item: dict, passages: Sequence[str]) -> float:
    """1/rank of the first prefix of the ranking that holds all the evidence (0 when none does)."""
    for rank in range(1, len(passages) + 1):
        if groups_satisfied(item["evidence"], passages[:rank]):
            return 1.0 / rank
    return 0.0
