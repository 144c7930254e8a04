"""A stand-in for xllamacpp's Server, for unit tests of the code around the local model (queueing, slots, HTTP
status codes); the real model is tested in test_chain.py and test_backends.py."""

from __future__ import annotations

import threading
import time


class FakeStreamingServer:
    """Stand-in for xllamacpp.Server: streams `pieces` (waiting for `release`, or taking one from `pace`, before
    each when given), records each request, how many run at once, and whether the caller asked it to stop."""

    def __init__(self, pieces: tuple[str, ...] = ("19", "名"), release: threading.Event | None = None,
                 pace: threading.Semaphore | None = None) -> None:
        self.pieces = pieces
        self.release = release
        self.pace = pace
        self.requests: list[dict] = []
        self.running = 0
        self.most_running = 0
        self.stopped_early = 0
        self._lock = threading.Lock()

    def handle_chat_completions(self, request: dict, callback) -> None:
        with self._lock:
            self.requests.append(request)
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            for piece in self.pieces:
                if self.release is not None:
                    self.release.wait(timeout=10)
                if self.pace is not None:
                    self.pace.acquire(timeout=10)
                if callback({"choices": [{"index": 0, "delta": {"content": piece}}]}):
                    with self._lock:
                        self.stopped_early += 1
                    return
        finally:
            with self._lock:
                self.running -= 1


def wait_until(condition, timeout_s: float = 10.0) -> None:
    """Poll until `condition()` holds (threads under test get there in their own time)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)
