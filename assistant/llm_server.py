"""The local GGUF model as an OpenAI-compatible HTTP server (llama.cpp's own, through xllamacpp), in its own process.

This is the `openai` backend's scale-out path run on one machine, with the same model, slots and context as the
in-process backend. Usage:

    python -m assistant.llm_server --port 8000          # the configured model; --port 0 picks a free port
    WENDA_LLM__BACKEND=openai WENDA_LLM__BASE_URL=http://127.0.0.1:8000/v1 wenda serve

It prints `listening on <base url>` once the model is loaded and serves until SIGTERM or Ctrl-C. Clients send
`Authorization: Bearer <llm.api_key>` (wenda's `openai` backend does); `--api-key ""` serves without a key.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import signal
import sys
import threading
from types import FrameType

from assistant.llm import GGUFServing, LLMUnavailableError
from assistant.model_store import ModelStore
from assistant.settings import Settings
from indexing.errors import WendaError

logger = logging.getLogger(__name__)


def serving_from(settings: Settings, model_path: str | None = None) -> GGUFServing:
    """The configured local model's serving parameters (its path from the model store unless given)."""
    path = model_path or ModelStore(settings.models).resolve(settings.llm.model)
    return GGUFServing.from_config(settings.llm, path)


def start(serving: GGUFServing, host: str, port: int, api_key: str) -> object:
    """Load the model and start llama.cpp's HTTP server; returns the xllamacpp Server (it serves until deleted)."""
    import xllamacpp

    if not os.path.isfile(serving.model_path):
        raise LLMUnavailableError(f"no GGUF model at {serving.model_path}; run `wenda models fetch`")
    return xllamacpp.Server(serving.params(host=host, port=port, api_keys=[api_key] if api_key else []))


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed)")
    parser.add_argument("--model", help="GGUF file (default: the configured llm.model from the model store)")
    parser.add_argument("--parallel", type=int, default=settings.llm.parallel, help="requests generated at once")
    parser.add_argument("--context-tokens", type=int, default=settings.llm.context_tokens,
                        help="each request's context (the KV cache holds parallel × this)")
    parser.add_argument("--threads", type=int, default=settings.llm.threads)
    parser.add_argument("--api-key", default=settings.llm.api_key, help="key clients must send (\"\" for none)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        serving = dataclasses.replace(serving_from(settings, args.model), context_tokens=args.context_tokens,
                                      threads=args.threads, parallel=args.parallel)
        server = start(serving, args.host, args.port, args.api_key)
    except WendaError as error:  # no model: say so, no traceback
        parser.exit(1, f"error: {error}\n")
    except RuntimeError as error:  # xllamacpp says no more than this when it cannot listen
        parser.exit(1, f"error: {error} (is {args.host}:{args.port} free?)\n")
    stop = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # The one line a supervisor (or a test) reads to learn the address.
    print(f"listening on {server.listening_address}/v1", flush=True)
    logger.info("%d slots of %d tokens; stop with Ctrl-C", serving.parallel, serving.context_tokens)
    while not stop.wait(1.0):
        pass
    del server
    sys.exit(0)


if __name__ == "__main__":
    main()
