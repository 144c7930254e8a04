"""Concurrent users against a running wenda server on loopback: requests/s, latency p50/p95, errors.

Bounded: each simulated user sends `--requests` questions one after another, then stops. Only
loopback addresses are accepted. Usage:
    wenda serve &                     # wait for /readyz
    python -m evals.bench_load --url http://127.0.0.1:7860 --users 1 2 4 --requests 3 --questions FILE
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

from evals.runner import percentile

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def run_level(url: str, users: int, requests: int, timeout_s: float, headers: dict[str, str],
              questions: list[str]) -> dict[str, object]:
    """`users` threads each asking `requests` different questions; latencies of answers and error count.

    Each request gets its own question where the list allows, since llama.cpp answers a repeated prompt
    from its cache and repeats would flatter the numbers.
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(number: int) -> None:
        with httpx.Client(timeout=timeout_s, headers=headers) as client:
            for i in range(requests):
                question = questions[(number * requests + i) % len(questions)]
                started = time.perf_counter()
                try:
                    response = client.post(f"{url}/api/ask", json={"question": question})
                    response.raise_for_status()
                    body = response.json()
                    ok = bool(body.get("answer"))
                except (httpx.HTTPError, ValueError) as error:
                    ok, body = False, {"error": str(error)}
                with lock:
                    if ok:
                        latencies.append(time.perf_counter() - started)
                    else:
                        errors.append(str(body)[:200])

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"users": users, "requests": users * requests, "ok": len(latencies), "errors": len(errors),
            "requests_per_s": round(len(latencies) / elapsed, 3), "wall_s": round(elapsed, 1),
            "p50_s": round(percentile(latencies, 50) or 0, 2), "p95_s": round(percentile(latencies, 95) or 0, 2),
            "error_samples": errors[:3]}


def load_questions(path: Path) -> list[str]:
    """The `question` of each line of a JSONL file (gold items, say)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows if row.get("question")]


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--requests", type=int, default=3, help="questions per user (bounded)")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--api-key")
    parser.add_argument("--questions", type=Path, required=True, help="JSONL with a `question` per line")
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_load.json"))
    args = parser.parse_args(argv)
    if urlparse(args.url).hostname not in LOOPBACK:
        parser.error("the load test only targets a server on this machine (loopback)")
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    questions = load_questions(args.questions)
    if not questions:
        parser.error(f"no `question` in {args.questions}")
    results = [run_level(args.url.rstrip("/"), users, args.requests, args.timeout, headers, questions)
               for users in args.users]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print("| users | requests | ok | errors | req/s | p50 s | p95 s |\n|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['users']} | {r['requests']} | {r['ok']} | {r['errors']} | {r['requests_per_s']} | "
              f"{r['p50_s']} | {r['p95_s']} |")


if __name__ == "__main__":
    main()
