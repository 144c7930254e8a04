"""The answering chain with the real models (embedding model and local GGUF LLM)."""

from __future__ import annotations

import re

import pytest

from assistant.answer import Answer
from assistant.chain import Retrieved, Token
from assistant.grounding import citation_numbers


def assert_grounded(answer: Answer, figure: str) -> None:
    """The figure is in the answer and in a cited passage, and every [n] points at a cited passage."""
    assert not answer.abstained, answer.notes
    assert re.search(rf"(?<!\d){figure}(?!\d)", answer.answer.replace(",", "")), answer.answer
    assert any(figure in c.text for c in answer.citations), [c.text for c in answer.citations]
    shown = {c.n for c in answer.citations}
    assert set(citation_numbers(answer.answer)) <= shown


def test_english_question_streams_a_cited_answer(local_assistant):
    events = list(local_assistant.stream("How many first secretaries did Zalaite dispatch?"))
    answer = events[-1]
    assert isinstance(answer, Answer) and any(isinstance(e, Token) for e in events)
    # The passages come first, before any token: a front end shows them while the answer is written.
    assert isinstance(events[0], Retrieved) and events[0].passages == answer.contexts
    assert_grounded(answer, "196")
    assert answer.first_token_ms is not None and answer.first_token_ms <= answer.latency_ms
    assert "NOT_FOUND" not in "".join(e.text for e in events if isinstance(e, Token))


def test_chinese_question(local_assistant):
    answer = local_assistant.ask("乌兰县一共资助了几名贫困学生？")
    assert_grounded(answer, "179")
    assert answer.language == "zh"


def test_traditional_chinese_question(local_assistant):
    answer = local_assistant.ask("扎賚特旗共有多少名黨員？")
    assert_grounded(answer, "13504")


def test_follow_up_is_rewritten_with_the_conversation(local_assistant):
    history = [{"role": "user", "content": "How many first secretaries did Zalaite dispatch?"},
               {"role": "assistant", "content": "Zalaite dispatched 196 first secretaries [1]."}]
    answer = local_assistant.ask("And how many cadres were in the village work teams?", history)
    assert answer.standalone_question and re.search(r"Zalaite|扎赉特|扎賚特", answer.standalone_question)
    assert_grounded(answer, "784")


@pytest.mark.parametrize("question", [
    "How many first secretaries did Shanghai dispatch?",
    "北京市朝阳区选派了多少名第一书记？",
])
def test_questions_about_places_the_articles_do_not_cover_abstain(local_assistant, question):
    answer = local_assistant.ask(question)
    assert answer.abstained and not answer.citations
    assert answer.answer in ("The articles do not say.", "文章中没有提到这个问题的答案。")
