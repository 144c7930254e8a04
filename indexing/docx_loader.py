"""Text of Word (.docx) files (python-docx): paragraphs and headings in order, tables as text rows."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from indexing.errors import WendaError
from indexing.pdf_loader import DocumentProperties, ExtractedDocument

# A table row is written `header：value；header：value。`, a form the sentence splitter and the evidence
# rules read as one clause per cell (a row of bare cells would look like a menu to the cleaner).
_CELL_SEPARATOR = "；"
_KEY_SEPARATOR = "："


class DocxError(WendaError):
    """A .docx file that cannot be read (corrupt, truncated, not a Word document)."""


def _cell_text(text: str) -> str:
    return " ".join(text.split())


def table_rows(table: Table) -> list[str]:
    """The rows of a table as text; with a header row, each cell is named by its column."""
    rows = [[_cell_text(cell.text) for cell in row.cells] for row in table.rows]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    # Merged cells repeat in python-docx; a row keeps each distinct neighbour once.
    rows = [[c for i, c in enumerate(row) if i == 0 or c != row[i - 1]] for row in rows]
    header, body = rows[0], rows[1:]
    if not body or len(header) < 2:
        return [_CELL_SEPARATOR.join(c for c in row if c) + "。" for row in rows]
    lines = []
    for row in body:
        named = [f"{key}{_KEY_SEPARATOR}{value}" if key and len(row) == len(header) else value
                 for key, value in zip(header, row, strict=False) if value]
        lines.append(_CELL_SEPARATOR.join(named) + "。")
    return lines


def _blocks(document: docx.document.Document) -> Iterator[str]:
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                yield text
        elif isinstance(block, Table):
            yield from table_rows(block)


def extract_docx(data: bytes) -> ExtractedDocument:
    """The text of a .docx file, one paragraph, heading or table row a line. Raises DocxError when unreadable."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocxError(f"corrupt or truncated Word file: {error or type(error).__name__}") from None
    except Exception as error:  # lxml and zip errors of damaged files have no common base class
        raise DocxError(f"corrupt Word file: {error}") from None
    lines = list(_blocks(document))
    core = document.core_properties
    stamp = core.created or core.modified
    properties = DocumentProperties(title=(core.title or "").strip() or None,
                                    author=(core.author or "").strip() or None,
                                    date=stamp.date().isoformat() if stamp else None)
    first = "\n".join(lines[:20])
    return ExtractedDocument("\n".join(lines), properties, pages=None, first_page=first)
