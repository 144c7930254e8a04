"""The metadata file: per-article fields and the chat's example questions."""

import re

from indexing.metadata import load_examples, load_metadata
from tests.conftest import CORPUS


def test_the_corpus_offers_examples_in_english_and_chinese():
    examples = load_examples(CORPUS / "metadata.toml")
    assert any(re.search(r"[\u4e00-\u9fff]", e) for e in examples)
    assert any(re.fullmatch(r"[\x00-\x7f]+", e) for e in examples)
    assert len(load_metadata(CORPUS / "metadata.toml")) == 5  # the [chat] table is not an article


def test_missing_or_broken_files_give_no_examples(tmp_path):
    assert load_examples(tmp_path / "none.toml") == []
    broken = tmp_path / "metadata.toml"
    broken.write_text("[chat\nexamples = ", encoding="utf-8")
    assert load_examples(broken) == []
    broken.write_text('[chat]\nexamples = ["ok?", 3, "  "]\n', encoding="utf-8")
    assert load_examples(broken) == ["ok?"]
