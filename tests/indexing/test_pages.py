"""Page marks through cleaning, and the offset ↔ page mapping."""

from indexing.cleaning import clean_article
from indexing.pages import PAGE_MARK, decode_pages, encode_pages, page_at, page_in_passage, split_pages


def test_split_pages_removes_marks_and_records_where_pages_start():
    text, starts = split_pages(f"第一页。{PAGE_MARK}第二页开头，{PAGE_MARK}{PAGE_MARK}第四页。")
    assert text == "第一页。第二页开头，第四页。" and starts == (0, 4, 10, 10)
    assert [page_at(starts, i) for i in (0, 3, 4, 9, 10)] == [1, 1, 2, 2, 4]
    assert split_pages("没有页。") == ("没有页。", ()) and page_at((), 3) is None


def test_chunk_page_metadata_round_trips():
    starts = (0, 100, 250)
    encoded = encode_pages(starts, 90, 260)
    assert encoded == "1@0,2@100,3@250" and decode_pages(encoded) == ((1, 0), (2, 100), (3, 250))
    assert page_in_passage(decode_pages(encoded), 120) == 2 and page_in_passage((), 5) is None
    assert encode_pages((), 0, 10) == "" and decode_pages("") == ()


def test_cleaning_keeps_marks_of_dropped_lines_on_the_next_kept_line():
    text = f"第一页正文。\n{PAGE_MARK}分享到：微信\n第二页正文。\n{PAGE_MARK}\n第三页正文。"
    cleaned, starts = split_pages(clean_article(text).text)
    assert cleaned == "第一页正文。\n第二页正文。\n第三页正文。"
    assert [page_at(starts, cleaned.index(p)) for p in ("第一", "第二", "第三")] == [1, 2, 3]
