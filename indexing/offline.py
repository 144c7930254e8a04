"""Keep every library that could reach a model hub on local files only."""

from __future__ import annotations

import os

#: Flags understood by huggingface_hub, transformers, sentence-transformers and gradio.
OFFLINE_FLAGS: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def enable_offline_mode() -> None:
    """Set the offline flags unless the user chose a value (a user with a hub may set HF_HUB_OFFLINE=0)."""
    for name, value in OFFLINE_FLAGS.items():
        os.environ.setdefault(name, value)
