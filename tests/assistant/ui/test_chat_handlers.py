"""The chat's event handlers over the real index: loading, not-ready, limits, fallback, rating, clearing, and
the stored conversation a reload restores.

The page itself is tested in a real browser (test_browser.py); here the handlers are called directly.
"""

import threading

import gradio as gr
import pytest

from assistant.components import assistant
from assistant.feedback import FeedbackStore
from assistant.service import AssistantService
from assistant.ui.chat import ChatHandlers
from assistant.ui.render import EMPTY_SOURCES, FALLBACK_NOTE
from tests.conftest import make_settings


def last_output(handlers: ChatHandlers, question: str, messages=None, turns=None, answers=None, conversation=None):
    outputs = list(handlers.respond(question, messages or [], turns or [], answers or {}, conversation))
    return outputs[-1]


@pytest.fixture
def extractive_handlers(built_index, real_embeddings, tmp_path):
    settings, _ = built_index
    settings = settings.model_copy(update={"feedback_db": tmp_path / "feedback.sqlite3"})
    service = AssistantService(settings, lambda: assistant(settings, backend="extractive", embeddings=real_embeddings))
    return ChatHandlers(settings, service, FeedbackStore(settings.feedback_db))


def test_while_loading_the_chat_says_so_and_keeps_the_question(built_index, tmp_path):
    settings, _ = built_index
    release = threading.Event()
    service = AssistantService(settings, lambda: release.wait(30) or pytest.fail("released"))
    service.start_loading()
    try:
        handlers = ChatHandlers(settings, service, FeedbackStore(tmp_path / "f.sqlite3"))
        messages, _, kept, turns, _, conversation = last_output(handlers, "乌海市选派了多少名干部？")
        assert "not ready" in messages[-1]["content"] and "loading" in messages[-1]["content"]
        assert kept == "乌海市选派了多少名干部？" and turns == [] and conversation is None
        assert "Loading" in handlers.status()[0]
    finally:
        release.set()


def test_without_an_index_the_status_says_how_to_build_one(tmp_path):
    settings = make_settings(tmp_path, tmp_path / "no-index")
    handlers = ChatHandlers(settings, AssistantService(settings), FeedbackStore(settings.feedback_db))
    messages, *_ = last_output(handlers, "乌海")
    assert "wenda index" in messages[-1]["content"]
    assert "wenda index" in handlers.status()[0]


def test_empty_and_overlong_questions(extractive_handlers):
    assert last_output(extractive_handlers, "   ")[0] == []
    messages, _, kept, *_ = last_output(extractive_handlers, "乌" * 1001)
    assert "1000 characters" in messages[-1]["content"] and kept == "乌" * 1001


def test_an_answer_fills_chat_sources_and_conversation_then_rates(extractive_handlers):
    outputs = list(extractive_handlers.respond("乌兰县共有多少个行政村？", [], [], {}))
    assert any("wenda-candidate" in str(panel) for _, panel, *_ in outputs[:-1])  # passages shown first
    messages, sources, box, turns, answers, conversation = outputs[-1]
    assert box == "" and [m["role"] for m in messages] == ["user", "assistant"]
    assert "38" in messages[1]["content"] and "#wenda-source-1" in messages[1]["content"]
    assert "wenda-cited" in sources and turns[0]["content"] == "乌兰县共有多少个行政村？"
    follow_up = last_output(extractive_handlers, "资助了多少名贫困学生？", messages, turns, answers, conversation)
    assert "179" in follow_up[0][-1]["content"] and len(follow_up[3]) == 4 and follow_up[5] == conversation

    rated, pending, row = extractive_handlers.rate(answers, {}, gr.LikeData(None, {"index": 1, "value": "",
                                                                                   "liked": False}))
    assert pending == rated[1] and row["visible"] is True
    extractive_handlers.save_comment("wrong number", pending)
    record = next(extractive_handlers.feedback.records())
    assert (record.rating, record.comment, record.question) == (-1, "wrong number", "乌兰县共有多少个行政村？")
    extractive_handlers.rate(answers, rated, gr.LikeData(None, {"index": 1, "value": "", "liked": True}))
    assert next(extractive_handlers.feedback.records()).rating == 1
    assert extractive_handlers.rate(answers, rated, gr.LikeData(None, {"index": 0, "value": "", "liked": True}))[1] \
        is None  # a question cannot be rated


def test_a_failing_llm_gives_the_extractive_answer_and_says_so(built_index, real_embeddings, tmp_path):
    settings, _ = built_index
    unreachable = settings.model_copy(update={"llm": settings.llm.model_copy(update={
        "backend": "openai", "base_url": "http://127.0.0.1:9/v1", "timeout_s": 5})})
    service = AssistantService(unreachable, lambda: assistant(unreachable, embeddings=real_embeddings))
    handlers = ChatHandlers(unreachable, service, FeedbackStore(tmp_path / "f.sqlite3"))
    messages, sources, *_ = last_output(handlers, "How many administrative villages does Wulan County have?")
    assert "38" in messages[-1]["content"] and FALLBACK_NOTE["en"] in messages[-1]["content"]
    assert "wenda-cited" in sources


def test_clear_starts_a_new_conversation():
    messages, sources, turns, answers, rated, pending, row, conversation = ChatHandlers.clear()
    assert (messages, turns, answers, rated, pending, conversation) == ([], [], {}, {}, None, None)
    assert row["visible"] is False
    assert sources == EMPTY_SOURCES


def test_a_reload_restores_the_stored_conversation_and_its_ratings(extractive_handlers):
    messages, _, _, turns, answers, conversation = last_output(extractive_handlers, "乌兰县共有多少个行政村？")
    messages, _, _, turns, answers, _ = last_output(extractive_handlers, "资助了多少名贫困学生？", messages, turns,
                                                    answers, conversation)
    restored = extractive_handlers.restore(conversation)
    assert restored[0] == messages and restored[2] == turns and restored[7] == conversation
    assert restored[3][3]["answer"]["citations"] == answers[3]["answer"]["citations"]
    assert restored[3][3]["history"] == answers[3]["history"]
    extractive_handlers.rate(restored[3], {}, gr.LikeData(None, {"index": 3, "value": "", "liked": True}))
    assert next(extractive_handlers.feedback.records()).question == "资助了多少名贫困学生？"
    # An id the store does not know (a reset database, a stale browser) gives an empty chat.
    assert extractive_handlers.restore("A" * 22) == ChatHandlers.clear() == extractive_handlers.restore(None)


def test_a_full_conversation_goes_on_in_a_new_one(built_index, real_embeddings, tmp_path):
    settings, _ = built_index
    settings = settings.model_copy(update={"feedback_db": tmp_path / "feedback.sqlite3", "server":
                                           settings.server.model_copy(update={"max_conversation_turns": 1})})
    service = AssistantService(settings, lambda: assistant(settings, backend="extractive", embeddings=real_embeddings))
    handlers = ChatHandlers(settings, service, FeedbackStore(settings.feedback_db))
    messages, _, _, turns, answers, first = last_output(handlers, "乌兰县共有多少个行政村？")
    *_, second = last_output(handlers, "资助了多少名贫困学生？", messages, turns, answers, first)
    assert second != first and len(handlers.conversations.turns(second)) == 1
