"""Who wrote, reported, photographed or edited an article: the credit lines of its page and its byline.

"Who is the author of the Zhen'an report?" is answered by 作者：刘晓峰 on the page, not by a person the article
tells of. A credit is read from the article's passages (记者：马文博 通讯员：李娟, 宋恩 摄, 责任编辑：王蕾) or, for the
author, from the byline the cleaner took off the page (the article's `author`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.answer import Passage
from assistant.query import han_pinyin, place_stem
from indexing.documents import Article
from indexing.textnorm import normalize

# What each credit is asked with, in Chinese and English (a who-question: 谁, 哪位, who, name).
_ASKED_ROLE = {
    "photographer": re.compile(r"摄影|拍摄|照片|图片|\b(?:photo\w*|pictures?|images?)\b", re.IGNORECASE),
    "editor": re.compile(r"编辑|责编|\b(?:edit(?:or|ors|ed)?)\b", re.IGNORECASE),
    "reporter": re.compile(r"记者|通讯员|\b(?:reporters?|correspondents?|journalists?)\b", re.IGNORECASE),
    "author": re.compile(r"作者|撰稿|署名|执笔|\b(?:author\w*|writer|byline)\b", re.IGNORECASE),
}
# Writing verbs ask for the author only of the article itself ("who wrote the Wuhai article", not "who wrote the
# 12 rules").
_WROTE = re.compile(r"谁写|写的|\b(?:wrote|written)\b", re.IGNORECASE)
_ARTICLE = re.compile(r"文章|报道|稿|这篇|那篇|\b(?:article|report|story|piece|page)s?\b", re.IGNORECASE)
_WHO = re.compile(r"谁|哪位|哪两位|哪几位|名字|叫什么|\b(?:who|whom|name[sd]?)\b", re.IGNORECASE)
# The credit words of a page, each before the names it credits (作者：向明辉 石慧, 记者 马文博 摄).
_CREDIT_WORDS = {
    "author": ("作者", "撰稿", "文"),
    "reporter": ("记者", "通讯员"),
    "photographer": ("摄影", "图"),
    "editor": ("责任编辑", "编辑", "责编"),
}
_NAMES = re.compile(r"((?:[\u4e00-\u9fff]{2,3})(?:[ \u3000]+[\u4e00-\u9fff]{2,3})*)(?![\u4e00-\u9fff])")
# A name followed by 摄 is the photographer's (宋恩 摄, 记者 马文博 摄).
_TAKEN_BY = re.compile(r"([\u4e00-\u9fff]{2,3})[ \u3000]*摄(?![\u4e00-\u9fff])")
# Words of a page's header that follow a credit and are no names (记者：马文博 通讯员：李娟, 作者:刘晓峰 浏览次数).
_NOT_NAMES = frozenset({"通讯员", "记者", "编辑", "责任编辑", "来源", "摄影", "作者", "浏览", "浏览次数", "发布",
                        "审核", "终审", "责编", "摄", "图", "文", "时间"})
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


def asked_credit(question: str) -> str | None:
    """The role a who-question asks for (author, reporter, photographer, editor), or None."""
    text = normalize(question)
    if not _WHO.search(text):
        return None
    role = next((role for role, pattern in _ASKED_ROLE.items() if pattern.search(text)), None)
    if role is None and _WROTE.search(text) and _ARTICLE.search(text):
        return "author"
    return role


def credited(text: str, role: str) -> list[tuple[str, tuple[int, int]]]:
    """The names `text` credits with `role`, each with the span of its credit line (offsets into `text`)."""
    normalized = _same_length_normalized(text)
    found: list[tuple[str, tuple[int, int]]] = []
    # A one-character credit word (文, 图) credits only before a colon or slash, never inside a word (图为…, 文化).
    words = "|".join(w for w in _CREDIT_WORDS[role] if len(w) > 1)
    single = "|".join(w for w in _CREDIT_WORDS[role] if len(w) == 1)
    credit = re.compile(rf"(?<![\u4e00-\u9fff])(?:(?:{words})(?:[:：]|[ \u3000])"
                        + (rf"|(?:{single})[:：/／]" if single else "") + r")[ \u3000]*")
    for match in credit.finditer(normalized):
        names = _NAMES.match(normalized, match.end())
        for name in names.group(1).split() if names else []:
            if name in _NOT_NAMES:
                break  # the next credit (通讯员：李娟) is another role's
            found.append((name, (match.start(), names.end())))
    if role == "photographer":
        found += [(m.group(1), m.span()) for m in _TAKEN_BY.finditer(normalized) if m.group(1) not in _NOT_NAMES
                  and not m.group(1).endswith(("记者", "通讯员"))]
    return found


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
    if role in ("author", "reporter") and about:
        article = articles.get(about[0].doc_id)
        if article is not None and article.author:
            return Credit("author", tuple(article.author.split()), about[0], None)
    return None


def _about(article: Article | None, places: Sequence[str]) -> bool:
    if article is None:
        return False
    if not places:
        return True
    names = normalize(" ".join([article.region or "", article.title or "", *article.aliases]))
    return any(place_stem(place) in names for place in places)


_ROLE_ZH = {"author": "作者", "reporter": "记者", "photographer": "摄影", "editor": "编辑"}


def credit_text(credit: Credit, language: str) -> str:
    """The answer naming the credited people, with the passage's marker ([n]) where the page says so."""
    marker = f" [{credit.passage.n}]"
    names = "、".join(credit.names)
    if language == "zh":
        where = f"《{credit.passage.title}》" if credit.passage.title else "这篇文章"
        return f"{where}的{_ROLE_ZH[credit.role]}是{names}。{marker}"
    spelled = ", ".join(f"{name} ({_romanised(name)})" for name in credit.names)
    source = "page credits" if credit.span else "byline names"
    role = credit.role if len(credit.names) == 1 else f"{credit.role}s"
    return f"The article's {source} {spelled} as its {role}.{marker}"


def _romanised(name: str) -> str:
    """A Chinese name in pinyin, surname first (刘晓峰 → Liu Xiaofeng)."""
    return f"{han_pinyin(name[0]).title()} {han_pinyin(name[1:]).title()}"


def _same_length_normalized(text: str) -> str:
    """`text` normalised character by character (記者：韋明芳 → 记者:韦明芳), so offsets into it are offsets into
    `text`; a character normalising to several (or none) is kept as it is."""
    return "".join(n if len(n := normalize(c)) == 1 else c for c in text)
