"""Text of scanned PDF pages by OCR: RapidOCR with the PP-OCR models that ship inside the
rapidocr-onnxruntime wheel, so it runs offline. Optional: without the package, scans are reported as such.

Each page is rendered by PDFium and recognised into text lines with their boxes, which then go through
the same header/footer removal and line joining as a text layer's lines.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

import numpy as np
import pypdfium2 as pdfium

from indexing.pdf_loader import Line, PageText, tighten

logger = logging.getLogger(__name__)

# Pixels per point when rendering a page for recognition: 2 reads 10-point Chinese reliably.
_RENDER_SCALE = 2.0
_MIN_SCORE = 0.5
_lock = threading.Lock()


def ocr_available() -> bool:
    """Whether the OCR package is installed."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def recognise_page(page: pdfium.PdfPage) -> PageText:
    """The text lines OCR finds on a rendered page, in reading order (a right-hand column after the left)."""
    width, height = page.get_size()
    image = np.asarray(page.render(scale=_RENDER_SCALE).to_pil().convert("RGB"))
    with _lock:  # one recognition at a time: the models use both cores already
        found, _ = _engine()(image)
    lines = []
    for box, text, score in found or []:
        xs, ys = [point[0] / _RENDER_SCALE for point in box], [point[1] / _RENDER_SCALE for point in box]
        clean = tighten(" ".join(str(text).split()))
        if clean and float(score) >= _MIN_SCORE:
            lines.append(Line(clean, top=min(ys), bottom=max(ys), left=min(xs), right=max(xs)))
    middle = width / 2
    lines.sort(key=lambda line: (line.left > middle, line.top, line.left))
    return PageText(lines, width, height)
