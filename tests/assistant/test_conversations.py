"""Stored conversations on SQLite and on PostgreSQL (the same tests over both): ids, turns in order, owners,
appends from two replicas at once, and the history a conversation gives within the limits."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from assistant.conversations import (
    ConversationStore,
    ConversationTurn,
    UnknownConversationError,
    history_of,
    is_conversation_id,
    new_conversation_id,
    owner_of,
)
from assistant.storage import Database

CITATION = {"n": 1, "doc_id": "003_x", "chunk_id": "003_x#1", "title": "乌兰县", "text": "乌兰县共有38个行政村。",
            "start": 10, "end": 22, "highlight": {"start": 10, "end": 22}, "page": None, "score": 0.9}


def answer(question: str, text: str, citations: list | None = None) -> dict:
    return {"question": question, "answer": text, "abstained": False, "language": "zh", "backend": "extractive",
            "citations": citations if citations is not None else [CITATION], "contexts": [{"doc_id": "x"}]}


def turn(question: str, text: str = "答") -> ConversationTurn:
    return ConversationTurn.from_answer(answer(question, text))


def test_turns_come_back_in_order_with_their_citations_from_a_new_store(database):
    store = ConversationStore(database)
    conversation = store.create()
    assert store.turns(conversation) == []
    store.append(conversation, ConversationTurn.from_answer(answer("乌兰县共有多少个行政村？", "38个 [1]")))
    store.append(conversation, ConversationTurn.from_answer(answer("资助了多少名贫困学生？", "179名", [])))
    again = Database(database.url)
    try:
        turns = ConversationStore(again).turns(conversation)
    finally:
        again.close()
    assert [(t.question, t.answer) for t in turns] == [("乌兰县共有多少个行政村？", "38个 [1]"),
                                                       ("资助了多少名贫困学生？", "179名")]
    assert turns[0].citations[0]["highlight"] == {"start": 10, "end": 22} and "score" not in turns[0].citations[0]
    assert turns[1].citations == [] and turns[0].created_at.startswith("20") and turns[0].backend == "extractive"


def test_ids_are_random_and_an_unknown_or_malformed_one_is_refused(database):
    store = ConversationStore(database)
    ids = {store.create() for _ in range(20)}
    assert len(ids) == 20 and all(is_conversation_id(i) and len(i) == 22 for i in ids)
    for unknown in (new_conversation_id(), "not an id", "' OR 1=1 --", ""):
        with pytest.raises(UnknownConversationError, match="no conversation"):
            store.turns(unknown)
        with pytest.raises(UnknownConversationError):
            store.append(unknown, turn("q"))


def test_a_conversation_is_seen_only_by_its_owner(database):
    store = ConversationStore(database)
    alice, bob = owner_of("key-a"), owner_of("key-b")
    conversation = store.create(alice)
    store.append(conversation, turn("乌兰县"), alice)
    assert len(store.turns(conversation, alice)) == 1
    for other in (bob, ""):
        with pytest.raises(UnknownConversationError):
            store.turns(conversation, other)
        with pytest.raises(UnknownConversationError):
            store.append(conversation, turn("q"), other)
    assert alice != "key-a" and owner_of(None) == ""


def test_a_conversation_is_deleted_only_by_its_owner(database):
    store = ConversationStore(database)
    alice = owner_of("key-a")
    conversation = store.create(alice)
    store.append(conversation, turn("乌兰县"), alice)
    with pytest.raises(UnknownConversationError):
        store.delete(conversation, owner_of("key-b"))
    store.delete(conversation, alice)
    with pytest.raises(UnknownConversationError):
        store.turns(conversation, alice)
    with pytest.raises(UnknownConversationError):
        store.delete(conversation, alice)


def test_purging_removes_the_conversations_idle_since_the_cutoff_only(database):
    store = ConversationStore(database)
    idle, active, empty = store.create(), store.create(), store.create()
    store.append(idle, replace(turn("旧问题"), created_at="2020-01-01T00:00:00+00:00"))
    store.append(active, replace(turn("旧问题"), created_at="2020-01-01T00:00:00+00:00"))
    store.append(active, turn("新问题"))
    assert store.purge(datetime(2025, 1, 1, tzinfo=UTC)) == 1
    with pytest.raises(UnknownConversationError):
        store.turns(idle)
    assert len(store.turns(active)) == 2 and store.turns(empty) == []  # just started: not idle yet
    assert store.purge(datetime.now(UTC) + timedelta(days=1)) == 2


def test_the_purging_thread_deletes_at_once_and_stops_when_told(database):
    from assistant.conversations import keep_purging

    store = ConversationStore(database)
    idle = store.create()
    store.append(idle, replace(turn("旧问题"), created_at="2020-01-01T00:00:00+00:00"))
    stop = threading.Event()
    stop.set()
    keep_purging(store, retention_days=30, stop=stop)  # one pass, then it sees the stop
    with pytest.raises(UnknownConversationError):
        store.turns(idle)


def test_two_replicas_appending_at_once_lose_no_turn(database):
    other = Database(database.url)
    stores = [ConversationStore(database), ConversationStore(other)]
    conversation = stores[0].create()
    barrier = threading.Barrier(2)
    failures: list[Exception] = []

    def ask(store: ConversationStore, name: str) -> None:
        barrier.wait()
        try:
            for n in range(10):
                store.append(conversation, turn(f"{name}{n}"))
        except Exception as error:  # collected: an assertion in a thread would not fail the test
            failures.append(error)

    threads = [threading.Thread(target=ask, args=(store, name)) for store, name in zip(stores, "ab", strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    other.close()
    questions = [t.question for t in stores[0].turns(conversation)]
    assert failures == [] and sorted(questions) == sorted(f"{name}{n}" for name in "ab" for n in range(10))
    assert [q for q in questions if q[0] == "a"] == [f"a{n}" for n in range(10)]  # each replica's turns in order


def test_the_history_keeps_the_last_messages_starting_with_a_question():
    turns = [turn(f"问题{n}", f"回答{n}" * 10) for n in range(3)]
    assert history_of(turns, 20, 4000) == [message for n in range(3) for message in (
        {"role": "user", "content": f"问题{n}"}, {"role": "assistant", "content": f"回答{n}" * 10})]
    assert history_of(turns, 3, 4000) == [{"role": "user", "content": "问题2"},
                                         {"role": "assistant", "content": "回答2" * 10}]
    assert history_of(turns, 4, 5)[0] == {"role": "user", "content": "问题1"}
    assert all(len(m["content"]) <= 5 for m in history_of(turns, 4, 5)) and history_of(turns, 0, 10) == []
