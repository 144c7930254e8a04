"""Convert the assembled EmbeddingGemma folder to GGUF, for the real embeddings server of the tests
(tests/embedding_server.py).

    python -m tests.embedding_gguf            # writes tests.embedding_server.embedding_gguf_path(), if missing

llama.cpp's converter (convert_hf_to_gguf.py, with its matching gguf-py) ships in the source distribution of
llama-cpp-python on PyPI; it is downloaded with pip (no build), run on the local model folder with the
sentence-transformers Dense layers included, and the result appears in one rename. Nothing is fetched from a
model hub: the weights are the ones `wenda models fetch` assembled.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from assistant.model_store import ModelStore
from assistant.settings import Settings
from indexing.digest import sha256_of
from tests.embedding_server import embedding_gguf_path

logger = logging.getLogger(__name__)

# The llama.cpp converter this was checked with (its EmbeddingGemma support includes the Dense modules).
CONVERTER = "llama-cpp-python==0.3.36"
CONVERTER_MEMBERS = ("vendor/llama.cpp/convert_hf_to_gguf.py", "vendor/llama.cpp/conversion/",
                     "vendor/llama.cpp/gguf-py/")
OUTTYPE = "f16"
# What the conversion gave here; another digest is reported (the tests still check the vectors themselves).
EXPECTED_SHA256 = "a72437e938256c292721b507bc33e3d0c65849513a07c088eeb3264bd027f8a1"


def convert(output: Path) -> Path:
    """Write EmbeddingGemma as GGUF to `output` (replacing nothing that is already there)."""
    if output.is_file():
        return output
    settings = Settings()
    model = ModelStore(settings.models).resolve(settings.embedding.model)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="wenda-gguf-") as work:
        root = _converter(Path(work))
        partial = output.with_name(f".{output.name}.partial")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "gguf-py"), str(root)]),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        subprocess.run([sys.executable, str(root / "convert_hf_to_gguf.py"), model, "--outtype", OUTTYPE,
                        "--sentence-transformers-dense-modules", "--outfile", str(partial)],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        digest = sha256_of(partial)
        if digest != EXPECTED_SHA256:
            logger.warning("%s has sha256 %s, not the %s seen when this converter was checked", output.name,
                           digest, EXPECTED_SHA256)
        partial.replace(output)
    return output


def _converter(work: Path) -> Path:
    """Download the converter's source distribution into `work` and unpack only the converter."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    "--disable-pip-version-check", CONVERTER, "-d", str(work)], check=True)
    archive = next(work.glob("llama_cpp_python-*.tar.gz"))
    with tarfile.open(archive) as tar:
        top = tar.getnames()[0].split("/")[0]
        members = [m for m in tar.getmembers()
                   if any(m.name.startswith(f"{top}/{prefix}") for prefix in CONVERTER_MEMBERS)]
        tar.extractall(work, members=members, filter="data")
    return work / top / "vendor" / "llama.cpp"


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(convert(embedding_gguf_path()))
