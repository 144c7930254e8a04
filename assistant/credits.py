"""Who wrote, reported, photographed or edited an article: the credit lines of its page and its byline.

"Who is the author of the Zhen'an report?" is answered by 作者：刘晓峰 on the page, not by a person the article
tells of. A credit is read from the article's passages (记者：马文博 通讯员：李娟, 宋恩 摄, 责任编辑：王蕾) or, for the
author and the editor, from the byline and the editor line the cleaner took off the page (the article's `author`
and `editor`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answer import Passage
from assistant.evidence import SURNAMES
from assistant.query import place_stem, romanised_name
from indexing.documents import Article
from indexing.textnorm import normalize

# A credit asked by its role's name (作者是谁, 哪位记者, "who is the author", "the photographer's name") …
_ROLE_NAMES = {
    "photographer": r"摄影师|摄影记者|摄影|photographers?",
    "editor": r"责任编辑|责编|编辑|editors?",
    "reporter": r"记者|通讯员|reporters?|correspondents?|journalists?",
    "author": r"作者|撰稿人|执笔人|署名|authors?|writers?|bylines?",
}
# … or by the act, done to the article (这篇报道是谁写的, 照片是谁拍的, "who wrote the article", "who took the photos").
_ROLE_ACTS = {
    "photographer": r"拍摄|拍|摄|photographed|(?:took|(?:is|was|are|were) credited (?:with|for)(?: taking)?) "
                    r"(?:the |these |those |its )?(?:photo|photograph|picture|image)s?",
    "editor": r"编辑|edited",
    "reporter": r"采写|报道|reported",
    "author": r"撰写|写|wrote|written|(?:is|was|are|were) credited (?:with|for) (?:writing|the article|the report)",
}
# Any role's name, said between the who-word and the act (哪位记者拍的, "which reporter took the photo"): the act
# tells which credit is asked.
_ANY_ROLE = "|".join(_ROLE_NAMES.values())
_ZH_WHO = r"谁|哪位|哪几位|哪两位|哪名|何人"
_ZH_NAMED = r"(?:是|为)?(?:谁|哪位|哪几位|哪两位|何人|叫什么|的名字|姓名|是什么名字)"
_EN_WHO = r"\b(?:who|whom)(?: (?:is|was|are|were))?(?: the)?"
# What the article itself, or its photos, is called.
_ARTICLE_NOUN_ZH = r"文章|报道|报导|稿件|新闻|照片|图片|配图|本文|该文"
_ARTICLE_NOUN_EN = r"(?:article|report|story|piece|photo|photograph|picture|image)s?"
_PHOTO = re.compile(r"照片|图片|配图|\b(?:photo|photograph|picture|image)s?\b", re.IGNORECASE)
# The article as an English role's or act's object, right after it: "of the Zhen'an report", "the Wuhai article
# on …" — not "the report to the county", "the work report mentioned in the article".
_OF_THE_ARTICLE_EN = re.compile(rf"^(?: (?:of|for|behind|in))?(?: (?:the|this|that|its))?(?: [\w'-]+){{0,2}}? "
                                rf"{_ARTICLE_NOUN_EN}\b(?! (?:to|mentioned|that|which|by)\b)", re.IGNORECASE)
# Roles every article has, asked without naming it ("who is the author?"); a writer or an editor may be of anything.
_ARTICLE_ROLES = re.compile(r"\b(?:authors?|photographers?|bylines?)\b", re.IGNORECASE)
# Words that refer to the article or join it to the role (青岭县这篇报道的记者), and punctuation between them …
_POINTING = r"[的之\s，,、]|这篇|那篇|本篇|这张|这组|该|本"
# … and before an act's object (谁写了关于青岭县的报道).
_BEFORE_OBJECT = rf"{_POINTING}|关于"
# The credit words of a page, each before the names it credits (作者：向明辉 石慧, 记者 马文博 摄).
_CREDIT_WORDS = {
    "author": ("作者", "撰稿", "文"),
    "reporter": ("记者", "通讯员"),
    "photographer": ("摄影", "图"),
    "editor": ("责任编辑", "编辑", "责编"),
}
_NAMES = re.compile(r"((?:[\u4e00-\u9fff]{2,3})(?:[ \u3000]+[\u4e00-\u9fff]{2,3})*)(?![\u4e00-\u9fff])")
# A name followed by 摄 is the photographer's (宋恩 摄, 记者 马文博 摄, （宋恩摄）): a name of its own, after a space
# or a bracket, not the end of a word (进行拍摄).
_TAKEN_BY = re.compile(r"(?:(?<=[\s（(。，,；;])|^)([\u4e00-\u9fff]{2,3})[ \u3000]*摄(?![\u4e00-\u9fff])")
# What a credit word may follow inside a word: the paper or agency (本报记者, 新华社记者).
_PRESS = r"(?<![\u4e00-\u9fff])|(?<=本报)|(?<=新华社)|(?<=特约)|(?<=见习)|(?<=驻站)"
# Words of a page's header that follow a credit and are no names (记者：马文博 通讯员：李娟, 作者:刘晓峰 浏览次数).
_NOT_NAMES = frozenset({"通讯员", "记者", "编辑", "责任编辑", "来源", "摄影", "作者", "浏览", "浏览次数", "发布",
                        "审核", "终审", "责编", "摄", "图", "文", "时间", "简介", "报道", "供图", "整理"})
_ROLE_ZH = {"author": "作者", "reporter": "记者", "photographer": "摄影", "editor": "编辑"}
# Which credits answer a question for a role: a news report's author is its reporter.
_ANSWERING = {"author": ("author", "reporter"), "reporter": ("reporter", "author"),
              "photographer": ("photographer",), "editor": ("editor",)}


@dataclass(frozen=True)
class Credit:
    """The names an article's page credits with a role, and the passage (and span of it) that says so; no
    passage when the credit is the article's byline only."""

    role: str
    names: tuple[str, ...]
    passage: Passage
    span: tuple[int, int] | None


def asked_credit(question: str, places: Sequence[str] = ()) -> str | None:
    """The role a question asks the name of (author, reporter, photographer, editor) of the article itself, or
    None. The role word or act must be what is asked (记者采访的第一书记是谁 asks for a first secretary), and of the
    article or its photos: the article is the subject or object (这篇报道是谁写的, 谁拍摄了这张照片, "who wrote the
    Wuhai article"), or the role's words come right after it or the asked places (青岭县的记者是哪位; 报道中的民情
    日记是谁写的 and 村里的通讯员 are something else's)."""
    text = normalize(question)
    for role, acts in _ROLE_ACTS.items():
        done = re.search(rf"(?:{_ZH_WHO})(?:{_ANY_ROLE})?(?:{acts})|\b(?:who|which (?:{_ANY_ROLE})) (?:{acts})\b", text)
        if done is not None and _done_to_the_article(text, done, places):
            return role
    for role, names in _ROLE_NAMES.items():
        # A role after the who-word ends the question (哪位记者？); 谁编辑了村史 uses it as a verb.
        asked = re.search(rf"(?:{_ZH_WHO})是?(?:{names})(?=[？?。]|$)|(?:{names}){_ZH_NAMED}|"
                          rf"谁是(?P<of>[^，。？?]{{0,16}}?)(?:{names})", text)
        if asked is not None:
            before = asked.group("of") if asked.group("of") is not None else text[:asked.start()]
            if _of_the_article(before, places):
                return role
        english = re.search(rf"{_EN_WHO} (?:{names})\b|\bwhich (?:{names})\b|\bname of the (?:{names})\b|"
                            rf"\b(?:{names})(?:'s|s')? names?\b", text)
        if english is not None and (_OF_THE_ARTICLE_EN.match(text[english.end():]) or (
                _ARTICLE_ROLES.search(english.group(0)) and re.match(r"\s*[?.]?\s*$", text[english.end():]))):
            return role
    return None


def _done_to_the_article(text: str, done: re.Match[str], places: Sequence[str]) -> bool:
    """Whether the act asked about is done to the article or its photos: they are its direct object ("who took
    the photos", "who wrote the Wuhai article", 谁拍摄了这张照片), or its subject with nothing after the act
    (这篇报道是谁写的). 这篇报道中，谁写了入党申请书 and 报道中的民情日记是谁写的 ask who wrote something else."""
    if _PHOTO.search(done.group(0)):
        return True
    after = text[done.end():]
    if re.match(r"的?\s*(?:[？?。!！]|$)", after):
        subject = re.sub(r"(?:是|由)$", "", text[:done.start()])
        return _of_the_article(subject, places, empty=False)
    if after.isascii():
        return bool(_OF_THE_ARTICLE_EN.match(after))
    after = _without_places(after, places)
    # The object may have a short modifier of its own (哪位记者拍的果园照片).
    direct = re.match(rf"[了的]?(?:{_BEFORE_OBJECT})*[\u4e00-\u9fff]{{0,4}}?(?:{_ARTICLE_NOUN_ZH})(?![中里上内])",
                      after)
    return direct is not None and not after[direct.end():].startswith(("提到", "里", "中"))


def _of_the_article(before: str, places: Sequence[str], empty: bool = True) -> bool:
    """Whether the question's words before a role (or an act) name the article: with the asked places and the
    words pointing at it taken out, nothing is left (青岭县的记者, when `empty` allows) or they end in the article's
    noun (青岭日报那篇关于青岭县的报道，作者…)."""
    before = _without_places(before, places, stems=True)
    rest = re.sub(rf"^(?:{_POINTING})+|(?:{_POINTING})+$", "", re.sub(_ZH_WHO, "", before))
    return (empty and not rest) or re.search(rf"(?:{_ARTICLE_NOUN_ZH})$", rest) is not None


def _without_places(text: str, places: Sequence[str], stems: bool = False) -> str:
    """`text` without the asked places' names, longest first (and their stems: 青岭 of 青岭县, when `stems`)."""
    for place in sorted(places, key=len, reverse=True):
        text = text.replace(normalize(place), "")
        if stems:
            text = text.replace(normalize(place_stem(place)), "")
    return text


def credited(text: str, role: str) -> list[tuple[str, tuple[int, int]]]:
    """The names `text` credits with `role`, each with the span of its credit line (offsets into `text`)."""
    normalized = _same_length_normalized(text)
    found: list[tuple[str, tuple[int, int]]] = []
    # A one-character credit word (文, 图) credits only before a colon or slash, never inside a word (图为…, 文化).
    words = "|".join(w for w in _CREDIT_WORDS[role] if len(w) > 1)
    single = "|".join(w for w in _CREDIT_WORDS[role] if len(w) == 1)
    credit = re.compile(rf"(?:{_PRESS})(?:(?:{words})(?:[:：]|[ \u3000])"
                        + (rf"|(?:{single})[:：/／]" if single else "") + r")[ \u3000]*")
    for match in credit.finditer(normalized):
        names = _NAMES.match(normalized, match.end())
        # After a colon a name is said to follow; after a space only a surname tells a name (记者 走访 发现).
        spaced = not re.search(r"[:：/／]", match.group(0))
        at = match.end()
        for name in names.group(1).split() if names else []:
            if name in _NOT_NAMES or (spaced and not _is_surnamed(name)):
                break  # the next credit (通讯员：李娟) is another role's
            at = normalized.index(name, at) + len(name)
            found.append((name, (match.start(), at)))
    if role == "photographer":
        found += [(m.group(1), m.span()) for m in _TAKEN_BY.finditer(normalized) if _is_name(m.group(1))]
    return found


def _is_surnamed(word: str) -> bool:
    """Whether a word starts with a common surname, as a name credited without a colon does."""
    return word[:1] in SURNAMES


def _is_name(word: str) -> bool:
    """Whether a word the page credits is a person's name (王蕾), not an office (办公室) or a header word."""
    return 2 <= len(word) <= 4 and word not in _NOT_NAMES and _is_surnamed(normalize(word))


def find_credit(role: str, places: Sequence[str], pool: Sequence[Passage],
                articles: Mapping[str, Article]) -> Credit | None:
    """The credit for `role` of the article the question is about: the first retrieved passage of an article
    about one of `places` (any, when none is named) that credits someone, else that article's byline."""
    about = [p for p in pool if _about(articles.get(p.doc_id), places)]
    for wanted in _ANSWERING[role]:
        for passage in about:
            names = credited(passage.text, wanted)
            if names:
                return Credit(wanted, tuple(dict.fromkeys(n for n, _ in names)), passage, names[0][1])
    article = articles.get(about[0].doc_id) if about else None
    if article is None:
        return None
    if role in ("author", "reporter") and article.author:
        return Credit("author", tuple(article.author.split()), about[0], None)
    editors = tuple(n for n in (article.editor or "").split() if _is_name(n))
    if role == "editor" and editors:
        return Credit("editor", editors, about[0], None)
    return None


def _about(article: Article | None, places: Sequence[str]) -> bool:
    """Whether an article is about one of the asked places (its region, title or aliases name it), or any article
    when the question names none."""
    if article is None:
        return False
    if not places:
        return True
    names = normalize(" ".join([article.region or "", article.title or "", *article.aliases]))
    return any(place_stem(place) in names for place in places)


def credit_text(credit: Credit, language: str) -> str:
    """The answer naming the credited people, with the passage's marker ([n]) where the page says so."""
    marker = f" [{credit.passage.n}]"
    names = "、".join(credit.names)
    if language == "zh":
        where = f"《{credit.passage.title}》" if credit.passage.title else "这篇文章"
        return f"{where}的{_ROLE_ZH[credit.role]}是{names}。{marker}"
    spelled = ", ".join(f"{name} ({romanised_name(name)})" for name in credit.names)
    # The editor line is taken off the page with its furniture: still the page's credit, not a byline.
    source = "page credits" if credit.span or credit.role == "editor" else "byline names"
    role = credit.role if len(credit.names) == 1 else f"{credit.role}s"
    return f"The article's {source} {spelled} as its {role}.{marker}"


def _same_length_normalized(text: str) -> str:
    """`text` normalised character by character (記者：韋明芳 → 记者:韦明芳), so offsets into it are offsets into
    `text`; a character normalising to several (or none) is kept as it is."""
    whole = normalize(text)
    if len(whole) == len(text):
        return whole  # the usual case, converted in one go
    return "".join(n if len(n := normalize(c)) == 1 else c for c in text)
