"""The admission gate: slots, FIFO order, the queue bound, timeouts and cancellation (threads, no model)."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.admission import (
    AdmissionGate,
    AdmissionTimeoutError,
    QueueFullError,
    RequestCancelledError,
    cancellable,
    current_cancellation,
)


def wait_until(condition, timeout_s: float = 5.0) -> None:
    """Poll until `condition()` holds (the threads under test get there in their own time)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def test_waiters_are_admitted_in_arrival_order():
    gate = AdmissionGate(slots=2, max_waiting=8)
    held = [gate.enter(), gate.enter()]
    admitted: list[int] = []
    threads = []
    for i in range(6):
        def wait(i=i):
            entered = gate.enter()
            admitted.append(i)
            gate.leave(entered)
        thread = threading.Thread(target=wait)
        thread.start()
        threads.append(thread)
        wait_until(lambda i=i: gate.waiting == i + 1)  # thread i is queued before the next one starts
    for entered in held:
        gate.leave(entered)
    for thread in threads:
        thread.join(timeout=5)
    assert admitted == list(range(6))
    assert gate.active == 0 and gate.waiting == 0


def test_no_more_than_the_slots_hold_at_once():
    gate = AdmissionGate(slots=3, max_waiting=20)
    holding, most = 0, 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal holding, most
        entered = gate.enter()
        with lock:
            holding += 1
            most = max(most, holding)
        time.sleep(0.02)
        with lock:
            holding -= 1
        gate.leave(entered)

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert most == 3


def test_beyond_the_queue_bound_a_request_is_refused_at_once_with_a_retry_time():
    gate = AdmissionGate(slots=1, max_waiting=1)
    first = gate.enter()
    queued = threading.Thread(target=lambda: gate.leave(gate.enter()))
    queued.start()
    wait_until(lambda: gate.waiting == 1)
    with pytest.raises(QueueFullError, match="busy") as refused:
        gate.enter()
    assert refused.value.retry_after_s >= 1
    with pytest.raises(QueueFullError):
        gate.check()
    gate.leave(first)
    queued.join(timeout=5)
    gate.check()  # room again
    gate.leave(gate.enter())


def test_a_request_that_times_out_leaves_the_queue():
    gate = AdmissionGate(slots=1, max_waiting=1)
    first = gate.enter()
    with pytest.raises(AdmissionTimeoutError):
        gate.enter(deadline=time.monotonic() + 0.1)
    assert gate.waiting == 0
    # Its place is free: the next request may queue (it would have been refused had the timed-out one stayed).
    later = threading.Thread(target=lambda: gate.leave(gate.enter()))
    later.start()
    wait_until(lambda: gate.waiting == 1)
    gate.leave(first)
    later.join(timeout=5)
    assert gate.active == 0 and gate.waiting == 0


def test_a_cancelled_request_leaves_the_queue_and_lets_the_next_one_in():
    gate = AdmissionGate(slots=1, max_waiting=4)
    first = gate.enter()
    gone = threading.Event()
    outcome: list[str] = []

    def waits_then_is_cancelled() -> None:
        try:
            gate.enter(cancelled=gone)
        except RequestCancelledError:
            outcome.append("cancelled")

    def waits_behind_it() -> None:
        gate.leave(gate.enter())
        outcome.append("served")

    cancelled = threading.Thread(target=waits_then_is_cancelled)
    cancelled.start()
    wait_until(lambda: gate.waiting == 1)
    behind = threading.Thread(target=waits_behind_it)
    behind.start()
    wait_until(lambda: gate.waiting == 2)
    gone.set()
    cancelled.join(timeout=5)
    assert outcome == ["cancelled"] and gate.waiting == 1
    gate.leave(first)
    behind.join(timeout=5)
    assert outcome == ["cancelled", "served"] and gate.active == 0


def test_the_request_cancellation_is_visible_in_its_context_only():
    event = threading.Event()
    assert current_cancellation() is None
    with cancellable(event):
        assert current_cancellation() is event
    assert current_cancellation() is None


def test_a_gate_needs_a_slot():
    with pytest.raises(ValueError):
        AdmissionGate(slots=0, max_waiting=1)


def test_a_held_slot_is_reused_within_its_block_and_given_back_after():
    gate = AdmissionGate(slots=1, max_waiting=0)
    elsewhere: list[BaseException] = []
    with gate.held():
        assert gate.holds_here() and gate.active == 1
        with gate.held():  # the same request again: no second slot, no waiting for itself
            assert gate.active == 1
        thread = threading.Thread(target=_enter_elsewhere, args=(gate, elsewhere))
        thread.start()
        thread.join(timeout=5)
    assert isinstance(elsewhere[0], QueueFullError)
    assert not gate.holds_here() and gate.active == 0


def _enter_elsewhere(gate: AdmissionGate, outcome: list[BaseException]) -> None:
    """Another thread (another request's context) does not share the slot."""
    try:
        gate.enter()
    except QueueFullError as error:
        outcome.append(error)
