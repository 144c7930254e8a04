"""A real uvicorn server on a free loopback port, for tests that talk HTTP (clients, browsers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import uvicorn
from fastapi import FastAPI


def serve(app: FastAPI, ready_timeout_s: float = 120) -> Iterator[str]:
    """Run `app` until the generator is closed; yields its base URL once /readyz says ready."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                          timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + ready_timeout_s
    while not (server.started and server.servers) and time.monotonic() < deadline:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    while httpx.get(f"{base}/readyz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
