"""`python -m assistant.llm_server` refuses to start with a reason (the serving itself is tested, with the real
model, in test_backends.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_a_missing_model_is_reported_without_a_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "assistant.llm_server", "--model", str(tmp_path / "none.gguf"),
                             "--port", "0"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "no GGUF model" in result.stderr and "Traceback" not in result.stderr
    assert "listening on" not in result.stdout
