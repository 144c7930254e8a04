"""Run the assistant over a gold file, score it by the gold rules and write results and a report."""

from __future__ import annotations

import json
import logging
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from evals.scoring import answer_correct, confidently_wrong, groups_satisfied, hit_at_k, reciprocal_rank

logger = logging.getLogger(__name__)

# The note the chain writes when it abstains on a name no article mentions (assistant.chain).
UNKNOWN_NAME_NOTE = "the articles never mention"
AskFunction = Callable[[str, list[dict[str, str]]], dict[str, Any]]


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold items, one JSON object a line; an item has `question` or `turns` (the last turn is scored)."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        if "question" not in item and not item.get("turns"):
            raise ValueError(f"{path}:{number}: item {item.get('id')} has neither question nor turns")
        items.append(item)
    return items


def load_results(path: Path) -> list[dict[str, Any]]:
    """Results written by `run_gold`, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_item(item: dict[str, Any], ask: AskFunction) -> dict[str, Any]:
    """Ask an item's question (or its turns in one conversation); the result of the last is returned."""
    turns = item.get("turns") or [item["question"]]
    history: list[dict[str, str]] = []
    result: dict[str, Any] = {}
    for turn in turns:
        result = ask(turn, list(history))
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": result["answer"]}]
    return {"id": item["id"], **result}


def run_gold(items: Sequence[dict[str, Any]], ask: AskFunction, out: Path, progress: bool = True
             ) -> list[dict[str, Any]]:
    """Run every item, writing one JSON line per item to `out` as it goes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    results = []
    with out.open("w", encoding="utf-8") as handle:
        for item in tqdm(items, desc="eval", unit="q", disable=not progress):
            result = run_item(item, ask)
            handle.write(json.dumps(result, ensure_ascii=False) + "\n")
            handle.flush()
            results.append(result)
    return results


@dataclass
class Scores:
    """Metrics over a group of items (None where the group has no item the metric applies to)."""

    items: int = 0
    answer_accuracy: float | None = None
    citation_accuracy: float | None = None
    hit_at_k: float | None = None
    mrr: float | None = None
    abstention_accuracy: float | None = None
    # Answered, cited and wrong, over all items: the rate at which a user is misled by a checked-looking answer.
    confidently_wrong: float | None = None
    # Answerable items refused because a name was taken for a place no article mentions (a false positive).
    unknown_name_refusals: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    first_token_p50_ms: float | None = None
    first_token_p95_ms: float | None = None
    failures: list[str] = field(default_factory=list)


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def score(items: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]], k: int) -> Scores:
    """Scores by the gold README: answer accuracy over all items, citations and hit@k over answerable ones."""
    by_id = {r["id"]: r for r in results}
    pairs = [(item, by_id[item["id"]]) for item in items if item["id"] in by_id]
    answerable = [(i, r) for i, r in pairs if i.get("type") != "unanswerable"]
    latencies = [r["latency_ms"] for _, r in pairs if r.get("latency_ms") is not None]
    first_tokens = [r["first_token_ms"] for _, r in pairs if r.get("first_token_ms") is not None]
    scores = Scores(items=len(pairs))
    correct = {i["id"]: answer_correct(i, r["answer"], r["abstained"]) for i, r in pairs}
    scores.answer_accuracy = _mean(float(c) for c in correct.values())
    scores.citation_accuracy = _mean(
        float(groups_satisfied(i["evidence"], [c["text"] for c in r["citations"]])) for i, r in answerable)
    scores.hit_at_k = _mean(float(hit_at_k(i, [c["text"] for c in r["contexts"]], k)) for i, r in answerable)
    # MRR over the first k passages: the evidence pool may retrieve more, and runs stay comparable.
    scores.mrr = _mean(reciprocal_rank(i, [c["text"] for c in r["contexts"][:k]]) for i, r in answerable)
    scores.abstention_accuracy = _mean(float(r["abstained"] == (i.get("type") == "unanswerable")) for i, r in pairs)
    scores.unknown_name_refusals = _mean(
        float(any(n.startswith(UNKNOWN_NAME_NOTE) for n in r.get("notes", ()))) for _, r in answerable)
    scores.confidently_wrong = _mean(
        float(confidently_wrong(i, r["answer"], r["abstained"], len(r["citations"]))) for i, r in pairs)
    scores.latency_p50_ms, scores.latency_p95_ms = percentile(latencies, 50), percentile(latencies, 95)
    scores.first_token_p50_ms, scores.first_token_p95_ms = percentile(first_tokens, 50), percentile(first_tokens, 95)
    scores.failures = [item_id for item_id, ok in correct.items() if not ok]
    return scores


def breakdown(items: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]], k: int) -> dict[str, Scores]:
    """Scores overall, per question type, per language (and script) and per tag."""
    groups: dict[str, list[dict[str, Any]]] = {"all": list(items)}
    for item in items:
        groups.setdefault(f"type={item.get('type', '?')}", []).append(item)
        groups.setdefault(f"lang={item.get('lang', '?')}", []).append(item)
        if item.get("script"):
            groups.setdefault(f"script={item['script']}", []).append(item)
        for tag in item.get("tags", ()):
            groups.setdefault(f"tag={tag}", []).append(item)
    return {name: score(group, results, k) for name, group in groups.items()}


@dataclass
class Comparison:
    """What changed between two runs over the same gold items, by item id."""

    fixed: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    still_wrong: list[str] = field(default_factory=list)
    still_right: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def compare_runs(items: Sequence[dict[str, Any]], before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]]
            ) -> Comparison:
    """Per-item diff of two result files: fixed, broken, still wrong (and still right, missing from either)."""
    first, second = {r["id"]: r for r in before}, {r["id"]: r for r in after}
    result = Comparison()
    for item in items:
        a, b = first.get(item["id"]), second.get(item["id"])
        if a is None or b is None:
            result.missing.append(item["id"])
            continue
        was = answer_correct(item, a["answer"], a["abstained"])
        now = answer_correct(item, b["answer"], b["abstained"])
        bucket = {(False, True): result.fixed, (True, False): result.broken,
                  (False, False): result.still_wrong, (True, True): result.still_right}[(was, now)]
        bucket.append(item["id"])
    return result


def comparison_report(items: Sequence[dict[str, Any]], before: Sequence[dict[str, Any]],
                      after: Sequence[dict[str, Any]], diff: Comparison) -> str:
    """The comparison as Markdown: counts, then each changed or still-wrong item with both answers."""
    by_id = {i["id"]: i for i in items}
    first, second = {r["id"]: r for r in before}, {r["id"]: r for r in after}
    lines = [f"fixed {len(diff.fixed)}, broken {len(diff.broken)}, still wrong {len(diff.still_wrong)}, "
             f"still right {len(diff.still_right)}" + (f", missing {len(diff.missing)}" if diff.missing else "")]
    for title, ids in (("Fixed", diff.fixed), ("Broken", diff.broken), ("Still wrong", diff.still_wrong)):
        lines += ["", f"## {title}", ""] + ([] if ids else ["none"])
        for item_id in ids:
            question = by_id[item_id].get("question") or by_id[item_id]["turns"][-1]
            lines.append(f"- `{item_id}` {question}\n  - before: {first[item_id]['answer']!r}"
                         f"\n  - after: {second[item_id]['answer']!r}")
    return "\n".join(lines)


def _fmt(value: float | None, ms: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.1f}s" if ms else f"{value:.2f}"


def markdown_table(table: dict[str, Scores], k: int) -> str:
    """The metrics as a Markdown table, one row per group."""
    lines = [f"| group | n | answer acc | citation acc | hit@{k} | MRR | abstention acc | confidently wrong "
             "| unknown-name refusals | latency p50/p95 | first token p50/p95 |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in table.items():
        lines.append(
            f"| {name} | {s.items} | {_fmt(s.answer_accuracy)} | {_fmt(s.citation_accuracy)} | {_fmt(s.hit_at_k)} "
            f"| {_fmt(s.mrr)} | {_fmt(s.abstention_accuracy)} | {_fmt(s.confidently_wrong)} "
            f"| {_fmt(s.unknown_name_refusals)} "
            f"| {_fmt(s.latency_p50_ms, True)} / "
            f"{_fmt(s.latency_p95_ms, True)} | {_fmt(s.first_token_p50_ms, True)} / "
            f"{_fmt(s.first_token_p95_ms, True)} |")
    return "\n".join(lines)


def write_report(table: dict[str, Scores], results: Sequence[dict[str, Any]], k: int, path: Path,
                 title: str) -> Path:
    """A Markdown report with the table, the failed items and a plot; returns the report path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plot = path.with_suffix(".png")
    groups = list(table)
    metrics = [("answer acc", "answer_accuracy"), ("citation acc", "citation_accuracy"), (f"hit@{k}", "hit_at_k")]
    figure, (bars, latency) = plt.subplots(1, 2, figsize=(12, 4))
    width = 0.8 / len(metrics)
    for offset, (label, attribute) in enumerate(metrics):
        values = [getattr(table[g], attribute) or 0.0 for g in groups]
        bars.bar([i + offset * width for i in range(len(groups))], values, width, label=label)
    bars.set_xticks([i + width for i in range(len(groups))], groups, rotation=30, ha="right")
    bars.set_ylim(0, 1.05)
    bars.legend()
    bars.set_title("accuracy by group")
    latency.hist([r["latency_ms"] / 1000 for r in results], bins=12, label="full answer")
    first = [r["first_token_ms"] / 1000 for r in results if r.get("first_token_ms")]
    if first:
        latency.hist(first, bins=12, alpha=0.7, label="first token")
    latency.set_xlabel("seconds")
    latency.set_title("latency")
    latency.legend()
    figure.tight_layout()
    figure.savefig(plot, dpi=100)
    plt.close(figure)
    failed = [r for r in results if r["id"] in set(table["all"].failures)]
    lines = [f"# {title}", "", markdown_table(table, k), "", f"![metrics]({plot.name})", "", "## Wrong answers", ""]
    lines += [f"- `{r['id']}` {r['question']} → {r['answer']!r}" for r in failed] or ["none"]
    wrong = [r for r in failed if not r["abstained"] and r["citations"]]
    lines += ["", "## Confidently wrong (answered, cited, wrong)", ""]
    lines += [f"- `{r['id']}` {r['question']}" for r in wrong] or ["none"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
