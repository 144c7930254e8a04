"""Indexing benchmark: cold, warm (nothing changed) and incremental (one article changed) runs.

Each run is a fresh process, as a user would start it, so the numbers include imports and model
loading, and peak memory (max RSS) is that run's own. Usage: `wenda bench index` or
`python -m evals.bench_index [--corpus DIR] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = ("cold", "warm", "incremental")


def measure_one(corpus: Path, index: Path) -> dict[str, object]:
    """Build (or check) the index in this process and report timings, rates and peak memory."""
    started = time.perf_counter()
    from assistant.components import index_builder
    from assistant.settings import Settings
    from indexing.offline import enable_offline_mode

    enable_offline_mode()
    imported = time.perf_counter() - started
    settings = Settings(corpus_dir=corpus, index_dir=index)
    builder = index_builder(settings, show_progress=False)
    report = builder.build()
    tokenize_seconds = None
    if builder.embeddings.loaded and report.embedded_chunks:
        tokenize_seconds = _tokenize_time(builder, settings)
    total = time.perf_counter() - started
    embed = report.timings.get("embed", 0.0)
    return {
        "wall_s": round(total, 2),
        "import_s": round(imported, 2),
        "phases_s": {k: round(v, 2) for k, v in report.timings.items()},
        "tokenize_s": None if tokenize_seconds is None else round(tokenize_seconds, 2),
        "documents": report.documents,
        "chunks": report.chunks,
        "embedded_chunks": report.embedded_chunks,
        "chunks_per_s": round(report.embedded_chunks / embed, 2) if embed else None,
        "up_to_date": report.up_to_date,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _tokenize_time(builder, settings) -> float:
    """Time spent only tokenising the embedded texts (the rest of `embed` is the model itself)."""
    from indexing.builder import dense_text
    from indexing.chunking import Chunker
    from indexing.corpus import scan_corpus

    model = builder.embeddings.get()._client
    chunker = Chunker(settings.chunking)
    texts = [dense_text(c, settings.embedding.document_template)
             for a in scan_corpus(settings.corpus_dir, settings.loader).articles for c in chunker.split(a)]
    started = time.perf_counter()
    for i in range(0, len(texts), settings.embedding.batch_size):
        model.tokenize(texts[i:i + settings.embedding.batch_size])
    return time.perf_counter() - started


def _run_child(corpus: Path, index: Path) -> dict[str, object]:
    result = subprocess.run([sys.executable, "-m", "evals.bench_index", "--child", "--corpus", str(corpus),
                             "--index", str(index)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark run failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_benchmark(corpus: Path) -> dict[str, dict[str, object]]:
    """Cold, warm and incremental runs over a scratch copy of `corpus`."""
    with tempfile.TemporaryDirectory(prefix="wenda-bench-") as scratch:
        work = Path(scratch) / "corpus"
        shutil.copytree(corpus, work)
        index = Path(scratch) / "index"
        results = {"cold": _run_child(work, index), "warm": _run_child(work, index)}
        victim = sorted(p for p in work.iterdir() if p.suffix in {".txt", ".md", ".html"})[0]
        victim.write_text(victim.read_text(encoding="utf-8") + "\n本段为基准测试新增的一句话。\n", encoding="utf-8")
        results["incremental"] = _run_child(work, index)
    return results


def format_table(results: dict[str, dict[str, object]]) -> str:
    """A Markdown table of the runs."""
    lines = ["| run | wall s | import s | load model s | embed s | tokenize s | write s | chunks embedded "
             "| chunks/s | peak RSS MB |", "|---|---|---|---|---|---|---|---|---|---|"]
    for run in RUNS:
        r = results[run]
        phases = r["phases_s"]
        lines.append(
            f"| {run} | {r['wall_s']} | {r['import_s']} | {phases.get('load_model', '-')} | "
            f"{phases.get('embed', '-')} | {r['tokenize_s'] or '-'} | {phases.get('write', '-')} | "
            f"{r['embedded_chunks']}/{r['chunks']} | {r['chunks_per_s'] or '-'} | {r['peak_rss_mb']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--index", type=Path)
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_index.json"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure_one(args.corpus, args.index)))
        return
    results = run_benchmark(args.corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(format_table(results))
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
