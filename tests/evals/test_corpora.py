"""Evaluation corpora (the corpus plus extra articles) and the look-alike report generator."""

import re

from evals.corpora import combined_corpus
from evals.lookalikes import write_lookalikes
from indexing.places import infer_place
from tests.conftest import CORPUS


def test_combined_corpus_copies_base_and_extras_and_drops_stale_files(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "x1_new.html").write_text("<p>新文章</p>", encoding="utf-8")
    combined = combined_corpus(CORPUS, [extra], tmp_path / "work")
    names = {p.name for p in combined.corpus_dir.iterdir()}
    assert "x1_new.html" in names and "metadata.toml" in names and len(names) == 7
    (extra / "x1_new.html").unlink()
    (extra / "x2_other.txt").write_text("另一篇", encoding="utf-8")
    again = combined_corpus(CORPUS, [extra], tmp_path / "work")
    assert again == combined
    assert {p.name for p in again.corpus_dir.iterdir()} == names - {"x1_new.html"} | {"x2_other.txt"}
    (extra / "sub").mkdir()
    (extra / "sub" / "x3.txt").write_text("子目录文章", encoding="utf-8")
    (extra / "metadata.toml").write_text("[articles]\n", encoding="utf-8")
    third = combined_corpus(CORPUS, [extra], tmp_path / "work")
    assert (third.corpus_dir / "sub" / "x3.txt").is_file()
    assert (third.corpus_dir / "metadata.toml").read_bytes() == (CORPUS / "metadata.toml").read_bytes()


def test_lookalikes_are_distinct_made_up_places_with_the_corpus_kinds_of_figures(tmp_path):
    paths = write_lookalikes(tmp_path / "la", count=12, seed=3, avoid=[CORPUS])
    texts = [p.read_text(encoding="utf-8") for p in paths]
    places = [infer_place(t.splitlines()[0], t) for t in texts]
    assert len(set(places)) == 12 and all(places)
    corpus_text = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    assert not any(place[:-1] in corpus_text for place in places)
    for text in texts:
        assert re.search(r"第一[书書]记\d+名|\d+名优秀干部|\d+名優秀幹部", text) and "万元" in text.replace("萬", "万")
