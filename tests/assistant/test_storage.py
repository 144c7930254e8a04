"""The storage layer: URLs it refuses (with reasons, never the password), unreachable servers, transactions, and
the schema created once when several processes start together; each on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from assistant.conversations import ConversationStore
from assistant.feedback import FeedbackStore
from assistant.settings import Settings
from assistant.storage import Database, StorageError, StorageUnavailableError, database_url, redacted
from tests.ports import free_port


@pytest.mark.parametrize(("url", "reason"), [
    ("mysql://wenda@127.0.0.1/wenda", "must start with postgresql://"),
    ("sqlite://relative.sqlite3", "sqlite:///path"),
    ("postgresql://wenda:hunter2@127.0.0.1:port/wenda", "bad database URL"),
    ("postgresql:///wenda", "names no host"),
])
def test_a_bad_url_is_refused_with_the_reason(url, reason):
    with pytest.raises(StorageError, match=reason) as refused:
        Database(url)
    assert "hunter2" not in str(refused.value)


def test_an_unreachable_server_is_an_error_at_once_without_the_password():
    url = f"postgresql://wenda:hunter2@127.0.0.1:{free_port()}/wenda"
    with pytest.raises(StorageError, match="cannot connect to the database") as refused:
        Database(url)
    assert "hunter2" not in str(refused.value) and "***" in str(refused.value)


def test_a_sqlite_file_that_cannot_be_created_is_an_error(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StorageError, match="cannot open the SQLite database"):
        Database.sqlite(tmp_path / "a-file" / "wenda.sqlite3")


def test_without_a_url_the_sqlite_file_of_the_feedback_is_used(tmp_path):
    settings = Settings(feedback_db=tmp_path / "ratings.sqlite3")
    assert Database.from_settings(settings).path == tmp_path / "ratings.sqlite3"
    assert database_url(Settings(database_url="postgresql://db.intranet/wenda")) == "postgresql://db.intranet/wenda"
    assert redacted("postgresql://wenda:pw@db:5433/x") == "postgresql://wenda:***@db:5433/x"


def test_a_failed_transaction_stores_nothing(database):
    store = FeedbackStore(database)
    with pytest.raises(RuntimeError), database.transaction() as tx:
        tx.run("INSERT INTO feedback (created_at, rating, question, answer, abstained, language, citations, "
               "history, backend) VALUES ('now', 1, 'q', 'a', 0, 'zh', '[]', '[]', 'local')")
        raise RuntimeError("the request failed after the insert")
    assert list(store.records()) == []


def test_a_database_failure_is_reported_as_unavailable(database):
    with pytest.raises(StorageUnavailableError, match="the database is unavailable"), database.transaction() as tx:
        tx.rows("SELECT * FROM no_such_table")


def test_replicas_starting_together_create_the_schema_once(storage_url):
    starting = 6
    barrier, failures, opened = threading.Barrier(starting), [], []

    def start() -> None:
        barrier.wait()
        try:
            database = Database(storage_url)
            opened.append(database)
            FeedbackStore(database)
            ConversationStore(database)
        except Exception as error:  # collected: an assertion in a thread would not fail the test
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(starting)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert failures == []
        store = ConversationStore(opened[0])
        conversation = store.create()
        assert ConversationStore(opened[-1]).turns(conversation) == []
    finally:
        for database in opened:
            database.close()


def test_an_existing_feedback_file_keeps_its_ratings(tmp_path):
    path = tmp_path / "feedback.sqlite3"
    # The file as the SQLite-only feedback store wrote it, before conversations shared it.
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                   "rating INTEGER NOT NULL CHECK (rating IN (-1, 1)), comment TEXT NOT NULL DEFAULT '', "
                   "question TEXT NOT NULL, answer TEXT NOT NULL, abstained INTEGER NOT NULL, language TEXT NOT NULL, "
                   "citations TEXT NOT NULL, history TEXT NOT NULL, backend TEXT NOT NULL)")
        db.execute("INSERT INTO feedback (created_at, rating, comment, question, answer, abstained, language, "
                   "citations, history, backend) VALUES ('2025-01-01T00:00:00+00:00', 1, '好', '乌兰县有几个村？', "
                   "'38个 [1]', 0, 'zh', '[]', '[]', 'local')")
    settings = Settings(feedback_db=path)
    database = Database.from_settings(settings)
    store = FeedbackStore(database)
    ConversationStore(database).create()
    added = store.record({"question": "q", "answer": "a"}, liked=False)
    records = list(store.records())
    assert [(r.question, r.comment, r.rating) for r in records] == [("乌兰县有几个村？", "好", 1), ("q", "", -1)]
    assert records[1].id == added > records[0].id
