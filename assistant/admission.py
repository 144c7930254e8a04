"""A fair, bounded admission gate in front of the local model: a few requests generate at once, a few more wait
in arrival order, and the rest are refused at once with when to try again.

The gate also carries a request's cancellation: a front end that notices its client has gone sets the request's
event (see `cancellable`), and a request still waiting for a slot leaves the queue instead of being answered to
nobody.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
import time
from collections import deque
from collections.abc import Iterator

from indexing.errors import WendaError

# How often a waiting request looks at its cancellation event (a disconnect is noticed within this).
_POLL_S = 0.2
# Weight of the newest hold time in the running average that estimates Retry-After.
_SMOOTHING = 0.3
_RETRY_AFTER_BOUNDS_S = (1, 120)

_cancellation: contextvars.ContextVar[threading.Event | None] = contextvars.ContextVar(
    "wenda_request_cancellation", default=None)
# The gate whose slot the request being served in this context already holds (see AdmissionGate.held).
_holding: contextvars.ContextVar[AdmissionGate | None] = contextvars.ContextVar("wenda_held_gate", default=None)


class AdmissionError(WendaError):
    """A request did not get a generation slot; never answered with a fallback (nobody should get one)."""


class QueueFullError(AdmissionError):
    """Every slot is generating and the queue is full: try again after `retry_after_s` seconds (HTTP 503)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RequestCancelledError(AdmissionError):
    """The client went away while its request waited or generated."""


class AdmissionTimeoutError(WendaError):
    """A request waited for a slot until its deadline (the caller decides what to give instead)."""


@contextlib.contextmanager
def cancellable(event: threading.Event) -> Iterator[threading.Event]:
    """Within this block (and the threads and generators that copy its context), `event` cancels the request."""
    token = _cancellation.set(event)
    try:
        yield event
    finally:
        _cancellation.reset(token)


def current_cancellation() -> threading.Event | None:
    """The cancellation event of the request being served in this context, if its front end set one."""
    return _cancellation.get()


class AdmissionGate:
    """At most `slots` holders at once and at most `max_waiting` waiters, admitted first come, first served."""

    def __init__(self, slots: int, max_waiting: int) -> None:
        if slots < 1 or max_waiting < 0:
            raise ValueError("an admission gate needs at least one slot and a non-negative queue bound")
        self.slots = slots
        self.max_waiting = max_waiting
        self._condition = threading.Condition()
        self._active = 0
        self._queue: deque[object] = deque()
        self._mean_hold_s: float | None = None

    @property
    def active(self) -> int:
        """Requests holding a slot."""
        with self._condition:
            return self._active

    @property
    def waiting(self) -> int:
        """Requests queued for a slot."""
        with self._condition:
            return len(self._queue)

    def retry_after_s(self) -> int:
        """Seconds until a refused request could probably get in: the queue ahead drained at the observed pace."""
        with self._condition:
            return self._retry_after_locked()

    def _retry_after_locked(self) -> int:
        hold = self._mean_hold_s if self._mean_hold_s is not None else 10.0
        rounds = (len(self._queue) + self.slots) / self.slots
        low, high = _RETRY_AFTER_BOUNDS_S
        return max(low, min(high, math.ceil(hold * rounds)))

    def check(self) -> None:
        """Raise QueueFullError if a request arriving now would be refused (so it is refused before any work)."""
        with self._condition:
            self._refuse_if_full_locked()

    def _refuse_if_full_locked(self) -> None:
        if (self._active >= self.slots or self._queue) and len(self._queue) >= self.max_waiting:
            retry = self._retry_after_locked()
            raise QueueFullError(f"all {self.slots} answer slots are busy and {len(self._queue)} questions are "
                                 f"waiting; try again in {retry} s", retry)

    def enter(self, deadline: float | None = None, cancelled: threading.Event | None = None) -> float:
        """Wait for a slot in arrival order; returns when it was granted (time.monotonic()).

        Raises QueueFullError at once when no slot is free and the queue is full, AdmissionTimeoutError at
        `deadline` (a monotonic time) and RequestCancelledError when `cancelled` is set; in each case the caller
        has left the queue and holds nothing.
        """
        ticket = object()
        with self._condition:
            self._refuse_if_full_locked()
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and self._active < self.slots):
                    if cancelled is not None and cancelled.is_set():
                        raise RequestCancelledError("the client went away while its question waited")
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise AdmissionTimeoutError("no answer slot became free in time")
                    wait = _POLL_S if cancelled is not None else remaining
                    if remaining is not None and wait is not None:
                        wait = min(wait, remaining)
                    self._condition.wait(wait)
            except BaseException:
                self._queue.remove(ticket)
                self._condition.notify_all()  # the next in line may now be at the head
                raise
            self._queue.popleft()
            self._active += 1
            self._condition.notify_all()  # a second free slot lets the next waiter in too
            return time.monotonic()

    @contextlib.contextmanager
    def held(self, deadline: float | None = None, cancelled: threading.Event | None = None) -> Iterator[None]:
        """Hold a slot for the whole block (waiting for it as `enter` does); the model calls made inside it, in this
        context, use that slot instead of queueing again."""
        if self.holds_here():
            yield
            return
        entered = self.enter(deadline, cancelled)
        token = _holding.set(self)
        try:
            yield
        finally:
            _holding.reset(token)
            self.leave(entered)

    def holds_here(self) -> bool:
        """True inside `held` (the current request already has a slot)."""
        return _holding.get() is self

    def leave(self, entered: float) -> None:
        """Give the slot back (`entered` is what `enter` returned); the next waiter is let in."""
        held = time.monotonic() - entered
        with self._condition:
            self._active -= 1
            self._mean_hold_s = held if self._mean_hold_s is None else (
                _SMOOTHING * held + (1 - _SMOOTHING) * self._mean_hold_s)
            self._condition.notify_all()
