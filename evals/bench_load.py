"""Concurrent users against a wenda server on loopback: answers/s, latency p50/p95, 503s and errors per number of
users, the ratios to one user, and the server's memory (VmRSS/VmHWM from /proc).

Bounded: each simulated user asks `--requests` different questions one after another, then stops; a question
refused with 503 (all answer slots busy, queue full) is counted, not retried. Only loopback addresses are
accepted. Two ways to run it:

    # side by side in one run: start the server once per llm.parallel value (serial, then 4 slots)
    python -m evals.bench_load --compare 1 4 --users 1 2 4 8 16 --requests 2
    # a server already running (give its pid for the memory figures)
    python -m evals.bench_load --url http://127.0.0.1:7860 --pid 1234 --users 1 4

Writes evals/out/bench_load.json, .md (tables) and .png (the curves).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import httpx

from evals.runner import percentile

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEFAULT_QUESTIONS = Path("evals/gold/tune.jsonl")
# Questions the guards answer before the LLM (no article mentions the name) cost a fraction of the others and
# would flatter the numbers; by default only answerable questions are asked.
DEFAULT_TYPES = ("fact", "list", "cross")
_READY_TIMEOUT_S = 900
_RSS_SAMPLE_S = 0.5


def load_questions(path: Path, types: Sequence[str] | None = None) -> list[str]:
    """The `question` of each line of a JSONL file (gold items, say), of the given `type`s when given."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows if row.get("question") and (not types or row.get("type") in types)]


def memory_mb(pid: int) -> dict[str, float]:
    """A process's resident memory in MB: VmRSS now, VmHWM (its peak), and RSS split into anonymous and file
    pages (the GGUF is memory-mapped: its file pages are shared with the page cache)."""
    status = Path(f"/proc/{pid}/status").read_text()
    fields = {}
    for name in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
        match = re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            fields[name] = round(int(match.group(1)) / 1024, 1)
    return fields


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """The highest VmRSS of a process seen while running (sampled twice a second)."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(_RSS_SAMPLE_S):
            self.sample()

    def sample(self) -> None:
        if self.pid is None:
            return
        try:
            self.peak_mb = max(self.peak_mb, memory_mb(self.pid).get("VmRSS", 0.0))
        except OSError:  # the process ended
            self._stop.set()

    def __enter__(self) -> RssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()


def run_level(url: str, users: int, requests: int, timeout_s: float, headers: dict[str, str],
              questions: Iterator[str]) -> dict[str, object]:
    """`users` threads each asking `requests` questions (the next ones from `questions`, so no prompt repeats:
    llama.cpp would answer a repeated prompt from its cache); answers, 503s and errors with latencies."""
    assigned = [[next(questions) for _ in range(requests)] for _ in range(users)]
    latencies: list[float] = []
    busy: list[float] = []
    errors: list[str] = []
    degraded = 0
    no_retry_after = 0
    lock = threading.Lock()

    def user(mine: list[str]) -> None:
        nonlocal degraded, no_retry_after
        with httpx.Client(timeout=timeout_s, headers=headers) as client:
            for question in mine:
                started = time.perf_counter()
                try:
                    response = client.post(f"{url}/api/ask", json={"question": question})
                except httpx.HTTPError as error:
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}"[:200])
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    if response.status_code == 503:
                        busy.append(elapsed)
                        no_retry_after += "retry-after" not in response.headers
                    elif response.status_code == 200 and response.json().get("answer"):
                        latencies.append(elapsed)
                        degraded += bool(response.json().get("llm_failed"))
                    else:
                        errors.append(f"{response.status_code}: {response.text[:200]}")

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(mine,)) for mine in assigned]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"users": users, "requests": users * requests, "ok": len(latencies), "busy_503": len(busy),
            "busy_without_retry_after": no_retry_after, "errors": len(errors), "llm_failed": degraded,
            "answers_per_s": round(len(latencies) / elapsed, 4), "wall_s": round(elapsed, 1),
            "p50_s": round(percentile(latencies, 50) or 0, 2), "p95_s": round(percentile(latencies, 95) or 0, 2),
            "busy_p95_s": round(percentile(busy, 95) or 0, 2), "error_samples": errors[:3]}


def with_ratios(levels: list[dict[str, object]]) -> list[dict[str, object]]:
    """Each level's answers/s and p95 as multiples of the one-user level (the first level when none has one)."""
    base = next((level for level in levels if level["users"] == 1), levels[0])
    for level in levels:
        level["answers_per_s_vs_1"] = round(level["answers_per_s"] / base["answers_per_s"], 2) \
            if base["answers_per_s"] else None
        level["p95_vs_1"] = round(level["p95_s"] / base["p95_s"], 2) if base["p95_s"] else None
    return levels


def run_curve(url: str, pid: int | None, users: Sequence[int], requests: int, timeout_s: float,
              headers: dict[str, str], questions: list[str], warmup_users: int = 0) -> dict[str, object]:
    """Every level against one server, with its memory before, during and after.

    `warmup_users` first ask one question each, unmeasured (from the end of the list, so every configuration
    is measured on the same questions): a server just started has not yet read a prompt in each slot.
    """
    if warmup_users:
        run_level(url, warmup_users, 1, timeout_s, headers, itertools.cycle(reversed(questions)))
    sequence = itertools.cycle(questions)
    before = memory_mb(pid) if pid else {}
    levels = []
    with RssSampler(pid) as sampler:
        for count in users:
            cpu_before = cpu_seconds(pid) if pid else None
            level = run_level(url, count, requests, timeout_s, headers, sequence)
            # On a shared machine wall time depends on the neighbours; the server's CPU time per answer much less.
            level["load_average"] = round(os.getloadavg()[0], 2)
            if cpu_before is not None:
                used = cpu_seconds(pid) - cpu_before
                level["server_cpu_s"] = round(used, 1)
                level["server_cpu_s_per_answer"] = round(used / level["ok"], 2) if level["ok"] else None
            levels.append(level)
            print(f"  {count} users: {level['ok']} answers, {level['busy_503']} busy, {level['errors']} errors, "
                  f"{level['answers_per_s']} answers/s, p95 {level['p95_s']} s, "
                  f"CPU s/answer {level.get('server_cpu_s_per_answer')}, load {level['load_average']}", flush=True)
    after = memory_mb(pid) if pid else {}
    return {"levels": with_ratios(levels), "memory_mb": {"loaded": before, "after": after,
                                                          "peak_sampled_rss": sampler.peak_mb}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def started_server(parallel: int, max_queue: int | None, ready_timeout_s: float = _READY_TIMEOUT_S
                   ) -> Iterator[tuple[str, int]]:
    """`wenda serve` on a free loopback port with `llm.parallel` set (the rest from the environment and
    wenda.toml); (base URL, pid) once /readyz says ready; stopped afterwards."""
    port = free_port()
    env = {**os.environ, "WENDA_LLM__PARALLEL": str(parallel), "GRADIO_ANALYTICS_ENABLED": "False"}
    if max_queue is not None:
        env["WENDA_LLM__MAX_QUEUE"] = str(max_queue)
    process = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1",
                                "--port", str(port)], env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with code {process.returncode}")
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server was not ready within {ready_timeout_s:.0f} s")
            time.sleep(1)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def markdown(runs: dict[str, dict[str, object]], side_by_side: list[dict[str, object]]) -> str:
    """The results as Markdown tables: one per server configuration, then parallel vs serial."""
    lines = []
    for name, run in runs.items():
        lines += [f"### {name}", "", "| users | requests | answers | 503 | errors | LLM fell back | answers/s | "
                  "× 1 user | p50 s | p95 s | p95 × 1 user | server CPU s/answer | load avg |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['users']} | {r['requests']} | {r['ok']} | {r['busy_503']} | {r['errors']} | "
                  f"{r.get('llm_failed', 0)} | {r['answers_per_s']} | {r['answers_per_s_vs_1']} | {r['p50_s']} | "
                  f"{r['p95_s']} | {r['p95_vs_1']} | {r.get('server_cpu_s_per_answer', '–')} | "
                  f"{r.get('load_average', '–')} |" for r in run["levels"]]
        memory = run["memory_mb"]
        if memory["after"]:
            lines += ["", f"Server memory: VmRSS {memory['loaded'].get('VmRSS')} MB loaded, peak "
                          f"{memory['after'].get('VmHWM')} MB (VmHWM; anonymous {memory['after'].get('RssAnon')} MB, "
                          f"file-backed {memory['after'].get('RssFile')} MB at the end)."]
        lines.append("")
    if side_by_side:
        lines += ["### most slots vs fewest (same users, same questions; ratio > 1: more answers/s, slower p95)", "",
                  "| users | answers/s ratio | p95 ratio | CPU s/answer ratio |", "|---|---|---|---|"]
        lines += [f"| {r['users']} | {r['answers_per_s_ratio']} | {r['p95_ratio']} | {r['cpu_per_answer_ratio']} |"
                  for r in side_by_side]
    return "\n".join(lines) + "\n"


def compare(serial: dict[str, object], parallel: dict[str, object]) -> list[dict[str, object]]:
    """Per number of users: the parallel configuration's answers/s and p95 as multiples of the serial one's."""
    rows = []
    for one, many in zip(serial["levels"], parallel["levels"], strict=True):
        cpu_one, cpu_many = one.get("server_cpu_s_per_answer"), many.get("server_cpu_s_per_answer")
        rows.append({"users": one["users"],
                     "answers_per_s_ratio": round(many["answers_per_s"] / one["answers_per_s"], 2)
                     if one["answers_per_s"] else None,
                     "p95_ratio": round(many["p95_s"] / one["p95_s"], 2) if one["p95_s"] else None,
                     "cpu_per_answer_ratio": round(cpu_many / cpu_one, 2) if cpu_one and cpu_many else None})
    return rows


def plot(runs: dict[str, dict[str, object]], path: Path) -> None:
    """Answers/s and latency against users, one line per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(10, 4))
    for name, run in runs.items():
        users = [r["users"] for r in run["levels"]]
        throughput.plot(users, [r["answers_per_s"] for r in run["levels"]], marker="o", label=name)
        line, = latency.plot(users, [r["p95_s"] for r in run["levels"]], marker="o", label=f"{name} p95")
        latency.plot(users, [r["p50_s"] for r in run["levels"]], linestyle="--", color=line.get_color(),
                     label=f"{name} p50")
    levels = sorted({r["users"] for run in runs.values() for r in run["levels"]})
    for axis, label in ((throughput, "answers/s"), (latency, "seconds per answer")):
        axis.set_xscale("log", base=2)
        axis.set_xticks(levels, [str(users) for users in levels])
        axis.set_ylim(bottom=0)
        axis.set_xlabel("concurrent users")
        axis.set_ylabel(label)
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle("wenda under load (loopback, /api/ask)")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--url", help="a running server (default when --compare is not given: "
                                      "http://127.0.0.1:7860)")
    target.add_argument("--compare", type=int, nargs="+", metavar="PARALLEL",
                        help="start the server once per llm.parallel value and compare them (e.g. 1 4)")
    parser.add_argument("--pid", type=int, help="the running server's pid, for its memory (with --url)")
    parser.add_argument("--max-queue", type=int, help="llm.max_queue for the servers --compare starts")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--requests", type=int, default=2, help="questions per user (bounded)")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--warmup-users", type=int, default=4, help="unmeasured questions asked at once first")
    parser.add_argument("--api-key")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSONL with a `question` a line")
    parser.add_argument("--types", nargs="*", default=list(DEFAULT_TYPES),
                        help="gold `type`s to ask (none: every line)")
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_load.json"))
    args = parser.parse_args(argv)
    url = args.url or "http://127.0.0.1:7860"
    if urlparse(url).hostname not in LOOPBACK:
        parser.error("the load test only targets a server on this machine (loopback)")
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    questions = load_questions(args.questions, args.types)
    if not questions:
        parser.error(f"no `question` of the types {args.types} in {args.questions}")
    runs: dict[str, dict[str, object]] = {}
    if args.compare:
        for parallel in args.compare:
            name = f"parallel={parallel}"
            print(f"{name}: starting the server", flush=True)
            with started_server(parallel, args.max_queue) as (server_url, pid):
                runs[name] = run_curve(server_url, pid, args.users, args.requests, args.timeout, headers, questions,
                                       args.warmup_users)
    else:
        runs["server"] = run_curve(url.rstrip("/"), args.pid, args.users, args.requests, args.timeout, headers,
                                   questions, args.warmup_users)
    side_by_side = []
    if args.compare and len(set(args.compare)) >= 2:
        serial, parallel = f"parallel={min(args.compare)}", f"parallel={max(args.compare)}"
        side_by_side = compare(runs[serial], runs[parallel])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": runs, "parallel_vs_serial": side_by_side}, indent=2,
                                   ensure_ascii=False), encoding="utf-8")
    report = markdown(runs, side_by_side)
    args.out.with_suffix(".md").write_text(report, encoding="utf-8")
    plot(runs, args.out.with_suffix(".png"))
    print(report)
    print(f"written: {args.out}, {args.out.with_suffix('.md')}, {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
