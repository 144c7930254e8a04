"""The place an article is about, inferred from its text when no metadata names it.

News about a county's campaign names the county in its title and body (甘洛县, 扎賚特旗); the name said most
often, title first, is taken as the article's place. Its stem without the suffix (甘洛) is an alias too,
since readers and questions drop the suffix.
"""

from __future__ import annotations

import re
from collections import Counter

from indexing.textnorm import normalize_script

# County-level and city names: two to four Han characters before an administrative suffix.
_PLACE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(县|旗|市|区|自治县|自治旗)")
# Words that end in a suffix character without naming a place (全县, 本市, 各旗, 社区, 地区 …). Characters
# that begin real county names (镇安县, 山阳县, 新化县, 老河口市, 城固县, 景东县) are not among them: the endings
# they make generic (城区, 山区, 新区) are `_GENERIC`'s.
_NOT_A_NAME = re.compile("^[全本我该各社地辖片库矿市县旗区省州盟乡村两三四十]")
# Words ending in a place suffix that name a kind of area, not a place (贫困地区, 社区, 城市, 牧区).
_GENERIC = re.compile("(?:地|社|城|园|片|景|辖|山|牧|农|矿|新|老|边|灾|湾|街|市|县|旗|库)(?:县|旗|市|区)$|城市$|市场$")
_TITLE_WEIGHT = 5
_MIN_MENTIONS = 2


def infer_place(title: str, text: str) -> str | None:
    """The place named most often (a title mention counts five times), or None when no name stands out."""
    counts: Counter[str] = Counter()
    for weight, part in ((_TITLE_WEIGHT, title), (1, text)):
        for match in _PLACE.finditer(normalize_script(part)):
            stem, suffix = match.groups()
            stem = _strip_leading_region(stem)
            if len(stem) >= 2 and not _NOT_A_NAME.match(stem) and not _GENERIC.search(stem + suffix):
                counts[stem + suffix] += weight
    if not counts:
        return None
    name, mentions = counts.most_common(1)[0]
    return name if mentions >= _MIN_MENTIONS else None


def _strip_leading_region(stem: str) -> str:
    """`省甘洛` style overlaps are avoided by the lazy match; drop a leading province or prefecture word."""
    return re.sub(r"^.*?(省|州|盟|市)(?=[\u4e00-\u9fff]{2})", "", stem)


def place_aliases(place: str) -> tuple[str, ...]:
    """The place and its stem without the administrative suffix (甘洛县 → 甘洛县, 甘洛)."""
    stem = re.sub(r"(自治县|自治旗|县|旗|市|区)$", "", place)
    return (place, stem) if len(stem) >= 2 and stem != place else (place,)
