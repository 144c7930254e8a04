"""The bilingual lexicon: English question words to the Chinese words the articles write (real CC-CEDICT)."""

from assistant.lexicon import BilingualLexicon

INCOME_TEXT = "2020年，全县农村常住居民人均可支配收入达到12000元，贫困户人均纯收入9865元。"


def test_a_dictionary_word_the_articles_write_translates_though_segmentation_split_it() -> None:
    # jieba made 可支配 + 收入 of 可支配收入: the phrase still translates as the articles write it.
    vocabulary = ["可支配", "收入", "纯收入", "人均", "一次性"]
    forms = dict(BilingualLexicon(vocabulary, [INCOME_TEXT]).translate(["disposable", "income"]))
    assert forms == {"disposable income": frozenset({"可支配收入"})}
    # Without the articles' text only the vocabulary translates, and "disposable" is single-use goods.
    assert "disposable income" not in dict(BilingualLexicon(vocabulary).translate(["disposable", "income"]))


def test_an_unsegmented_word_adds_nothing_to_a_word_the_vocabulary_translates() -> None:
    # 进项 ("income; receipts") is written inside 增进项目, which says nothing of income.
    lexicon = BilingualLexicon(["收入", "增进", "项目"], ["增进项目建设，增加收入"])
    assert "进项" not in lexicon.forms["income"] and "收入" in lexicon.forms["income"]


def test_a_string_across_two_written_words_is_no_word_of_the_articles() -> None:
    # 漫山茶园 holds 山茶 ("camellia") across 漫山 + 茶园: the articles do not write it.
    lexicon = BilingualLexicon(["漫山", "茶园", "油茶"], ["漫山茶园郁郁葱葱，油茶产业综合产值3.2亿元。"])
    assert not lexicon.forms.get("camellia")


def test_a_closed_english_compound_translates_as_its_two_word_gloss() -> None:
    # 猕猴桃 is "kiwi fruit" in the dictionary; questions write "kiwifruit".
    lexicon = BilingualLexicon(["猕猴桃", "苹果", "种植"])
    assert dict(lexicon.translate(["kiwifruit"]))["kiwifruit"] == frozenset({"猕猴桃"})
    assert not lexicon.is_verb("kiwifruit")


def test_irregular_plurals_and_past_forms_translate() -> None:
    lexicon = BilingualLexicon(["女性", "妇女", "派出", "选派", "登记", "书记", "注册", "名册"])
    forms = dict(lexicon.translate(["women", "sent"]))
    assert "女性" in forms["woman"] and "派出" in forms["send"] and lexicon.is_verb("send")
    # "registered" is no inflection to translate as "register" (名册, a noun too): a clause need not state 登记.
    assert dict(lexicon.translate(["registered"])) == {"registered": frozenset()}


def test_a_noun_made_from_a_verb_is_translated_as_the_verb() -> None:
    lexicon = BilingualLexicon(["搬迁", "安置"])
    assert lexicon.nominalized_verb("relocation") == "relocate"
    assert dict(lexicon.translate(["relocation"])) == {"relocate": frozenset({"搬迁"})}
    assert lexicon.nominalized_verb("station") is None


def test_the_campaigns_phrases_translate_though_their_glosses_are_long() -> None:
    # CC-CEDICT glosses 脱贫 "to lift oneself out of poverty": too long a gloss to keep, the words a question uses.
    lexicon = BilingualLexicon(["脱贫", "返贫", "贫困", "户"])
    assert dict(lexicon.translate(["escaped", "poverty"])).get("escape poverty") == frozenset({"脱贫"})
    assert frozenset({"脱贫"}) in dict(lexicon.translate(["lifted", "out", "of", "poverty"])).values()
    assert dict(lexicon.translate(["returning", "to", "poverty"])).get("return poverty") == frozenset({"返贫"})
    # A corpus without the word has no such translation.
    assert "escape poverty" not in dict(BilingualLexicon(["贫困"]).translate(["escaped", "poverty"]))


def test_rural_policy_terms_the_dictionary_glosses_otherwise_translate() -> None:
    # 流转 is "to circulate (of goods or capital)" and 两委 is missing from CC-CEDICT: a question about land the
    # village committees brought in through land transfer must still find 村“两委”流转土地860亩.
    lexicon = BilingualLexicon(["流转", "土地", "两委", "村"])
    assert dict(lexicon.translate(["land", "transfer"])).get("land transfer") == frozenset({"流转"})
    assert dict(lexicon.translate(["transfer", "land"])).get("transfer land") == frozenset({"流转"})
    assert "两委" in dict(lexicon.translate(["village", "committees"]))["village committee"]
    # 农户 is glossed "peasant household": farming households are the campaign's 农户.
    farms = BilingualLexicon(["农户", "农业", "户"])
    assert dict(farms.translate(["farming", "households"])).get("farming household") == frozenset({"农户"})


def test_a_campaign_phrase_is_looked_up_by_its_words() -> None:
    # "County-level" is 县直 (县直干部, 县直单位) as well as CC-CEDICT's 县级: a compound is looked up as the phrase.
    lexicon = BilingualLexicon(["县级", "县直", "干部", "单位"])
    assert lexicon.campaign_forms(("county", "level")) >= {"县直"}
    assert lexicon.campaign_forms(("village", "level")) == frozenset()


def test_a_corpus_word_written_in_pinyin_translates_unless_the_dictionary_has_the_word() -> None:
    lexicon = BilingualLexicon(["嘎查", "苏木", "干部"])
    assert "嘎查" in dict(lexicon.translate(["gachas"]))["gacha"]
    assert "苏木" in dict(lexicon.translate(["sumu"]))["sumu"]
    # An English word the dictionary translates keeps its translation: "mama" is 妈妈, not 麻麻 by its pinyin.
    assert dict(BilingualLexicon(["妈妈", "麻麻"]).translate(["mama"]))["mama"] == frozenset({"妈妈"})
