"""A sentence-transformers model exported to ONNX, quantised to int8 and run by ONNX Runtime.

The export (`export_onnx`) runs once, in `wenda models fetch`, and is stored beside the model in `onnx/` with a
record of its sha256. `OnnxEmbeddings` then encodes without torch: a tokenizer, one ONNX Runtime session that
includes the pooling, dense and normalisation layers, and the model's own query and document prompts.

optimum (sentence-transformers' `backend="onnx"`) pins transformers below 4.58, older than the one this
project runs, so the export goes through `torch.onnx.export` and `onnxruntime.quantization` directly.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from indexing.digest import sha256_of
from indexing.errors import WendaError

logger = logging.getLogger(__name__)

ONNX_DIR = "onnx"
EXPORT_RECORD = "export.json"
# Weight formats a model can be exported to; the file name carries it, so both may sit side by side.
QUANTIZATIONS = ("qint8", "fp32")


class OnnxUnavailableError(WendaError):
    """ONNX Runtime, or a verified export of the model, is not available."""


@dataclass(frozen=True)
class OnnxExportRecord:
    """What `export_onnx` wrote: the file, its sha256, and how it was made."""

    file: str
    sha256: str
    quantization: str
    seconds: float
    torch: str
    onnxruntime: str


def onnx_file(model_dir: Path, quantization: str) -> Path:
    """Where the export of `model_dir` in `quantization` lives."""
    return model_dir / ONNX_DIR / f"model_{quantization}.onnx"


def _record_path(model_dir: Path, quantization: str) -> Path:
    return model_dir / ONNX_DIR / f"{quantization}.{EXPORT_RECORD}"


def read_export_record(model_dir: Path, quantization: str) -> OnnxExportRecord | None:
    """The record of an earlier export, None when there is none or it is unreadable."""
    try:
        return OnnxExportRecord(**json.loads(_record_path(model_dir, quantization).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def verified_export(model_dir: Path, quantization: str) -> Path | None:
    """The export's path when it exists and matches the sha256 its record gives, else None."""
    record = read_export_record(model_dir, quantization)
    path = onnx_file(model_dir, quantization)
    if record is None or not path.is_file():
        return None
    if sha256_of(path) != record.sha256:
        logger.warning("the ONNX export %s does not match its recorded sha256", path)
        return None
    return path


def export_onnx(model_dir: Path, quantization: str = "qint8", force: bool = False) -> Path:
    """Export the sentence-transformers model in `model_dir` to one ONNX graph (transformer, pooling, dense
    layers, normalisation), quantise its matrix products to int8 when asked, verify it against the torch model
    and store it with its sha256. Skipped when a verified export is already there (unless `force`).

    The export runs in a fresh interpreter (`python -m indexing.onnx_encoder`), so its several GB of tracing
    memory are returned to the system when the child ends.

    Raises OnnxUnavailableError when the exporter or ONNX Runtime is missing, or the export does not match.
    """
    if quantization not in QUANTIZATIONS:
        raise OnnxUnavailableError(f"unknown quantization {quantization!r}; known: {', '.join(QUANTIZATIONS)}")
    if not force and (existing := verified_export(model_dir, quantization)) is not None:
        logger.info("ONNX export %s is already there", existing)
        return existing
    logger.info("exporting %s to ONNX (%s) in a child process; this takes minutes", model_dir, quantization)
    child = subprocess.run([sys.executable, "-m", __name__, str(model_dir), quantization],
                           capture_output=True, text=True, check=False)
    if child.returncode != 0:
        lines = [line for line in child.stderr.splitlines() if line.strip()]
        raise OnnxUnavailableError(f"the ONNX export of {model_dir} failed: {lines[-1] if lines else child.returncode}")
    path = verified_export(model_dir, quantization)
    if path is None:
        raise OnnxUnavailableError(f"the ONNX export of {model_dir} left no verified file")
    return path


def export_here(model_dir: Path, quantization: str) -> Path:
    """`export_onnx`'s work, in this process."""
    try:
        import onnxruntime
        import torch
    except ImportError as error:
        raise OnnxUnavailableError(f"cannot export to ONNX: {error}") from error
    started = time.perf_counter()
    target = onnx_file(model_dir, quantization)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=target.parent) as scratch:
        fp32 = Path(scratch) / "model_fp32.onnx"
        reference = _export_fp32(model_dir, fp32)
        staged = fp32
        if quantization == "qint8":
            staged = Path(scratch) / target.name
            _quantize(fp32, staged)
        _check_against(staged, model_dir, reference)
        # One self-contained file (the int8 graph is ~300 MB, under protobuf's 2 GB limit) renamed into place.
        final = Path(scratch) / "final.onnx"
        _save_single_file(staged, final)
        os.replace(final, target)
    record = OnnxExportRecord(file=target.name, sha256=sha256_of(target), quantization=quantization,
                              seconds=round(time.perf_counter() - started, 1), torch=torch.__version__,
                              onnxruntime=onnxruntime.__version__)
    temporary = _record_path(model_dir, quantization).with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
    temporary.replace(_record_path(model_dir, quantization))
    logger.info("exported %s to %s in %.0f s", model_dir, target, record.seconds)
    return target


# Made-up texts in the two prompt formats, to compare the export with the torch model: short questions in both
# languages and passages like the index's, short and long (a check on two short texts passed an export that moved
# real passages by 0.14).
_PROBES = ["task: search result | query: 示例县建了多少个合作社？",
           "task: search result | query: How many cooperatives did the sample county set up?",
           "title: 示例县 | text: 全县新建了12个农民专业合作社，带动三百多户增收。",
           "title: 示例旗 | text: 旗委先后提拔重用了58名在脱贫攻坚一线表现突出的干部，其中科级干部21名。",
           "title: 示例市 | text: 近年来，示例市坚持以党建引领基层治理，建成了31个党群服务中心，覆盖全部城市社区。"
           "各社区党组织结合实际，组建了志愿服务队伍，常态化开展政策宣讲、环境整治和困难群众帮扶活动，"
           "2020年累计服务群众4.2万人次，群众满意度达到96%以上。"]


def _export_fp32(model_dir: Path, path: Path) -> np.ndarray:
    """Trace the whole sentence-transformers pipeline into `path`; return its embeddings of the probe texts."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True,
                                model_kwargs={"attn_implementation": "eager"})
    model.eval()

    class _Pipeline(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model({"input_ids": input_ids, "attention_mask": attention_mask})["sentence_embedding"]

    pipeline = _Pipeline().eval()
    features = model.tokenizer(_PROBES, padding=True, return_tensors="pt")
    inputs = (features["input_ids"], features["attention_mask"])
    with torch.no_grad():
        # Each probe alone, as the ONNX encoder embeds it: the check compares like with like.
        reference = np.concatenate([pipeline(*(t[i:i + 1, : int(features["attention_mask"][i].sum())]
                                               for t in inputs)).numpy() for i in range(len(_PROBES))])
    batch, sequence = torch.export.Dim("batch", min=1, max=4096), torch.export.Dim("sequence", min=2, max=8192)
    torch.onnx.export(pipeline, inputs, str(path), dynamo=True, external_data=True, verbose=False,
                      input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
                      dynamic_shapes={"input_ids": {0: batch, 1: sequence},
                                      "attention_mask": {0: batch, 1: sequence}})
    return reference


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 quantisation of the matrix products (per output channel) and of the embedding table, whose
    262k rows are two thirds of the weights: 0.3 GB in memory instead of 1.2 GB.

    Weights use 7 bits (`reduce_range`): on x86 CPUs without VNNI (AVX2 only, like this project's machines) ONNX
    Runtime multiplies uint8 activations by int8 weights with an instruction whose pairwise sums saturate at 16
    bits, which moved an English query's vector to cosine 0.87 from torch's; with 7-bit weights it is 0.99."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs a line per tensor on the root logger.
    logging.disable(logging.INFO)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True,
                         op_types_to_quantize=["MatMul", "Gather"], use_external_data_format=True)
    finally:
        logging.disable(logging.NOTSET)


def _save_single_file(source: Path, target: Path) -> None:
    """`source` with its external weights in one file; a graph over protobuf's 2 GB limit is refused (it would
    need a weights file beside it, which the sha256 record does not cover)."""
    import onnx

    model = onnx.load(str(source), load_external_data=True)
    if model.ByteSize() >= 2_000_000_000:
        raise OnnxUnavailableError(f"the ONNX graph of {source.name} is over 2 GB; export it as qint8")
    onnx.save_model(model, str(target))


def _check_against(path: Path, model_dir: Path, reference: np.ndarray, min_cosine: float = 0.95) -> None:
    """The export must embed the probes close to the torch model (int8 moves vectors by ~0.01-0.03)."""
    encoder = OnnxEmbeddings.load(model_dir, path=path, threads=None)
    vectors = encoder.encode(_PROBES)
    cosines = (vectors * reference).sum(axis=1) / np.linalg.norm(reference, axis=1)
    if float(cosines.min()) < min_cosine:
        raise OnnxUnavailableError(f"the ONNX export of {model_dir} does not match the model "
                                   f"(cosine {cosines.min():.3f} < {min_cosine})")


class OnnxEmbeddings(Embeddings):
    """LangChain embeddings over an ONNX export: the model's tokenizer and prompts, one ONNX Runtime session."""

    def __init__(self, session: Any, tokenizer: Any, max_length: int, prompts: dict[str, str],
                 query_prompt: str | None, document_prompt: str | None) -> None:
        self.session = session
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.prompts = prompts
        self.query_prefix = _prompt(prompts, query_prompt)
        self.document_prefix = _prompt(prompts, document_prompt)
        # A fast tokenizer is one Rust object whose truncation state each call sets: concurrent calls (answers
        # in parallel slots, a background build) would fail with "Already borrowed". The session is thread-safe.
        self._tokenizer_lock = threading.Lock()

    @classmethod
    def load(cls, model_dir: Path, path: Path, threads: int | None, query_prompt: str | None = "query",
             document_prompt: str | None = None) -> OnnxEmbeddings:
        """The encoder of `model_dir` (tokenizer, prompts, maximum length) running the graph at `path`."""
        try:
            import onnxruntime
            from transformers import AutoTokenizer
        except ImportError as error:
            raise OnnxUnavailableError(f"ONNX Runtime is not installed: {error}") from error
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        return cls(session, tokenizer, _max_length(model_dir), _prompts(model_dir), query_prompt, document_prompt)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised embeddings of `texts` (prompts already applied), one text at a time.

        Dynamic int8 quantisation scales activations over the whole input tensor, so in a batch a neighbour's
        padding would move a text's vector (cosine 0.98 to itself alone); on CPU one at a time is as fast.
        """
        vectors = []
        for text in texts:
            with self._tokenizer_lock:
                features = self.tokenizer([text], truncation=True, max_length=self.max_length, return_tensors="np")
            vector = self.session.run(None, {"input_ids": features["input_ids"].astype(np.int64),
                                             "attention_mask": features["attention_mask"].astype(np.int64)})[0][0]
            vectors.append((vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32))
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Documents with the document prompt (none by default: the index formats them with its template)."""
        return self.encode([self.document_prefix + _one_line(t) for t in texts]).tolist()

    def embed_query(self, text: str) -> list[float]:
        """A query with the model's query prompt."""
        return self.encode([self.query_prefix + _one_line(text)])[0].tolist()


def _one_line(text: str) -> str:
    """Newlines as spaces, as LangChain's sentence-transformers integration (the torch backend) sends text, so
    both backends embed the same string."""
    return text.replace("\n", " ")


def _prompt(prompts: dict[str, str], name: str | None) -> str:
    if not name:
        return ""
    if name not in prompts:
        raise OnnxUnavailableError(f"the model has no prompt named {name!r}; it has: {', '.join(sorted(prompts))}")
    return prompts[name]


def _prompts(model_dir: Path) -> dict[str, str]:
    try:
        config = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return dict(config.get("prompts") or {})


def _max_length(model_dir: Path) -> int:
    try:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config.get("max_seq_length") or 512)
    except (OSError, ValueError):
        return 512


def main(argv: Sequence[str]) -> int:
    """`python -m indexing.onnx_encoder MODEL_DIR [QUANTIZATION]`: the export, in this process."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not 1 <= len(argv) <= 2:
        print("usage: python -m indexing.onnx_encoder MODEL_DIR [qint8|fp32]", file=sys.stderr)
        return 2
    try:
        export_here(Path(argv[0]), argv[1] if len(argv) == 2 else "qint8")
    except OnnxUnavailableError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
