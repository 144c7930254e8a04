"""`wenda docs list|add|rm|edit` run in-process on a temporary corpus (the corpus only: `--no-index`)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli import app
from evals.sample_documents import make_docx, make_pdf

runner = CliRunner()


def docs(tmp_path, *args: str):
    return runner.invoke(app, ["docs", *args, "--corpus", str(tmp_path / "corpus"), "--index", str(tmp_path / "i")])


def listed(tmp_path) -> dict[str, dict]:
    result = docs(tmp_path, "list", "--json")
    assert result.exit_code == 0, result.output
    return {d["id"]: d for d in json.loads(result.output)["documents"]}


def test_add_list_edit_and_remove_documents(tmp_path):
    (tmp_path / "corpus").mkdir()
    pdf, word = make_pdf(tmp_path / "tea.pdf", pages=3).path, make_docx(tmp_path / "白石镇.docx").path
    added = docs(tmp_path, "add", str(pdf), str(word), "--no-index")
    assert added.exit_code == 0 and "as uploads/tea (pdf, 3 pages)" in added.output and "uploads/白石镇" in added.output
    again = docs(tmp_path, "add", str(pdf), "--no-index")
    assert again.exit_code == 0 and "duplicate" in again.output and "uploads/tea" in again.output
    documents = listed(tmp_path)
    assert set(documents) == {"uploads/tea", "uploads/白石镇"}
    assert documents["uploads/tea"]["status"] == "pending" and documents["uploads/tea"]["type"] == "pdf"
    edited = docs(tmp_path, "edit", "uploads/tea", "--title", "茶产业报告", "--alias", "Qingsong", "--no-index")
    assert edited.exit_code == 0 and listed(tmp_path)["uploads/tea"]["title"] == "茶产业报告"
    removed = docs(tmp_path, "rm", "uploads/tea", "--no-index")
    assert removed.exit_code == 0 and set(listed(tmp_path)) == {"uploads/白石镇"}


def test_a_broken_file_is_reported_by_name_and_nothing_is_added(tmp_path):
    (tmp_path / "corpus").mkdir()
    broken = tmp_path / "half.pdf"
    broken.write_bytes(make_pdf(tmp_path / "whole.pdf", pages=3).path.read_bytes()[:5000])
    result = docs(tmp_path, "add", str(broken), "--no-index")
    assert result.exit_code == 1 and "half.pdf" in result.output and "truncated" in result.output
    assert listed(tmp_path) == {}
    assert docs(tmp_path, "rm", "uploads/none", "--no-index").exit_code == 1
