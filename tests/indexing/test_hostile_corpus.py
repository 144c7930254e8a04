"""Hostile and broken corpus entries are reported by name and skipped; nothing else is lost."""

from __future__ import annotations

import codecs
import logging
import os
from pathlib import Path

from indexing.config import LoaderConfig
from indexing.corpus import scan_corpus
from indexing.loaders import decode, remove_hidden_characters
from indexing.metadata import load_examples, load_metadata

ARTICLE = "青岭县:抓党建促脱贫\n2020-01-01 来源:青岭日报\n\n青岭县选派第一书记120名，配备驻村干部365人。"


def test_bad_names_links_fifos_and_folders_are_reported_not_indexed(tmp_path: Path, caplog):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(ARTICLE, encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (corpus / "leak.txt").symlink_to(outside)
    (corpus / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "folder.txt").mkdir()
    (corpus / os.fsdecode(b"bad-\xff-name.txt")).write_text(ARTICLE, encoding="utf-8")
    (corpus / "inside.txt").symlink_to(corpus / "good.txt")
    with caplog.at_level(logging.WARNING):
        scan = scan_corpus(corpus, LoaderConfig())
    assert sorted(a.doc_id for a in scan.articles) == ["good", "inside"]
    reasons = {s.path.name: s.reason for s in scan.skipped}
    assert "outside the corpus" in reasons["leak.txt"]
    assert "dangling or loops" in reasons["dangling.txt"] and "dangling or loops" in reasons["loop.txt"]
    assert "not a regular file" in reasons["pipe.txt"] and "folder" in reasons["folder.txt"]
    assert any("not valid UTF-8" in r for r in reasons.values())
    assert "root:x" not in "".join(a.text for a in scan.articles)
    assert "\\xff" in caplog.text


def test_utf16_with_a_bom_is_read():
    text, encoding, problems = decode(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"))
    assert text == ARTICLE and encoding == "utf-16" and not problems


def test_one_bad_byte_keeps_the_file_and_is_reported():
    data = ARTICLE.encode("utf-8") * 20 + b"\xff" + "结尾。".encode()
    text, encoding, problems = decode(data)
    assert encoding == "utf-8" and text.endswith("�结尾。") and "1 byte(s)" in problems[0]


def test_nul_bidi_and_zero_width_characters_are_removed():
    text, problems = remove_hidden_characters("青岭\u200b县\u202e选派\x00第一书记")
    assert text == "青岭县选派第一书记" and len(problems) == 2


def test_metadata_sections_of_the_wrong_type_are_reported_with_file_and_key(tmp_path: Path, caplog):
    path = tmp_path / "metadata.toml"
    path.write_text('articles = "oops"\nchat = "oops"\n', encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        assert load_metadata(path) == {} and load_examples(path) == []
    assert "[articles]" in caplog.text and "chat.examples" in caplog.text and str(path) in caplog.text
    path.write_text('[articles]\nx = "oops"\n[articles.y]\ntitle = "ok"\n', encoding="utf-8")
    assert list(load_metadata(path)) == ["y"]
