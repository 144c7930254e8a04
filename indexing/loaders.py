"""Read corpus files (.txt, .md, .html) into text, detecting the encoding and rejecting broken input."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from indexing.config import LoaderConfig

_HTML_SUFFIXES = {".html", ".htm"}
_MARKDOWN_SUFFIXES = {".md", ".markdown"}
# Page furniture that never holds article text.
_HTML_NOISE_TAGS = [
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
]
_HTML_BLOCK_TAGS = [
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "blockquote",
    "pre", "table", "ul", "ol", "dd", "dt", "hr",
]
_MAX_CONTROL_RATIO = 0.02


class LoadError(Exception):
    """A file that cannot be read as an article; the message says why."""


@dataclass(frozen=True)
class SourceFile:
    """A corpus file decoded to text, with the title its markup declares, if any."""

    doc_id: str
    path: Path
    text: str
    encoding: str
    title_hint: str | None = None


def doc_id_for(path: Path, corpus_dir: Path) -> str:
    """A stable id: the path below the corpus folder without its suffix."""
    return path.relative_to(corpus_dir).with_suffix("").as_posix()


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else as the encoding charset-normalizer detects.

    Raises LoadError for binary or undecodable data.
    """
    if b"\x00" in data[:8192]:
        raise LoadError("binary file (contains NUL bytes)")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise LoadError("undecodable: no text encoding fits its bytes") from None
        text, encoding = str(best), best.encoding
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if text and controls / len(text) > _MAX_CONTROL_RATIO:
        raise LoadError(f"binary or undecodable: {controls} control characters as {encoding}")
    return text, codecs.lookup(encoding).name


def html_to_text(html: str) -> tuple[str, str | None]:
    """The visible text of an HTML page, one block per line, and its title."""
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("h1") or soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else None
    for tag in soup(_HTML_NOISE_TAGS):
        tag.decompose()
    if soup.title:
        soup.title.decompose()
    # Line breaks at block boundaries only, so inline markup (<b>, <a>) stays inside its sentence.
    for block in soup.find_all(_HTML_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    return soup.get_text(), title or None


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Markdown rendered to text; the first heading is the title."""
    return html_to_text(MarkdownIt().render(markdown))


def load_file(path: Path, corpus_dir: Path, config: LoaderConfig) -> SourceFile:
    """Read one corpus file. Raises LoadError with a reason for empty, huge, binary or undecodable files."""
    size = path.stat().st_size
    if size == 0:
        raise LoadError("empty file")
    if size > config.max_bytes:
        raise LoadError(f"too large: {size} bytes (limit {config.max_bytes}, see loader.max_bytes)")
    text, encoding = decode(path.read_bytes())
    title = None
    suffix = path.suffix.lower()
    if suffix in _HTML_SUFFIXES:
        text, title = html_to_text(text)
    elif suffix in _MARKDOWN_SUFFIXES:
        text, title = markdown_to_text(text)
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError("no text in file")
    return SourceFile(doc_id_for(path, corpus_dir), path, text, encoding, title)
