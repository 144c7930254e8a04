"""What a chat user waits for, measured in a real browser: time from pressing Enter to the retrieved
passages in the sources panel, to the first streamed text, and to the final answer with its sources.

Drives Debian's chromium with Playwright against a running server on loopback, one question at a time,
each in a fresh conversation. Usage:
    wenda serve &                     # wait for /readyz
    python -m evals.bench_chat --url http://127.0.0.1:7860 --questions FILE
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, sync_playwright

from evals.bench_load import LOOPBACK, load_questions
from evals.runner import percentile

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"]
_WORKING = "正在查找"
_BOT = "#wenda-chat [data-testid=bot]"
_NO_SOURCES = "没有能回答"
# Coarse enough that polling the page does not slow the two-core machine it measures.
_POLL_S = 0.1


def time_question(page: Page, question: str, timeout_s: float) -> dict[str, object]:
    """Ask one question in a cleared chat; seconds to the retrieved passages, the first answer text and
    the final answer.

    The answer is final when the sources panel fills (its sources, or the note that none answers).
    """
    page.click("#wenda-clear")
    page.wait_for_function(f"document.querySelectorAll('{_BOT}').length === 0 && "
                           "!document.querySelector('#wenda-sources .wenda-source')")
    page.fill("#wenda-question textarea", question)
    started = time.perf_counter()
    page.press("#wenda-question textarea", "Enter")
    first_text = passages = None
    while time.perf_counter() - started < timeout_s:
        if passages is None and page.query_selector("#wenda-sources .wenda-candidate"):
            passages = time.perf_counter() - started
        messages = page.query_selector_all(_BOT)
        text = messages[-1].inner_text().strip() if messages else ""
        if first_text is None and text and _WORKING not in text:
            first_text = time.perf_counter() - started
        sources = page.query_selector_all("#wenda-sources .wenda-source")
        if sources or _NO_SOURCES in page.inner_text("#wenda-sources"):
            done = time.perf_counter() - started
            return {"question": question, "passages_s": round(passages or done, 2),
                    "first_text_s": round(first_text or done, 2), "answer_s": round(done, 2), "sources": len(sources)}
        time.sleep(_POLL_S)
    return {"question": question, "error": f"no answer within {timeout_s} s"}


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--questions", type=Path, required=True, help="JSONL with a `question` per line")
    parser.add_argument("--limit", type=int, default=10, help="at most this many questions (bounded)")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_chat.json"))
    args = parser.parse_args(argv)
    if urlparse(args.url).hostname not in LOOPBACK:
        parser.error("the chat benchmark only targets a server on this machine (loopback)")
    questions = load_questions(args.questions)[: args.limit]
    if not questions:
        parser.error(f"no `question` in {args.questions}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(args.url.rstrip("/") + "/")
        page.wait_for_function("document.querySelector('#wenda-status')?.innerText.startsWith('Ready')",
                               timeout=args.timeout * 1000)
        results = [time_question(page, question, args.timeout) for question in questions]
        browser.close()
    timed = [r for r in results if "error" not in r]
    summary = {
        "questions": len(results), "errors": len(results) - len(timed),
        "passages_p50_s": percentile([r["passages_s"] for r in timed], 50),
        "passages_p95_s": percentile([r["passages_s"] for r in timed], 95),
        "first_text_p50_s": percentile([r["first_text_s"] for r in timed], 50),
        "first_text_p95_s": percentile([r["first_text_s"] for r in timed], 95),
        "answer_p50_s": percentile([r["answer_s"] for r in timed], 50),
        "answer_p95_s": percentile([r["answer_s"] for r in timed], 95),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": summary, "results": results}, indent=2, ensure_ascii=False),
                        encoding="utf-8")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
