"""Document benchmark: PDF extraction speed and quality, and the time from upload to answerable.

1. Extraction: a generated 20-page Chinese PDF (evals.sample_documents: header, footer, page numbers, a
   sentence across a page break, a two-column page) read by PDFium's raw text (pypdfium2), by wenda's
   loader on top of it (furniture removed, lines re-joined), and by pdfplumber; pages/s (best of
   `--repeat`) and the share of body sentences found intact in the text; and a scanned copy of its first
   `--ocr-pages` pages read by OCR.
2. Upload to answerable: a real server (uvicorn on loopback, the real embedding model, `--backend`) over a
   copy of `--corpus`, already indexed; the PDF is POSTed to /api/documents, /api/indexing is polled until
   the build is done, and the question is asked until an answer cites the PDF on the right page.

Usage: `python -m evals.bench_documents [--corpus DIR] [--pages 20] [--backend extractive] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
import unicodedata
from pathlib import Path

import httpx

from evals.sample_documents import PDF_FACT_PAGE, PDF_QUESTION, make_pdf, make_scanned_pdf


def _found(sentences: list[str], text: str) -> float:
    """Share of `sentences` that appear intact in `text` (NFKC, as the loader normalises)."""
    flat = unicodedata.normalize("NFKC", text)
    return sum(unicodedata.normalize("NFKC", s) in flat for s in sentences) / len(sentences)


def _best_seconds(run, repeat: int) -> tuple[float, str]:
    best, text = float("inf"), ""
    for _ in range(repeat):
        started = time.perf_counter()
        text = run()
        best = min(best, time.perf_counter() - started)
    return best, text


def extraction(pdf: Path, sentences: list[str], pages: int, repeat: int) -> dict[str, dict[str, float]]:
    """pages/s and sentences kept for each extractor."""
    import pdfplumber
    import pypdfium2

    from indexing.pages import without_marks
    from indexing.pdf_loader import extract_pdf

    data = pdf.read_bytes()

    def pdfium_raw() -> str:
        document = pypdfium2.PdfDocument(data)
        try:
            return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        finally:
            document.close()

    def plumber() -> str:
        with pdfplumber.open(pdf) as document:
            return "\n".join(page.extract_text() or "" for page in document.pages)

    def wenda_loader() -> str:
        return without_marks(extract_pdf(data).text)

    results = {}
    for name, run in (("pypdfium2 raw text", pdfium_raw), ("wenda loader (pypdfium2)", wenda_loader),
                      ("pdfplumber extract_text", plumber)):
        seconds, text = _best_seconds(run, repeat)
        # Raw extractors keep line breaks inside sentences; joining lines naively is the fair comparison.
        joined = text.replace("\r\n", "").replace("\n", "") if "loader" not in name else text
        results[name] = {"seconds": round(seconds, 3), "pages_per_s": round(pages / seconds, 1),
                         "sentences_kept": round(_found(sentences, text), 3),
                         "sentences_kept_lines_joined": round(_found(sentences, joined), 3),
                         "header_lines_left": text.count("内部资料"), "page_numbers_left": text.count("页 共")}
    return results


def ocr_extraction(work: Path, pages: int) -> dict[str, float] | None:
    """pages/s and sentences kept when a scan of the report is read by OCR (None without the OCR package)."""
    from indexing.ocr import ocr_available
    from indexing.pages import without_marks
    from indexing.pdf_loader import extract_pdf

    if not ocr_available():
        return None
    scan = make_scanned_pdf(work / "scan.pdf", pages=pages)
    seconds, text = _best_seconds(lambda: without_marks(extract_pdf(scan.path.read_bytes()).text), 1)
    return {"pages": pages, "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 2),
            "sentences_kept": round(_found(scan.sentences, text), 3)}


def _serve(app) -> tuple[str, callable]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not (server.started and server.servers):
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return base, stop


def upload_to_answerable(corpus: Path, pdf: Path, backend: str, work: Path) -> dict[str, object]:
    """Seconds from POST /api/documents to the first answer citing the PDF (with the phases)."""
    from assistant.components import index_builder
    from assistant.server import create_app
    from assistant.settings import Settings

    shutil.copytree(corpus, work / "corpus")
    settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index", feedback_db=work / "feedback.sqlite3")
    settings = settings.model_copy(update={"llm": settings.llm.model_copy(update={"backend": backend})})
    started = time.perf_counter()
    index_builder(settings, show_progress=False).build()
    initial_index_s = time.perf_counter() - started
    base, stop = _serve(create_app(settings, chat=False))
    try:
        while httpx.get(f"{base}/readyz").status_code != 200:
            time.sleep(0.2)
        started = time.perf_counter()
        response = httpx.post(f"{base}/api/documents", files=[("files", (pdf.name, pdf.read_bytes()))], timeout=120)
        response.raise_for_status()
        accepted_s = time.perf_counter() - started
        doc_id = response.json()["documents"][0]["doc_id"]
        status: dict = {}
        while True:
            status = httpx.get(f"{base}/api/indexing").json()
            if status["state"] in ("idle", "failed"):
                break
            time.sleep(0.2)
        indexed_s = time.perf_counter() - started
        while True:
            answer = httpx.post(f"{base}/api/ask", json={"question": PDF_QUESTION}, timeout=300).json()
            cited = [c for c in answer["citations"] if c["doc_id"] == doc_id]
            if cited or time.perf_counter() - started > 1800:
                break
            time.sleep(0.5)
        answerable_s = time.perf_counter() - started
        listed = {d["id"]: d for d in httpx.get(f"{base}/api/documents").json()["documents"]}
    finally:
        stop()
    return {"backend": backend, "initial_index_s": round(initial_index_s, 1),
            "upload_accepted_s": round(accepted_s, 2), "indexed_s": round(indexed_s, 1),
            "upload_to_answerable_s": round(answerable_s, 1), "cited_page": cited[0]["page"] if cited else None,
            "expected_page": PDF_FACT_PAGE, "passages": listed.get(doc_id, {}).get("passages"),
            "build": status.get("last_report"), "answer": answer["answer"]}


def main(argv: list[str] | None = None) -> dict[str, object]:
    """Run both benchmarks, print them and write the JSON."""
    from indexing.offline import enable_offline_mode

    enable_offline_mode()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", default="extractive", choices=["extractive", "local"])
    parser.add_argument("--ocr-pages", type=int, default=3, help="Pages of the scanned copy read by OCR.")
    parser.add_argument("--skip-upload", action="store_true", help="Only the extraction benchmark.")
    parser.add_argument("--out", type=Path, default=Path("evals/out/bench_documents.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wenda-bench-docs-") as folder:
        work = Path(folder)
        document = make_pdf(work / "青松县茶产业报告.pdf", pages=args.pages)
        results: dict[str, object] = {"pages": args.pages, "pdf_bytes": document.path.stat().st_size,
                                      "extraction": extraction(document.path, document.sentences, args.pages,
                                                               args.repeat),
                                      "ocr": ocr_extraction(work, args.ocr_pages)}
        if not args.skip_upload:
            results["upload"] = upload_to_answerable(args.corpus, document.path, args.backend, work)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
