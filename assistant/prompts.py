"""Prompt templates loaded from the `prompts/` folder as LangChain chat prompts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

NOT_FOUND = "NOT_FOUND"


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8").strip()


@lru_cache(maxsize=8)
def answer_prompt(folder: Path, language: str) -> ChatPromptTemplate:
    """The shared system rules, then the numbered passages, the question and its language instruction."""
    instruction = _read(folder, f"answer_instruction_{'zh' if language == 'zh' else 'en'}.md")
    return ChatPromptTemplate.from_messages(
        [("system", _escape(_read(folder, "answer_system.md"))), ("human", _read(folder, "answer_user.md"))]
    ).partial(instruction=instruction)


@lru_cache(maxsize=2)
def condense_prompt(folder: Path) -> ChatPromptTemplate:
    """Rewrites a follow-up into a standalone question."""
    return ChatPromptTemplate.from_messages(
        [("system", _escape(_read(folder, "condense.md"))), ("human", _read(folder, "condense_user.md"))])


def _escape(text: str) -> str:
    """A system prompt has no variables: keep literal braces literal."""
    return text.replace("{", "{{").replace("}", "}}")
