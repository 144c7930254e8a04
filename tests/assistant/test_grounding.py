"""The grounding guard on hand-made answers."""

from assistant.grounding import citation_numbers, ground

PASSAGES = [
    "扎賚特旗精準選派了196名優秀後備干部,到全旗196個嘎查村任“第一書記”,并配備了784名干部組成駐村工作隊。",
    "設立村集體經濟啟動、引領資金2220万元。",
    "驻大林村第一书记童本惠介绍,在建的是一座标准化土鸡育种厂。",
]


def test_a_supported_cited_answer_passes_unchanged():
    verdict = ground("Zalaite dispatched 196 first secretaries [1].", PASSAGES, "q", "en")
    assert verdict.supported and verdict.cited == [1] and not verdict.problems
    assert verdict.text == "Zalaite dispatched 196 first secretaries [1]."


def test_a_figure_in_no_passage_is_rejected():
    verdict = ground("Zalaite dispatched 28 first secretaries [1].", PASSAGES, "q", "en")
    assert not verdict.supported
    assert any("'28'" in p for p in verdict.problems)


def test_citing_a_passage_without_the_figure_is_repaired_to_the_one_with_it():
    verdict = ground("The work teams have 784 cadres [2].", PASSAGES, "q", "en")
    assert verdict.supported and 1 in verdict.cited
    assert verdict.text.endswith("[1]")


def test_citations_of_passages_that_were_not_shown_are_dropped():
    verdict = ground("196名 [7]", PASSAGES, "q", "zh")
    assert 7 not in citation_numbers(verdict.text)
    assert verdict.cited == [1]


def test_scaled_figures_match_chinese_units():
    assert ground("Wuhai set up 22.2 million yuan [2].", PASSAGES, "q", "en").supported
    assert ground("资金2220万元 [2]", PASSAGES, "q", "zh").supported


def test_names_in_an_english_answer_must_be_in_the_passages():
    assert ground("The first secretary is 童本惠 (Tong Benhui) [3].", PASSAGES, "q", "en").supported
    assert not ground("The first secretary is 王小明 [3].", PASSAGES, "q", "en").supported


def test_figures_taken_from_the_question_need_no_support():
    assert ground("In 2019, it dispatched 196 [1].", PASSAGES, "What happened in 2019?", "en").supported


def test_refusals_and_empty_answers_abstain():
    assert ground("NOT_FOUND", PASSAGES, "q", "en").abstained
    assert ground("The passages do not mention Beijing.", PASSAGES, "q", "en").abstained
    assert ground("文章中没有提到。", PASSAGES, "q", "zh").abstained
    assert ground("  ", PASSAGES, "q", "en").abstained


def test_an_answer_citing_nothing_is_not_supported():
    assert not ground("Party building matters.", PASSAGES, "q", "en").supported


def test_citation_forms():
    assert citation_numbers("a [1] b [2, 3] c 【4】 d [1]") == [1, 2, 3, 4]


def test_figures_touching_han_characters_are_checked():
    assert ground("乌海市选派了19名第一书记。", ["全市选派第一书记19名"], "q", "zh").cited == [1]
    assert not ground("乌海市选派了91名第一书记。", ["全市选派第一书记19名"], "q", "zh").supported


def test_a_mistranslated_chinese_scale_is_restated_from_the_passage():
    passages = ["全旗嘎查村集體經濟年收入總額僅為1875萬元。"]
    verdict = ground("The total income was 1875 million yuan [1].", passages, "q", "en")
    assert verdict.supported
    assert "1875万 (18.75 million)" in verdict.text and "1875 million" not in verdict.text
    assert ground("The total income was 18.75 million yuan [1].", passages, "q", "en").text.endswith("[1].")


def test_markers_used_as_the_subject_are_named():
    passages = ["全市选派第一书记19名", "共选派第一书记19名"]
    verdict = ground("[1] and [2] selected 19 first secretaries each.", passages,
                     "Which two places each selected 19 first secretaries?", "en", places=["乌海市", "乌兰县"])
    assert verdict.supported and verdict.text.startswith("乌海市 [1] and 乌兰县 [2] selected")


def test_an_answer_that_only_repeats_the_question_is_rejected():
    verdict = ground("The first secretary stationed in Dalin Village is [1].", PASSAGES,
                     "Who is the first secretary stationed in Dalin Village?", "en")
    assert not verdict.supported
    assert ground("童本惠 [3]", PASSAGES, "Who is the first secretary stationed in Dalin Village?", "en").supported


def test_a_figure_without_the_classifier_the_question_asks_for_is_rejected():
    passage = ["扎賚特旗面積11155平方公里,人口40萬人。共有28個基層黨委、573個黨支部、13504名黨員。"]
    question = "扎賚特旗共有多少名黨員？"
    assert not ground("40萬人 [1]", passage, question, "zh").supported
    assert ground("13504名黨員 [1]", passage, question, "zh").supported
    # No classifier in the question: nothing to compare.
    assert ground("40萬人 [1]", passage, "扎賚特旗人口是多少？", "zh").supported
    # 几个人 asks for people, whichever measure word counts them.
    assert ground("13504名黨員 [1]", passage, "扎賚特旗的黨員一共有幾個人？", "zh").supported


def test_a_short_chinese_answer_is_cited_where_it_stands():
    passages = ["该品种命名为“甘洛高山土鸡”。", "甘洛县发展土鸡产业。"]
    verdict = ground("甘洛高山土鸡 [2]", passages, "甘洛县的土鸡品种被命名为什么？", "zh")
    assert verdict.supported and 1 in verdict.cited


def test_an_english_figure_that_dropped_its_chinese_scale_is_restated():
    passages = ["2020年,全縣茶園面積18.4萬畝,咖啡種植面積7.6萬畝,咖啡豆產量8600噸。"]
    verdict = ground("Yunxiu had 7.6 mu of coffee in 2020 [1].", passages, "How many mu of coffee?", "en")
    assert verdict.supported and "7.6万 (76,000) mu" in verdict.text, verdict
    assert ground("Yunxiu had 76,000 mu of coffee [1].", passages, "How many mu of coffee?", "en").text == (
        "Yunxiu had 76,000 mu of coffee [1].")


def test_a_name_written_half_in_pinyin_is_made_whole_from_its_passage():
    passages = ["县委常委、组织部部长张海燕表示,下一步将持续抓党建。"]
    verdict = ground("The head of the department is Zhang海燕 [1].", passages, "Who heads it?", "en")
    assert verdict.supported and "张海燕 (Zhang Haiyan)" in verdict.text, verdict
    # A surname whose pinyin is not the romanised part is left as written (and checked as any name is).
    assert "Li海燕" in ground("It is Li海燕 [1].", passages, "Who heads it?", "en").text


def test_an_answer_that_announces_a_list_and_stops_says_nothing():
    question = "What kinds of behaviour count toward a villager's points?"
    verdict = ground("Under its rules, the following behaviours count toward a villager's points: [1]", PASSAGES,
                     question, "en")
    assert not verdict.supported
    assert ground("Hygiene and caring for elders count toward the points [1].", ["把环境卫生、孝老爱亲纳入积分"],
                  question, "en").supported


def test_a_half_romanised_name_keeps_a_reading_given_and_places_stay_places():
    passages = ["村党支部书记陳國富说，白岩村建成茶厂。"]
    verdict = ground("书记Chen国富 (Chen Guofu) said so [1].", passages, "Who?", "en")
    assert verdict.text.startswith("书记陈国富 (Chen Guofu) said")
    assert "Baiyan村" in ground("Baiyan村 built a tea factory [1].", passages, "What?", "en").text


def test_an_answer_repeating_the_question_in_other_inflections_says_nothing():
    question = "What kinds of behaviour count toward a villager's points?"
    assert not ground("Kinds of behaviours count toward villagers' points [1].", PASSAGES, question, "en").supported


def test_a_figure_before_a_unit_starting_with_qian_is_taken_as_written():
    # 千克 is a unit, not 1500 thousands: "1,500 kg" is the passage's own figure.
    verdict = ground("It produced 1,500 kg [1].", ["全村产量1500千克。"], "How much?", "en")
    assert verdict.supported and verdict.text == "It produced 1,500 kg [1]."


def test_an_english_answer_running_into_chinese_is_not_kept():
    passages = ["西洞村第一书记李卫强和村“两委”流转土地860亩，建起中药材基地和村办茶厂。"]
    mixed = ground("They built a中药材 base and a village办 tea factory [1].", passages,
                   "What did Xidong Village build on the transferred land?", "en")
    assert not mixed.supported and "runs Chinese words" in mixed.problems[0]
    named = ground("They built a herb base (中药材基地) and a village tea factory [1].", passages,
                   "What did Xidong Village build on the transferred land?", "en")
    assert named.supported, named.problems
