"""Text of PDF files with a text layer (pypdfium2): page furniture removed, lines re-joined, pages marked.

Lines come from PDFium's text page in its reading order (which follows columns where the file keeps them
apart) with their position on the page. Lines in the top or bottom band of the page that repeat on most
pages (running headers and footers, digits ignored) and page numbers are dropped. A wrapped line (it
reaches the right edge of the text) joins the next without a space, as Chinese has none; a paragraph that
ends a page without finishing its sentence continues on the next page. Each page after the first starts
with `PAGE_MARK`, so offsets map back to pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium

from indexing.cleaning import parse_date
from indexing.errors import WendaError
from indexing.pages import PAGE_MARK

# Header and footer lines sit in these top and bottom shares of the page height.
_MARGIN_BAND = 0.12
# A line type repeating on at least this share of the pages (and on two or more) is a running header/footer.
_REPEAT_SHARE = 0.5
# A line ending within this share of the page width from its column's right edge was wrapped, not ended.
_WRAP_SLACK = 0.04
# Lines whose left edges are within this share of the page width are in the same column.
_COLUMN_NEAR = 0.2
# Fewer characters than this per page on average: no usable text layer (a scan).
_MIN_CHARS_PER_PAGE = 10
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(?:(?:第\s*)?\d{1,4}\s*页?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?|"
    r"(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[ivxlc]{1,6})[-—–－\s]*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
# PDFium reports wide glyph gaps (justified text) as spaces; Chinese has none, so spaces next to CJK go.
_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t\u3000]+|[ \t\u3000]+(?=[{_CJK}])")
_DIGIT_SPACE = re.compile(r"(?<=\d) (?=\d)")
# A figure right after a Chinese character, split by a gap: `群众144 83人` is 14483.
_SPLIT_FIGURE = re.compile(r"(?<=[\u3400-\u9fff])(\d+) (?=\d)")
_TRAILING_WORD = re.compile(r"[A-Za-z0-9]+$")
_HAN = re.compile(r"[\u3400-\u9fff]")
# A sentence ends here (closing quotes and brackets may follow): a wrapped line ending so starts no run-on.
_SENTENCE_END = re.compile(r"[。！？!?；;…][”’」』）)]*$")
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")


class PdfError(WendaError):
    """A PDF that cannot be read: encrypted, corrupt, truncated, or without a text layer."""


@dataclass(frozen=True)
class Line:
    """One line of text on a page; `top`/`bottom` measured from the top of the page, in points."""

    text: str
    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True)
class PageText:
    """The lines of one page and its height."""

    lines: list[Line]
    width: float
    height: float


@dataclass(frozen=True)
class DocumentProperties:
    """What a file's own properties say about it (any may be missing)."""

    title: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ExtractedDocument:
    """The body text of a document (pages marked), its properties, page count and first page's text."""

    text: str
    properties: DocumentProperties
    pages: int | None = None
    first_page: str = ""
    # Pages whose text was recognised by OCR (a scan).
    ocr_pages: int = 0


def _page_lines(page: pdfium.PdfPage) -> PageText:
    """The lines of a page with their boxes (PDFium puts `\\r\\n` between lines of its reading order)."""
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        lines: list[Line] = []
        start = 0
        for raw in text.split("\r\n"):
            end = start + len(raw)
            boxes = [textpage.get_charbox(i) for i in range(start, min(end, textpage.count_chars()))
                     if not raw[i - start].isspace()]
            start = end + 2
            clean = tighten(raw.replace(PAGE_MARK, "").strip())
            if not clean or not boxes:
                continue
            left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
            low, high = min(b[1] for b in boxes), max(b[3] for b in boxes)
            lines.append(Line(clean, top=height - high, bottom=height - low, left=left, right=right))
        return PageText(lines, width, height)
    finally:
        textpage.close()


def tighten(text: str) -> str:
    """A line without the spaces PDFium puts between Chinese characters (and between digits of a figure in a
    mostly Chinese line: `1 0处` is 10处)."""
    text = _SPLIT_FIGURE.sub(r"\1", _CJK_SPACE.sub("", text))
    if len(_HAN.findall(text)) * 2 > len(text):
        text = _DIGIT_SPACE.sub("", text)
    return text


def _shape(text: str) -> str:
    """A line with its digits folded, so `第 3 页` and `第 4 页` or a dated header count as the same line."""
    return _DIGITS.sub("#", "".join(text.split()))


def _in_margin(line: Line, height: float) -> bool:
    return line.bottom <= height * _MARGIN_BAND or line.top >= height * (1 - _MARGIN_BAND)


def remove_furniture(pages: list[PageText]) -> list[list[Line]]:
    """Each page's lines without running headers, footers and page numbers."""
    repeated: Counter[str] = Counter()
    for page in pages:
        repeated.update({_shape(line.text) for line in page.lines if _in_margin(line, page.height)})
    needed = max(2, round(_REPEAT_SHARE * len(pages)))
    running = {shape for shape, count in repeated.items() if count >= needed}
    return [[line for line in page.lines
             if not (_in_margin(line, page.height) and (_shape(line.text) in running
                                                         or _PAGE_NUMBER.match(line.text)))]
            for page in pages]


def _joiner(before: str, after: str) -> str:
    """What goes between two lines of one paragraph: nothing in Chinese (a figure wrapped as `第100|1项` is 1001),
    a space between Latin words (what precedes the last word decides: `第100` is Chinese, ` wrap` is not)."""
    if not (_LATIN_END.search(before) and _LATIN_START.search(after)):
        return ""
    word = _TRAILING_WORD.search(before)
    preceding = before[word.start() - 1] if word and word.start() else ""
    return "" if _HAN.match(preceding) or preceding in "，。、；：（）“”" else " "


def _column_edges(lines: list[Line], width: float) -> list[float]:
    """For each line, the right edge of the text column it belongs to (lines starting near its left edge)."""
    near = width * _COLUMN_NEAR
    return [max(other.right for other in lines if abs(other.left - line.left) <= near) for line in lines]


def join_lines(pages: list[list[Line]], widths: list[float]) -> str:
    """Paragraphs of the body, one per line, with `PAGE_MARK` where each later page begins.

    A line that reaches the right edge of its column without finishing its sentence continues in the next
    line, on the next page too.
    """
    paragraphs: list[str] = []
    continues = False
    for number, (lines, width) in enumerate(zip(pages, widths, strict=True)):
        mark = PAGE_MARK if number else ""
        if not lines:
            if paragraphs:
                paragraphs[-1] += mark
            else:
                paragraphs.append(mark)
            continue
        edges = _column_edges(lines, width)
        for index, (line, edge) in enumerate(zip(lines, edges, strict=True)):
            text = (mark if index == 0 else "") + line.text
            if continues and paragraphs:
                paragraphs[-1] += _joiner(paragraphs[-1], line.text) + text
            else:
                paragraphs.append(text)
            continues = line.right >= edge - width * _WRAP_SLACK and not _SENTENCE_END.search(line.text)
    return "\n".join(paragraphs)


def _pdf_date(value: str | None) -> str | None:
    """`D:20230512…` (a PDF date) as 2023-05-12."""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    return parse_date(f"{match[1]}-{match[2]}-{match[3]}") if match else None


def _check_complete(data: bytes) -> None:
    if not data.startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise PdfError("not a PDF file (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise PdfError("truncated PDF (no end-of-file marker): the file was cut off while copying or uploading")


def _no_text_layer(characters: int, pages: int, ocr: bool, ocr_max_pages: int) -> str:
    from indexing.ocr import ocr_available

    if not ocr:
        why = "OCR is off (loader.ocr)"
    elif not ocr_available():
        why = "OCR is not installed (pip install 'wenda[ocr]')"
    else:
        why = f"OCR reads at most {ocr_max_pages} pages (loader.ocr_max_pages)"
    return (f"no text layer ({characters} characters on {pages} page(s)): a scanned PDF; {why}, so export the "
            "document with its text or add a .txt copy")


def extract_pdf(data: bytes, ocr: bool = True, ocr_max_pages: int = 30) -> ExtractedDocument:
    """The body text of a PDF; a scan (no text layer) is read by OCR when `ocr` and the OCR package allow it.

    Raises PdfError for encrypted, corrupt and truncated files, and for scans OCR cannot read.
    """
    _check_complete(data)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        reason = str(error)
        if "password" in reason.lower():
            raise PdfError("encrypted PDF (needs a password); save an unprotected copy") from None
        raise PdfError(f"corrupt PDF: {reason}") from None
    recognised = 0
    try:
        pages = [_read_page(document, index, _page_lines) for index in range(len(document))]
        characters = sum(len(line.text) for page in pages for line in page.lines)
        if characters < _MIN_CHARS_PER_PAGE * max(1, len(pages)) / 2:
            from indexing.ocr import ocr_available, recognise_page

            if not (ocr and ocr_available() and len(pages) <= ocr_max_pages):
                raise PdfError(_no_text_layer(characters, len(pages), ocr, ocr_max_pages))
            pages = [_read_page(document, index, recognise_page) for index in range(len(document))]
            recognised = len(pages)
            if sum(len(line.text) for page in pages for line in page.lines) < _MIN_CHARS_PER_PAGE:
                raise PdfError(f"no text layer and OCR found no text on {len(pages)} page(s)")
        metadata = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    bodies = remove_furniture(pages)
    properties = DocumentProperties(title=(metadata.get("Title") or "").strip() or None,
                                    author=(metadata.get("Author") or "").strip() or None,
                                    date=_pdf_date(metadata.get("CreationDate")))
    first = "\n".join(line.text for line in bodies[0]) if bodies else ""
    return ExtractedDocument(join_lines(bodies, [p.width for p in pages]), properties, pages=len(pages),
                             first_page=first, ocr_pages=recognised)


def _read_page(document: pdfium.PdfDocument, index: int, read) -> PageText:
    page = document[index]
    try:
        return read(page)
    finally:
        page.close()
