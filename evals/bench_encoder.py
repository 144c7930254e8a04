"""Embedding backends side by side in one run: torch (sentence-transformers, fp32) against ONNX Runtime (int8).

For each backend, in a fresh process of its own (so peak memory is that backend's): a cold index of the corpus
(with `--add-articles` folders), its passages/s, the query-embedding latency, and retrieval quality (hit@k and
MRR, plus the extractive answer accuracy) on each gold file. It also measures the torch backend's batching with
and without sorting the passages by length. Usage:
    python -m evals.bench_encoder --gold evals/gold/tune.jsonl evals/gold/holdout.jsonl ../shared/gold/dev.jsonl \\
        --add-articles evals/gold/articles [--out evals/out/bench_encoder.json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BACKENDS = ("sentence-transformers", "onnx")


def measure_backend(backend: str, corpus: Path, extras: list[Path], gold: list[Path], k: int,
                    queries: int, with_quality: bool = True) -> dict[str, Any]:
    """One backend: cold indexing, query latency and retrieval quality (run in a process of its own)."""
    from assistant.components import assistant, index_builder
    from assistant.settings import Settings
    from evals.corpora import combined_corpus
    from evals.runner import load_gold, run_gold, score
    from indexing.onnx_encoder import OnnxEmbeddings

    with tempfile.TemporaryDirectory(prefix="wenda-encoder-") as scratch:
        settings = Settings()
        settings = settings.model_copy(update={"embedding": settings.embedding.model_copy(update={"backend": backend})})
        combined = combined_corpus(corpus, extras, Path(scratch), settings.loader.metadata_file)
        settings = settings.model_copy(update={"corpus_dir": combined.corpus_dir, "index_dir": combined.index_dir,
                                               "retrieval": settings.retrieval.model_copy(update={"top_k": k})})
        builder = index_builder(settings, show_progress=False)
        report = builder.build()
        embeddings = builder.embeddings.get()
        embed_s = report.timings.get("embed", 0.0)
        chain = assistant(settings, backend="extractive", embeddings=embeddings)
        chain.warm_up()
        questions = [item["question"] for path in gold for item in load_gold(path) if "question" in item][:queries]
        latencies = []
        for question in questions:
            started = time.perf_counter()
            embeddings.embed_query(question)
            latencies.append((time.perf_counter() - started) * 1000)
        quality = {}
        for path in gold if with_quality else []:
            items = load_gold(path)
            results = run_gold(items, lambda q, history: chain.ask(q, history).to_json(),
                               Path(scratch) / f"{path.stem}.jsonl", progress=False)
            scores = score(items, results, k)
            quality[path.name] = {"items": scores.items, "hit_at_k": scores.hit_at_k, "mrr": scores.mrr,
                                  "extractive_answer": scores.answer_accuracy,
                                  "extractive_confidently_wrong": scores.confidently_wrong}
    return {
        "backend": backend,
        "encoder": "onnx-" + settings.embedding.onnx_quantization if isinstance(embeddings, OnnxEmbeddings)
        else "torch-fp32",
        "passages": report.embedded_chunks,
        "load_model_s": round(report.timings.get("load_model", 0.0), 2),
        "embed_s": round(embed_s, 2),
        "passages_per_s": round(report.embedded_chunks / embed_s, 2) if embed_s else None,
        "query_ms_p50": round(statistics.median(latencies), 1),
        "query_ms_p95": round(statistics.quantiles(latencies, n=20)[-1], 1) if len(latencies) > 1 else None,
        "quality": quality,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def measure_sorting(corpus: Path, batch_size: int) -> dict[str, Any]:
    """The torch backend embedding the corpus's passages in corpus order, then sorted by length (less padding)."""
    from assistant.components import embedding_model_path
    from assistant.settings import Settings
    from indexing.builder import dense_text
    from indexing.chunking import Chunker
    from indexing.corpus import scan_corpus
    from indexing.embeddings import load_torch_embeddings

    settings = Settings(corpus_dir=corpus)
    model = load_torch_embeddings(settings.embedding.model_copy(update={"batch_size": batch_size}),
                                  embedding_model_path(settings))
    chunker = Chunker(settings.chunking)
    texts = [dense_text(c, settings.embedding.document_template)
             for a in scan_corpus(corpus, settings.loader).articles for c in chunker.split(a)]
    model.embed_documents(texts[:batch_size])  # warm-up
    timings = {}
    for name, ordered in (("corpus_order", texts), ("sorted_by_length", sorted(texts, key=len))):
        started = time.perf_counter()
        model.embed_documents(ordered)
        timings[name] = round(len(texts) / (time.perf_counter() - started), 2)
    return {"passages": len(texts), "batch_size": batch_size, "passages_per_s": timings,
            "sorted_speedup": round(timings["sorted_by_length"] / timings["corpus_order"], 2)}


def _child(arguments: list[str]) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "evals.bench_encoder", "--child", *arguments],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark run failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _ratio(numerator: float | None, denominator: float | None) -> str:
    return f"{numerator / denominator:.2f}x" if numerator and denominator else "-"


def format_report(runs: dict[str, dict[str, Any]], sorting: dict[str, Any] | None) -> str:
    """Markdown: speed and memory per backend with the ONNX/torch ratios, then quality per gold file."""
    torch_run, onnx_run = runs["sentence-transformers"], runs["onnx"]
    lines = ["| | torch fp32 | ONNX int8 | ratio |", "|---|---|---|---|",
             f"| encoder loaded | {torch_run['encoder']} | {onnx_run['encoder']} | |",
             f"| cold indexing, passages/s | {torch_run['passages_per_s']} | {onnx_run['passages_per_s']} | "
             f"{_ratio(onnx_run['passages_per_s'], torch_run['passages_per_s'])} |",
             f"| query embedding p50 ms | {torch_run['query_ms_p50']} | {onnx_run['query_ms_p50']} | "
             f"{_ratio(torch_run['query_ms_p50'], onnx_run['query_ms_p50'])} faster |",
             f"| query embedding p95 ms | {torch_run['query_ms_p95']} | {onnx_run['query_ms_p95']} | |",
             f"| model load s | {torch_run['load_model_s']} | {onnx_run['load_model_s']} | |",
             f"| peak RSS MB | {torch_run['peak_rss_mb']} | {onnx_run['peak_rss_mb']} | "
             f"{_ratio(onnx_run['peak_rss_mb'], torch_run['peak_rss_mb'])} |",
             "", "| gold file | items | hit@k torch | hit@k ONNX | Δ | MRR torch | MRR ONNX | Δ | extractive answer "
             "torch / ONNX |", "|---|---|---|---|---|---|---|---|---|"]
    for name, before in torch_run["quality"].items():
        after = onnx_run["quality"][name]
        lines.append(f"| {name} | {before['items']} | {before['hit_at_k']:.3f} | {after['hit_at_k']:.3f} | "
                     f"{after['hit_at_k'] - before['hit_at_k']:+.3f} | {before['mrr']:.3f} | {after['mrr']:.3f} | "
                     f"{after['mrr'] - before['mrr']:+.3f} | {before['extractive_answer']:.3f} / "
                     f"{after['extractive_answer']:.3f} |")
    if sorting:
        rates = sorting["passages_per_s"]
        lines += ["", f"torch, batch {sorting['batch_size']}, {sorting['passages']} passages: corpus order "
                      f"{rates['corpus_order']}/s, sorted by length {rates['sorted_by_length']}/s "
                      f"({sorting['sorted_speedup']}x); the index builder sorts. ONNX embeds one passage at a time "
                      f"(int8 activation scales would otherwise depend on batch mates), so sorting does not apply."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, nargs="+", default=[Path("evals/gold/tune.jsonl")])
    parser.add_argument("--add-articles", type=Path, nargs="*", default=[])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--queries", type=int, default=50, help="Questions timed for the query latency.")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--no-sorting", action="store_true", help="Skip the sorted-batching measurement.")
    parser.add_argument("--no-quality", action="store_true",
                        help="Speed and memory only: skip answering the gold files.")
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_encoder.json"))
    parser.add_argument("--child", choices=[*BACKENDS, "sorting"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "sorting":
        print(json.dumps(measure_sorting(args.corpus, args.batch_size)))
        return
    if args.child:
        print(json.dumps(measure_backend(args.child, args.corpus, args.add_articles, args.gold, args.k,
                                         args.queries, with_quality=not args.no_quality)))
        return
    common = ["--corpus", str(args.corpus), "--k", str(args.k), "--queries", str(args.queries),
              "--gold", *map(str, args.gold)]
    if args.add_articles:
        common += ["--add-articles", *map(str, args.add_articles)]
    if args.no_quality:
        common.append("--no-quality")
    runs = {}
    for backend in BACKENDS:
        print(f"measuring {backend} ...", file=sys.stderr, flush=True)
        runs[backend] = _child([backend, *common])
    sorting = None if args.no_sorting else _child(["sorting", "--corpus", str(args.corpus),
                                                    "--batch-size", str(args.batch_size)])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": runs, "sorting": sorting}, indent=2), encoding="utf-8")
    report = format_report(runs, sorting)
    args.out.with_suffix(".md").write_text(report + "\n", encoding="utf-8")
    print(report)
    print(f"\nwritten to {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
