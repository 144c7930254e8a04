"""The assistant as a service: loaded once in the background, with readiness and the reason when not ready.

Front ends (the HTTP API, the chat) ask it for the assistant; it knows nothing of HTTP.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from assistant.chain import Assistant
from assistant.components import assistant, refreshed_assistant
from assistant.settings import Settings
from indexing.errors import WendaError
from indexing.store import IndexStore

logger = logging.getLogger(__name__)


class NotReadyError(WendaError):
    """The index or the models are still loading, or failed to load (the message says which)."""

    http_status = 503

    retry_after_s = 5


class AssistantService:
    """Builds the assistant once (index, embedding model, LLM) and says whether it is ready."""

    def __init__(self, settings: Settings, factory: Callable[[], Assistant] | None = None,
                 refresher: Callable[[Assistant], Assistant] | None = None) -> None:
        self.settings = settings
        self.factory = factory or partial(assistant, settings)
        # Builds the assistant over a newly published index, reusing the loaded models of the current one.
        self.refresher = refresher or partial(refreshed_assistant, settings)
        self._assistant: Assistant | None = None
        self._error: str | None = None
        self._lock = threading.Lock()
        self._swap_lock = threading.Lock()
        # Documents deleted but possibly still in the loaded index (until a build without them is in use).
        self._withdrawn: set[str] = set()

    def get(self) -> Assistant:
        """The assistant, loading and warming it if nobody is; raises NotReadyError with the reason.

        A request that arrives while the assistant loads gets the 503 at once rather than waiting
        for the load; after a failed load (no index yet, say) the next request tries again.
        """
        if self._assistant is not None:
            return self._assistant
        if not self._lock.acquire(blocking=False):
            raise NotReadyError(f"wenda is not ready: {self.status()[1]}")
        try:
            if self._assistant is None:
                started = time.perf_counter()
                try:
                    loaded = self.factory()
                    loaded.warm_up()
                except Exception as error:  # reported by /readyz and as a 503 reason, not a crash
                    self._error = str(error)
                    logger.error("wenda is not ready: %s", error)
                    raise NotReadyError(f"wenda is not ready: {error}") from error
                with self._swap_lock:  # a withdrawal during the load is not lost
                    loaded.index.withdraw(frozenset(self._withdrawn))
                    self._assistant, self._error = loaded, None
                logger.info("wenda is ready (loaded in %.1f s; answers: %s)", time.perf_counter() - started,
                            loaded.backend)
            return self._assistant
        finally:
            self._lock.release()

    @property
    def loaded(self) -> Assistant | None:
        """The assistant if it is loaded (never starts a load)."""
        return self._assistant

    def withdraw(self, doc_id: str) -> None:
        """Never cite `doc_id` again: its passages leave retrieval at once, before any rebuild."""
        with self._swap_lock:
            self._withdrawn.add(doc_id)
            current = self._assistant
            if current is not None:
                current.index.withdraw(frozenset(self._withdrawn))

    def refresh(self) -> None:
        """Switch to the index published last, without a restart: the new assistant reuses the loaded models and
        replaces the old one in one assignment, so a question in flight finishes on the index it started with.
        Without a loaded assistant (no index before, or a failed load), loading starts again."""
        with self._swap_lock:
            current = self._assistant
            if current is None:
                self._error = None
                self.start_loading()
                return
            started = time.perf_counter()
            fresh = self.refresher(current)
            self._withdrawn &= set(fresh.index.articles)
            fresh.index.withdraw(frozenset(self._withdrawn))
            self._assistant = fresh
            logger.info("switched to index %s in %.1f s", fresh.index.manifest.build_id,
                        time.perf_counter() - started)

    def refresh_if_republished(self) -> bool:
        """Switch to the published index if another process (`wenda index`, `wenda docs`) replaced the one in
        use; True when it did."""
        current = self._assistant
        if current is None:
            return False
        published = IndexStore(self.settings.index_dir).current_build()
        if published is None or published == current.index.folder:
            return False
        logger.info("the index was rebuilt outside this server (%s); switching to it", published.name)
        self.refresh()
        return True

    def status(self) -> tuple[bool, str]:
        """(ready, reason)."""
        if self._assistant is not None:
            return True, "ready"
        if self._lock.locked():
            return False, "loading the index and models"
        return False, self._error or "loading the index and models"

    def start_loading(self) -> None:
        """Load in the background so the server answers health checks at once."""

        def run() -> None:
            with contextlib.suppress(NotReadyError):  # the reason is kept for /readyz
                self.get()

        threading.Thread(target=run, daemon=True, name="wenda-load").start()
