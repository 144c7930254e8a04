"""What a file is, judged by its content (its name may lie): PDF, Word, HTML, Markdown or plain text."""

from __future__ import annotations

import io
import zipfile

from indexing.errors import WendaError

# The suffix a file of each type is stored under.
SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "markdown": ".md", "text": ".txt"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive", b"\x1f\x8b": "a gzip file",
    b"\x7fELF": "a program", b"MZ": "a Windows program",
}


class UnsupportedTypeError(WendaError):
    """Content of a type wenda does not read (the message names what it looks like)."""


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        # A damaged Word file is still a Word file: the loader reports what is wrong with it.
        return "docx" if b"word/" in data[:4096] else "zip"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith(("xl/", "ppt/")) for n in names):
        return "office"
    return "zip"


def sniff(data: bytes, suffix: str = "") -> str:
    """The type of a file's content: pdf, docx, html, markdown or text (Markdown only by its suffix).

    Raises UnsupportedTypeError for anything else (images, archives, spreadsheets, legacy .doc, binaries).
    """
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
        if kind == "docx":
            return kind
        what = "a spreadsheet or presentation" if kind == "office" else "a ZIP archive"
        raise UnsupportedTypeError(f"unsupported type: {what}; wenda reads PDF, Word (.docx), HTML, Markdown "
                                   "and text")
    if data.startswith(_OLE):
        raise UnsupportedTypeError("unsupported type: a legacy Word .doc or an encrypted Office file; save it as "
                                   "an unprotected .docx or PDF")
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnsupportedTypeError(f"unsupported type: {what}; wenda reads PDF, Word (.docx), HTML, Markdown "
                                       "and text")
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedTypeError("unsupported type: binary data; wenda reads PDF, Word (.docx), HTML, Markdown "
                                   "and text")
    if sample.startswith((b"<!doctype html", b"<html")) or b"<body" in sample:
        return "html"
    if suffix.lower() in (".md", ".markdown"):
        return "markdown"
    return "text"
