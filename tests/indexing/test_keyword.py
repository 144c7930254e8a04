import numpy as np

from indexing.keyword import KeywordIndex, tokenize


def test_tokens_are_normalised_and_segmented():
    tokens = tokenize("扎賚特旗選派了多少名第一書記？")
    assert "扎赉特旗" in tokens and "第一书记" in tokens and "书记" in tokens
    assert "了" not in tokens and "？" not in tokens


def test_numbers_with_units_stay_whole():
    assert "10.8%" in tokenize("贫困发生率从2014年的10.8%下降")


def test_search_save_and_load_round_trip(tmp_path):
    index = KeywordIndex.build(["a", "b", "c"], ["乌海市选派第一书记19名。", "乌兰县共有38个行政村。",
                                                 "阿拉善右旗驼奶产量达300吨。"])
    assert index.search("乌兰县有多少行政村", k=3)[0][0] == "b"
    index.save(tmp_path / "bm25")
    loaded = KeywordIndex.load(tmp_path / "bm25")
    assert loaded.ids == ["a", "b", "c"]
    assert loaded.search("驼奶產量", k=3)[0][0] == "c"


def test_unknown_words_find_nothing_and_coverage_says_so():
    index = KeywordIndex.build(["a"], ["乌海市选派第一书记19名。"])
    assert index.search("capital of France", k=3) == []
    assert index.coverage("capital of France") == 0.0
    assert index.coverage("乌海市第一书记") == 1.0


def test_a_search_among_some_rows_returns_only_those():
    index = KeywordIndex.build(["a", "b", "c"], ["乌海市选派第一书记19名。", "乌兰县选派第一书记19名。",
                                                 "阿拉善右旗驼奶产量达300吨。"])
    assert {cid for cid, _ in index.search("选派第一书记", k=3)} == {"a", "b"}
    assert [cid for cid, _ in index.search("选派第一书记", k=3, rows=np.array([1, 2]))] == ["b"]
    assert index.search("选派第一书记", k=3, rows=np.array([], dtype=np.int64)) == []

