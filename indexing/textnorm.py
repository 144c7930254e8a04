"""Text normalisation shared by indexing and querying: one script, one width, no pinyin artifacts."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# A pinyin reading in brackets right after a Han character, as some sites print `優(yōu)秀`.
_PINYIN_ARTIFACT = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# A thousands separator: three digits follow and then no digit (Han characters may follow: 27,772元).
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SPACE = re.compile(r"\s+")
# A clause: what one script decision covers (a Simplified clause beside a Traditional one keeps its 显著).
_CLAUSE = re.compile(r"[^，。！？；,;!?\n]+")


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def strip_pinyin_artifacts(text: str) -> str:
    """Remove bracketed pinyin readings after Han characters: `優(yōu)秀` → `優秀`."""
    return _PINYIN_ARTIFACT.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese; Simplified and other text passes unchanged.

    Taiwan's standard writes 著 for both 着 (着力) and 著 (著名): plain t2s keeps 著力, which no Simplified article
    writes, and tw2s tells the two apart. But tw2s also turns a Simplified 显著 into 显着, so its reading is kept
    only in clauses that hold Traditional characters (clauses t2s changes).
    """
    simplified = _converter("t2s").convert(text)
    if simplified == text:
        return text
    taiwan = _converter("tw2s").convert(text)
    if len(taiwan) != len(simplified):
        return taiwan
    pieces = []
    at = 0
    for clause in _CLAUSE.finditer(text):
        pieces.append(simplified[at:clause.start()])
        traditional = simplified[clause.start():clause.end()] != clause.group(0)
        pieces.append((taiwan if traditional else simplified)[clause.start():clause.end()])
        at = clause.end()
    pieces.append(simplified[at:])
    return "".join(pieces)


def normalize_script(text: str) -> str:
    """NFKC, no pinyin artifacts, Simplified script: what the dense model embeds.

    Full-width letters, digits and punctuation become half-width under NFKC, so `１９６` matches `196`.
    """
    return to_simplified(strip_pinyin_artifacts(unicodedata.normalize("NFKC", text)))


def normalize(text: str) -> str:
    """`normalize_script` in lower case: the form the keyword index tokenises."""
    return normalize_script(text).lower()


def normalize_for_matching(text: str) -> str:
    """`normalize` plus no whitespace and no thousands separators, for substring comparison."""
    return _SPACE.sub("", _DIGIT_COMMA.sub("", normalize(text)))
