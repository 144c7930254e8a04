"""Read corpus files (.txt, .md, .html, .pdf, .docx) into text, detecting the encoding and rejecting broken input."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer
from markdown_it import MarkdownIt

from indexing.config import LoaderConfig
from indexing.docx_loader import DocxError, extract_docx
from indexing.errors import WendaError
from indexing.pages import PAGE_MARK, without_marks
from indexing.pdf_loader import DocumentProperties, ExtractedDocument, PdfError, extract_pdf

_HTML_SUFFIXES = {".html", ".htm"}
_MARKDOWN_SUFFIXES = {".md", ".markdown"}
# Documents whose text comes from a library rather than from decoding bytes.
_DOCUMENT_LOADERS = {".pdf": ("pdf", extract_pdf), ".docx": ("docx", extract_docx)}
# Page furniture that never holds article text.
_HTML_NOISE_TAGS = frozenset([
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
])
_HTML_BLOCK_TAGS = frozenset([
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "blockquote",
    "pre", "table", "ul", "ol", "dd", "dt", "hr",
])
_MAX_CONTROL_RATIO = 0.02


class LoadError(WendaError):
    """A file that cannot be read as an article; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    """A corpus file decoded to text, with the title its markup declares, if any."""

    doc_id: str
    path: Path
    text: str
    encoding: str
    title_hint: str | None = None
    # What was repaired while reading (bad bytes replaced, hidden characters removed), for the build log.
    problems: tuple[str, ...] = ()
    # pdf, docx, html, markdown or text; a PDF's text carries PAGE_MARK where each later page starts.
    file_type: str = "text"
    properties: DocumentProperties = field(default_factory=DocumentProperties)
    pages: int | None = None
    first_page: str = ""


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """A stable id: the path below the corpus folder without its suffix."""
    return path.relative_to(corpus_dir).with_suffix("").as_posix()


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
# A UTF-8 file with at most this share of bad bytes is kept, the bad bytes replaced (and reported).
_MAX_BAD_UTF8_RATIO = 0.001
# Characters that hide or reorder text (zero-width, bidi overrides): removed so they cannot disguise a passage.
_HIDDEN = dict.fromkeys([*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0xFEFF, 0x00AD])


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode bytes: by their BOM (UTF-16/32), as UTF-8 (a few bad bytes replaced), else as the encoding
    charset-normalizer detects. Returns (text, encoding, problems repaired).

    Raises LoadError for binary or undecodable data.
    """
    problems: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, problems
            except UnicodeDecodeError as error:
                raise LoadError(f"undecodable as {encoding} (it starts with a {encoding} BOM): {error}") from None
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (contains NUL bytes)")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("utf-8-sig", errors="replace"), "utf-8"
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        if bad <= max(1, _MAX_BAD_UTF8_RATIO * len(data)):
            problems.append(f"{bad} byte(s) that are not UTF-8 replaced by �")
        else:
            best = charset_normalizer.from_bytes(data).best()
            if best is None:
                raise LoadError("undecodable: no text encoding fits its bytes") from None
            text, encoding = str(best), best.encoding
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if text and controls / len(text) > _MAX_CONTROL_RATIO:
        raise LoadError(f"binary or undecodable: {controls} control characters as {encoding}")
    return text, codecs.lookup(encoding).name, problems


def remove_hidden_characters(text: str) -> tuple[str, list[str]]:
    """`text` without control characters (NUL …) and invisible or reordering ones, and what was removed."""
    cleaned = "".join(ch for ch in text if ch in "\n\r\t" or unicodedata.category(ch) != "Cc")
    controls = len(text) - len(cleaned)
    visible = cleaned.translate(_HIDDEN)
    hidden = len(cleaned) - len(visible)
    problems = [f"{n} {what} removed" for n, what in ((controls, "control character(s)"),
                                                        (hidden, "zero-width or bidi-override character(s)")) if n]
    return visible, problems


class _TextExtractor(HTMLParser):
    """Visible text of an HTML page in one linear pass (a tree builder takes quadratic time on hostile pages
    of thousands of unclosed nested tags): page furniture skipped, a line break at each block boundary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.noise_depth = 0
        self.in_title = False
        self.capture: str | None = None
        self.titles: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HTML_NOISE_TAGS:
            self.noise_depth += 1
        elif tag in _HTML_BLOCK_TAGS:
            self.parts.append("\n")
        if tag in ("h1", "title") and tag not in self.titles and self.capture is None:
            self.capture, self.titles[tag] = tag, ""
        self.in_title = self.in_title or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in _HTML_NOISE_TAGS and self.noise_depth:
            self.noise_depth -= 1
        elif tag in _HTML_BLOCK_TAGS:
            self.parts.append("\n")
        if tag == self.capture:
            self.capture = None
        if tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.titles[self.capture] += data
        if not self.noise_depth and not self.in_title:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page, one block per line, and its title (its first h1, else <title>)."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    title = " ".join((extractor.titles.get("h1") or extractor.titles.get("title") or "").split())
    return "".join(extractor.parts), title or None


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Markdown rendered to text; the first heading is the title."""
    return html_to_text(MarkdownIt().render(markdown))


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")


def _load_document(path: Path, corpus_dir: Path, config: LoaderConfig) -> SourceFile:
    """A PDF or Word file through its library; broken files raise LoadError with the library's reason."""
    size = path.stat().st_size
    if size > config.max_document_bytes:
        raise LoadError(f"too large: {size} bytes (limit {config.max_document_bytes}, see "
                        "loader.max_document_bytes)")
    file_type, extract = _DOCUMENT_LOADERS[path.suffix.lower()]
    options = {"ocr": config.ocr, "ocr_max_pages": config.ocr_max_pages} if file_type == "pdf" else {}
    try:
        extracted: ExtractedDocument = extract(path.read_bytes(), **options)
    except (PdfError, DocxError) as error:
        raise LoadError(str(error)) from None
    # A page mark in the file itself would shift every page after it; the loader's marks are kept.
    pieces = [remove_hidden_characters(without_marks(piece)) for piece in extracted.text.split(PAGE_MARK)]
    text = PAGE_MARK.join(_normalized(piece) for piece, _ in pieces)
    removed = sorted({problem for _, found in pieces for problem in found})
    if extracted.ocr_pages:
        removed.append(f"a scan: the text of {extracted.ocr_pages} page(s) was recognised by OCR")
    if not without_marks(text).strip():
        raise LoadError("no text in file")
    return SourceFile(doc_id_for(path, corpus_dir), path, text, "utf-8", extracted.properties.title,
                      tuple(removed), file_type, extracted.properties, extracted.pages,
                      _normalized(extracted.first_page))


def load_file(path: Path, corpus_dir: Path, config: LoaderConfig) -> SourceFile:
    """Read one corpus file. Raises LoadError with a reason for empty, huge, binary, undecodable, encrypted,
    corrupt or text-less files."""
    size = path.stat().st_size
    if size == 0:
        raise LoadError("empty file")
    suffix = path.suffix.lower()
    if suffix in _DOCUMENT_LOADERS:
        return _load_document(path, corpus_dir, config)
    if size > config.max_bytes:
        raise LoadError(f"too large: {size} bytes (limit {config.max_bytes}, see loader.max_bytes)")
    text, encoding, problems = decode(path.read_bytes())
    text, removed = remove_hidden_characters(without_marks(text))
    title = None
    file_type = "text"
    if suffix in _HTML_SUFFIXES:
        text, title = html_to_text(text)
        file_type = "html"
    elif suffix in _MARKDOWN_SUFFIXES:
        text, title = markdown_to_text(text)
        file_type = "markdown"
    text = _normalized(text)
    if not text.strip():
        raise LoadError("no text in file")
    return SourceFile(doc_id_for(path, corpus_dir), path, text, encoding, title, (*problems, *removed), file_type)
