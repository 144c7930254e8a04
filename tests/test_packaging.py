"""A normal (non-editable) install carries everything it needs, prompts included, and answers a question."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
import assistant, wenda_prompts
from assistant.components import assistant as build
from assistant.settings import Settings
settings = Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2])
answer = build(settings, backend="extractive").ask("乌兰县共有多少个行政村？")
print(json.dumps({"package": assistant.__file__, "prompts": str(settings.prompts_dir),
                  "files": sorted(p.name for p in settings.prompts_dir.glob("*.md")), "answer": answer.answer}))
"""


def test_the_wheel_installed_without_the_source_tree_answers(tmp_path, built_index):
    settings, _ = built_index
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w",
                    str(wheels), str(REPO)], check=True, cwd=tmp_path)
    wheel = next(wheels.glob("wenda-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(site)}
    # -P: the working directory (not the repository) is not put on the path; the wheel's copy is imported.
    run = subprocess.run([sys.executable, "-P", "-c", SCRIPT, str(settings.corpus_dir), str(settings.index_dir)],
                         check=True, cwd=tmp_path, env=env, capture_output=True, text=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["package"].startswith(str(site)) and result["prompts"].startswith(str(site))
    assert {"answer_system.md", "answer_user.md", "condense.md"} <= set(result["files"])
    assert "38" in result["answer"]
