"""The `wenda` command line, run in-process with typer's runner."""

import json

from typer.testing import CliRunner

from assistant.cli import app

runner = CliRunner()


def test_help_lists_the_subcommands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("models", "index", "search", "serve"):
        assert command in result.output
    models = runner.invoke(app, ["models", "--help"])
    assert "fetch" in models.output and "status" in models.output


def test_index_exits_non_zero_when_nothing_can_be_indexed(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary")
    result = runner.invoke(app, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--quiet"])
    assert result.exit_code == 1
    assert "no readable article" in result.output


def test_search_without_an_index_says_how_to_build_one(tmp_path):
    result = runner.invoke(app, ["search", "乌海", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "wenda index" in result.output


def test_search_json_reports_all_three_ranks(built_index):
    settings, _ = built_index
    result = runner.invoke(app, ["search", "乌兰县资助了多少名贫困学生", "--json", "--k", "4",
                                 "--index", str(settings.index_dir)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    hits = payload["hits"]
    assert [h["rank"] for h in hits] == [1, 2, 3, 4]
    assert {"dense_rank", "keyword_rank", "score", "chunk_id", "start", "end", "text", "title"} <= set(hits[0])
    assert "179名贫困学生" in hits[0]["text"]
    assert hits[0]["keyword_rank"] is not None and hits[0]["dense_rank"] is not None
