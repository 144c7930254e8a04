"""A first-come, first-served lock: requests to the one local model are served in arrival order."""

from __future__ import annotations

import threading
from types import TracebackType


class FairLock:
    """A ticket lock. `threading.Lock` makes no ordering promise, so under load a request could wait
    behind later ones indefinitely; here each waiter is served in the order it arrived."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._next_ticket = 0
        self._serving = 0

    @property
    def waiting(self) -> int:
        """Requests queued or running."""
        with self._condition:
            return self._next_ticket - self._serving

    def acquire(self) -> None:
        """Wait for this caller's turn."""
        with self._condition:
            ticket = self._next_ticket
            self._next_ticket += 1
            self._condition.wait_for(lambda: self._serving == ticket)

    def release(self) -> None:
        """Let the next caller in."""
        with self._condition:
            self._serving += 1
            self._condition.notify_all()

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()
