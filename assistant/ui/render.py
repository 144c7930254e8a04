"""HTML and Markdown for the chat: answers with linked citation markers, the sources panel, the status line.

Pure functions of an answer's JSON (`Answer.to_json`) and the index's articles, so they are tested alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from indexing.documents import Article

_MARKER = re.compile(r"\[(\d+)\]")

FALLBACK_NOTE = {
    "en": "The language model is unavailable right now, so this answer quotes the articles directly.",
    "zh": "语言模型暂时不可用，以下答案直接摘自文章原文。",
}
EMPTY_SOURCES = ("<div class='wenda-sources-empty'>The passages an answer cites appear here. "
                 "答案引用的原文段落会显示在这里。</div>")
NO_SOURCES = ("<div class='wenda-sources-empty'>No passage of the articles answers this question. "
              "文章中没有能回答这个问题的段落。</div>")


def source_anchor(n: int) -> str:
    """The id of source `n` in the sources panel (what a marker `[n]` links to)."""
    return f"wenda-source-{n}"


def answer_markdown(answer: Mapping[str, Any]) -> str:
    """The chat message for an answer: each `[n]` links to its source; a fallback is said plainly."""
    cited = {c["n"] for c in answer.get("citations", [])}

    def link(marker: re.Match[str]) -> str:
        n = int(marker.group(1))
        return f"[\\[{n}\\]](#{source_anchor(n)})" if n in cited else marker.group(0)

    text = _MARKER.sub(link, answer["answer"])
    if answer.get("llm_failed"):
        note = FALLBACK_NOTE["zh" if answer.get("language") == "zh" else "en"]
        text = f"{text}\n\n*{note}*"
    return text


def _marked(text: str, start: int, end: int, css_class: str) -> str:
    """`text` escaped, with `text[start:end]` wrapped in a <mark>."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    if start >= end:
        return html.escape(text)
    return (f"{html.escape(text[:start])}<mark class='{css_class}'>{html.escape(text[start:end])}</mark>"
            f"{html.escape(text[end:])}")


def page_label(page: int) -> str:
    """How a page is named in the sources panel."""
    return f"p. {page}"


def _article_html(article: Article, citation: Mapping[str, Any]) -> str:
    """The whole article with the cited passage shaded, the cited sentence marked and, for a paged document,
    a label where each page starts (so the marked sentence is seen on its page)."""
    text = article.text
    clamp = lambda offset: max(0, min(int(offset), len(text)))  # noqa: E731
    start, end = clamp(citation["start"]), clamp(citation["end"])
    # (offset, order at that offset, markup): closing tags come before a page label, opening tags after it.
    cuts = [(start, 3, "<span class='wenda-passage-in-article'>"), (end, 1, "</span>")]
    highlight = citation.get("highlight")
    if highlight and clamp(highlight["start"]) < clamp(highlight["end"]):
        cuts += [(max(start, clamp(highlight["start"])), 4, "<mark class='wenda-cited'>"),
                 (min(end, clamp(highlight["end"])), 0, "</mark>")]
    cuts += [(offset, 2, f"<span class='wenda-page' data-page='{n}'>{page_label(n)}</span>")
             for n, offset in enumerate(article.page_starts, start=1)]
    parts, position = [], 0
    for offset, _, markup in sorted(cuts, key=lambda cut: (cut[0], cut[1])):
        parts += [html.escape(text[position:offset]), markup]
        position = offset
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def source_html(citation: Mapping[str, Any], article: Article | None, candidate: bool = False) -> str:
    """One cited passage: number, title, date and publisher, the passage with its cited sentence marked,
    and the full article behind a disclosure. A `candidate` is a passage retrieved before the answer."""
    n = citation["n"]
    page = page_label(citation["page"]) if citation.get("page") else None
    meta = " · ".join(html.escape(x) for x in (page, citation.get("date"), citation.get("source")) if x)
    highlight = citation.get("highlight")
    text = citation["text"].lstrip()
    offset = citation["start"] + len(citation["text"]) - len(text)  # article offset of text[0]
    passage = (_marked(text.rstrip(), highlight["start"] - offset, highlight["end"] - offset, "wenda-cited")
               if highlight else html.escape(text.rstrip()))
    full = (f"<details class='wenda-article'><summary>Full article 全文</summary>"
            f"<div class='wenda-article-text'>{_article_html(article, citation)}</div></details>") if article else ""
    opening = (f"<div class='wenda-candidate' data-n='{n}'>" if candidate
               else f"<div class='wenda-source' id='{source_anchor(n)}' data-n='{n}'>")
    return (f"{opening}"
            f"<div class='wenda-source-head'><span class='wenda-n'>[{n}]</span> "
            f"<strong class='wenda-title'>{html.escape(citation.get('title') or '')}</strong></div>"
            f"<div class='wenda-source-meta'>{meta}</div>"
            f"<blockquote class='wenda-passage'>{passage}</blockquote>{full}</div>")


def sources_html(answer: Mapping[str, Any] | None, articles: Mapping[str, Article]) -> str:
    """The sources panel for one answer (a hint before the first answer, a plain note after an abstention)."""
    if answer is None:
        return EMPTY_SOURCES
    citations = answer.get("citations", [])
    if not citations:
        return NO_SOURCES
    items = "".join(source_html(c, articles.get(c["doc_id"])) for c in citations)
    return f"<div class='wenda-sources'>{items}</div>"


def retrieved_html(passages: Sequence[Mapping[str, Any]]) -> str:
    """The sources panel while the answer is written: the passages retrieved for the question."""
    if not passages:
        return NO_SOURCES
    # Without their articles: the panel is replaced within seconds, and a lighter page streams faster.
    items = "".join(source_html(p, None, candidate=True) for p in passages)
    return (f"<div class='wenda-retrieved'><div class='wenda-sources-note'>Reading these passages… "
            f"正在阅读以下段落…</div>{items}</div>")


def status_markdown(ready: bool, reason: str, articles: int = 0, passages: int = 0, backend: str = "") -> str:
    """The line above the chat: loading, not ready (why), or what is loaded."""
    if ready:
        return f"Ready · {articles} articles · {passages} passages · answers: {backend}"
    if reason.startswith("loading"):
        return ("⏳ **Loading the index and models…** Questions are answered once this is done "
                "(about a minute the first time). 正在加载索引和模型，请稍候。")
    return f"⚠️ **wenda is not ready:** {html.escape(reason)}"
