"""Query analysis over the real corpus articles (no model needed)."""

import pytest

from assistant.query import (
    QueryAnalyzer,
    asks_for_a_list,
    chinese_places,
    detect_language,
    fold_pinyin,
    han_pinyin,
    romanised_name,
)
from indexing.chunking import Chunker
from indexing.config import ChunkingConfig, LoaderConfig
from indexing.corpus import scan_corpus
from indexing.documents import Article
from indexing.keyword import tokenize
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def analyzer():
    articles = scan_corpus(CORPUS, LoaderConfig()).articles
    chunker = Chunker(ChunkingConfig())
    vocabulary = {t for a in articles for c in chunker.split(a) for t in tokenize(c.embedding_text())}
    return QueryAnalyzer(articles, vocabulary)


def test_language_detection():
    assert detect_language("乌海市选派了多少名第一书记？") == "zh"
    assert detect_language("How many first secretaries did Zalaite dispatch?") == "en"
    assert detect_language("扎賚特旗 has how many?") == "zh"


def test_pinyin_folding_matches_how_users_type_names():
    assert han_pinyin("扎赉特") == fold_pinyin("Zhalaite") == fold_pinyin("Zalaite")


@pytest.mark.parametrize(("question", "expected"), [
    ("How many party members does Zalaite Banner have?", "扎赉特旗"),
    ("What did Jalaid Banner do?", "扎赉特旗"),
    ("How much camel milk did Alashan produce?", "阿拉善右旗"),
    ("Who is the first secretary of Dalin Village?", "大林"),
    ("How many villages does Ulan County have?", "乌兰县"),
])
def test_romanised_names_are_mapped_to_chinese(analyzer, question, expected):
    assert expected in analyzer.analyze(question).expansions


@pytest.mark.parametrize(("question", "unknown"), [
    ("How many first secretaries did Chaoyang District in Beijing dispatch?", "Beijing"),
    ("What is the population of Paris?", "Paris"),
    ("上海市选派了多少名第一书记？", "上海市"),
])
def test_names_the_articles_never_mention_are_reported(analyzer, question, unknown):
    assert unknown in analyzer.analyze(question).unknown_names


@pytest.mark.parametrize("question", [
    "How many first secretaries did Wuhai select?",
    "乌兰县共有多少个行政村？",
    "What did Xi Jinping's thought guide in Alxa Right Banner?",
    "How many poor students did Wulan County support?",
])
def test_questions_about_the_articles_have_no_unknown_names(analyzer, question):
    assert analyzer.analyze(question).unknown_names == []


def test_specific_entities_are_told_apart_from_article_places(analyzer):
    analysis = analyzer.analyze("Who is the first secretary stationed in Dalin Village?")
    assert analysis.entities == ["大林"]
    assert analyzer.analyze("How many party members does Zalaite Banner have?").entities == []


@pytest.mark.parametrize("question", [
    "海棠镇共建立了几个专业合作社？",  # jieba: 海棠 + 镇共(ns)
    "海棠镇里有哪些党小组？",  # jieba: 海棠 + 镇里(ns)
    "海棠镇东门村等几个村共建立了多少个专业合作社？",
    "新茶乡大林村有多少户参与合作社？",
])
def test_a_place_jieba_runs_into_its_neighbour_is_not_unknown(analyzer, question):
    assert analyzer.analyze(question).unknown_names == []


@pytest.mark.parametrize("question", ["上海市选派了多少名第一书记？", "北京市朝阳区有多少个行政村？"])
def test_places_no_article_mentions_are_still_unknown(analyzer, question):
    assert analyzer.analyze(question).unknown_names


def test_sentence_openers_and_quoted_names_are_not_unknown_places(analyzer):
    assert analyzer.analyze("Adding up Wuhai and Ulan, how many first secretaries?").unknown_names == []
    assert analyzer.analyze("What did the 'Warm Heart' campaign in Alxa do?").unknown_names == []
    assert analyzer.analyze("How many first secretaries did Beijing dispatch?").unknown_names == ["Beijing"]


def test_a_place_named_by_its_pinyin_is_found_whatever_jieba_made_of_it(analyzer):
    analysis = analyzer.analyze("What demonstration sites include Hushuqi Gacha?")
    assert any("胡树其" in name for name in analysis.expansions), analysis


def test_the_known_places_of_a_question_are_given_as_the_articles_write_them():
    from assistant.query import chinese_places

    def mentioned(name: str) -> bool:
        return name in "海棠镇东门村、海棠村共建立4个专业合作社"

    assert chinese_places("海棠镇共建立了多少个专业合作社？", mentioned) == (["海棠镇"], [])
    assert chinese_places("北京市选派了多少名第一书记？", mentioned)[1] == ["北京市"]


@pytest.fixture(scope="module")
def apostrophe_analyzer():
    """A made-up county whose pinyin needs an apostrophe between syllables (岐安 = Qi'an, not Qian)."""
    article = Article(doc_id="qa", path="qa.html", title="岐安县：党建引领脱贫",
                      text="岐安县选派第一书记152名。岐安县的“党员致富贷”累计发放贷款9860万元。")
    return QueryAnalyzer([article], {"岐安县", "岐安", "第一书记", "党员", "贷款"})


@pytest.mark.parametrize("question", [
    "How many first secretaries did Qi'an County send?",
    "What was Qi’an’s output?",  # curly apostrophes, and a possessive
    "How much has Qi'an County lent under its '党员致富贷' (party members' loan)?",  # a quote after the name
])
def test_an_apostrophe_inside_a_pinyin_name_is_part_of_it(apostrophe_analyzer, question):
    analysis = apostrophe_analyzer.analyze(question)
    assert any(e.startswith("岐安") for e in analysis.expansions) and analysis.unknown_names == [], analysis


def test_a_people_named_in_english_is_its_chinese_name_with_zu() -> None:
    text = "岩溪县总人口28.6万人，其中土家族、苗族人口占78.3%。"
    article = Article(doc_id="y1", path="y1.html", title="岩溪县", text=text, region="岩溪县",
                      aliases=("岩溪县", "岩溪", "Yanxi"))
    analysis = QueryAnalyzer([article], {"岩溪县", "土家族", "苗族", "人口"}).analyze(
        "What share of Yanxi County's population is Miao, and how many are Tujia?")
    assert {"苗族", "土家族"} <= set(analysis.expansions) and analysis.unknown_names == []


def test_a_romanised_name_matched_whole_is_not_also_its_syllables_names() -> None:
    article = Article(doc_id="d1", path="d1.html", title="青岭县", text="青岭县第一书记董伟带领侗族群众种茶。",
                      region="青岭县", aliases=("青岭县", "青岭", "Qingling"))
    analysis = QueryAnalyzer([article], {"青岭县", "董伟", "侗族", "第一书记"}).analyze(
        "What did first secretary Dong Wei do in Qingling County?")
    assert "董伟" in analysis.expansions and "侗族" not in analysis.expansions


def test_a_name_is_romanised_in_full_pinyin_surname_first() -> None:
    # han_pinyin folds zh to z for matching; a name shown to a reader keeps it.
    assert romanised_name("张国强") == "Zhang Guoqiang"
    assert romanised_name("欧阳修") == "Ouyang Xiu"
    assert romanised_name("马文博", "马") == "Ma Wenbo"


def test_a_list_named_in_the_question_is_no_list_asked_for() -> None:
    assert asks_for_a_list("List the eight kinds of units.") and asks_for_a_list("Give me a list of the towns.")
    assert not asks_for_a_list("When was Wangmo County approved to exit the list of poverty-stricken counties?")
    assert not asks_for_a_list("Which places mention a 'red and black list'?")
    assert not asks_for_a_list("Was Wangmo County removed from a list of poor counties?")
    assert asks_for_a_list("Ganluo County. List its measures.")


def test_places_counted_or_pointed_at_are_no_unknown_names() -> None:
    asked = "岩溪、岐安、云岫三县的村党组织书记中大专以上学历的各有多少名？"
    known, unknown = chinese_places(asked, lambda name: False)
    assert "三县" not in known + unknown
    assert chinese_places("各嘎查的党员有多少名？", lambda name: False) == ([], [])
