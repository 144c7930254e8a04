"""Multi-page Chinese PDF and Word files made for tests and benchmarks (fpdf2, python-docx).

The PDF has a running header, a footer with page numbers, a paragraph that runs across a page break and a
two-column page; the Word file has headings, paragraphs and a table. Every body sentence is numbered or
carries its own figures, so a test can check that each one survives extraction, and questions have one
answer each. The places are made up (no article of the corpus names them).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# Debian's fonts-wqy-zenhei (installed by `make browser`, which `make test` runs); fpdf2 embeds the font, so
# the PDF shows Chinese anywhere.
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def cjk_font() -> Path:
    """A font file with Chinese glyphs: WenQuanYi Zen Hei, else the first one fontconfig knows."""
    if CJK_FONT.is_file():
        return CJK_FONT
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    except OSError:
        listed = ""
    for line in listed.splitlines():
        path = Path(line.split(":")[0].strip())
        if path.suffix.lower() in (".ttf", ".ttc", ".otf") and path.is_file():
            return path
    raise FileNotFoundError("no Chinese font for the sample PDFs: `make browser` installs fonts-wqy-zenhei")

PDF_TITLE = "青松县2023年茶产业发展报告"
PDF_HEADER = "青松县农业农村局 内部资料"
PDF_SOURCE = "青松县农业农村局"
PDF_FACT = "青松县共有茶园4200亩，带动茶农1360户增收。"
PDF_QUESTION = "青松县共有多少亩茶园？"
PDF_FACT_PAGE = 2

DOCX_TITLE = "白石镇2023年村级集体经济报告"
DOCX_SOURCE = "白石镇人民政府"
DOCX_FACT = "白石镇共有行政村17个，其中集体经济收入超过50万元的村有5个。"
DOCX_QUESTION = "白石镇共有多少个行政村？"
DOCX_TABLE = [["村名", "集体经济收入", "主导产业"], ["红岩村", "62万元", "中药材种植"],
              ["青石村", "38万元", "乡村旅游"]]


@dataclass
class SampleDocument:
    """A generated file, its title and every body sentence in reading order."""

    path: Path
    title: str
    sentences: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)


def filler(topic: str, count: int, start: int = 1) -> list[str]:
    """`count` distinct body sentences about `topic`, each with its own number and figures."""
    verbs = ["完成", "推进", "落实", "建成", "培训", "新增"]
    things = ["标准化茶园改造", "技术培训班", "产销对接活动", "冷链仓储项目", "品牌推广活动", "合作社示范点"]
    return [f"{topic}第{n}项工作{verbs[n % 6]}{things[(n * 5) % 6]}{n * 7 + 3}处，惠及群众{n * 13 + 40}人。"
            for n in range(start, start + count)]


def make_pdf(path: Path, pages: int = 4) -> SampleDocument:
    """A report of `pages` pages (at least 3): page 2 states PDF_FACT; a paragraph runs from page 1 onto 2;
    page 3 is set in two columns. Header and footer (page x of y) on every page."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("cjk", size=9)
            self.cell(0, 6, PDF_HEADER, align="C")
            self.ln(12)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 6, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")

    pdf = Report(format="A4")
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font("cjk", fname=str(cjk_font()), collection_font_number=0)
    pdf.set_title(PDF_TITLE)
    pdf.set_author(PDF_SOURCE)
    pdf.set_creation_date(datetime(2023, 12, 20))
    document = SampleDocument(path, PDF_TITLE, furniture=[PDF_HEADER, "第 1 页 共"])

    def paragraph(sentences: list[str]) -> None:
        pdf.multi_cell(0, 8, "".join(sentences))
        pdf.ln(3)
        document.sentences.extend(sentences)

    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, PDF_TITLE, align="C")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    # Long enough to fill page 1 and run onto page 2 mid-sentence.
    paragraph(filler("全县茶产业", 26))
    paragraph(filler("茶叶加工", 6))
    paragraph(filler("茶叶销售", 5))
    paragraph([PDF_FACT, "全县茶叶总产量达到860吨，比上年增长12%。"])
    pdf.add_page()
    left, right = filler("东部片区", 8), filler("西部片区", 8)
    with pdf.text_columns(ncols=2, gutter=10, text_align="LEFT") as columns:
        columns.write("".join(left))
        columns.new_column()
        columns.write("".join(right))
    document.sentences.extend(left + right)
    for number in range(4, pages + 1):
        pdf.add_page()
        paragraph(filler(f"第{number}章", 14, start=number * 100))
    pdf.output(str(path))
    return document


def make_docx(path: Path) -> SampleDocument:
    """A Word report with a title, headings, paragraphs stating DOCX_FACT and a table of villages."""
    import docx

    word = docx.Document()
    word.core_properties.title = DOCX_TITLE
    word.core_properties.author = DOCX_SOURCE
    word.core_properties.created = datetime(2023, 11, 30)
    document = SampleDocument(path, DOCX_TITLE)
    word.add_heading(DOCX_TITLE, level=0)
    word.add_heading("一、基本情况", level=1)
    for sentences in ([DOCX_FACT, "全镇常住人口2.3万人。"], filler("白石镇", 5)):
        word.add_paragraph("".join(sentences))
        document.sentences.extend(sentences)
    word.add_heading("二、重点村情况", level=1)
    table = word.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for row, values in zip(table.rows, DOCX_TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    closing = filler("集体经济", 4)
    word.add_paragraph("".join(closing))
    document.sentences.extend(closing)
    word.save(str(path))
    return document


def make_scanned_pdf(path: Path, pages: int = 3) -> SampleDocument:
    """The report of `make_pdf` as a scan: each page rendered to a picture and placed on an image-only page."""
    import pypdfium2
    from fpdf import FPDF

    original = make_pdf(path.with_name(f"{path.stem}-original.pdf"), pages=pages)
    source = pypdfium2.PdfDocument(str(original.path))
    scan = FPDF(format="A4")
    scan.set_auto_page_break(False)
    try:
        for index in range(len(source)):
            picture = source[index].render(scale=2).to_pil()
            scan.add_page()
            scan.image(picture, x=0, y=0, w=scan.w, h=scan.h)
    finally:
        source.close()
    scan.output(str(path))
    return SampleDocument(path, original.title, original.sentences, original.furniture)
