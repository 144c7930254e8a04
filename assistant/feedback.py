"""Thumbs up/down on answers, stored durably (SQLite or PostgreSQL, see `assistant.storage`) and exportable as
draft gold items."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.grounding import answer_figures
from assistant.storage import Database

# The SQLite table is the one ratings were stored in before PostgreSQL was supported, so an existing
# data/feedback.sqlite3 keeps its ratings.
SCHEMA = ("""
CREATE TABLE IF NOT EXISTS feedback (
    id {id},
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    language TEXT NOT NULL,
    citations TEXT NOT NULL,
    history TEXT NOT NULL,
    backend TEXT NOT NULL
)
""",)
_MAX_COMMENT_CHARS = 2000
_COLUMNS = "created_at, rating, comment, question, answer, abstained, language, citations, history, backend"


@dataclass(frozen=True)
class FeedbackRecord:
    """One rating of one answer, with what was asked and answered."""

    id: int
    created_at: str
    rating: int
    comment: str
    question: str
    answer: str
    abstained: bool
    language: str
    citations: list[dict[str, Any]]
    history: list[dict[str, str]]
    backend: str


class FeedbackStore:
    """Ratings in the database (a `Path` is a SQLite file); safe to use from the server's worker threads."""

    def __init__(self, database: Database | Path) -> None:
        self.database = database if isinstance(database, Database) else Database.sqlite(database)
        self.database.create_schema(SCHEMA)

    def record(self, answer: dict[str, Any], liked: bool, comment: str = "",
               history: list[dict[str, str]] | None = None) -> int:
        """Store a rating of `answer` (the JSON of `wenda ask --json`); returns its id."""
        citations = [{key: c.get(key) for key in ("n", "doc_id", "chunk_id", "title", "text", "highlight")}
                     for c in answer.get("citations", [])]
        row = (datetime.now(UTC).isoformat(timespec="seconds"), 1 if liked else -1, comment[:_MAX_COMMENT_CHARS],
               answer["question"], answer["answer"], int(bool(answer.get("abstained"))),
               answer.get("language", ""), json.dumps(citations, ensure_ascii=False),
               json.dumps(history or [], ensure_ascii=False), answer.get("backend", ""))
        with self.database.transaction() as tx:
            inserted = tx.rows(f"INSERT INTO feedback ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                               "RETURNING id", row)
        return int(inserted[0]["id"])

    def set_rating(self, feedback_id: int, liked: bool) -> bool:
        """Change a rating (the user clicked the other thumb); False when there is no such rating."""
        with self.database.transaction() as tx:
            return tx.run("UPDATE feedback SET rating = ? WHERE id = ?", (1 if liked else -1, feedback_id)) == 1

    def add_comment(self, feedback_id: int, comment: str) -> bool:
        """Attach (or replace) the comment of a rating; False when there is no such rating."""
        with self.database.transaction() as tx:
            return tx.run("UPDATE feedback SET comment = ? WHERE id = ?",
                          (comment[:_MAX_COMMENT_CHARS], feedback_id)) == 1

    def records(self, rating: int | None = None) -> Iterator[FeedbackRecord]:
        """Every rating, oldest first (only up or only down votes when `rating` is 1 or -1)."""
        query = "SELECT * FROM feedback" + (" WHERE rating = ?" if rating else "") + " ORDER BY id"
        with self.database.transaction(write=False) as tx:
            rows = tx.rows(query, (rating,) if rating else ())
        for row in rows:
            yield FeedbackRecord(
                id=row["id"], created_at=row["created_at"], rating=row["rating"], comment=row["comment"],
                question=row["question"], answer=row["answer"], abstained=bool(row["abstained"]),
                language=row["language"], citations=json.loads(row["citations"]),
                history=json.loads(row["history"]), backend=row["backend"])


def to_gold_item(record: FeedbackRecord, article_texts: dict[str, str] | None = None) -> dict[str, Any]:
    """A draft gold item (the format of `shared/gold`) for a reviewer to confirm.

    An answer rated up proposes its figures as `accept` groups and its cited sentences as `evidence`; an
    abstention rated up becomes an `unanswerable` item. A rating down keeps `accept` empty: the reviewer
    writes the right answer. The rating, comment and wenda's answer ride along for the review. A
    follow-up question becomes `turns` (the earlier user questions, then this one), which `wenda eval` replays.
    """
    liked = record.rating > 0
    evidence = []
    for citation in record.citations:
        highlight, text = citation.get("highlight"), (article_texts or {}).get(citation.get("doc_id") or "")
        if highlight and text:
            evidence.append([text[highlight["start"]:highlight["end"]]])
    figures = list(dict.fromkeys(f"num:{f.raw.replace(',', '')}" for f in answer_figures(record.answer)
                                 if not any(c.isalpha() for c in f.raw)))
    item_type = "unanswerable" if record.abstained and liked else "fact"
    earlier = [turn["content"] for turn in record.history if turn.get("role") == "user"]
    asked: dict[str, Any] = {"turns": [*earlier, record.question]} if earlier else {"question": record.question}
    return {
        "id": f"feedback-{record.id}",
        **asked,
        "lang": record.language,
        "type": item_type,
        "accept": [[figure] for figure in figures] if liked and item_type == "fact" else [],
        "evidence": evidence if liked else [],
        "doc": ",".join(sorted({c["doc_id"] for c in record.citations if c.get("doc_id")})),
        "feedback": {"rating": "up" if liked else "down", "comment": record.comment, "wenda_answer": record.answer,
                     "backend": record.backend, "created_at": record.created_at},
        "needs_review": True,
    }
