"""Cleaning, checked against the real articles in corpus/."""

import re
import unicodedata

import pytest

from indexing.cleaning import clean_article, is_navigation, parse_date
from indexing.config import LoaderConfig
from indexing.corpus import scan_corpus
from indexing.textnorm import strip_pinyin_artifacts
from tests.conftest import CORPUS, article_path

# Page furniture seen in the corpus: none of it may survive cleaning.
FURNITURE = [
    "微信公众号", "官方微博", "责编", "凉山新闻 西昌新闻", "地方网 >", "新闻推荐", "集中销毁过期炸药",
    "相关新闻", "猜你喜欢", "频道推荐", "热点排行", "渠县作家", "触碰右侧滑开", "分享到", "上一条", "网站地图",
    "ICP备", "公网安备", "浏览次数", "邮编", "https://",
]
# The only sentence lines dropped from the corpus: the unrelated sidebar story under 新闻推荐 and the
# site's slogan, both after the end of the Ganluo article.
SIDEBAR_PREFIXES = ("本报讯7月12日", "甘洛新闻,故乡情")


@pytest.fixture(scope="module")
def articles():
    scan = scan_corpus(CORPUS, LoaderConfig())
    assert not scan.skipped
    return {a.doc_id[:3]: a for a in scan.articles}


def test_all_five_articles_are_read(articles):
    assert sorted(articles) == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_page_furniture_is_gone(articles, prefix):
    text = articles[prefix].text
    for furniture in FURNITURE:
        assert furniture not in text, f"{furniture!r} left in {prefix}"


def test_pinyin_artifacts_are_gone_from_the_traditional_article(articles):
    raw = article_path("004").read_text(encoding="utf-8")
    assert "優(yōu)秀" in raw
    text = articles["004"].text
    assert "優秀干部" in text
    assert not re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", text)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_body_sentence_is_kept(articles, prefix):
    """Every line of the raw page that holds a sentence survives, except the known sidebar story."""
    raw = unicodedata.normalize("NFKC", article_path(prefix).read_text(encoding="utf-8"))
    clean = articles[prefix].text
    for line in strip_pinyin_artifacts(raw).replace("\\", "").split("\n"):
        line = line.strip()
        if "。" in line and len(line) >= 30 and not line.startswith(SIDEBAR_PREFIXES):
            assert line in clean, f"body line lost from {prefix}: {line[:40]}"


def test_known_first_and_last_body_sentences(articles):
    assert articles["000"].text.startswith("阿拉善右旗坚持把党的建设作为脱贫攻坚的重要引擎")
    assert articles["000"].text.endswith("确保高质量打赢脱贫攻坚战。")
    assert articles["001"].text.endswith("横向传导到边。")
    assert articles["002"].text.endswith("集体经济健康有序发展。")
    assert articles["004"].text.startswith("扎賚特旗位于全國14個集中連片特困區之一")


def test_header_fields_are_read_from_the_page():
    cleaned = clean_article(article_path("002").read_text(encoding="utf-8"))
    assert (cleaned.title, cleaned.date, cleaned.source, cleaned.author) == (
        "抓党建 决战决胜脱贫攻坚", "2020-08-03", "乌海日报", "颜慧")
    assert clean_article(article_path("003").read_text(encoding="utf-8")).date == "2016-11-03"


def test_byline_on_the_first_line_becomes_the_author():
    cleaned = clean_article(article_path("004").read_text(encoding="utf-8"))
    assert cleaned.author == "張文東"
    assert not cleaned.text.startswith("張文東")


def test_metadata_and_inference_fill_every_article(articles):
    for article in articles.values():
        assert article.title and article.region and article.aliases
    assert articles["004"].region_en and "Zalaite" in articles["004"].region_en


@pytest.mark.parametrize(("text", "expected"), [("2020年4月17日", "2020-04-17"), ("03.11.2016 23:20", "2016-11-03"),
                                                ("发布时间:2020-08-03 16:26", "2020-08-03"), ("无日期", None)])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_navigation_detection_keeps_short_headings():
    assert is_navigation("凉山新闻 西昌新闻 德昌新闻 会理新闻 会东新闻 宁南新闻")
    assert is_navigation("地方网 > 四川 > 凉山州")
    assert not is_navigation("战鼓擂 战事酣")
    assert not is_navigation("正西村新居。 现场培训核桃嫁接技术。 宋恩 摄")


def test_english_prose_is_not_taken_for_a_menu():
    from indexing.cleaning import is_navigation

    assert not is_navigation("The county sent 120 first secretaries to the villages and set up work teams")
    assert is_navigation("Home News Politics Economy Culture Contact")


def test_a_page_date_line_naming_its_weekday_after_markup_blank_lines_is_the_date():
    # A web page's markup leaves blank lines before its header; its date line names the weekday.
    page = "\n" * 20 + "  2020年9月15日 星期二\n\n\n首页\n\n青岭县：党建引领聚合力\n\n" + (
        "今年以来，青岭县坚持以党建引领脱贫攻坚，农产品网络销售额突破1.5亿元。\n")
    cleaned = clean_article(page)
    assert cleaned.date == "2020-09-15" and "销售额突破1.5亿元" in cleaned.text
    # A sentence holding a date is article text, not a date line.
    assert clean_article("2020年9月15日，青岭县召开脱贫攻坚推进会。").text.startswith("2020年9月15日")


def test_the_editor_line_taken_off_the_page_names_the_editor():
    page = "青岭县：党建引领\n发布时间:2020-09-15 09:32\n今年以来，青岭县坚持以党建引领脱贫攻坚。\n责任编辑:王蕾\n"
    cleaned = clean_article(page)
    assert cleaned.editor == "王蕾" and "王蕾" not in cleaned.text
    # A checker's line (审核) names no editor.
    assert clean_article(page.replace("责任编辑", "审核")).editor is None
