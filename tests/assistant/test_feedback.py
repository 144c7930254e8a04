"""Ratings in SQLite and PostgreSQL (the store tests run over both) and their export as draft gold items."""

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.feedback import FeedbackStore, to_gold_item
from assistant.storage import Database
from evals.runner import load_gold

ARTICLE = "前文。乌兰县共有38个行政村。后文。"


def answer(text: str = "乌兰县共有38个行政村 [1]", abstained: bool = False) -> dict:
    start = ARTICLE.index("乌兰县")
    citations = [] if abstained else [{
        "n": 1, "doc_id": "003_x", "chunk_id": "003_x#1", "title": "乌兰县", "text": ARTICLE, "start": 0,
        "end": len(ARTICLE), "highlight": {"start": start, "end": start + len("乌兰县共有38个行政村。")}}]
    return {"question": "乌兰县共有多少个行政村？", "answer": text, "abstained": abstained, "language": "zh",
            "backend": "local", "citations": citations}


@pytest.fixture
def store(database):
    return FeedbackStore(database)


def test_ratings_survive_a_new_store(store):
    first = store.record(answer(), liked=True, comment="对")
    second = store.record(answer(), liked=False, history=[{"role": "user", "content": "乌兰县"}])
    reopened = Database(store.database.url)
    again = FeedbackStore(reopened)
    records = list(again.records())
    assert [r.id for r in records] == [first, second]
    assert (records[0].rating, records[0].comment, records[0].citations[0]["doc_id"]) == (1, "对", "003_x")
    assert records[1].history == [{"role": "user", "content": "乌兰县"}]
    assert [r.id for r in again.records(rating=-1)] == [second]
    reopened.close()


def test_ratings_can_change_and_take_a_comment(store):
    rating = store.record(answer(), liked=True)
    assert store.set_rating(rating, liked=False) and store.add_comment(rating, "wrong village count")
    record = next(store.records())
    assert (record.rating, record.comment) == (-1, "wrong village count")
    assert not store.add_comment(rating + 100, "x") and not store.set_rating(rating + 100, True)


def test_a_liked_answer_proposes_its_figures_and_cited_sentence(store):
    store.record(answer(), liked=True)
    item = to_gold_item(next(store.records()), {"003_x": ARTICLE})
    assert item["question"] == "乌兰县共有多少个行政村？" and item["type"] == "fact"
    assert item["accept"] == [["num:38"]] and item["evidence"] == [["乌兰县共有38个行政村。"]]
    assert item["doc"] == "003_x" and item["needs_review"] and item["feedback"]["rating"] == "up"


def test_a_disliked_answer_leaves_the_answer_to_the_reviewer(store):
    store.record(answer(), liked=False, comment="should be 38 administrative villages",
                 history=[{"role": "user", "content": "乌兰县在哪里？"}, {"role": "assistant", "content": "青海"}])
    item = to_gold_item(next(store.records()))
    assert item["accept"] == [] and item["evidence"] == []
    assert item["turns"] == ["乌兰县在哪里？", "乌兰县共有多少个行政村？"] and "question" not in item
    assert item["feedback"]["comment"] == "should be 38 administrative villages"


def test_a_liked_abstention_becomes_an_unanswerable_item(store):
    store.record(answer("文章中没有提到这个问题的答案。", abstained=True), liked=True)
    item = to_gold_item(next(store.records()))
    assert item["type"] == "unanswerable" and item["accept"] == []


def test_export_command_writes_items_wenda_eval_can_read(tmp_path, monkeypatch):
    db = tmp_path / "feedback.sqlite3"
    FeedbackStore(db).record(answer(), liked=True)
    FeedbackStore(db).record(answer(), liked=False)
    monkeypatch.setenv("WENDA_FEEDBACK_DB", str(db))
    monkeypatch.setenv("WENDA_INDEX_DIR", str(tmp_path / "no-index"))
    out = tmp_path / "gold" / "feedback.jsonl"
    result = CliRunner().invoke(app, ["feedback", "export", "--out", str(out), "--rating", "up"])
    assert result.exit_code == 0, result.output
    items = load_gold(out)
    assert len(items) == 1 and items[0]["accept"] == [["num:38"]]
    everything = CliRunner().invoke(app, ["feedback", "export"])
    assert [json.loads(line)["feedback"]["rating"] for line in everything.stdout.splitlines()] == ["up", "down"]


def test_export_without_feedback_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("WENDA_FEEDBACK_DB", str(tmp_path / "none.sqlite3"))
    result = CliRunner().invoke(app, ["feedback", "export"])
    assert result.exit_code == 1 and "no feedback yet" in result.output


def test_export_reads_the_database_the_url_names(storage_url, tmp_path, monkeypatch):
    database = Database(storage_url)
    FeedbackStore(database).record(answer(), liked=True)
    database.close()
    monkeypatch.setenv("WENDA_DATABASE_URL", storage_url)
    monkeypatch.setenv("WENDA_FEEDBACK_DB", str(tmp_path / "unused.sqlite3"))
    monkeypatch.setenv("WENDA_INDEX_DIR", str(tmp_path / "no-index"))
    result = CliRunner().invoke(app, ["feedback", "export"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["question"] for line in result.stdout.splitlines()] == ["乌兰县共有多少个行政村？"]
    assert not (tmp_path / "unused.sqlite3").exists()


def test_export_from_an_unreachable_database_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("WENDA_DATABASE_URL", "postgresql://wenda:pw@127.0.0.1:1/wenda")
    result = CliRunner().invoke(app, ["feedback", "export"])
    assert result.exit_code == 1 and "cannot connect to the database" in result.output and ":pw@" not in result.output
