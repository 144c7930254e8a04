"""A reload keeps the conversation, in headless Debian Chromium (Playwright) on a real server over a one-article
index (extractive backend: no LLM): ask, reload, the earlier turn is still there and goes on; a new
conversation is what a reload shows from then on; another browser has its own."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from playwright.sync_api import Browser, Page

from assistant.components import assistant
from assistant.server import create_app
from tests.assistant.ui.test_live_chat import bot_messages, open_chat
from tests.conftest import indexed_small_corpus
from tests.live import serve

QUESTION, FOLLOW_UP = "乌兰县共有多少个行政村？", "How many poor students were funded?"


@pytest.fixture(scope="module")
def reload_url(tmp_path_factory, real_embeddings) -> Iterator[str]:
    config = indexed_small_corpus(tmp_path_factory.mktemp("reload"), real_embeddings)
    yield from serve(create_app(config, factory=partial(assistant, config, embeddings=real_embeddings)))


def user_messages(page: Page) -> list[str]:
    return [m.inner_text() for m in page.query_selector_all("#wenda-chat [data-testid=user]")]


def ask(page: Page, question: str) -> None:
    """Ask and wait for the final answer with its sources."""
    answered = len(bot_messages(page))
    page.fill("#wenda-question textarea", question)
    page.press("#wenda-question textarea", "Enter")
    page.wait_for_function("n => document.querySelectorAll('#wenda-chat [data-testid=bot]').length > n",
                           arg=answered, timeout=120_000)
    # The sources panel shows cited sources only with the final answer (the page showed none before it).
    page.wait_for_selector("#wenda-sources .wenda-source", timeout=120_000)


def stored_conversation(page: Page) -> str | None:
    """The page's copy of its conversation id in localStorage (as Gradio's BrowserState writes it)."""
    return page.evaluate("() => localStorage.getItem('wenda-conversation')")


def wait_until_stored(page: Page, before: str | None) -> None:
    """Wait until the page has written a new conversation id to localStorage: it does so in an event chained to
    the answer, a round trip after the page shows it, and a reload before that reads the old one."""
    page.wait_for_function("before => localStorage.getItem('wenda-conversation') !== before", arg=before,
                           timeout=30_000)


def wait_for_turns(page: Page, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('#wenda-chat [data-testid=bot]').length === {count}",
                           timeout=30_000)


def test_a_reload_keeps_the_conversation_and_it_goes_on(reload_url, page, browser: Browser):
    open_chat(page, f"{reload_url}/")
    before = stored_conversation(page)
    ask(page, QUESTION)
    assert "38" in bot_messages(page)[-1]
    wait_until_stored(page, before)

    page.reload()
    open_chat(page, f"{reload_url}/")
    wait_for_turns(page, 1)
    assert QUESTION in user_messages(page)[0] and "38" in bot_messages(page)[0]
    # The restored turn is the history of the next question, and the chat goes on in the same conversation.
    ask(page, FOLLOW_UP)
    assert "179" in bot_messages(page)[-1]
    page.reload()
    open_chat(page, f"{reload_url}/")
    wait_for_turns(page, 2)
    assert [text.strip() for text in user_messages(page)] == [QUESTION, FOLLOW_UP]

    # Another browser (its own localStorage) has a conversation of its own: its first answer is alone.
    other = browser.new_context().new_page()
    try:
        open_chat(other, f"{reload_url}/")
        ask(other, QUESTION)
        assert [text.strip() for text in user_messages(other)] == [QUESTION]
    finally:
        other.context.close()

    # A new conversation is what a reload shows from then on.
    before = stored_conversation(page)
    page.click("#wenda-clear")
    wait_for_turns(page, 0)
    ask(page, FOLLOW_UP)
    wait_until_stored(page, before)
    page.reload()
    open_chat(page, f"{reload_url}/")
    wait_for_turns(page, 1)
    assert [text.strip() for text in user_messages(page)] == [FOLLOW_UP]
