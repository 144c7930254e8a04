"""A real OpenAI-compatible embeddings server for the tests: llama.cpp's HTTP server (through xllamacpp) serving
EmbeddingGemma converted to GGUF, in its own process.

    python -m tests.embedding_server MODEL.gguf PORT

prints `listening on http://127.0.0.1:PORT` once `/v1/embeddings` answers, and serves until killed.
The GGUF is made by `python -m tests.embedding_gguf` (`make embedding-gguf`, part of `make test`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from assistant.settings import Settings

GGUF_NAME = "embeddinggemma-300m-gguf"
GGUF_FILE = "embeddinggemma-300m-f16.gguf"
# Long enough for a chunk (256 cl100k tokens plus the header and template) in EmbeddingGemma's tokens.
CONTEXT_TOKENS = 2048


def embedding_gguf_path() -> Path:
    """Where `make embedding-gguf` puts the converted EmbeddingGemma (beside the other assembled models)."""
    return Settings().models.cache_path / GGUF_NAME / GGUF_FILE


def start(model: Path, port: int, timeout_s: float = 180.0) -> subprocess.Popen:
    """This module's server in a child process, returned once it listens on `port`."""
    process = subprocess.Popen([sys.executable, "-m", "tests.embedding_server", str(model), str(port)],
                               cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("listening on"):
            return process
        if not line and process.poll() is not None:
            break
    process.kill()
    process.wait()
    raise RuntimeError(f"the embeddings server did not start on port {port}")


def serve(model: Path, port: int) -> None:
    """Run llama.cpp's server with embeddings on, pooling and normalisation as the GGUF says, until killed."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.embedding = True
    params.n_ctx = CONTEXT_TOKENS
    # A whole input must fit one micro-batch to be embedded.
    params.n_batch = params.n_ubatch = CONTEXT_TOKENS
    # One thread: llama.cpp's threads spin while they wait, and beside the test process (and anything else on
    # two cores) two of them run several times slower than one.
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 1
    params.port = port
    server = xllamacpp.Server(params)
    print(f"listening on {server.listening_address}", flush=True)
    while True:
        time.sleep(3600)


def main() -> None:
    """Command line: MODEL PORT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("port", type=int)
    arguments = parser.parse_args()
    serve(arguments.model, arguments.port)


if __name__ == "__main__":
    main()
