"""PDFs made with fpdf2 (Chinese font, header, footer, page numbers, a sentence across a page break, a
two-column page) read back through the real loader, cleaner and page mapping."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from evals.sample_documents import PDF_FACT, PDF_FACT_PAGE, PDF_HEADER, PDF_SOURCE, PDF_TITLE, make_pdf
from indexing.config import LoaderConfig
from indexing.corpus import read_article
from indexing.loaders import LoadError, load_file
from indexing.pages import page_at
from indexing.pdf_loader import Line, PageText, join_lines, remove_furniture, tighten


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    document = make_pdf(folder / "report.pdf", pages=5)
    return document, read_article(document.path, folder, LoaderConfig(), None)


def test_every_body_sentence_is_kept_and_headers_footers_are_gone(sample):
    document, article = sample
    missing = [s for s in document.sentences if nfkc(s) not in article.text]
    assert not missing
    assert PDF_HEADER not in article.text and "页 共" not in article.text
    assert article.pages == 5 and article.file_type == "pdf"


def test_a_sentence_broken_by_a_page_break_is_one_sentence_on_both_pages(sample):
    document, article = sample
    crossing = []
    for sentence in map(nfkc, document.sentences):
        start = article.text.index(sentence)
        if page_at(article.page_starts, start) != page_at(article.page_starts, start + len(sentence) - 1):
            crossing.append(sentence)
    assert crossing, "the sample must break a sentence across pages"
    assert all("\n" not in s for s in crossing)


def test_offsets_map_back_to_the_page_of_each_sentence(sample):
    _, article = sample
    assert page_at(article.page_starts, article.text.index(nfkc(PDF_FACT))) == PDF_FACT_PAGE
    # Page 3 is set in two columns: the left column is read first.
    east, west = article.text.index("东部片区第8项"), article.text.index("西部片区第1项")
    assert page_at(article.page_starts, east) == page_at(article.page_starts, west) == 3 and east < west
    assert page_at(article.page_starts, article.text.index("第5章第500项")) == 5


def test_title_date_and_source_come_from_the_properties_and_first_page(sample):
    _, article = sample
    assert (article.title, article.date, article.source) == (PDF_TITLE, "2023-12-20", PDF_SOURCE)
    assert not article.text.startswith(PDF_TITLE)  # the title line is the title, not body text


def lines(*texts: tuple[str, float]) -> PageText:
    return PageText([Line(text, top, top + 10, 50, 50 + 12 * len(text)) for text, top in texts], 600, 800)


def test_running_headers_footers_and_page_numbers_go_but_other_lines_in_the_margin_stay():
    pages = [lines(("报告 内部资料", 20), (f"正文第{n}页的句子。", 300), (f"- {n} -", 780), ("附注在页脚区域。", 770))
             for n in range(1, 4)]
    pages[1].lines.append(Line("第二页最后一句写到了页边。", 760, 770, 50, 300))
    kept = remove_furniture(pages)
    assert [[line.text for line in page] for page in kept] == [
        ["正文第1页的句子。"], ["正文第2页的句子。", "第二页最后一句写到了页边。"], ["正文第3页的句子。"]]
    single = remove_furniture([lines(("唯一一页的正文。", 300), ("第 1 页", 780))])
    assert [line.text for line in single[0]] == ["唯一一页的正文。"]  # … a page number alone is enough


def test_wrapped_lines_join_without_spaces_and_short_lines_end_paragraphs():
    full = [Line("一二三四五六七八九十", 100, 110, 50, 550), Line("下一行结束。", 112, 122, 50, 200),
            Line("标题", 130, 140, 50, 80), Line("English words wrap", 150, 160, 50, 550),
            Line("onto the next line.", 162, 172, 50, 300)]
    assert join_lines([full], [600]) == "一二三四五六七八九十下一行结束。\n标题\nEnglish words wrap onto the next line."


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


def test_encrypted_corrupt_truncated_and_scanned_pdfs_are_reported(tmp_path):
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    locked = FPDF()
    locked.add_page()
    locked.set_font("helvetica", size=12)
    locked.cell(0, 10, "confidential text of the report")
    locked.set_encryption(owner_password="owner", user_password="user", encryption_method=EncryptionMethod.RC4)
    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 150, 200, style="F")  # a page that is all picture
    sample = make_pdf(tmp_path / "whole.pdf", pages=3).path.read_bytes()
    cases = {"locked.pdf": (bytes(locked.output()), "encrypted"),
             "scan.pdf": (bytes(scan.output()), "no text layer"),
             "cut.pdf": (sample[: len(sample) // 2], "truncated"),
             "garbage.pdf": (b"%PDF-1.7\n" + b"\x00garbage" * 500 + b"\n%%EOF\n", "corrupt")}
    for name, (data, reason) in cases.items():
        with pytest.raises(LoadError, match=reason):
            load_file(write(tmp_path, name, data), tmp_path, LoaderConfig())


def test_figures_split_by_a_line_break_or_a_justified_gap_stay_whole():
    wrapped = [Line("全县完成第100", 100, 110, 50, 550), Line("1项工作，惠及群众144 83人。", 112, 122, 50, 300)]
    assert tighten("惠及群众144 83人。") == "惠及群众14483人。"
    assert join_lines([[wrapped[0], Line(tighten(wrapped[1].text), 112, 122, 50, 300)]], [600]) == \
        "全县完成第1001项工作，惠及群众14483人。"
    assert tighten("Chapter 3 covers 2023 and 2024") == "Chapter 3 covers 2023 and 2024"
