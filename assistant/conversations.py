"""Persisted conversations: an unguessable id made by the server, and the turns (question, answer, citations,
time) appended as answers finish, so a reload, or another replica, continues where the user was."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.storage import Database, StorageError, Transaction
from indexing.errors import WendaError

logger = logging.getLogger(__name__)

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    owner TEXT NOT NULL DEFAULT ''
)
""",
    """
CREATE TABLE IF NOT EXISTS conversation_turns (
    id {id},
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    language TEXT NOT NULL,
    backend TEXT NOT NULL
)
""",
    "CREATE INDEX IF NOT EXISTS conversation_turns_by_conversation ON conversation_turns (conversation_id, id)",
)
# 16 random bytes (128 bits) in URL-safe base64: 22 characters, never guessed or enumerated.
_ID_BYTES = 16
ID_PATTERN = r"^[A-Za-z0-9_-]{22}$"
_ID = re.compile(ID_PATTERN)
_CITATION_FIELDS = ("n", "doc_id", "chunk_id", "title", "text", "date", "source", "start", "end", "highlight", "page")


class UnknownConversationError(WendaError):
    """No conversation has this id (for this owner)."""


def new_conversation_id() -> str:
    """A fresh, unguessable conversation id."""
    return secrets.token_urlsafe(_ID_BYTES)


def is_conversation_id(text: str) -> bool:
    """Whether `text` has the shape of a conversation id (not whether one exists)."""
    return bool(_ID.match(text))


def owner_of(api_key: str | None) -> str:
    """Who a conversation belongs to: a digest of the API key that started it ('' without API keys), so the
    key itself is never stored."""
    return hashlib.sha256(api_key.encode("utf-8", "surrogateescape")).hexdigest() if api_key else ""


@dataclass(frozen=True)
class ConversationTurn:
    """One question of a conversation and the answer it got."""

    question: str
    answer: str
    citations: list[dict[str, Any]]
    abstained: bool
    language: str
    backend: str
    created_at: str

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> ConversationTurn:
        """The turn of an answer (the JSON of `POST /api/ask`), stamped now."""
        return cls(question=answer["question"], answer=answer["answer"],
                   citations=[{key: c.get(key) for key in _CITATION_FIELDS} for c in answer.get("citations", [])],
                   abstained=bool(answer.get("abstained")), language=answer.get("language", ""),
                   backend=answer.get("backend", ""), created_at=datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> dict[str, Any]:
        """The turn as `GET /api/conversations/{id}` returns it (the answer fields of `POST /api/ask`)."""
        return {"question": self.question, "answer": self.answer, "citations": self.citations,
                "abstained": self.abstained, "language": self.language, "backend": self.backend,
                "created_at": self.created_at}


def history_of(turns: list[ConversationTurn], max_messages: int, max_chars: int) -> list[dict[str, str]]:
    """The chat history the turns make (user, assistant, user, …): the last `max_messages` messages, starting
    with a question, each cut to `max_chars`."""
    messages = [message for turn in turns for message in (
        {"role": "user", "content": turn.question[:max_chars]},
        {"role": "assistant", "content": turn.answer[:max_chars]})]
    kept = messages[-max_messages:] if max_messages else []
    return kept[1:] if kept and kept[0]["role"] == "assistant" else kept


class ConversationStore:
    """Conversations in the database (a `Path` is a SQLite file); safe from the server's worker threads."""

    def __init__(self, database: Database | Path) -> None:
        self.database = database if isinstance(database, Database) else Database.sqlite(database)
        self.database.create_schema(SCHEMA)

    def create(self, owner: str = "") -> str:
        """Start an empty conversation; returns its id."""
        conversation_id = new_conversation_id()
        with self.database.transaction() as tx:
            tx.run("INSERT INTO conversations (id, created_at, owner) VALUES (?, ?, ?)",
                   (conversation_id, datetime.now(UTC).isoformat(timespec="seconds"), owner))
        return conversation_id

    def turns(self, conversation_id: str, owner: str = "") -> list[ConversationTurn]:
        """The turns of a conversation, oldest first; UnknownConversationError when there is no such
        conversation of `owner` (another key's conversation is unknown too, so ids cannot be probed)."""
        with self.database.transaction(write=False) as tx:
            self._check(tx, conversation_id, owner)
            rows = tx.rows("SELECT question, answer, citations, abstained, language, backend, created_at "
                           "FROM conversation_turns WHERE conversation_id = ? ORDER BY id", (conversation_id,))
        return [ConversationTurn(question=row["question"], answer=row["answer"],
                                 citations=json.loads(row["citations"]), abstained=bool(row["abstained"]),
                                 language=row["language"], backend=row["backend"], created_at=row["created_at"])
                for row in rows]

    def append(self, conversation_id: str, turn: ConversationTurn, owner: str = "") -> None:
        """Add a finished turn to the end of a conversation."""
        with self.database.transaction() as tx:
            self._check(tx, conversation_id, owner)
            tx.run("INSERT INTO conversation_turns (conversation_id, created_at, question, answer, citations, "
                   "abstained, language, backend) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (conversation_id, turn.created_at, turn.question, turn.answer,
                    json.dumps(turn.citations, ensure_ascii=False), int(turn.abstained), turn.language,
                    turn.backend))

    def delete(self, conversation_id: str, owner: str = "") -> None:
        """Remove a conversation and its turns; UnknownConversationError when `owner` has no such conversation."""
        with self.database.transaction() as tx:
            self._check(tx, conversation_id, owner)
            tx.run("DELETE FROM conversation_turns WHERE conversation_id = ?", (conversation_id,))
            tx.run("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    def purge(self, idle_since: datetime) -> int:
        """Remove the conversations with no turn since `idle_since` (nor started since); how many went."""
        cutoff = idle_since.astimezone(UTC).isoformat(timespec="seconds")
        # Each statement tests idleness itself, so a turn another replica appends meanwhile keeps its conversation.
        idle = ("SELECT c.id FROM conversations c WHERE COALESCE((SELECT MAX(t.created_at) FROM conversation_turns t "
                "WHERE t.conversation_id = c.id), c.created_at) < ?")
        with self.database.transaction() as tx:
            ids = [row["id"] for row in tx.rows(idle, (cutoff,))]
            tx.run(f"DELETE FROM conversation_turns WHERE conversation_id IN ({idle})", (cutoff,))
            return sum(tx.run("DELETE FROM conversations WHERE id = ? AND NOT EXISTS (SELECT 1 FROM "
                              "conversation_turns t WHERE t.conversation_id = conversations.id)", (conversation_id,))
                       for conversation_id in ids)

    def record(self, conversation_id: str | None, turn: ConversationTurn, owner: str = "") -> str:
        """Append a finished turn, starting a conversation when `conversation_id` is None; returns the id."""
        conversation_id = conversation_id or self.create(owner)
        self.append(conversation_id, turn, owner)
        return conversation_id

    @staticmethod
    def _check(tx: Transaction, conversation_id: str, owner: str) -> None:
        if not is_conversation_id(conversation_id) or not tx.rows(
                "SELECT 1 FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner)):
            raise UnknownConversationError(f"no conversation {conversation_id!r} (ids are made by the server; "
                                           "a conversation is readable only with the API key that started it)")


def keep_purging(store: ConversationStore, retention_days: float, stop: threading.Event,
                 every_s: float = 3600.0) -> None:
    """Delete conversations idle for `retention_days`, now and every `every_s` until `stop` is set (a server's
    background thread; a failing database is logged and tried again next time)."""
    while True:
        try:
            gone = store.purge(datetime.now(UTC) - timedelta(days=retention_days))
            if gone:
                logger.info("deleted %d conversations idle for %g days", gone, retention_days)
        except StorageError as error:
            logger.warning("could not delete idle conversations: %s", error)
        if stop.wait(every_s):
            return
