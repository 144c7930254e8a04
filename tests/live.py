"""A real uvicorn server on a free loopback port, for tests that talk HTTP (clients, browsers); and real
`wenda serve` processes, for tests of several replicas."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from tests.conftest import REPO
from tests.ports import free_port


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


@contextlib.contextmanager
def wenda_serve_processes(count: int, env: dict[str, str], cwd: Path, ready_timeout_s: float = 600
                          ) -> Iterator[list[str]]:
    """`count` real `wenda serve --no-index` processes, started together on free loopback ports with `env` (on
    top of this process's environment, without its WENDA_* variables) in `cwd`; yields their base URLs once
    every /readyz says ready, and stops them (each by its own pid) when the block ends."""
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("WENDA_")}
    # The code under test, not whichever checkout the venv's editable install points at.
    base_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), base_env.get("PYTHONPATH")]))
    processes: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        for n in range(count):
            port, log = free_port(), cwd / f"wenda-serve-{n}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "-m", "assistant", "serve", "--no-index", "--host", "127.0.0.1", "--port",
                     str(port)], cwd=cwd, env={**base_env, **env}, stdout=output, stderr=subprocess.STDOUT)
            processes.append((process, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + ready_timeout_s
        for process, base, log in processes:
            while not _ready(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"wenda serve ({base}) did not become ready:\n"
                                       f"{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
        yield [base for _, base, _ in processes]
    finally:
        for process, _, _ in processes:
            process.terminate()
        for process, _, _ in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False
