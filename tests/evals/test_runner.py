"""The eval runner's scoring and reporting on hand-made result files."""

import json

from evals.runner import (
    breakdown,
    compare_runs,
    comparison_report,
    load_gold,
    markdown_table,
    percentile,
    run_gold,
    score,
    write_report,
)

GOLD = [
    {"id": "a", "question": "乌海市选派了多少名第一书记？", "lang": "zh", "type": "fact",
     "accept": [["num:19"]], "evidence": [["全市选派第一书记19名"]]},
    {"id": "b", "question": "How many first secretaries did Zalaite dispatch?", "lang": "en", "type": "fact",
     "accept": [["num:196"]], "evidence": [["196名"]]},
    {"id": "c", "question": "What is the capital of France?", "lang": "en", "type": "unanswerable",
     "accept": [], "evidence": []},
    {"id": "d", "turns": ["How many first secretaries did Wuhai select?", "And how many village cadres?"],
     "lang": "en", "type": "fact", "accept": [["num:67"]], "evidence": [["选派驻村干部67人"]]},
]


def result(item_id, answer, abstained, citations, contexts, latency=1000.0, first=None):
    return {"id": item_id, "question": "q", "answer": answer, "abstained": abstained,
            "citations": [{"text": t} for t in citations], "contexts": [{"text": t} for t in contexts],
            "latency_ms": latency, "first_token_ms": first}


RESULTS = [
    result("a", "19名 [1]", False, ["全市选派第一书记19名,并明确"], ["全市选派第一书记19名,并明确"], 2000, 500),
    result("b", "1960 [1]", False, ["无关"], ["无关", "精準選派了196名優秀"], 4000, 1000),
    result("c", "The articles do not say.", True, [], ["无关"], 100),
    result("d", "67 [2]", False, ["x", "选派驻村干部67人"], ["选派驻村干部67人"], 3000, 800),
]


def test_scores_follow_the_gold_rules():
    s = score(GOLD, RESULTS, k=5)
    assert s.items == 4
    assert s.answer_accuracy == 0.75  # b: 1960 is not 196
    assert s.failures == ["b"]
    assert abs(s.citation_accuracy - 2 / 3) < 1e-9
    assert s.hit_at_k == 1.0 and abs(s.mrr - (1 + 0.5 + 1) / 3) < 1e-9
    assert s.abstention_accuracy == 1.0
    assert s.latency_p50_ms == 2500.0


def test_breakdown_by_type_and_language_and_table():
    table = breakdown(GOLD, RESULTS, k=5)
    assert table["lang=zh"].answer_accuracy == 1.0 and table["type=unanswerable"].citation_accuracy is None
    text = markdown_table(table, 5)
    assert "| all | 4 | 0.75 |" in text and "hit@5" in text


def test_turns_are_asked_in_one_conversation_and_the_last_is_scored(tmp_path):
    calls = []

    def ask(question, history):
        calls.append((question, len(history)))
        return {"question": question, "answer": "67 [1]", "abstained": False, "citations": [], "contexts": [],
                "latency_ms": 1.0, "first_token_ms": None}

    out = tmp_path / "r.jsonl"
    results = run_gold(GOLD[3:], ask, out, progress=False)
    assert calls == [("How many first secretaries did Wuhai select?", 0), ("And how many village cadres?", 2)]
    assert results[0]["id"] == "d" and results[0]["question"] == "And how many village cadres?"
    assert json.loads(out.read_text().splitlines()[0])["id"] == "d"


def test_report_has_table_failures_and_plot(tmp_path):
    table = breakdown(GOLD, RESULTS, k=5)
    report = write_report(table, RESULTS, 5, tmp_path / "report.md", "test")
    text = report.read_text()
    assert "| all |" in text and "`b`" in text and (tmp_path / "report.png").stat().st_size > 1000


def test_gold_loading_rejects_items_without_a_question(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "x"}\n', encoding="utf-8")
    try:
        load_gold(path)
    except ValueError as error:
        assert "x" in str(error)
    else:
        raise AssertionError("expected ValueError")


def test_percentile():
    assert percentile([], 50) is None and percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_confidently_wrong_counts_answered_cited_and_wrong():
    s = score(GOLD, RESULTS, k=5)
    assert s.confidently_wrong == 0.25  # b: answered 1960 with a citation
    uncited = [result("b", "1960", False, [], ["无关"]), *RESULTS[2:]]
    assert score(GOLD[1:], uncited, k=5).confidently_wrong == 0.0


def test_a_rejected_neighbouring_figure_makes_the_answer_wrong():
    item = {**GOLD[1], "reject": ["num:784"]}
    right = result("b", "196名 [1]", False, ["196名"], ["196名"])
    both = result("b", "196名第一书记和784名干部 [1]", False, ["196名"], ["196名"])
    assert score([item], [right], 5).answer_accuracy == 1.0
    assert score([item], [both], 5).answer_accuracy == 0.0


def test_breakdown_has_tags_and_scripts():
    tagged = [{**GOLD[0], "tags": ["multi_figure"], "script": "hans"}, *GOLD[1:]]
    table = breakdown(tagged, RESULTS, k=5)
    assert table["tag=multi_figure"].items == 1 and table["script=hans"].answer_accuracy == 1.0


def test_compare_runs_sorts_items_into_fixed_broken_and_still_wrong():
    after = [result("a", "20 [1]", False, ["x"], ["x"]), result("b", "196 [1]", False, ["196名"], ["196名"]),
             *RESULTS[2:]]
    diff = compare_runs(GOLD, RESULTS, after)
    assert diff.fixed == ["b"] and diff.broken == ["a"] and diff.still_right == ["c", "d"]
    text = comparison_report(GOLD, RESULTS, after, diff)
    assert text.startswith("fixed 1, broken 1, still wrong 0") and "`b`" in text and "1960" in text
