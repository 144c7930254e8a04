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
