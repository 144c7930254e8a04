"""Latency of the storage layer on SQLite and on PostgreSQL: storing a rating, exporting the ratings, starting
a conversation, appending a turn and reading a conversation back (what `POST /api/ask` with a
`conversation_id` does before answering). Numbers, not pass/fail. Usage:
    python -m evals.bench_storage [--database-url postgresql://…] [--n 300] [--out FILE]
Without --database-url, a SQLite file and a throwaway PostgreSQL cluster (tests/postgres.py) are measured.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from assistant.conversations import ConversationStore, ConversationTurn
from assistant.feedback import FeedbackStore
from assistant.storage import Database, redacted
from evals.runner import percentile

# A made-up answer of typical size (not a gold item): the benchmark times storage, not answering.
ANSWER = {"question": "示例县有多少个合作社？", "answer": "示例县共有12个合作社 [1]", "abstained": False,
          "language": "zh", "backend": "extractive", "citations": [{
              "n": 1, "doc_id": "900_x", "chunk_id": "900_x#1", "title": "示例县",
              "text": "示例县共有12个合作社。" * 20, "start": 0, "end": 240, "highlight": {"start": 0, "end": 12},
              "page": None}]}


def _timed(operation: Callable[[], object], n: int) -> dict[str, float]:
    """Median and p95 of `n` runs, in milliseconds."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        operation()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(percentile(times, 50), 3), "p95_ms": round(percentile(times, 95), 3)}


def measure(url: str, n: int) -> dict[str, object]:
    """The store operations on one database."""
    started = time.perf_counter()
    database = Database(url)
    feedback, conversations = FeedbackStore(database), ConversationStore(database)
    opened_ms = (time.perf_counter() - started) * 1000
    try:
        results: dict[str, object] = {"database": redacted(url), "open_and_schema_ms": round(opened_ms, 1)}
        results["record_rating"] = _timed(lambda: feedback.record(ANSWER, liked=True), n)
        results[f"export_{n}_ratings"] = _timed(lambda: list(feedback.records()), 5)
        results["start_conversation"] = _timed(conversations.create, n)
        conversation = conversations.create()
        turn = ConversationTurn.from_answer(ANSWER)
        results["append_turn"] = _timed(lambda: conversations.append(conversation, turn), 20)
        results["read_20_turns"] = _timed(lambda: conversations.turns(conversation), n)
        return results
    finally:
        database.close()


@contextlib.contextmanager
def default_databases() -> Iterator[list[str]]:
    """A SQLite file, and a fresh database on a throwaway PostgreSQL cluster (with fsync, as a real server)."""
    from tests.postgres import cluster, fresh_database

    with tempfile.TemporaryDirectory() as folder, cluster(fsync=True) as server:
        yield [f"sqlite:///{Path(folder) / 'bench.sqlite3'}", fresh_database(server, "bench")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", action="append", help="Database to measure (repeatable).")
    parser.add_argument("--n", type=int, default=300, help="Runs of each operation.")
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_storage.json"))
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        urls = args.database_url or stack.enter_context(default_databases())
        results = [measure(url, args.n) for url in urls]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for result in results:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
