"""How the flat FAISS index that wenda uses grows with the corpus: memory and search time per size.

Random unit vectors stand in for passages (a flat index's cost depends only on the count and the dimension).
Usage: `python -m evals.bench_faiss [--sizes 10000 200000 1000000] [--out evals/out/bench_faiss.json]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import faiss
import numpy as np


def measure(size: int, dimensions: int, queries: int, k: int, seed: int = 0) -> dict[str, float]:
    """Build a flat inner-product index of `size` random unit vectors and time single-query searches."""
    generator = np.random.default_rng(seed)
    index = faiss.IndexFlatIP(dimensions)
    for start in range(0, size, 100_000):
        block = generator.standard_normal((min(100_000, size - start), dimensions), dtype=np.float32)
        faiss.normalize_L2(block)
        index.add(block)
    probes = generator.standard_normal((queries, dimensions), dtype=np.float32)
    faiss.normalize_L2(probes)
    latencies = []
    for probe in probes:
        started = time.perf_counter()
        index.search(probe[None, :], k)
        latencies.append((time.perf_counter() - started) * 1000)
    return {"passages": size, "memory_gb": round(size * dimensions * 4 / 1e9, 2),
            "search_ms_p50": round(statistics.median(latencies), 2),
            "search_ms_max": round(max(latencies), 2)}


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000, 1_000_000])
    parser.add_argument("--dimensions", type=int, default=768)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--k", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_faiss.json"))
    args = parser.parse_args(argv)
    rows = [measure(size, args.dimensions, args.queries, args.k) for size in args.sizes]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    print("| passages | memory GB | search p50 ms | search max ms |\n|---|---|---|---|")
    for row in rows:
        print(f"| {row['passages']:,} | {row['memory_gb']} | {row['search_ms_p50']} | {row['search_ms_max']} |")


if __name__ == "__main__":
    main()
