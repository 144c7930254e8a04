"""The chat's Markdown and HTML, from an answer's JSON."""

from assistant.ui.render import (
    EMPTY_SOURCES,
    FALLBACK_NOTE,
    NO_SOURCES,
    answer_markdown,
    retrieved_html,
    source_anchor,
    sources_html,
    status_markdown,
)
from indexing.documents import Article

TEXT = "开头。\n乌兰县共有38个行政村。<b>不是标签</b>。结尾。"
ARTICLE = Article(doc_id="003_x", path="003_x.txt", title="乌兰县 & 党建", text=TEXT, date="2016-11-03",
                  source="青海新闻网")


def answer(**changes) -> dict:
    start = TEXT.index("\n")
    cited = TEXT.index("乌兰县")
    body = {"answer": "38个行政村 [1]，另见 [3]。", "language": "zh", "abstained": False, "llm_failed": False,
            "citations": [{"n": 1, "doc_id": "003_x", "title": ARTICLE.title, "text": TEXT[start:-3],
                           "date": ARTICLE.date, "source": ARTICLE.source, "start": start, "end": len(TEXT) - 3,
                           "highlight": {"start": cited, "end": cited + len("乌兰县共有38个行政村。")}}]}
    return body | changes


def test_cited_markers_link_to_their_source_and_others_stay_text():
    text = answer_markdown(answer())
    assert f"[\\[1\\]](#{source_anchor(1)})" in text and "另见 [3]" in text and FALLBACK_NOTE["zh"] not in text


def test_a_fallback_answer_says_so_in_the_users_language():
    assert FALLBACK_NOTE["zh"] in answer_markdown(answer(llm_failed=True))
    assert FALLBACK_NOTE["en"] in answer_markdown(answer(llm_failed=True, language="en"))


def test_sources_show_title_date_publisher_and_the_cited_sentence_marked():
    page = sources_html(answer(), {"003_x": ARTICLE})
    assert f"id='{source_anchor(1)}'" in page and "乌兰县 &amp; 党建" in page
    assert "2016-11-03 · 青海新闻网" in page
    assert page.count("<mark class='wenda-cited'>乌兰县共有38个行政村。</mark>") == 2  # passage and article
    assert "&lt;b&gt;不是标签&lt;/b&gt;" in page and "<b>不是标签</b>" not in page
    assert "<details class='wenda-article'>" in page and "开头。" in page and "结尾。" in page


def test_a_source_without_its_article_still_shows_the_passage():
    page = sources_html(answer(), {})
    assert "<mark class='wenda-cited'>" in page and "<details" not in page


def test_empty_and_abstained_states():
    assert sources_html(None, {}) == EMPTY_SOURCES
    assert sources_html(answer(citations=[], abstained=True), {}) == NO_SOURCES


def test_status_line_for_each_state():
    assert "Loading" in status_markdown(False, "loading the index and models")
    assert "not ready" in status_markdown(False, "no index in data/index; run `wenda index`")
    assert status_markdown(True, "ready", 5, 93, "local") == "Ready · 5 articles · 93 passages · answers: local"


def test_retrieved_passages_show_while_the_answer_is_written():
    passage = answer()["citations"][0] | {"highlight": None}
    page = retrieved_html([passage])
    assert "wenda-candidate" in page and "wenda-source'" not in page and "<mark" not in page and "<details" not in page
    assert "乌兰县共有38个行政村" in page and "Reading these passages" in page
    assert retrieved_html([]) == NO_SOURCES


def test_a_paged_source_names_its_page_and_the_full_document_labels_every_page():
    paged = Article(doc_id="003_x", path="003_x.pdf", title=ARTICLE.title, text=TEXT, date=ARTICLE.date,
                    file_type="pdf", page_starts=(0, TEXT.index("乌兰县") + 3, TEXT.index("结尾")))
    page = sources_html(answer(citations=[answer()["citations"][0] | {"page": 1}]), {"003_x": paged})
    assert "p. 1 · 2016-11-03" in page
    full = page[page.index("wenda-article-text"):]
    labels = [full.index(f"data-page='{n}'") for n in (1, 2, 3)]
    # Page 2 starts inside the cited sentence: its label sits inside the mark, the sentence's text is whole.
    assert labels == sorted(labels) and full.index("<mark") < labels[1] < full.index("</mark>")
    assert "乌兰县" in full and "共有38个行政村" in full and full.index("</mark>") < labels[2]
