"""Index builds in the background, one at a time, for a running server: requested after each document
change, coalesced while one runs, published atomically by the incremental builder, then swapped into the
running assistant without a restart (questions in flight finish on the index they started with)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from indexing.builder import BuildReport, IndexBuilder, NothingToIndexError, Progress
from indexing.errors import WendaError
from indexing.store import IndexBusyError

logger = logging.getLogger(__name__)

# Another process (`wenda index`, `wenda docs add`) holding the build lock: wait this long between tries.
_BUSY_RETRY_S = 2.0
_BUSY_ATTEMPTS = 150


@dataclass
class BuildStatus:
    """The background indexer's state, as `GET /api/indexing` reports it."""

    # idle (nothing to do), queued, running, failed (see error)
    state: str = "idle"
    # scan, embed, write, published, swap
    phase: str | None = None
    done: int = 0
    total: int = 0
    build_id: str | None = None
    error: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    # Finished builds since start-up (a client waits for this to grow past the value it saw).
    generation: int = 0
    last_report: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        """The status as JSON, with progress as a fraction when the phase has a size."""
        body = asdict(self)
        body["progress"] = round(self.done / self.total, 3) if self.total else None
        return body


class Reindexer:
    """Runs `builder_factory().build()` in a daemon thread whenever asked, never two at once."""

    def __init__(self, builder_factory: Callable[[Progress], IndexBuilder],
                 on_published: Callable[[BuildReport], None]) -> None:
        self.builder_factory = builder_factory
        self.on_published = on_published
        self._status = BuildStatus()
        self._pending = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._finished = threading.Condition(self._lock)

    @property
    def building(self) -> bool:
        """A build is queued or running."""
        return self._status.state in ("queued", "running")

    def status(self) -> BuildStatus:
        """A copy of the current status."""
        with self._lock:
            return BuildStatus(**asdict(self._status))

    def request(self) -> BuildStatus:
        """Ask for a build of the corpus as it is now: started at once, or run again after the running one."""
        with self._lock:
            self._pending = True
            if self._thread is None or not self._thread.is_alive():
                self._status.state, self._status.error = "queued", None
                self._thread = threading.Thread(target=self._run, name="wenda-reindex", daemon=True)
                self._thread.start()
            return BuildStatus(**asdict(self._status))

    def wait(self, timeout_s: float | None = None) -> BuildStatus:
        """Block until no build is queued or running (or the timeout passes); the status then."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._finished:
            while self._pending or self._status.state in ("queued", "running"):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._finished.wait(remaining)
            return BuildStatus(**asdict(self._status))

    def _progress(self, phase: str, done: int, total: int) -> None:
        with self._lock:
            self._status.phase, self._status.done, self._status.total = phase, done, total

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._finished.notify_all()
                    self._thread = None
                    return
                self._pending = False
                self._status = BuildStatus(state="running", phase="scan", started_at=time.time(),
                                           generation=self._status.generation, build_id=self._status.build_id)
            error = self._build_once()
            with self._lock:
                self._status.finished_at = time.time()
                self._status.generation += 1
                if error is None:
                    self._status.state = "idle"
                else:
                    self._status.state, self._status.error = "failed", error
                self._finished.notify_all()

    def _build_once(self) -> str | None:
        """One build and the swap; the error message, or None when it succeeded."""
        for attempt in range(_BUSY_ATTEMPTS):
            try:
                report = self.builder_factory(self._progress).build()
                break
            except IndexBusyError as error:
                if attempt == _BUSY_ATTEMPTS - 1:
                    return str(error)
                time.sleep(_BUSY_RETRY_S)
            except NothingToIndexError as error:
                return f"nothing to index: {error}"
            except WendaError as error:
                logger.error("background index build failed: %s", error)
                return str(error)
            except Exception as error:  # a build must never take the server down; the reason is reported
                logger.exception("background index build failed")
                return f"index build failed: {error}"
        with self._lock:
            self._status.build_id = report.build_id
            self._status.phase = "swap"
            self._status.last_report = {"build_id": report.build_id, "up_to_date": report.up_to_date,
                                        "documents": report.documents, "chunks": report.chunks,
                                        "embedded_chunks": report.embedded_chunks, "added": report.added,
                                        "changed": report.changed, "removed": report.removed,
                                        "skipped": report.skipped, "seconds": round(report.seconds, 2)}
        try:
            self.on_published(report)
        except Exception as error:  # the new index is published; the server keeps answering from the old one
            logger.exception("switching to the new index failed")
            return f"the index was built but the server could not switch to it: {error}"
        logger.info("index %s in use (%d documents, %d passages; %d embedded)", report.build_id,
                    report.documents, report.chunks, report.embedded_chunks)
        return None
