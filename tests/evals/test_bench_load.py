import pytest

from evals.bench_load import main


@pytest.mark.parametrize("url", ["http://10.0.0.5:7860", "http://example.org", "http://192.168.1.2"])
def test_only_loopback_targets_are_accepted(url, capsys, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "乌海"}\n', encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["--url", url, "--users", "1", "--requests", "1", "--questions", str(questions)])
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize("url", ["http://10.0.0.5:7860", "http://example.org"])
def test_the_chat_benchmark_only_targets_loopback(url, capsys, tmp_path):
    from evals.bench_chat import main as chat_main

    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "乌海"}\n', encoding="utf-8")
    with pytest.raises(SystemExit):
        chat_main(["--url", url, "--questions", str(questions)])
    assert "loopback" in capsys.readouterr().err


def level(users: int, answers_per_s: float, p95_s: float) -> dict:
    return {"users": users, "requests": users, "ok": users, "busy_503": 0, "errors": 0,
            "answers_per_s": answers_per_s, "p50_s": p95_s / 2, "p95_s": p95_s}


def test_levels_are_compared_with_one_user_and_configurations_with_each_other(tmp_path):
    from evals.bench_load import compare, markdown, plot, with_ratios

    serial = {"levels": with_ratios([level(1, 0.1, 10.0), level(4, 0.12, 40.0)]),
              "memory_mb": {"loaded": {}, "after": {}, "peak_sampled_rss": 0}}
    parallel = {"levels": with_ratios([level(1, 0.1, 10.0), level(4, 0.2, 18.0)]),
                "memory_mb": {"loaded": {"VmRSS": 2900.0}, "after": {"VmHWM": 3100.0, "RssAnon": 2000.0,
                                                                     "RssFile": 1100.0}, "peak_sampled_rss": 3050}}
    assert [(r["answers_per_s_vs_1"], r["p95_vs_1"]) for r in parallel["levels"]] == [(1.0, 1.0), (2.0, 1.8)]
    side_by_side = compare(serial, parallel)
    assert side_by_side[1] == {"users": 4, "answers_per_s_ratio": 1.67, "p95_ratio": 0.45,
                               "cpu_per_answer_ratio": None}
    runs = {"parallel=1": serial, "parallel=4": parallel}
    report = markdown(runs, side_by_side)
    assert "most slots vs fewest" in report and "| 4 | 1.67 | 0.45 | None |" in report
    assert "VmRSS 2900.0 MB loaded, peak 3100.0 MB" in report
    plot(runs, tmp_path / "curve.png")
    assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"


def test_memory_and_cpu_time_are_read_from_proc():
    import os
    import time

    from evals.bench_load import cpu_seconds, memory_mb

    memory = memory_mb(os.getpid())
    assert 0 < memory["VmRSS"] <= memory["VmHWM"] and memory["RssAnon"] > 0
    before = cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # burn a little CPU
        pass
    assert cpu_seconds(os.getpid()) - before >= 0.1


def test_busy_answers_are_counted_apart_from_errors():
    """Against a real HTTP server that refuses every other question with 503 + Retry-After."""
    import itertools

    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from evals.bench_load import run_level
    from tests.live import serve

    app = FastAPI()
    asked = itertools.count()

    @app.get("/readyz")
    def ready() -> dict:
        return {"ready": True}

    @app.post("/api/ask")
    def ask() -> JSONResponse:
        if next(asked) % 2:
            return JSONResponse({"detail": "busy"}, status_code=503, headers={"Retry-After": "3"})
        return JSONResponse({"answer": "38 [1]", "llm_failed": False})

    server = serve(app)
    url = next(server)
    try:
        result = run_level(url, users=2, requests=3, timeout_s=10, headers={}, questions=iter("abcdef"))
    finally:
        server.close()
    assert (result["ok"], result["busy_503"], result["errors"], result["busy_without_retry_after"]) == (3, 3, 0, 0)
