from pathlib import Path

import pytest

from indexing.config import LoaderConfig
from indexing.loaders import LoadError, html_to_text, load_file

TEXT = "扎赉特旗精准选派了196名优秀后备干部。"
TRADITIONAL = "扎賚特旗精準選派了一百九十六名優秀後備幹部到全旗嘎查村任第一書記。"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "big5"])
def test_detects_common_chinese_encodings(tmp_path, encoding):
    sample = (TRADITIONAL if encoding == "big5" else TEXT) * 20
    path = write(tmp_path, "a.txt", sample.encode(encoding))
    loaded = load_file(path, tmp_path, LoaderConfig())
    assert loaded.text.strip() == sample
    assert loaded.doc_id == "a"


def test_html_keeps_article_text_and_drops_page_furniture(tmp_path):
    page = (
        "<html><head><title>标题页</title><script>var x=1;</script></head><body>"
        "<nav>首页 新闻 体育</nav><h1>乌海市抓党建</h1><p>全市选派第一书记19名。</p>"
        "<footer>版权所有</footer></body></html>"
    )
    loaded = load_file(write(tmp_path, "p.html", page.encode()), tmp_path, LoaderConfig())
    assert "全市选派第一书记19名。" in loaded.text
    assert loaded.title_hint == "乌海市抓党建"
    for furniture in ("var x", "首页 新闻", "版权所有"):
        assert furniture not in loaded.text


def test_markdown_heading_becomes_title(tmp_path):
    loaded = load_file(write(tmp_path, "m.md", "# 乌兰县\n\n共有**38个**行政村。\n".encode()), tmp_path,
                       LoaderConfig())
    assert loaded.title_hint == "乌兰县"
    assert "共有38个行政村。" in loaded.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"   \n\n  ", "no text"),
    ],
)
def test_broken_files_raise_a_reason(tmp_path, data, reason):
    with pytest.raises(LoadError, match=reason):
        load_file(write(tmp_path, "bad.txt", data), tmp_path, LoaderConfig())


def test_undecodable_bytes_are_rejected(tmp_path):
    noise = bytes((i * 97 + 13) % 256 for i in range(4000) if (i * 97 + 13) % 256 not in (0,))
    with pytest.raises(LoadError):
        load_file(write(tmp_path, "noise.txt", noise), tmp_path, LoaderConfig())


def test_huge_files_are_rejected_before_reading(tmp_path):
    path = write(tmp_path, "big.txt", TEXT.encode() * 100)
    with pytest.raises(LoadError, match="too large"):
        load_file(path, tmp_path, LoaderConfig(max_bytes=1000))


def test_deeply_nested_unclosed_html_is_read_in_one_pass():
    text, title = html_to_text("<title>标题</title>" + "<div>" * 50_000 + "正文第一句。" + "<p>第二段" * 10)
    assert "正文第一句。" in text and text.count("第二段") == 10 and title == "标题"
