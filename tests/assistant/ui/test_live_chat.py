"""The chat on a real server with the real local LLM: the official gradio_client, and headless Chromium
(Debian's, driven by Playwright) loading the page, asking, watching the answer stream in, reading the
sources, rating the answer, embedding the page in an iframe; no request may leave localhost."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from gradio_client import Client
from playwright.sync_api import Page

from assistant.feedback import FeedbackStore
from assistant.server import create_app
from tests.conftest import REPO
from tests.live import serve

SCREENSHOTS = REPO / "evals" / "out" / "screenshots"


@pytest.fixture(scope="module")
def chat_settings(built_index, tmp_path_factory):
    settings, _ = built_index
    return settings.model_copy(update={"feedback_db": tmp_path_factory.mktemp("chat") / "feedback.sqlite3"})


@pytest.fixture(scope="module")
def chat_url(chat_settings, local_assistant) -> Iterator[str]:
    yield from serve(create_app(chat_settings, factory=lambda: local_assistant))


def open_chat(page: Page, url: str) -> None:
    """Load the chat and wait until it says the assistant is ready."""
    page.goto(url)
    page.wait_for_selector("#wenda-question textarea")
    page.wait_for_function("document.querySelector('#wenda-status')?.innerText.startsWith('Ready')", timeout=60_000)


def bot_messages(page: Page) -> list[str]:
    return [m.inner_text() for m in page.query_selector_all("#wenda-chat [data-testid=bot]")]


def test_gradio_client_asks_and_follows_up(chat_url):
    client = Client(chat_url, verbose=False)
    messages, sources, box = client.predict("How many first secretaries did Zalaite dispatch?", [], api_name="/ask")
    answer = messages[-1]["content"][0]["text"]
    assert "196" in answer and "#wenda-source-" in answer and box == ""
    assert "wenda-cited" in sources and "196" in sources and "扎賚特旗" in sources
    # The client keeps its session, so the conversation goes on: a follow-up without the place.
    messages, sources, _ = client.predict("How many cadres were in its village work teams?", messages, api_name="/ask")
    assert "784" in messages[-1]["content"][0]["text"] and "784" in sources


def test_browser_sees_the_answer_stream_in_with_its_sources(chat_url, page):
    open_chat(page, f"{chat_url}/")
    assert page.get_by_text("Examples 示例").is_visible()
    page.fill("#wenda-question textarea", "乌兰县资助了多少名贫困学生？")
    page.press("#wenda-question textarea", "Enter")
    states: list[str] = []
    candidates_seen = False
    deadline = time.monotonic() + 120
    while not page.query_selector("#wenda-sources .wenda-source") and time.monotonic() < deadline:
        texts = bot_messages(page)
        if texts and (not states or states[-1] != texts[-1]):
            states.append(texts[-1])
        candidates_seen = candidates_seen or bool(page.query_selector("#wenda-sources .wenda-candidate"))
        time.sleep(0.05)
    assert candidates_seen  # the retrieved passages showed while the answer was being written
    final = bot_messages(page)[-1]
    assert "179" in final
    partial = [s for s in states if s and "正在查找" not in s and s != final]
    assert partial, f"the answer did not stream: {states}"  # text that grew before the final answer

    source = page.locator("#wenda-sources .wenda-source").first
    assert "青海新闻网" in source.inner_text() and "2016-11-03" in source.inner_text()
    assert "179" in source.locator("mark.wenda-cited").first.inner_text()
    page.click("#wenda-chat a[href='#wenda-source-1']")
    assert page.url.endswith("#wenda-source-1")
    source.locator("details summary").click()
    article = source.locator(".wenda-article-text")
    assert "乌兰县" in article.inner_text()
    # The article opens scrolled to the cited passage, which lies far below its first line.
    page.wait_for_function("el => el.scrollTop > 0", arg=article.element_handle())
    assert "179" in article.locator(".wenda-passage-in-article").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "chat.png", full_page=True)
    assert (SCREENSHOTS / "chat.png").stat().st_size > 10_000


def test_browser_rates_an_answer_with_a_comment(chat_url, chat_settings, page):
    open_chat(page, f"{chat_url}/")
    page.fill("#wenda-question textarea", "乌兰县共有多少个行政村？")
    page.click("#wenda-ask")
    page.wait_for_selector("#wenda-sources .wenda-source", timeout=120_000)
    page.click("#wenda-chat button[aria-label='Like']")
    page.wait_for_selector("#wenda-comment textarea")
    page.fill("#wenda-comment textarea", "清楚，有出处")
    page.click("#wenda-comment-send")
    page.wait_for_selector("#wenda-comment-row", state="hidden")
    store = FeedbackStore(chat_settings.feedback_db)
    records = [r for r in store.records() if r.question == "乌兰县共有多少个行政村？"]
    assert records and records[-1].rating == 1 and records[-1].comment == "清楚，有出处"
    assert "38" in records[-1].answer and records[-1].citations

    page.click("#wenda-clear")
    page.wait_for_function("document.querySelectorAll('#wenda-chat [data-testid=bot]').length === 0")
    assert "wenda-source-1" not in page.inner_html("#wenda-sources")


def test_embed_page_works_inside_an_intranet_iframe(chat_url, page):
    page.set_content(f"<h1>Intranet</h1><iframe src='{chat_url}/embed/' width='700' height='800'></iframe>")
    frame = page.frame_locator("iframe")
    frame.locator("#wenda-question textarea").wait_for(timeout=60_000)
    assert frame.locator("#wenda-chat").is_visible()
    assert frame.locator("#wenda-heading").count() == 0 and frame.get_by_text("Use via API").count() == 0
