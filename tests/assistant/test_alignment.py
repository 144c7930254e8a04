"""Claim–question alignment rules, on sentences written for these tests (no models)."""

import pytest

from assistant.alignment import align
from assistant.answer import Passage
from assistant.evidence import Claim, EvidenceSelector, best_claim, figure_claims
from assistant.extractive import evidence_answer
from assistant.figures import clause_figures
from assistant.lexicon import BilingualLexicon, lemma
from assistant.query import asks_across_articles
from assistant.question_frame import FrameBuilder, QuestionFrame, Term, asks_several_figures
from assistant.sentences import sentence_before
from assistant.verification import (
    answer_gap,
    half_answered,
    lacks_figure,
    misaligned_figure,
    misunitted_figure,
    overlooked_claim,
)
from indexing.textnorm import normalize_for_matching

TEAMS = ("为加强驻村力量，青岭县精准选派了120名优秀干部，到全县120个行政村任第一书记，"
         "并配备了365名干部组成驻村工作队。")
INCOME = "全县建档立卡贫困户人均纯收入由2016年的6120元增加到2019年的11830元，贫困发生率从2014年的12.5%下降至0.6%。"
PRODUCE = "青岭县全年茶叶产量达820吨，产值突破3100万元，带动1400多户贫困户增收。"
RATIO = "实现每个村都有1支驻村工作队、1名第一书记。"
OTHER_PLACE = "松溪县全年核桃产量达560吨，产值2400万元。"

VOCABULARY = ["选派", "干部", "第一书记", "书记", "第一", "驻村", "工作队", "工作", "队", "人均", "纯收入", "收入",
              "贫困户", "贫困", "户", "茶叶", "产量", "产值", "核桃", "行政村", "村", "发生率", "组成", "配备", "女性",
              "黄色", "绿色", "村党组织", "党组织", "组织", "评定", "正在", "旗"]


@pytest.fixture(scope="module")
def frames() -> FrameBuilder:
    articles = [TEAMS + INCOME + PRODUCE + RATIO, OTHER_PLACE] + ["全县干部群众认真学习。"] * 6
    return FrameBuilder(BilingualLexicon(VOCABULARY), ["青岭县", "青岭", "松溪县", "松溪"], articles)


def passages(*texts: str, place: str = "青岭县") -> list[Passage]:
    return [Passage(n=n, doc_id=f"d{n}", chunk_id=f"d{n}#0", title="t", text=text, score=1.0, place=place)
            for n, text in enumerate(texts, start=1)]


def best_of(frame: QuestionFrame, found: list[Passage], lines: int = 3) -> Claim | None:
    """The best claim of the evidence a fresh selector picks from `found` for `frame`."""
    return best_claim(frame, EvidenceSelector().select(frame, found, lines))


def test_lemma_and_lexicon_translate_english_to_corpus_words() -> None:
    assert lemma("secretaries") == "secretary" and lemma("teams") == "team"
    assert lemma("organisations") == lemma("organizations") == "organization" and lemma("centres") == "center"
    assert lemma("exercise") == "exercise" and lemma("enterprises") == "enterprise"
    lexicon = BilingualLexicon(VOCABULARY)
    forms = dict(lexicon.translate(["cadres", "tea", "output"]))
    assert "干部" in forms["cadre"] and "茶叶" in forms["tea"] and "产量" in forms["output"]


def test_clause_figures_read_units_and_scales_and_skip_years() -> None:
    figures = clause_figures("由2016年的6120元增加到1875萬元，选派了120名干部，12.5%")
    assert [(f.value, f.unit_class) for f in figures] == [
        (6120, "money"), (18_750_000, "money"), (120, "people"), (12.5, "percent")]


def test_frames_carry_unit_year_place_and_terms(frames: FrameBuilder) -> None:
    zh = frames.build("青岭县选派了多少名第一书记？", "zh")
    assert zh.unit == "people" and zh.places == ("青岭县",) and zh.wants_figure
    en = frames.build("What was the per capita net income of poor households in 2019?", "en")
    assert en.years == ("2019",) and en.wants_figure
    assert any("人均" in t.forms for t in en.terms)


def test_a_clause_with_another_measure_word_is_not_admissible(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县有多少名第一书记？", "zh")
    people = align(frame, "精准选派了120名优秀干部", TEAMS, TEAMS, ["青岭县"])
    villages = align(frame, "到全县120个行政村任第一书记", TEAMS, TEAMS, ["青岭县"])
    assert people.admissible and not villages.admissible


def test_a_passage_of_another_place_is_not_admissible(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县的核桃产量是多少？", "zh")
    assert not align(frame, OTHER_PLACE, OTHER_PLACE, OTHER_PLACE, ["松溪县", "松溪"]).admissible


@pytest.mark.parametrize(("question", "language", "expected", "wrong"), [
    ("How many cadres make up the work teams in Qingling County?", "en", "365", "120"),
    ("青岭县选派了多少名第一书记？", "zh", "120", "365"),
    ("What was the per capita net income of poor households in 2019?", "en", "11830", "6120"),
    ("全县2016年贫困户人均纯收入是多少？", "zh", "6120", "11830"),
])
def test_the_best_claim_is_the_figure_the_question_asks_for(frames: FrameBuilder, question: str, language: str,
                                                            expected: str, wrong: str) -> None:
    frame = frames.build(question, language, places=["青岭县"] if "Qingling" in question else [])
    evidence = EvidenceSelector().select(frame, passages(TEAMS, INCOME, RATIO), limit=4)
    claim = best_claim(frame, evidence)
    assert claim is not None and expected in claim.quote and wrong not in claim.quote
    text, _, _ = evidence_answer(frame, evidence)
    assert expected in text and wrong not in text


def test_a_figure_from_the_neighbouring_clause_is_flagged_and_the_right_one_offered(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县配备了多少名驻村工作队干部？", "zh")
    evidence = EvidenceSelector().select(frame, passages(TEAMS), limit=4)
    better = misaligned_figure(frame, "青岭县选派了120名 [1]", evidence)
    assert better is not None and "365" in better.quote
    assert misaligned_figure(frame, "配备了365名干部 [1]", evidence) is None
    assert misaligned_figure(frame, "配备了365名干部，另有120名 [1]", evidence) is not None


def test_a_listed_neighbours_figure_given_instead_of_the_asked_one_is_flagged(frames: FrameBuilder) -> None:
    # Both figures stand in one clause; only the one said of the asked kind answers.
    stars = passages("青岭县2019年评定五星级党支部23个、四星级党支部57个，整顿软弱涣散村党组织11个。")
    frame = frames.build("青岭县2019年评定了多少个四星级党支部？", "zh")
    evidence = EvidenceSelector().select(frame, stars, limit=4)
    better = misaligned_figure(frame, "23个 [1]", evidence)
    assert better is not None and better.value == 57
    assert misaligned_figure(frame, "四星级党支部57个 [1]", evidence) is None
    # Quoting the asked figure with its neighbour of the same measure leaves the reader to pick: the extractive
    # answer quotes the asked item alone.
    quoted = misaligned_figure(frame, "五星级党支部23个、四星级党支部57个 [1]", evidence)
    assert quoted is not None and quoted.value == 57


def test_a_year_written_without_nian_is_no_figure_of_the_answer(frames: FrameBuilder) -> None:
    assert [f.value for f in clause_figures("围绕“青岭2018贫困县摘帽”目标")] == []
    assert [f.value for f in clause_figures("投入2018万元，2000-5000户")] == [20_180_000, 2000, 5000]
    frame = frames.build("青岭县的贫困发生率是多少？", "zh")
    contexts = passages("围绕“青岭2018贫困县摘帽”目标，全县贫困发生率持续下降。")
    selector = EvidenceSelector()
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts)) == (
        "no clause of the evidence gives a figure for what the question asks")


@pytest.mark.parametrize("question", [
    "How many 'empty-shell' villages did Qingling County have?",
    "How many of the villages in Qingling County were poor?",
])
def test_quotes_and_of_the_leave_the_counted_noun(frames: FrameBuilder, question: str) -> None:
    assert frames.build(question, "en", places=["青岭县"]).unit == "count"


def test_a_kind_written_after_the_figure_is_another_clauses_subject() -> None:
    text = "全县村集体经济收入总额达到2856万元，其中年收入10万元以上的村118个，50万元以上的村9个，“空壳村”全部清零。"
    lexicon = BilingualLexicon([*VOCABULARY, "空壳村", "空壳", "集体经济", "清零"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [text, "松溪县空壳村12个。"] + ["全县干部群众认真学习。"] * 6)
    selector = EvidenceSelector()
    for question, language in [("青岭县有多少个空壳村？", "zh"), ("How many 'empty-shell' villages did Qingling County "
                                                                  "have?", "en")]:
        frame = frames.build(question, language, places=["青岭县"])
        contexts = passages(text)
        assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts)), question
    # The kind written before its figure, in the clause, is that figure's: the count among all villages.
    text = "青岭县186个村中集体经济“空壳村”有63个。"
    frame = frames.build("How many 'empty-shell' villages did Qingling County have?", "en", places=["青岭县"])
    assert best_claim(frame, selector.select(frame, passages(text), 4)).value == 63


def test_a_people_named_in_english_is_a_kind_only_where_people_are_meant(frames: FrameBuilder) -> None:
    def terms(question: str) -> list[str]:
        return [t.text for t in frames.build(question, "en", places=["青岭县", "苗族"]).terms]

    assert "苗族" in terms("What share of Qingling County's population is Miao?")
    assert "苗族" not in terms("How many Miao embroidery workshops does Qingling County have?")


def test_a_figure_said_of_several_kinds_together_is_no_figure_of_one() -> None:
    text = "青岭县总人口28.6万人，其中土家族、苗族人口占78.3%，曾是国家扶贫开发工作重点县。"
    lexicon = BilingualLexicon([*VOCABULARY, "土家族", "苗族", "人口", "总人口", "比例", "占"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [text, "松溪县"] + ["全县干部群众认真学习。"] * 6)
    selector = EvidenceSelector()
    contexts = passages(text)
    miao = frames.build("青岭县苗族人口占总人口的比例是多少？", "zh", places=["青岭县"])
    assert answer_gap(miao, selector.select(miao, contexts, 4), selector.candidates(miao, contexts))
    # Asked of both together (占多少 asks a share), the joint figure answers.
    both = frames.build("青岭县土家族和苗族人口占多少？", "zh", places=["青岭县"])
    assert both.unit == "percent"
    assert best_claim(both, selector.select(both, contexts, 4)).value == 78.3


def test_a_ratio_does_not_answer_a_how_many_question(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    evidence = EvidenceSelector().select(frame, passages(RATIO, TEAMS), limit=4)
    assert "120" in best_claim(frame, evidence).quote


def test_near_misses_leave_a_gap(frames: FrameBuilder) -> None:
    selector = EvidenceSelector()
    # Another place's product, a category the article does not break down, a year it does not give.
    for question, language, contexts in [
        ("青岭县的核桃产量是多少？", "zh", passages(PRODUCE) + passages(OTHER_PLACE, place="松溪县")),
        ("青岭县有多少名女性第一书记？", "zh", passages(TEAMS)),
        ("How many of the first secretaries Qingling County sent were women?", "en", passages(TEAMS)),
        ("How many female cadres did Qingling County send to the village work teams?", "en", passages(TEAMS)),
        ("青岭县2018年贫困户人均纯收入是多少？", "zh", passages(INCOME)),
    ]:
        frame = frames.build(question, language, places=[] if language == "zh" else ["青岭县"])
        evidence = selector.select(frame, contexts, limit=4)
        assert answer_gap(frame, evidence, selector.candidates(frame, contexts)), question
    frame = frames.build("青岭县的茶叶产量是多少？", "zh")
    contexts = passages(PRODUCE)
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts)) is None


def test_an_english_near_miss_naming_its_product_in_one_closed_word_leaves_a_gap() -> None:
    # "kiwifruit" is 猕猴桃 ("kiwi fruit" in the dictionary); Qingling grows apples only.
    apples, kiwi = "2020年，青岭县苹果种植面积23.5万亩，产量28.7万吨。", "松溪县猕猴桃种植面积8.3万亩。"
    lexicon = BilingualLexicon([*VOCABULARY, "猕猴桃", "苹果", "种植", "面积"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭", "松溪县", "松溪"], [apples, kiwi])
    selector = EvidenceSelector()
    contexts = passages(apples) + passages(kiwi, place="松溪县")
    frame = frames.build("How many mu of kiwifruit does Qingling County grow?", "en", places=["青岭县"])
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts))
    frame = frames.build("How many mu of kiwifruit does Songxi County grow?", "en", places=["松溪县"])
    evidence = selector.select(frame, contexts, 4)
    assert answer_gap(frame, evidence, selector.candidates(frame, contexts)) is None
    assert "8.3万亩" in best_claim(frame, evidence).quote


def test_spaces_and_thousands_separators_keep_figures_whole(frames: FrameBuilder) -> None:
    assert [f.value for f in clause_figures("人均纯收入27,772元")] == [27772]
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    evidence = EvidenceSelector().select(frame, passages("全县 共有 196名第一书记。"), limit=3)
    assert "196名第一书记" in best_claim(frame, evidence).quote


def test_years_and_the_questions_own_figures_are_not_the_answer(frames: FrameBuilder) -> None:
    frame = frames.build("What was the per capita net income of poor households in 2019?", "en")
    evidence = EvidenceSelector().select(frame, passages(INCOME), limit=3)
    assert misaligned_figure(frame, "In 2019 it reached 11830 yuan [1]", evidence) is None
    assert not lacks_figure(frames.build("青岭县2019年选派了多少名第一书记？", "zh"), "选派了201名 [1]")
    assert lacks_figure(frame, "It rose in 2019 [1]")
    assert frames.build("超过2000户的村有几个？", "zh").years == ()


@pytest.mark.parametrize(("question", "across"), [
    ("乌海市和乌兰县分别选派了多少名第一书记？", True), ("Which counties set up night schools?", True),
    ("成都的人都脱贫了吗？", False), ("Where is the county seat of Ganluo?", False),
    ("How many villages each have a first secretary?", False),
    ("Which of the county reports say how many of their first secretaries were women?", True),
    ("哪些文章提到了夜校？", True), ("Which articles mention night schools?", True),
])
def test_comparisons_are_told_from_single_place_questions(question, across):
    assert asks_across_articles(question) is across


MEASURES = "截至目前，青岭县工作队制定了460条帮扶措施，已落实315条；"
GROUPS = "园区联盟下辖纠纷调处党小组、征地拆迁党小组、劳务输出党小组等3个党小组。"
SUMMARY = "青岭县把党小组分成三类，打造联盟。"
SECRETARIES = ("青岭县委书记王建国说：“脱贫攻坚是头等大事。”", "青岭县委常委、组织部长李明华说：“党建要抓实。”")


def test_a_clause_that_leaves_out_its_counted_noun_counts_the_previous_clauses_noun(frames: FrameBuilder) -> None:
    # 已落实315条 says nothing of 帮扶措施: it is taken over from the clause before (same measure word 条).
    frame = frames.build("青岭县工作队已经落实了多少条帮扶措施？", "zh")
    shown = EvidenceSelector().select(frame, passages(MEASURES), 3)
    claim = best_claim(frame, shown)
    assert claim is not None and claim.value == 315
    claim = best_claim(frames.build("青岭县工作队制定了多少条帮扶措施？", "zh"), shown)
    assert claim is not None and claim.value == 460


def test_the_next_clause_states_a_figures_noun_unless_it_counts_its_own(frames: FrameBuilder) -> None:
    # 到全县120个行政村任第一书记 names what the 120名 are (its 个 counts villages, not people).
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    claim = best_of(frame, passages(TEAMS))
    assert claim is not None and claim.value == 120 and claim.evidence.passage.n == 1


@pytest.mark.parametrize(("question", "unit"), [
    ("青岭县的驻村工作队员一共有几个人？", "people"),
    ("青岭县茶叶产值是多少？", "money"),
    ("What was the output value of tea in Qingling County?", "money"),
    ("青岭县的贫困发生率是多少？", "percent"),
    ("How many village cadres did Qingling County train?", "people"),
    ("How many cadres serve in the village work teams?", "people"),
    # A participle right after "how many" describes the counted noun; it is no verb ending the phrase.
    ("How many registered poor people did Qingling County have in 2014?", "people"),
    ("How many trained village cadres does Qingling County have?", "people"),
    ("What was the tea output of Qingling County?", "weight"),
    ("青岭县茶叶产量是多少？", "weight"),
    # "How much" never counts heads, though "population" comes first.
    ("In Qingling County, how much of the poor population's medical expenses was reimbursed?", "money"),
])
def test_the_asked_unit_comes_from_the_counted_or_measured_noun(frames: FrameBuilder, question: str, unit: str
                                                                ) -> None:
    assert frames.build(question, "zh" if "县" in question else "en").unit == unit


def test_which_ones_is_a_list_not_a_how_many_question(frames: FrameBuilder) -> None:
    from assistant.query import asks_for_a_list

    assert not frames.build("园区联盟下辖哪几个党小组？", "zh").wants_figure
    assert asks_for_a_list("青岭县把党小组分成了哪三类？") and asks_for_a_list("Which three groups were set up?")
    assert not asks_for_a_list("青岭县选派了多少名第一书记？")


def test_a_list_question_prefers_the_sentence_that_enumerates(frames: FrameBuilder) -> None:
    from assistant.verification import incomplete_list

    frame = frames.build("园区联盟下辖哪三类党小组？", "zh")
    shown = EvidenceSelector().select(frame, passages(SUMMARY, GROUPS), 3)
    text, _, _ = evidence_answer(frame, shown)
    assert "征地拆迁" in text and "劳务输出" in text
    assert incomplete_list(frame, "分成三类 [1]", shown) is not None
    assert incomplete_list(frame, "纠纷调处、征地拆迁、劳务输出 [1]", shown) is None


FOUR_GROUPS = "园区联盟下辖纠纷调处党小组、征地拆迁党小组、劳务输出党小组、农产品进企党小组。"
SEVEN_MEASURES = "青岭县实施易地搬迁、危房改造、低保兜底、医疗救助、教育扶贫、产业扶持、就业培训等措施。"


def test_list_questions_in_either_script_and_the_count_they_ask_for() -> None:
    from assistant.query import asked_count, asks_for_a_list

    assert asks_for_a_list("園區聯盟下轄哪幾個黨小組？") and asks_for_a_list("青嶺縣的舉措分別是什麼？")
    assert asks_for_a_list("青岭县探索建立的三大增收模式是什么？")
    assert not asks_for_a_list("三会一课是什么？")
    assert asked_count("青岭县把党小组分成了哪三类？") == 3 and asked_count("列出的前五項舉措分別是什麼？") == 5
    assert asked_count("Which eight kinds of groups were set up?") == 8
    assert asked_count("园区联盟下辖哪几个党小组？") is None
    assert asked_count("哪十二项措施？") == 12 and asked_count("三个村的举措分别是什么？") is None
    assert asked_count("120个村分别是哪些？") is None
    # A numeral is read whole: 哪十二年 is which twelve years, not a list of ten, and 哪十一届 which eleventh term.
    assert asked_count("青岭县在哪十二年里坚持选派第一书记？") is None and asked_count("哪十一届县委？") is None
    assert not asks_for_a_list("青岭县在哪十二年里坚持选派第一书记？")
    assert asked_count("青岭县的哪十一个村脱了贫？") == 11


def test_parts_joined_by_plus_in_quotes_are_members() -> None:
    from assistant.evidence import list_members

    assert list_members("青岭县实行“基本报酬+工资报酬+绩效工资”制度。") == ["基本报酬", "工资报酬", "绩效工资"]
    assert list_members("打造“互联网+”平台。") == []
    assert list_members("通过“双向”选择，建立“经济管理”“农林牧渔”“基层治理”等三类“智库”。") == [
        "经济管理", "农林牧渔", "基层治理"]


def test_an_enumeration_of_the_asked_count_counts_double() -> None:
    from assistant.evidence import _list_bonus

    assert _list_bonus(GROUPS, 3) == 2 * _list_bonus(GROUPS, None) == 2 * _list_bonus(GROUPS, 4) > 0
    assert _list_bonus(SUMMARY, 3) == 0


def test_a_list_answer_that_drops_a_member_is_incomplete(frames: FrameBuilder) -> None:
    from assistant.verification import incomplete_list

    frame = frames.build("园区联盟下辖哪几个党小组？", "zh")
    shown = EvidenceSelector().select(frame, passages(FOUR_GROUPS), 3)
    assert incomplete_list(frame, "征地拆迁党小组、劳务输出党小组、农产品进企党小组 [1]", shown) is not None
    assert incomplete_list(frame, "纠纷调处、征地拆迁、劳务输出、农产品进企党小组 [1]", shown) is None
    first_five = frames.build("青岭县列出的前五项措施分别是什么？", "zh")
    shown = EvidenceSelector().select(first_five, passages(SEVEN_MEASURES), 3)
    assert incomplete_list(first_five, "易地搬迁、危房改造、低保兜底、医疗救助、教育扶贫 [1]", shown) is None
    assert incomplete_list(first_five, "易地搬迁、危房改造、低保兜底 [1]", shown) is not None


def test_a_comparison_quotes_and_cites_each_article(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县和松溪县的产量分别是多少吨？", "zh")
    both = [*passages(PRODUCE), *[Passage(n=2, doc_id="d9", chunk_id="d9#0", title="t", text=OTHER_PLACE, score=1.0,
                                          place="松溪县")]]
    text, cited, _ = evidence_answer(frame, EvidenceSelector().select(frame, both, 5, per_article=True))
    assert "820吨" in text and "560吨" in text and len(cited) == 2


def test_which_places_say_it_cites_only_the_articles_stating_the_distinguishing_word(frames: FrameBuilder
                                                                                      ) -> None:
    women = "青岭县累计选派第一书记120名，其中女性第一书记17名。"
    other = "松溪县累计选派第一书记98名，对考核排名靠后的9名第一书记进行了约谈。"
    pool = [*passages(women), Passage(n=2, doc_id="d9", chunk_id="d9#0", title="t", text=other, score=1.0,
                                      place="松溪县")]
    for question, language in [("Which of the county reports say how many of their first secretaries were women?",
                                 "en"), ("哪些县报告了女性第一书记的人数？", "zh")]:
        frame = frames.build(question, language)
        text, cited, _ = evidence_answer(frame, EvidenceSelector().select(frame, pool, 5, per_article=True))
        assert "17名" in text and "98名" not in text and "9名" not in text and cited == [1], question


def test_a_who_question_prefers_the_name_after_the_asked_title() -> None:
    lexicon = BilingualLexicon(["书记", "部长", "县", "县委", "党", "党建", "组织部"])
    assert "部长" in lexicon.weak_forms.get("secretary", ())  # 部长 is "secretary" only in a later sense
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [" ".join(SECRETARIES)])
    frame = frames.build("Who is the Party secretary of Qingling County?", "en", places=["青岭县"])
    shown = EvidenceSelector().select(frame, passages(" ".join(SECRETARIES)), 3)
    text, _, _ = evidence_answer(frame, shown)
    assert "王建国" in text and "李明华" not in text


def test_who_is_a_named_person_is_answered_by_the_line_giving_their_title() -> None:
    # The line after it names the same man and matches more of the question's words ("work" in 工作队员),
    # but only the line with his title says who he is.
    lexicon = BilingualLexicon(["书记", "第一书记", "工作", "工作队", "队员", "村", "林业厅"])
    lines = ["白石村第一书记李永红来自省林业厅，2019年驻村至今。",
             "李永红带着工作队员王芳走访了全村6个村民小组，帮助村里建成工作站。"]
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [" ".join(lines)])
    for question, language, names in (("Who is Li Yonghong, and where does he work?", "en", ["李永红"]),
                                      ("李永红是谁？在哪里工作？", "zh", [])):
        frame = frames.build(question, language, places=names)
        text, _, _ = evidence_answer(frame, EvidenceSelector().select(frame, passages(*lines), 3))
        assert "第一书记李永红" in text and "王芳" not in text, question


def test_people_are_found_after_their_titles_where_jieba_splits_the_name() -> None:
    from assistant.evidence import person_names

    assert [n for _, n in person_names("第一书记龙海波和村党支部一起探索")] == ["龙海波"]
    assert [n for _, n in person_names("茶园坪村第一书记吴建军来自省农业农村厅")] == ["吴建军"]
    assert [n for _, n in person_names("青嶺縣委書記王建國說，")] == ["王建国"]
    assert person_names("县委书记连续两年把发展村集体经济作为书记本人亲抓的项目") == []
    assert person_names("第一书记实现了贫困村全覆盖，选派第一书记120名。") == []
    assert person_names("确保第一书记下得去、融得进、干得好。") == []
    assert person_names("县委书记任组长，县长高兴地说") == []
    assert [n for _, n in person_names("甘洛县委书记陈建生说")] == ["陈建生"]  # jieba tags 甘洛 as a person
    assert [n for _, n in person_names("在两江口镇白岩村,第一书记龙海波和村党支部")] == ["龙海波"]  # and 白岩村
    # A speaker after a title, with a surname the list lacks (刀, a Dai surname); never everyday words.
    assert [n for _, n in person_names("村黨總支書記刀建華說。")] == ["刀建华"]
    assert person_names("村党支部书记高兴地说") == [] and person_names("书记带头说") == []
    # Four-character words jieba's dictionary tags as names are two words, not a person.
    assert person_names("建立了县常委班子成员分片包干、督促检查、协调指导等长效机制") == []
    assert person_names("坚持从严治党，建立健全考核机制") == []


def test_an_answer_naming_someone_of_another_title_is_misnamed() -> None:
    from assistant.verification import misnamed_person

    lexicon = BilingualLexicon(["书记", "部长", "组织部", "组织", "县", "县委", "党", "党建"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [" ".join(SECRETARIES)])
    frame = frames.build("青岭县的组织部长是谁？", "zh", places=["青岭县"])
    shown = EvidenceSelector().select(frame, passages(*SECRETARIES), 3)
    assert misnamed_person(frame, "青岭县的组织部长是王建国。 [1]", shown) is not None
    assert misnamed_person(frame, "李明华 [2]", shown) is None
    assert misnamed_person(frame, "青岭县的组织部长是 [1] [2]。", shown) is not None  # no name at all
    # Naming another title's holder first, then the asked one, still gives the wrong person.
    assert misnamed_person(frame, "组织部长是王建国 [1]。李明华也是组织部的。 [2]", shown) is not None
    assert misnamed_person(frame, "组织部长是李明华 [2]，县委书记是王建国 [1]。", shown) is None
    assert misnamed_person(frame, "在县委书记王建国的带领下，组织部长李明华抓党建。 [1] [2]", shown) is None
    english = frames.build("Who heads the organisation department of Qingling County?", "en", places=["青岭县"])
    shown = EvidenceSelector().select(english, passages(*SECRETARIES), 3)
    assert misnamed_person(english, "Wang Jianguo [1]", shown) is not None
    assert misnamed_person(english, "Li Minghua heads it. [2]", shown) is None


def test_who_questions_and_not_relative_clauses() -> None:
    from assistant.evidence import asks_who

    assert asks_who("Who is the Party secretary of Qingling County?") and asks_who("青岭县的县委书记是谁？")
    assert asks_who("青嶺縣的縣委書記是誰？")
    assert asks_who("Qingling County — who leads its party committee?") and asks_who("青岭县的县长叫什么名字？")
    assert not asks_who("How many cadres who performed well were promoted?")
    assert not asks_who("青岭县首创的管理办法叫什么？") and not asks_who("这个合作社叫什么名字？")


def test_a_first_secretary_is_no_answer_for_the_village_branch_secretary() -> None:
    lines = ["白石村第一书记李永红来自省林业厅，2019年驻村。", "“合作社统一收鲜叶。”村党支部书记王建平说。"]
    lexicon = BilingualLexicon(["书记", "第一书记", "第一", "党支部", "支部", "村", "合作社", "林业厅"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [" ".join(lines)])
    selector = EvidenceSelector()
    for question, language in [("青嶺縣白石村的村黨支部書記是誰？", "zh"),
                               ("Who is the village Party branch secretary of Baishi Village?", "en")]:
        frame = frames.build(question, language, places=["青岭县"])
        # One passage about the village: the branch secretary's sentence does not name it again.
        text, _, _ = evidence_answer(frame, selector.select(frame, passages("".join(lines)), 3))
        assert "王建平" in text and "李永红" not in text, question
    frame = frames.build("白石村的第一书记是谁？", "zh", places=["青岭县"])
    text, _, _ = evidence_answer(frame, selector.select(frame, passages(*lines), 3))
    assert "李永红" in text
    # Evidence naming only the first secretary does not say who leads the branch: a near miss.
    frame = frames.build("白石村的村党支部书记是谁？", "zh", places=["青岭县"])
    only_first = passages(lines[0])
    assert answer_gap(frame, selector.select(frame, only_first, 3), selector.candidates(frame, only_first))


def test_the_rank_rule_leaves_questions_about_a_person_another_title_or_a_rank_alone() -> None:
    first = "白石村驻村工作队队长、第一书记李永红来自省林业厅，2019年驻村。"
    deputy = "副县长张文华介绍，全县已建成扶贫车间12个。"
    lexicon = BilingualLexicon(["书记", "第一书记", "第一", "队长", "工作队", "驻村", "村", "县长", "副县长", "林业厅"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [first, deputy])
    selector = EvidenceSelector()
    for question, language, names, text in [
            ("李永红是谁？", "zh", [], first), ("Who is Li Yonghong?", "en", ["李永红"], first),
            ("白石村驻村工作队队长是谁？", "zh", [], first),
            ("Who is the deputy county head of Qingling County?", "en", ["青岭县"], deputy)]:
        frame = frames.build(question, language, places=names)
        contexts = passages(text)
        assert answer_gap(frame, selector.select(frame, contexts, 3), selector.candidates(frame, contexts)) is None, \
            question


def test_a_phrase_between_a_title_and_its_verb_is_no_name() -> None:
    from assistant.evidence import person_names

    nameless = "青岭县委书记向记者介绍，全县村集体经济连续三年增长。"
    assert person_names(nameless) == [] and person_names("书记跟我们说") == []
    lexicon = BilingualLexicon(["书记", "县", "县委", "集体经济", "记者"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [nameless])
    frame = frames.build("青岭县的县委书记是谁？", "zh", places=["青岭县"])
    contexts = passages(nameless)
    assert answer_gap(frame, EvidenceSelector().select(frame, contexts, 3),
                      EvidenceSelector().candidates(frame, contexts)) == "no evidence sentence names a person"


def test_a_who_question_whose_evidence_names_nobody_is_a_near_miss() -> None:
    lexicon = BilingualLexicon(["书记", "县", "县委", "党", "党建", "集体经济"])
    nameless = "青岭县委书记连续两年把发展村集体经济作为亲抓的党建项目。"
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [nameless, " ".join(SECRETARIES)])
    frame = frames.build("Who is the Party secretary of Qingling County?", "en", places=["青岭县"])
    shown = EvidenceSelector().select(frame, passages(nameless), 3)
    assert answer_gap(frame, shown, EvidenceSelector().candidates(frame, passages(nameless))) is not None
    named = passages(" ".join(SECRETARIES))
    shown = EvidenceSelector().select(frame, named, 3)
    assert answer_gap(frame, shown, EvidenceSelector().candidates(frame, named)) is None


def test_a_who_question_about_the_roles_at_each_level_is_answered_by_roles() -> None:
    roles = "每个软弱涣散党组织由县级领导定点包联，乡镇主要领导进点指导，驻村工作队住点帮扶。"
    lexicon = BilingualLexicon(["党组织", "领导", "乡镇", "工作队", "软弱涣散", "包联"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [roles, " ".join(SECRETARIES)])
    frame = frames.build("In Qingling County, who takes part at each level in rectifying weak party organisations?",
                         "en", places=["青岭县"])
    shown = EvidenceSelector().select(frame, passages(roles), 3)
    assert answer_gap(frame, shown, EvidenceSelector().candidates(frame, passages(roles))) is None
    # Asked for each place's person, nameless evidence is still a near miss.
    names = frames.build("Who is the leader of each party organisation in Qingling County?", "en", places=["青岭县"])
    shown = EvidenceSelector().select(names, passages(roles), 3)
    assert answer_gap(names, shown, EvidenceSelector().candidates(names, passages(roles))) is not None


def test_an_enumeration_of_another_size_than_asked_is_not_the_list(frames: FrameBuilder) -> None:
    from assistant.verification import incomplete_list

    frame = frames.build("园区联盟下辖哪两个党小组？", "zh")
    shown = EvidenceSelector().select(frame, passages(FOUR_GROUPS), 3)
    assert incomplete_list(frame, "征地拆迁党小组和劳务输出党小组 [1]", shown) is None
    frame = frames.build("园区联盟下辖哪四个党小组？", "zh")
    assert incomplete_list(frame, "征地拆迁党小组和劳务输出党小组 [1]", shown) is not None


def test_a_citation_that_states_none_of_the_figures_is_idle(frames: FrameBuilder) -> None:
    from assistant.verification import idle_citations

    frame = frames.build("青岭县有多少个行政村？", "zh")
    shown = EvidenceSelector().select(frame, passages("青岭县的村级组织建设持续推进。", TEAMS), 3)
    numbers = {e.passage.n: e.n for e in shown}
    assert idle_citations(frame, "120个 [1] [2]", [numbers[1], numbers[2]], shown) == [numbers[1]]
    assert idle_citations(frame, "120个 [2]", [numbers[2]], shown) == []
    # A marker after text without figures backs that text: it is kept.
    assert idle_citations(frame, f"120个行政村 [{numbers[2]}]，村级组织建设持续推进 [{numbers[1]}]",
                          [numbers[1], numbers[2]], shown) == []


def test_a_clause_that_names_its_own_noun_leaves_nothing_out(frames: FrameBuilder) -> None:
    from assistant.alignment import elided_noun_clause

    assert elided_noun_clause("全县共有贫困户1200户", "其中边缘户300户") is None
    assert elided_noun_clause("制定了460条帮扶措施", "已落实315条") == "制定了460条帮扶措施"
    assert elided_noun_clause("制定了460条帮扶措施", "已选派12名") is None  # another measure word


@pytest.mark.parametrize(("question", "several"), [
    ("近几年青岭县选派了多少名第一书记？", False),
    ("青岭县选派了多少名第一书记，投入了多少资金？", True),
    ("How many members reported loan needs and how much did they ask for?", True),
    ("How many households and people in Qingling County were covered?", True),
    ("青岭县纳入低保的有多少户和人？", True),
])
def test_questions_asking_several_figures(question: str, several: bool) -> None:
    from assistant.question_frame import asks_several_figures

    assert asks_several_figures(question) is several


def test_an_english_noun_phrase_ends_at_its_verb(frames: FrameBuilder) -> None:
    assert frames.build("How many farmers joined cooperatives?", "en").unit == "people"


def test_a_comparison_answer_cites_every_article_stating_its_figure(frames: FrameBuilder) -> None:
    from assistant.verification import uncited_articles

    frame = frames.build("青岭县和松溪县分别选派了多少名第一书记？", "zh")
    texts = ["青岭县选派第一书记19名。", "松溪县共选派第一书记19名。"]
    both = [Passage(n=n, doc_id=f"d{n}", chunk_id=f"d{n}#0", title="t", text=text, score=1.0, place=place)
            for n, (text, place) in enumerate(zip(texts, ["青岭县", "松溪县"], strict=True), start=1)]
    shown = EvidenceSelector().select(frame, both, 5, per_article=True)
    first = next(e.n for e in shown if e.passage.doc_id == "d1")
    other = next(e.n for e in shown if e.passage.doc_id == "d2")
    assert uncited_articles(frame, f"两县都选派了19名 [{first}]", [first], shown) == [other]
    assert uncited_articles(frame, f"两县都选派了19名 [{first}] [{other}]", [first, other], shown) == []


def test_a_band_question_takes_the_item_stating_its_band(frames: FrameBuilder) -> None:
    bands = "全县80个行政村中，收入在5万元以下的有21个、5万元至10万元的有33个、10万元至50万元的有26个。"
    frame = frames.build("青岭县收入在10万元至50万元之间的村有几个？", "zh")
    claim = best_of(frame, passages(bands))
    assert claim is not None and claim.value == 26
    # A year the question names is no band figure.
    assert frames.build("What was the income of Qingling County in 2019?", "en").figures == ()


def test_every_figure_a_per_village_clause_enumerates_is_per_village(frames: FrameBuilder) -> None:
    # 每个村都有1支驻村工作队、1名第一书记: the 1名 is per village too, though the 每 stands before the first item.
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    evidence = EvidenceSelector().select(frame, passages(RATIO), 3)
    claims = [c for c in figure_claims(frame, evidence) if c.value == 1]
    assert claims and all(c.alignment.distributive for c in claims)


def test_a_next_clause_does_not_lend_the_noun_its_own_figure_counts(frames: FrameBuilder) -> None:
    # 成立47支党员志愿服务队: 党员 names what 47 counts, not the 40名干部 of the clause before (which is left with
    # the sentence's weaker level).
    frame = frames.build("青岭县共有多少名党员？", "zh")
    shown = EvidenceSelector().select(frame, passages("青岭县组织40名干部与贫困户结对，成立47支党员志愿服务队。"), 3)
    cadres = next(c for c in figure_claims(frame, shown) if c.value == 40)
    assert cadres.alignment.coverage <= 0.5
    # A next clause without a figure of its own still says what the figure's people are.
    frame = frames.build("青岭县选派了多少名第一书记？", "zh")
    shown = EvidenceSelector().select(frame, passages("青岭县精准选派了88名干部，到村任第一书记。"), 3)
    claim = best_claim(frame, shown)
    assert claim is not None and claim.value == 88


def test_a_county_jieba_does_not_know_is_the_asked_place_not_a_county_inside_it() -> None:
    # jieba cuts 岐安县 into 岐 + 安县, and 安县 (a real county) is inside 镇安县: the index's own name decides.
    frames = FrameBuilder(BilingualLexicon(VOCABULARY), ["岐安县", "岐安", "镇安县", "镇安"],
                          ["岐安县选派第一书记152名。", "镇安县选派第一书记155名。"])
    frame = frames.build("岐安縣選派了多少名第一書記？", "zh")
    assert frame.places == ("岐安县",) and not any(t.text == "岐" for t in frame.terms)
    other = passages("全县选派第一书记155名。", place="镇安县")
    assert best_of(frame, other) is None


def test_a_year_after_a_figure_is_a_baselines_not_the_figures(frames: FrameBuilder) -> None:
    # 比2019年的1980万元: 2019 is the baseline's year; the 2650万元 before it is of the year asked (2020, said earlier).
    frame = frames.build("青岭县2020年村集体经济收入总额是多少？", "zh")
    report = passages("到2020年底，全县120个村集体经济收入全部超过5万元。"
                      "全县村集体经济收入总额达到2650万元，比2019年的1980万元增长33.8%。")
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 26_500_000
    # Asked for the baseline's year, the figure before it is of another year: the baseline is the answer.
    frame = frames.build("青岭县2019年村集体经济收入总额是多少？", "zh")
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 19_800_000


def test_a_two_character_stem_inside_another_name_is_not_the_place() -> None:
    frames = FrameBuilder(BilingualLexicon(VOCABULARY), ["乌兰县", "乌兰"], ["乌兰县选派第一书记19名。"])
    assert "乌兰" not in frames.build("乌兰察布市有多少个村？", "zh").places  # 乌兰 begins another name here
    assert frames.build("乌兰的第一书记有多少名？", "zh").places[:1] == ("乌兰",)


def test_a_measure_word_that_begins_a_noun_is_no_measure_word(frames: FrameBuilder) -> None:
    # 多少项目资金 asks for 资金 (money), not for a count of 项.
    assert frames.build("青岭县整合了多少项目资金？", "zh").unit is None
    assert frames.build("青岭县实施了多少项帮扶措施？", "zh").unit == "count"
    assert frames.build("青岭县一共有几个人？", "zh").unit == "people"


def test_the_low_end_of_a_range_takes_the_high_ends_scale() -> None:
    assert [(f.value, f.unit) for f in clause_figures("1-5万元的有80个，10至50万元的15个")] == [
        (10_000, "万元"), (50_000, "万元"), (80, "个"), (100_000, "万元"), (500_000, "万元"), (15, "个")]
    # A change runs between two figures with their own measure words; a bare count range keeps its numbers.
    assert [f.value for f in clause_figures("从12.5%下降至0.6%，用时3-5年")] == [12.5, 0.6, 3, 5]


BANDS = ("在青岭县现有120个行政村中，集体经济收入在1万元以下的有13个，1-5万元的有60个，5-10万元的32个，"
         "10-50万元的15个。")


@pytest.mark.parametrize("question", [
    "青岭县集体经济收入在10万元到50万元之间的行政村有多少个？",
    "In Qingling County, how many villages had collective-economy income between 100,000 and 500,000 yuan?",
])
def test_a_band_written_as_a_range_in_a_comma_list_is_its_own_clauses_band(frames: FrameBuilder, question: str
                                                                          ) -> None:
    # Each clause of the list leaves its noun to the first (集体经济收入); 10-50万元 is the band of 15, and the
    # quote keeps it.
    frame = frames.build(question, "zh" if "县" in question else "en")
    claim = best_of(frame, passages(BANDS))
    assert claim is not None and claim.value == 15 and "10-50万元" in claim.quote


def test_a_count_whose_sentence_states_no_asked_band_is_no_answer(frames: FrameBuilder) -> None:
    # No band above 500,000 yuan is given; a count of measures without any band is not that band's count.
    texts = ("青岭县围绕发展村集体经济，明确5项措施。",
             "青岭县现有120个行政村中，集体经济收入在1万元以下的有13个，1-5万元的有60个。")
    for question in ("In Qingling County, how many of the villages had collective-economy income above 500,000 yuan?",
                     "青岭县集体经济收入超过50万元的行政村有多少个？"):
        frame = frames.build(question, "zh" if "县" in question else "en", places=["青岭县"])
        contexts = passages(*texts)
        assert best_of(frame, contexts, 4) is None, question


def test_a_price_is_money_and_a_topic_named_the_sentence_before_carries_over() -> None:
    alliance = ("青岭县委牵头成立黄金茶产业党建联盟，把9个村党组织和3家龙头企业联在一起。"
                "联盟成立以来，成员村茶叶收购价每斤平均提高了8元。")
    kiwi = "青岭县白岩村合作社销售猕猴桃860吨，实现销售收入520万元。"
    lexicon = BilingualLexicon([*VOCABULARY, "黄金茶", "黄金", "茶", "联盟", "收购价", "收购", "价格", "每斤", "提高",
                                "合作社", "销售", "猕猴桃"])
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [alliance, kiwi] + ["全县干部群众认真学习。"] * 6)
    selector = EvidenceSelector()
    frame = frames.build("青岭县黄金茶联盟成员村的茶叶收购价每斤提高了多少？", "zh", places=["青岭县"])
    contexts = passages(alliance)
    assert frame.unit == "money"
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts)) is None
    assert best_claim(frame, selector.select(frame, contexts, 4)).value == 8
    # 860吨 is no price: a near miss.
    frame = frames.build("By how much per jin did the kiwifruit cooperative in Qingling County raise its purchase "
                         "price?", "en", places=["青岭县"])
    contexts = passages(kiwi)
    assert frame.unit == "money"
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts))


@pytest.mark.parametrize(("question", "text", "value"), [
    # A digit of the question is no band: the count stands.
    ("青岭县近5年累计减少贫困人口多少人？", "近五年来，青岭县累计减少贫困人口2.1万人。", 21_000),
    # 集中 is no "among": 52 is the count of first secretaries.
    ("青岭县选派了多少名第一书记到贫困村？", "青岭县选派52名党员干部集中培训后到贫困村任第一书记。", 52),
    # A price's rise may be a share; only a price per jin is money.
    ("青岭县茶叶收购价格提高了多少？", "青岭县茶叶收购价格比上年提高了20%。", 20),
])
def test_ordinary_questions_the_new_rules_leave_alone(frames: FrameBuilder, question: str, text: str,
                                                      value: float) -> None:
    frame = frames.build(question, "zh", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == value


CATEGORIES = "2020年青岭县评定“绿色”村党组织112个、“黄色”村党组织74个。"


@pytest.mark.parametrize(("question", "value"), [
    ("青岭县2020年被评定为“黄色”的村党组织有多少个？", 74),
    ("青岭县2020年被评定为“绿色”的村党组织有多少个？", 112),
    ("In Qingling County, how many village party organisations were rated 'yellow' in 2020?", 74),
])
def test_a_quoted_category_answers_only_for_itself(frames: FrameBuilder, question: str, value: int) -> None:
    frame = frames.build(question, "zh" if "县" in question else "en")
    shown = EvidenceSelector().select(frame, passages(CATEGORIES), 3)
    claim = best_claim(frame, shown)
    assert claim is not None and claim.value == value
    other = next(c for c in figure_claims(frame, shown) if c.value == 186 - value)
    assert not other.alignment.admissible


def test_all_kinds_of_funds_are_a_sum_not_a_share(frames: FrameBuilder) -> None:
    # 整合各类项目资金: 各类 (all kinds of) sums up; 每户补助 shares out.
    frame = frames.build("青岭县整合了多少项目资金？", "zh")
    shown = EvidenceSelector().select(frame, passages(
        "青岭县整合各类项目资金2200万元，县财政筹集资金225.5万元，每户补助资金2万元。"), 3)
    claim = best_claim(frame, shown)
    assert claim is not None and claim.value == 22_000_000 and not claim.alignment.distributive


def test_an_abstention_is_overruled_only_by_a_claim_stating_every_asked_term(frames: FrameBuilder) -> None:
    frame = frames.build("What was the tea output of Qingling County?", "en")
    claim = overlooked_claim(frame, EvidenceSelector().select(frame, passages(PRODUCE), 3))
    assert claim is not None and claim.value == 820
    # No clause says 女: the abstention stands.
    frame = frames.build("How many female first secretaries did Qingling County select?", "en")
    assert overlooked_claim(frame, EvidenceSelector().select(frame, passages(TEAMS), 3)) is None
    # A question with no asked measure word, or a list question, is left to the LLM.
    frame = frames.build("Which figures did Qingling County report on tea?", "en")
    assert overlooked_claim(frame, EvidenceSelector().select(frame, passages(PRODUCE), 3)) is None


def test_the_words_of_a_romanised_place_name_are_no_terms(frames: FrameBuilder) -> None:
    # "Right" (正在) and "Banner" (旗) belong to the place; a clause need not state them.
    terms = [t.text for t in frames.build("How many first secretaries did Qingling Right Banner select?", "en").terms]
    assert "right" not in terms and "banner" not in terms and any("secretary" in t for t in terms)
    assert "party" in [t.text for t in frames.build("Who is the Party secretary of Qingling?", "en").terms]


def test_an_everyday_word_is_never_a_telling_absence() -> None:
    # 办法 is in one article only, as 核桃 is, but it is everyday Chinese: 三色管理法 may be the 办法 asked for.
    articles = ["青岭县首创三色管理法。", "松溪县核桃产量560吨，办法多。"] + ["全县干部群众认真学习。"] * 6
    frames = FrameBuilder(BilingualLexicon(["办法", "核桃", "管理", "产量"]), ["青岭县", "松溪县"], articles)
    telling = {t.text: t.telling for t in frames.build("青岭县的管理办法叫什么？", "zh").terms}
    assert telling.get("办法") is False
    assert {t.text: t.telling for t in frames.build("青岭县的核桃产量是多少？", "zh").terms}["核桃"] is True


def test_a_figure_given_in_another_unit_than_its_quote_is_flagged(frames: FrameBuilder) -> None:
    frame = frames.build("What was the tea output of Qingling County?", "en")
    shown = EvidenceSelector().select(frame, passages(PRODUCE), 3)
    assert misunitted_figure(frame, "It was 820 kilograms [1]", shown).value == 820
    assert misunitted_figure(frame, "It was 820 tonnes (820吨) [1]", shown) is None
    assert misunitted_figure(frame, "Its output value passed 3100万 yuan [1]", shown) is None
    assert misunitted_figure(frame, "The county produced 820 tons and helped 1400 households [1]", shown) is None


def test_a_question_asking_two_figures_is_not_answered_with_one(frames: FrameBuilder) -> None:
    # 贷款 and 党员 are both asked: the sum alone answers half; the extractive answer quotes the whole clause.
    loans = "青岭县推出党员贷款，累计向860名党员和致富带头人发放贷款5120万元，单笔最高10万元。"
    frame = frames.build("How much has Qingling County lent to party members, and to how many people?", "en",
                         places=["青岭县"])
    shown = EvidenceSelector().select(frame, passages(loans), 3)
    assert half_answered(frame, "Qingling County lent 51.2 million yuan. [1]", shown) is not None
    assert half_answered(frame, "It lent 51.2 million yuan to 860 people. [1]", shown) is None
    text, _, _ = evidence_answer(frame, shown)
    assert "860名" in text and "5120万元" in text
    # A follow-up asks one figure, though it carries the previous question along (the extractive rewrite).
    follow_up = "And how many went to weak villages? (How many first secretaries went to poor villages?)"
    assert not asks_several_figures(follow_up) and asks_several_figures("How much was lent, and to how many?")
    # One figure asked: one figure is the whole answer.
    single = frames.build("How much has Qingling County lent to party members?", "en", places=["青岭县"])
    assert half_answered(single, "51.2 million yuan [1]", EvidenceSelector().select(single, passages(loans), 3)) is None


def test_a_character_of_many_senses_translates_its_first_noun_sense() -> None:
    # 肉 has many senses ("meat", "pulp of a fruit", "sluggish" …): "meat" is its first and is kept, so a
    # question about meat is not answered from a clause about milk.
    lexicon = BilingualLexicon(["腊肉", "驼奶", "产量"])
    assert "肉" in dict(lexicon.translate(["meat"]))["meat"]
    assert not dict(lexicon.translate(["pulp"]))["pulp"]


def test_possessives_and_comparison_words_are_no_terms(frames: FrameBuilder) -> None:
    frame = frames.build("What was the poor households' and the county's income, more than 2019's?", "en")
    texts = [t.text for t in frame.terms]
    assert "county" in texts or "县" in {f for t in frame.terms for f in t.forms}
    assert not any("'" in t for t in texts) and "more" not in texts and "than" not in texts


def test_a_count_of_some_does_not_answer_a_question_for_the_whole(frames: FrameBuilder) -> None:
    # 农牧民党员 who apply for loans are some of the county's party members, not its total.
    loans = passages("青岭县组织开展党员信贷活动，180多名农牧民党员上报贷款需求6000多万元。")
    total = frames.build("青岭县共有多少名党员？", "zh")
    assert best_of(total, loans) is None
    # The whole stated as such answers it, and a question for that group is answered by the group.
    stated = passages("全县共有13504名党员，其中农村党员6200名。")
    claim = best_of(total, stated)
    assert claim is not None and claim.value == 13504
    group = frames.build("青岭县有多少名农牧民党员上报了贷款需求？", "zh")
    claim = best_of(group, loans)
    assert claim is not None and claim.value == 180


def test_glosses_translate_sense_by_sense_and_compounds_state_their_words_weakly() -> None:
    lexicon = BilingualLexicon(["平均", "户均", "增收", "参加", "的", "目标"])
    # 平均 "average; on average": two senses in one gloss, each a translation.
    assert "平均" in dict(lexicon.translate(["average"]))["average"]
    # 户均 "household average" states each word, weakly; 增收 "to increase income" is the compound "income increase".
    assert "户均" in lexicon.weak_forms["household"] and "户均" in lexicon.weak_forms["average"]
    assert dict(lexicon.translate(["income", "increase"]))["income increase"] == {"增收"}
    # A phrase's inflected verb is looked up in its base form ("taking part": to take part).
    assert "参加" in dict(lexicon.translate(["taking", "part"]))["take part"]
    # 的 (dì, "target") is the particle of nearly every clause: it translates nothing.
    assert "的" not in dict(lexicon.translate(["target"]))["target"]


def test_a_loosely_translated_word_counts_where_stated_and_is_not_missed_where_not() -> None:
    lexicon = BilingualLexicon(["户均", "增收", "带动", "农户", "茶叶", "产业"])
    # Only the compound 户均 translates "average": a term required of no clause.
    assert lexicon.translate(["average"]) == [("average", frozenset({"户均"}))]
    assert lexicon.weak_forms["average"] == {"户均"}
    text = "青岭县茶叶产业带动农户年户均增收8000元。"
    frames = FrameBuilder(lexicon, ["青岭县"], [text])
    frame = frames.build("By how much did the average income of tea farming households in Qingling increase?", "en")
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 8000


def test_a_band_on_the_other_side_of_the_asked_figure_does_not_answer(frames: FrameBuilder) -> None:
    bands = passages("全县120个行政村中，年集体经济收入在5万元以下的村有11个，5万元至10万元的村有8个，"
                     "10万元以上的村有101个。")
    for question, answer in (("How many villages had collective income below 50,000 yuan?", 11),
                             ("收入不到5万元的村有多少个？", 11),  # 不到 is "below", not the range link 到
                             ("收入在5万元至10万元的村有多少个？", 8),
                             ("How many villages earned more than 100,000 yuan?", 101)):
        frame = frames.build(question, "zh" if "村" in question else "en")
        claim = best_of(frame, bands)
        assert claim is not None and claim.value == answer, question


def test_a_figure_of_a_listed_sibling_does_not_answer_for_the_asked_one() -> None:
    text = ("青岭县重点发展芒果、板栗、油茶三大产业。2020年，全县芒果种植面积达到4.3万亩，产量1.2万吨；"
            "油茶种植面积12.5万亩。")
    articles = [text, "松溪县全年核桃产量达560吨。"] + ["全县干部群众认真学习。"] * 6
    frames = FrameBuilder(BilingualLexicon(["芒果", "板栗", "油茶", "产量", "油", "茶"]), ["青岭县"], articles)
    oil_tea = frames.build("青岭县2020年油茶产量是多少？", "zh")
    assert best_of(oil_tea, passages(text)) is None
    # A hyphenated English compound is the corpus word its parts make (oil-tea: 油茶), not 油 and 茶.
    english = frames.build("What was Qingling County's oil-tea output in 2020?", "en")
    assert [t.forms for t in english.terms if t.text == "oil-tea"] == [frozenset({"油茶"})]
    assert best_of(english, passages(text)) is None
    mango = frames.build("青岭县2020年芒果产量是多少？", "zh")
    claim = best_of(mango, passages(text))
    assert claim is not None and claim.value == 12000


def test_chinese_quoted_in_an_english_question_must_be_stated() -> None:
    articles = [TEAMS, "松溪县聘用网格员300名。"] + ["全县干部群众认真学习。"] * 6
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "网格员", "网格"]), ["青岭县", "松溪县"], articles)
    frame = frames.build("How many grid workers (网格员) has Qingling County hired?", "en")
    assert any(t.telling for t in frame.key_terms)
    teams = passages(TEAMS)
    candidates = EvidenceSelector().candidates(frame, teams)
    assert answer_gap(frame, EvidenceSelector().select(frame, teams, 3), candidates) is not None


def test_a_count_of_some_named_before_its_figure_does_not_answer_for_the_whole(frames: FrameBuilder) -> None:
    total = frames.build("青岭县共有多少名党员？", "zh")
    recruited = passages("2018年以来，全县农区发展党员21名。")
    assert best_of(total, recruited) is None
    stated = passages("目前，全县党员13504名。")
    claim = best_of(total, stated)
    assert claim is not None and claim.value == 13504


def test_an_adjective_naming_a_kind_is_a_key_term(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县有多少个贫困嘎查村？", "zh")
    assert "贫困" in {t.text for t in frame.key_terms}
    villages = passages("青岭县现有196个嘎查村。")
    assert best_of(frame, villages) is None


def test_a_limit_is_no_amount_unless_the_question_asks_for_one() -> None:
    # The clauses after a quoted programme tell of it; 累计 makes 发放贷款 the total, not a kind of loan.
    loans = ("青岭县推出信贷产品“先锋贷”，对有发展意愿的农村党员给予最高30万元的信用贷款，"
             "累计向1840名党员发放贷款1.26亿元。")
    frames = FrameBuilder(BilingualLexicon(["贷款", "发放", "信用", "党员", "累计", "先锋贷"]), ["青岭县"], [loans])
    for question, language in (("青岭县的先锋贷一共贷了多少钱？", "zh"),
                               ("How much has Qingling's Pioneer Loan (先锋贷) lent in total?", "en")):
        lent = frames.build(question, language)
        claim = best_of(lent, passages(loans))
        assert claim is not None and claim.value == 126_000_000, question
    cap = frames.build("青岭县每人最高可获得多少信用贷款？", "zh")
    claim = best_of(cap, passages(loans))
    assert claim is not None and claim.value == 300_000


def test_a_chinese_verb_quoted_in_an_english_question_must_be_stated() -> None:
    cattle = "青岭县重点打造黄金茶、黄牛两大特色产业，全县黄金茶产量3260吨。"
    frames = FrameBuilder(BilingualLexicon(["黄金茶", "黄牛", "产量", "出栏"]), ["青岭县"],
                          [cattle, "松溪县黄牛出栏1200头。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("How many yellow cattle did Qingling County sell (出栏)?", "en")
    assert any(t.text == "出栏" for t in frame.key_terms)
    shown = passages(cattle)
    assert answer_gap(frame, EvidenceSelector().select(frame, shown, 3),
                      EvidenceSelector().candidates(frame, shown)) is not None


def test_a_share_is_of_the_band_the_clause_before_states(frames: FrameBuilder) -> None:
    shares = passages("全县13个行政村集体经济收入全部超过5万元，其中超过10万元的5个，占到38%；"
                      "超过20万元的村达到4个，占到31%。")
    frame = frames.build("青岭县集体经济收入超过10万元的行政村占比是多少？", "zh")
    shown = EvidenceSelector().select(frame, shares, 3)
    claim = best_claim(frame, shown)
    assert claim is not None and claim.value == 38


def test_a_list_items_number_is_no_figure() -> None:
    assert clause_figures("4.加强贫困嘎查村党组织带头人队伍建设") == []
    assert [f.value for f in clause_figures("（2）选派196名干部")] == [196]
    assert [f.value for f in clause_figures("4.5万元")] == [45_000]


def test_a_figure_after_another_noun_counts_that_noun() -> None:
    quota = "2018年以来，全市农区发展党员21名，2020年下达农区发展党员指导性计划指标10名。"
    frames = FrameBuilder(BilingualLexicon(["党员", "指标", "发展"]), ["青岭县"], [quota])
    total = frames.build("青岭县共有多少名党员？", "zh")
    assert best_of(total, passages(quota)) is None
    asked = frames.build("青岭县2020年下达的党员发展指标是多少名？", "zh")
    claim = best_of(asked, passages(quota))
    assert claim is not None and claim.value == 10


def test_a_change_answers_with_where_it_came_to_unless_the_start_is_asked() -> None:
    age = "2020年村两委换届后，全县村党组织书记平均年龄由48.6岁下降到41.3岁，大专以上学历的占37.4%。"
    frames = FrameBuilder(BilingualLexicon(["平均", "年龄", "书记", "党组织", "换届"]), ["青岭县"], [age])
    for question, language, value in (
            ("青岭县换届后村党组织书记平均年龄是多少？", "zh", 41.3),
            ("What was the average age of village party secretaries in Qingling County after the 2020 elections?", "en",
             41.3),
            ("青岭县村党组织书记平均年龄原来是多少？", "zh", 48.6),
            ("After Qingling County's 2020 elections, what was the average age of village party secretaries?", "en",
             41.3)):
        frame = frames.build(question, language)
        assert not frame.figures, "a year is no qualifier figure"
        claim = best_of(frame, passages(age))
        assert claim is not None and claim.value == value, question


def test_a_negated_kind_is_its_own_kind_and_the_whole_before_its_breakdown_does_not_answer() -> None:
    text = "青岭县累计选派第一书记152名，其中派驻贫困村71名、非贫困村81名。"
    articles = [text, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "贫困村", "非贫困村", "派驻"]), ["青岭县"], articles)
    for question in ("青岭县派驻非贫困村的第一书记有多少名？",
                     "How many first secretaries did Qingling County send to non-poor villages?",
                     "How many of Qingling's first secretaries serve in villages that are not poor villages?"):
        frame = frames.build(question, "zh" if "县" in question else "en")
        assert any(t.telling and any(f.startswith("非贫") for f in t.forms) for t in frame.key_terms), question
        claim = best_of(frame, passages(text))
        assert claim is not None and claim.value == 81, question
    # 非贫困村 is no 贫困村, whichever comes first.
    for breakdown, value in ((text, 71), ("青岭县累计选派第一书记152名，其中非贫困村81名、贫困村71名。", 71)):
        poor = frames.build("青岭县贫困村的第一书记有多少名？", "zh")
        claim = best_of(poor, passages(breakdown))
        assert claim is not None and claim.value == value, breakdown
    # Only the negated word is negated: the poor households are those of the non-poor villages.
    households = frames.build("How many poor households live in non-poor villages in Qingling?", "en")
    assert [t.text for t in households.terms if t.text.startswith("non-")] == ["non-poor"]
    assert any(t.text == "poor" and not t.text.startswith("non-") for t in households.terms)
    # A negation the articles never write with 非 (no 非干部 here) asks for nothing a clause must state.
    cadres = frames.build("How many of the village officials are not cadres?", "en")
    assert dict(frames.lexicon.translate(["cadres"]))["cadre"], "cadre translates; no article writes 非干部"
    assert not any(t.text.startswith("non-") for t in cadres.terms)


def test_a_countys_figure_is_no_answer_for_one_of_its_villages() -> None:
    county = "青岭县村集体经济收入总额达到3416万元。2019年，全县消除集体经济“空壳村”。"
    village = "白岩村集体经济收入由2018年的1.2万元增长到2020年的46.8万元。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体", "集体经济"]), ["青岭县", "青岭"], [county, village])
    texts = passages(county, village)
    # Query analysis finds the places of an English question by their pinyin (Baiyan Village: 白岩村).
    places = ["白岩村", "青岭县"]
    unknown_year = frames.build("What was the collective income of Baiyan Village, Qingling County, in 2019?", "en",
                                places=places)
    assert best_of(unknown_year, texts, 4) is None
    asked = frames.build("What was the collective income of Baiyan Village, Qingling County, in 2020?", "en",
                         places=places)
    claim = best_of(asked, texts, 4)
    assert claim is not None and claim.value == 468000


def test_an_enumerated_figures_measure_word_says_nothing_of_the_question() -> None:
    # 人次 is 161's measure word: the item counts visits, it does not state the "people" the question names.
    text = "全县1113名贫困人口中，发生医疗费用的为161人次、医疗总费用为55.42万元，总计报销39.07万元。"
    frames = FrameBuilder(BilingualLexicon(["医疗", "费用", "贫困", "人口", "人次", "报销", "总计"]), ["青岭县"],
                          [text, "松溪县有贫困村12个。"])
    frame = frames.build("What were the total medical expenses of poor people in Qingling County?", "en",
                         places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 554200


def test_an_enumeration_item_of_the_lists_kind_answers_for_it(frames: FrameBuilder) -> None:
    # The kind named after the last figure is every item's; an item naming no kind of its own is the list's.
    shared = "2019年，青岭县1200户、4500名贫困群众实现脱贫。"
    frame = frames.build("2019年青岭县有多少户贫困群众实现脱贫？", "zh")
    claim = best_of(frame, passages(shared))
    assert claim is not None and claim.value == 1200
    adverb = "青岭县共识别建档立卡贫困户1865户、涉及贫困人口6784人。"
    frame = frames.build("青岭县建档立卡贫困户涉及多少人？", "zh")
    claim = best_of(frame, passages(adverb))
    assert claim is not None and claim.value == 6784


def test_a_verb_ending_in_a_range_links_character_is_no_range(frames: FrameBuilder) -> None:
    above = passages("全县120个行政村中，集体经济收入达到10万元以上的村有28个，5万元至10万元的村有80个。")
    frame = frames.build("集体经济收入10万元以上的村有多少个？", "zh")
    claim = best_of(frame, above)
    assert claim is not None and claim.value == 28


def test_a_year_lends_the_next_word_no_character(frames: FrameBuilder) -> None:
    # jieba reads 2019年产值 as 2019 + 年产值, a word no clause about 产值 states.
    frame = frames.build("青岭县的茶叶2019年产值有多少？", "zh")
    assert frame.years == ("2019",) and "产值" in [t.text for t in frame.terms]
    assert not any(t.text.startswith("年") for t in frame.terms)
    text = "2019年，青岭县核桃产量560吨、产值2400万元；茶叶种植面积1.2万亩，产量820吨、产值3100万元。"
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 31_000_000


PART_OF_WHOLE = "青岭县120名第一书记中，县直单位派驻80名，乡镇单位派驻40名。"


@pytest.fixture(scope="module")
def part_frames() -> FrameBuilder:
    articles = [PART_OF_WHOLE, "青岭县选派第一书记120名。", "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6
    return FrameBuilder(BilingualLexicon([*VOCABULARY, "单位", "县直", "乡镇", "派驻"]), ["青岭县", "青岭"], articles)


@pytest.mark.parametrize("question", ["青岭县的第一书记中有多少名来自县直单位？",
                                      "青岭县的第一书记当中，有多少名来自县直单位？",
                                      "How many of Qingling County's first secretaries came from county units?"])
def test_a_part_of_a_whole_is_answered_by_the_part_not_the_whole(part_frames: FrameBuilder, question: str) -> None:
    language = "en" if question.isascii() else "zh"
    frame = part_frames.build(question, language, places=["青岭县"])
    assert any(t.part and t.distinguishing for t in frame.key_terms), frame.terms
    claim = best_of(frame, passages(PART_OF_WHOLE))
    assert claim is not None and claim.value == 80, question


def test_a_part_no_sentence_states_is_a_near_miss(part_frames: FrameBuilder) -> None:
    # Only the whole is given: 120 is no answer to how many came from the county's units.
    frame = part_frames.build("青岭县的第一书记中有多少名来自县直单位？", "zh")
    whole = passages("青岭县选派第一书记120名，到村任职。")
    selector = EvidenceSelector()
    candidates = selector.candidates(frame, whole)
    assert answer_gap(frame, selector.select(frame, whole, 3, candidates=candidates), candidates)
    # A question with 中 that asks for no part (an activity, not a whole) marks nothing.
    during = part_frames.build("在脱贫攻坚中，青岭县选派了多少名第一书记？", "zh")
    assert not any(t.part for t in during.terms)
    # Nor does one asking for the whole and its part: both figures answer it.
    both = part_frames.build("青岭县选派了多少名第一书记，其中有多少名来自县直单位？", "zh")
    assert not any(t.part for t in both.terms)


def test_a_figure_beside_the_asked_one_in_its_measure_competes_with_it(part_frames: FrameBuilder) -> None:
    frame = part_frames.build("青岭县第一书记中有多少名是县直单位派驻的？", "zh")
    evidence = EvidenceSelector().select(frame, passages(PART_OF_WHOLE), 3)
    assert misaligned_figure(frame, "县直单位派驻80名，乡镇单位派驻40名 [1]", evidence) is not None
    assert misaligned_figure(frame, "120名第一书记中，县直单位派驻80名 [1]", evidence) is not None
    assert misaligned_figure(frame, "县直单位派驻80名 [1]", evidence) is None


def test_a_figure_of_another_year_beside_the_asked_one_describes_it(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县2019年贫困户人均纯收入是多少？", "zh")
    evidence = EvidenceSelector().select(frame, passages(INCOME), 3)
    assert misaligned_figure(frame, "由2016年的6120元增加到2019年的11830元 [1]", evidence) is None


def test_a_village_named_just_before_the_passage_is_where_the_passage_is() -> None:
    article = "走进青岭县白岩村，茶园青翠。“过去村里没有收入。”村党支部书记陈国富说，今年村集体收入46.8万元。"
    start = article.index("“过去")
    lead = sentence_before(article, start)
    assert lead == "走进青岭县白岩村，茶园青翠。"
    # A passage starting mid-sentence leads with the sentence before too; a semicolon ends a sentence.
    cut = "甲村修了路。乙村种了茶；丙村养了牛，"
    assert sentence_before(cut, len("甲村修了路。乙村种了茶；丙村")) == "乙村种了茶；丙村"
    assert sentence_before(article, 0) == ""
    # A passage starting after a quotation leads with the sentence before the quotation too.
    assert sentence_before(article, article.index("村党支部书记")) == "走进青岭县白岩村，茶园青翠。“过去村里没有收入。”"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体", "集体经济"]), ["青岭县", "青岭"], [article])
    frame = frames.build("青岭县白岩村的村集体收入是多少？", "zh", places=["白岩村"])
    text = article[start:]
    passage = Passage(n=1, doc_id="d1", chunk_id="d1#1", title="t", text=text, score=1.0, place="青岭县")
    assert best_of(frame, [passage]) is None
    led = Passage(n=1, doc_id="d1", chunk_id="d1#1", title="t", text=text, score=1.0, place="青岭县", lead=lead)
    claim = best_of(frame, [led])
    assert claim is not None and claim.value == 468000


def test_a_count_after_its_quoted_members_counts_them() -> None:
    # The quoted items are what 3项 counts, not kinds it is said of together with the asked one.
    text = ("青岭县组织开展党员学习日、志愿服务日等12类“党员活动日”活动，并以此为平台扎实开展“理论学习、政策形势、"
            "实用技能”3项专题教育，凝聚正能量。")
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "专题", "教育", "平台", "党员", "活动"]), ["青岭县"],
                          [text, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("Using its party-member activity days as a platform, how many themed education programmes "
                         "(专题教育) did Qingling County run?", "en", places=["青岭县"])
    evidence = EvidenceSelector().select(frame, passages(text), 3)
    claim = best_claim(frame, evidence)
    assert claim is not None and claim.value == 3
    # 12类 is said of the activity days: a figure no key term stands next to answers nothing, however well its
    # sentence scores.
    better = misaligned_figure(frame, "Qingling ran 12 themed education programmes (专题教育) [1].", evidence)
    assert better is not None and better.value == 3


def test_a_sentence_silent_on_the_asked_part_gives_no_figure_for_it(part_frames: FrameBuilder) -> None:
    frame = part_frames.build("How many of Qingling County's first secretaries came from county units?", "en",
                              places=["青岭县"])
    whole = passages("青岭县选派第一书记120名，到村任职。")
    assert best_of(frame, whole) is None


def test_a_thing_in_which_something_is_done_is_no_whole(part_frames: FrameBuilder) -> None:
    # 项目中 says "in the project": 投入了多少资金 asks for an amount, no part of the project.
    frame = part_frames.build("青岭县在扶贫项目中投入了多少资金？", "zh")
    assert not any(t.part for t in frame.terms)
    claim = best_of(frame, passages("青岭县在扶贫项目中投入资金1200万元。"))
    assert claim is not None and claim.value == 12_000_000


def test_a_clause_ending_among_what_it_counts_is_the_whole() -> None:
    from assistant.alignment import _ends_among

    assert _ends_among("青岭县120名第一书记中")
    assert not _ends_among("新建小学3所、初中") and not _ends_among("组织52名干部集中")


def test_a_question_asking_by_how_much_is_answered_by_the_change_not_the_level(frames: FrameBuilder) -> None:
    report = passages("青岭县全年茶叶产量达820吨，同比增长3倍，产值突破3100万元，带动1400多户贫困户户均增收2000元。")
    for question, language in (("青岭县的茶叶产量跟上年比增长了多少？", "zh"),
                               ("By how much did tea output in Qingling County grow year on year?", "en")):
        frame = frames.build(question, language, places=["青岭县"])
        claim = best_of(frame, report)
        assert claim is not None and claim.value == 3, question
    # Asked what it came to, the level answers.
    frame = frames.build("青岭县全年茶叶产量是多少？", "zh", places=["青岭县"])
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 820
    # 增收 before the figure makes it the increase of the households' income.
    frame = frames.build("How much did the income of each poor household in Qingling County increase?", "en",
                         places=["青岭县"])
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 2000


def test_which_questions_ask_a_change() -> None:
    from assistant.question_frame import asks_a_change

    assert asks_a_change("望谟县农村居民人均可支配收入同比增长了多少？")
    assert asks_a_change("贫困户人均家庭资产预计增加多少？")
    assert asks_a_change("By how much was the per-capita income expected to rise?")
    assert asks_a_change("How much did camel milk output grow?")
    assert not asks_a_change("人均纯收入增加到多少元？")
    assert not asks_a_change("How much did the county invest in roads?")
    assert not asks_a_change("How many households raised their incomes?")
    assert not asks_a_change("2020年青岭县新增了多少户贫困户？")  # how many were added: a count
    assert not asks_a_change("How many times did the cadres visit each household?")
    assert not asks_a_change("How many jobs did the income growth project create?")


def test_a_figure_counts_the_noun_written_after_it_not_its_neighbours(frames: FrameBuilder) -> None:
    # 120名干部与365名贫困户…: asked for one kind, the figure of the other kind is no answer, whichever is asked.
    report = passages("青岭县组织120名驻村干部与365名贫困户开展“结对帮扶”活动。")
    for question, language, expected in (("青岭县组织了多少名驻村干部开展结对帮扶？", "zh", 120),
                                         ("青岭县结对帮扶活动涉及多少名贫困户？", "zh", 365),
                                         ("How many poor households took part in Qingling's pairing campaign?", "en",
                                          365)):
        frame = frames.build(question, language, places=["青岭县"])
        claim = best_of(frame, report)
        assert claim is not None and claim.value == expected, question
        assert not claim.quote.endswith("与")


def test_a_word_with_a_quoted_part_is_still_stated() -> None:
    term = Term("村两委", frozenset({"村两委"}))
    assert term.found_in("2020年村“两委”换届后") and term.found_in("村「两委」班子")
    assert not term.found_in("村党组织和“两委”班子")


def test_the_sentences_before_the_asked_one_set_the_scene(frames: FrameBuilder) -> None:
    # Words of a scene-setting sentence count where a clause states them and are not missed where it does not.
    question = ("Qingling County's cadres and villagers grow tea on the mountain slopes around the villages. "
                "How many tons of tea did the county produce?")
    frame = frames.build(question, "en", places=["青岭县"])
    assert all(t.key for t in frame.terms if t.text == "tea")
    assert not any(t.key for t in frame.terms if t.text in ("cadre", "village"))
    claim = best_of(frame, passages(PRODUCE))
    assert claim is not None and claim.value == 820
    # "How many?" alone asks what the sentence before it names.
    frame = frames.build("Qingling County sent first secretaries to its villages. How many?", "en")
    assert any(t.key and t.text == "secretary" for t in frame.terms)


def test_an_english_year_after_for_is_a_year_not_a_qualifier(frames: FrameBuilder) -> None:
    frame = frames.build("I need the tea output figure for 2020 — how much was it?", "en")
    assert frame.years == ("2020",) and frame.figures == ()


def test_a_planned_figure_answers_only_a_question_about_the_plan(frames: FrameBuilder) -> None:
    report = passages("2018年以来，青岭县发展党员21名，2020年下达发展党员指导性计划指标10名。")
    frame = frames.build("青岭县2020年实际发展了多少名党员？", "zh", places=["青岭县"])
    claim = best_of(frame, report)
    assert claim is None or claim.value != 10
    frame = frames.build("青岭县2020年下达了多少名发展党员的计划指标？", "zh", places=["青岭县"])
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 10


def test_a_change_of_another_measure_is_not_one_of_several_asked_figures(frames: FrameBuilder) -> None:
    # Asked how many households and by how much each gained, the price rise beside them is neither.
    frame = frames.build("青岭县茶叶联盟去年带动了多少户贫困户增收？户均增收多少元？", "zh", places=["青岭县"])
    report = passages("联盟成立以来，茶叶收购价每公斤提高1.6元，去年带动1720户贫困户户均增收3100元。")
    found = evidence_answer(frame, EvidenceSelector().select(frame, report, 3))
    assert found is not None
    assert "1720" in found[0] and "3100" in found[0] and "1.6" not in found[0]


def test_a_figure_per_village_is_no_total(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县2020年发展了多少名党员？", "zh", places=["青岭县"])
    report = passages("青岭县要求各村党组织严格程序，确保每村每两年至少发展1名青年党员。")
    assert best_of(frame, report) is None
    # Asked per village, it answers.
    frame = frames.build("青岭县每个村每两年至少发展多少名党员？", "zh", places=["青岭县"])
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 1


def test_a_major_kind_counts_its_measure_word() -> None:
    assert [(f.value, f.unit) for f in clause_figures("对照2大类6项问题进行摸排")] == [(2, "类"), (6, "项")]


def test_a_gerund_ending_the_question_is_asked_as_a_thing() -> None:
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "监测", "户"]), ["青岭县"], ["青岭县监测户。"])
    ending = frames.build("How many households are under Qingling County's monitoring?", "en")
    assert any(t.key and "监测" in t.forms for t in ending.terms)
    inside = frames.build("How many households is Qingling County monitoring now?", "en")
    assert not any(t.key and "监测" in t.forms for t in inside.terms)


def test_a_word_under_a_negated_verb_is_not_stated() -> None:
    term = Term("易地搬迁", frozenset({"易地搬迁"}), telling=True)
    assert not term.found_in("针对不能享受易地搬迁项目的贫困户，对27户通过补助动员自建")
    assert term.found_in("实施易地搬迁项目，搬迁安置1200户")
    assert term.found_in("没有住房的贫困户全部纳入易地搬迁")
    # A negated modifier does not negate its noun.
    poor = Term("贫困户", frozenset({"贫困户"}))
    assert poor.found_in("对没有劳动能力的贫困户实行兜底") and poor.found_in("无法外出务工的贫困户")


def test_several_major_kinds_asked_are_several_figures() -> None:
    assert asks_several_figures("各区对照的是几大类、几项问题？")


def test_the_model_reads_only_the_lines_that_answer_a_one_figure_question(frames: FrameBuilder) -> None:
    from assistant.verification import focused_evidence

    frame = frames.build("青岭县全年茶叶产量是多少？", "zh", places=["青岭县"])
    evidence = EvidenceSelector().select(frame, passages(PRODUCE, "青岭县茶叶加工厂日加工鲜叶10吨。"), 3)
    assert len(evidence) > 1
    focused = focused_evidence(frame, evidence)
    assert [e.n for e in focused] == [1] and "820吨" in focused[0].text
    # A list, or a question no line answers, keeps every line.
    listing = frames.build("青岭县为驻村工作做了哪些事？", "zh", places=["青岭县"])
    shown = EvidenceSelector().select(listing, passages(TEAMS, INCOME, PRODUCE), 3)
    assert focused_evidence(listing, shown) == shown


def test_a_figure_said_of_all_alike_may_answer_but_one_said_of_each_village_not(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县茶园的良种率是多少？", "zh", places=["青岭县"])
    claim = best_of(frame, passages("青岭县茶园覆盖率和良种率均达到95%。"))
    assert claim is not None and claim.value == 95


def test_a_link_word_inside_a_word_joins_no_items(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县投入了多少帮扶资金？", "zh", places=["青岭县"])
    report = passages("青岭县投入帮扶资金120万元惠及35户贫困户。")
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 1_200_000 and not claim.quote.endswith("惠")
    frame = frames.build("青岭县组织了多少名第一书记？", "zh", places=["青岭县"])
    report = passages("青岭县组织40名第一书记以及127名贫困户开展结对帮扶。")
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 40 and not claim.quote.endswith(("以", "及"))


def test_a_chinese_scene_sentence_is_not_missed(frames: FrameBuilder) -> None:
    plain = frames.build("青岭县全年茶叶产量是多少？", "zh", places=["青岭县"])
    scene = frames.build("青岭县的干部群众认真学习，种茶历史悠久。全年茶叶产量是多少？", "zh", places=["青岭县"])
    for frame in (plain, scene):
        claim = best_of(frame, passages(PRODUCE))
        assert claim is not None and claim.value == 820
        assert claim.alignment.coverage == 1.0


def test_a_figure_done_against_a_plan_is_no_plan(frames: FrameBuilder) -> None:
    frame = frames.build("青岭县发展了多少名党员？", "zh", places=["青岭县"])
    report = passages("青岭县按计划完成发展党员120名。")
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 120


def test_a_word_holding_a_question_character_is_still_a_key_word(frames: FrameBuilder) -> None:
    # 少数民族 holds 少 and 多元 holds 多; neither asks anything.
    frame = frames.build("青岭县有多少名少数民族干部？", "zh", places=["青岭县"])
    assert any(t.text == "少数民族" and t.key for t in frame.terms)


def test_the_whole_named_again_in_the_asked_part_is_not_the_part(frames: FrameBuilder) -> None:
    # 党员中，少数民族党员有多少名: 少数民族 is the part; the Party members' total says nothing of it.
    frame = frames.build("青岭县的党员中，少数民族党员有多少名？", "zh", places=["青岭县"])
    assert [t.text for t in frame.terms if t.part] == ["少数民族"]
    selector = EvidenceSelector()
    total = passages("青岭县现有基层党组织689个、党员11872名。青岭县是少数民族聚居地区。")
    assert best_claim(frame, selector.select(frame, total, 3)) is None
    broken_down = passages("青岭县现有党员11872名，其中少数民族党员5318名。")
    claim = best_claim(frame, selector.select(frame, broken_down, 3))
    assert claim is not None and claim.value == 5318


def test_a_village_named_after_its_county_is_where_the_figure_must_be_said() -> None:
    # jieba splits 坡头村 (坡 + 头 + 村) and runs 马莲河镇 into 马莲 + 河镇: names the articles write are taken whole.
    village = "乐旺镇坡头村第一书记黄启明来自州财政局。2020年，坡头村集体经济收入达到36.8万元，比2018年增长近5倍。"
    county = "全县村集体经济收入总额由2018年的913万元增加到2020年的2856万元。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体经济", "增长"]), ["青岭县", "青岭"],
                          [village + county] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("青岭县乐旺镇坡头村2020年的村集体经济收入比2018年增长了多少？", "zh", places=["青岭县"])
    assert frame.local_places == ("乐旺镇", "坡头村")
    selector = EvidenceSelector()
    claim = best_claim(frame, selector.select(frame, passages(county, village), 4))
    assert claim is not None and claim.value == 5
    # A word jieba knows (贫困村) or one saying which villages (各村) is no name.
    assert frames.build("青岭县贫困村有多少个？", "zh", places=["青岭县"]).local_places == ()
    assert frames.build("青岭县各村有多少名第一书记？", "zh", places=["青岭县"]).local_places == ()


def test_a_change_asked_is_not_answered_by_a_count_beside_it(frames: FrameBuilder) -> None:
    # 收购价提高了多少: 1.5元 a jin is the change (每斤 is a rate, said of no item), 2130户 a count beside it.
    report = passages("去年，联盟带动2130户菜农户均增收3600元，黄花菜收购价每斤提高了1.5元。")
    frame = frames.build("青岭县的黄花菜产业联盟让收购价提高了多少？", "zh", places=["青岭县"])
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 1.5


def test_a_sentence_opening_with_the_topic_of_the_one_before_continues_it() -> None:
    # 联盟成立以来… opens with the alliance the sentence before names (黄金茶产业党建联盟): 黄金 is not missing there.
    text = ("白石镇党委书记杨再兴介绍，镇党委牵头成立黄金茶产业党建联盟，把9个村党组织和3家龙头企业联在一起，统一品种。"
            "联盟成立以来，成员村茶叶收购价每斤平均提高了8元。")
    lexicon = BilingualLexicon([*VOCABULARY, "黄金", "联盟", "收购价", "成员"])
    # Alliances and tea prices are in every article: only 黄金 is a word few of them use.
    common = "各县成立联盟，提高茶叶收购价，发展产业，每斤收益增加。"
    frames = FrameBuilder(lexicon, ["青岭县", "青岭"], [text] + [common] * 7)
    frame = frames.build("青岭县黄金茶产业党建联盟成立以来，茶叶收购价每斤提高了多少元？", "zh", places=["青岭县"])
    assert [t.text for t in frame.terms if t.telling] == ["黄金"]
    selector = EvidenceSelector()
    contexts = passages(text)
    assert answer_gap(frame, selector.select(frame, contexts, 4), selector.candidates(frame, contexts)) is None
    claim = best_claim(frame, selector.select(frame, contexts, 4))
    assert claim is not None and claim.value == 8


SLOGANS = ("青岭县坚持“支部围绕产业转、党员创业示范引、群众致富跟着干”总体思路，突出党组织主建、党小组领建、党员带建、"
           "能人创建、群众参建“五建并举”，形成党支部+党小组+党员+合作社+基地+农户“六位一体”模式。")


def test_a_slogans_count_asks_for_that_many_members_of_the_sentences_enumerations(frames: FrameBuilder) -> None:
    from assistant.evidence import list_members
    from assistant.query import asked_count, asks_for_a_list
    from assistant.verification import incomplete_list

    # 哪五建 asks for the five members 五建并举 counts; 哪一年 and 哪两年 ask for years.
    question = "青岭县突出的“五建并举”是指哪五建？"
    assert asks_for_a_list(question) and asked_count(question) == 5
    assert not asks_for_a_list("青岭县在哪两年退出了贫困县？") and asked_count("哪一年退出？") is None
    # Of the sentence's three enumerations, the one of five; 建, the word each member ends in, is no shared head.
    assert list_members(SLOGANS, 5) == ["组织主建", "党小组领建", "党员带建", "能人创建", "群众参建"]
    assert len(list_members(SLOGANS)) == 3
    frame = frames.build(question, "zh", places=["青岭县"])
    shown = EvidenceSelector().select(frame, passages(SLOGANS), 3)
    assert incomplete_list(frame, "党支部、党小组、党员、合作社、基地、农户“六位一体” [1]", shown) is not None
    assert incomplete_list(frame, "党组织主建、党小组领建、党员带建、能人创建、群众参建 [1]", shown) is None


def test_figures_asked_in_several_measures_are_each_quoted_once(frames: FrameBuilder) -> None:
    # 多少家…多少人: things and people are asked, and a clause counting either may answer; one figure of each.
    factories = passages(
        "青岭县还在安置社区建成社区工厂42家，吸纳就业2380人，其中贫困劳动力1065人；建设集中安置点28个。"
    )
    frame = frames.build("青岭县在安置社区建了多少家社区工厂？一共吸纳了多少人就业？", "zh", places=["青岭县"])
    assert frame.unit is None and len(frame.units) == 2
    text, _, _ = evidence_answer(frame, EvidenceSelector().select(frame, factories, 3))
    assert "42" in text and "2380" in text and "28" not in text
    growers = passages("咖啡鲜果收购价每公斤提高1.6元，去年带动1720户咖农户均增收3100元。")
    frame = frames.build("青岭县的咖啡联盟去年带动了多少户咖农增收？户均增收多少元？", "zh", places=["青岭县"])
    text, _, _ = evidence_answer(frame, EvidenceSelector().select(frame, growers, 3))
    assert "1720" in text and "3100" in text and "1.6" not in text
    # One measure asked twice stays that measure.
    assert frames.build("青岭县选派了多少名干部？其中多少名是女性？", "zh").unit == "people"


def test_a_part_asked_several_words_after_its_whole_is_still_the_part(frames: FrameBuilder) -> None:
    # 对象中，目前已经消除风险的有多少户: the count asked comes eleven words after 中; the whole's total is no answer.
    frame = frames.build("青岭县纳入防返贫监测的对象中，目前已经消除风险的有多少户？", "zh", places=["青岭县"])
    assert [t.text for t in frame.terms if t.part] == ["风险"]
    report = passages("目前，青岭县纳入防返贫监测对象2130户8020人，已消除风险1460户。")
    claim = best_of(frame, report)
    assert claim is not None and claim.value == 1460


def test_the_whole_among_which_a_common_kind_is_counted_is_no_answer() -> None:
    # 空壳村 is written in every article (no telling word), yet 143个村中 is every village, not the empty shells.
    text = "2017年，青岭县143个村中集体经济“空壳村”有58个。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体经济", "空壳"]), ["青岭县", "青岭"],
                          [text] + ["各县集体经济“空壳村”逐年减少。"] * 7)
    frame = frames.build("2017年，青岭县有多少个集体经济“空壳村”？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 58


def test_a_village_level_word_is_no_village_name() -> None:
    # 发展村级集体经济: 发展村 runs into 村级 "village-level", in the question and in the article alike.
    text = "青岭县发展村级集体经济，采取资源发包、物业出租等方式因村施策。坡头村集体经济收入达到36.8万元。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体经济"]), ["青岭县", "青岭"],
                          [text] + ["全县干部群众认真学习。"] * 7)
    assert frames.build("青岭县发展村级集体经济采取了哪些方式？", "zh", places=["青岭县"]).local_places == ()
    # Even where an article names a village 发展村, the question's 发展村级 is "village-level".
    named = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体经济"]), ["青岭县", "青岭"],
                         ["青岭县发展村党支部书记王强说。"] + ["全县干部群众认真学习。"] * 7)
    assert named.build("青岭县发展村级集体经济采取了哪些方式？", "zh", places=["青岭县"]).local_places == ()
    assert named.build("青岭县发展村有多少名党员？", "zh", places=["青岭县"]).local_places == ("发展村",)
    assert frames.build("青岭县坡头村集体经济收入是多少？", "zh", places=["青岭县"]).local_places == ("坡头村",)


def test_this_year_in_an_article_is_the_year_the_article_was_written(frames: FrameBuilder) -> None:
    from assistant.alignment import years_stated

    assert years_stated("今年以来销售额突破1.5亿元", "2020-09-15") == {"2020"}
    assert years_stated("去年带动1720户", "2021-04-20") == {"2020"}
    assert years_stated("今年以来销售额突破1.5亿元") == set()  # no date, no year
    report = [Passage(n=1, doc_id="d1", chunk_id="d1#0", title="t", score=1.0, place="青岭县", date="2020-09-15",
                      text="青岭县大力发展农村电商，今年以来农产品网络销售额突破1.5亿元。")]
    selector = EvidenceSelector()
    asked_2019 = frames.build("青岭县2019年农产品网络销售额是多少？", "zh", places=["青岭县"])
    assert best_claim(asked_2019, selector.select(asked_2019, report, 3)) is None
    asked_2020 = frames.build("青岭县2020年农产品网络销售额是多少？", "zh", places=["青岭县"])
    claim = best_claim(asked_2020, selector.select(asked_2020, report, 3))
    assert claim is not None and claim.value == 150_000_000


@pytest.mark.parametrize("question", ["青岭县村集体经济收入2018年和2020年分别是多少？",
                                      "What was Qingling County's village collective income in 2018 and 2020 "
                                      "respectively?"])
def test_a_question_for_each_year_it_names_quotes_both_years(question: str) -> None:
    text = "青岭县村集体经济收入由2018年的913万元增加到2020年的2856万元，带动1400户增收。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "集体经济", "集体", "经济"]), ["青岭县", "青岭"],
                          [text] + ["全县干部群众认真学习。"] * 7)
    frame = frames.build(question, "zh" if not question.isascii() else "en", places=["青岭县"])
    assert frame.years == ("2018", "2020")
    text_answer, _, _ = evidence_answer(frame, EvidenceSelector().select(frame, passages(text), 3))
    assert "913" in text_answer and "2856" in text_answer and "1400" not in text_answer


def _sales_frames() -> FrameBuilder:
    lexicon = BilingualLexicon([*VOCABULARY, "集体经济", "合作社", "销售", "猕猴桃", "茶"])
    articles = ["茶林村合作社销售猕猴桃860吨，集体经济收入46.8万元，销售干毛茶146吨。"] + ["全县干部群众认真学习。"] * 7
    return FrameBuilder(lexicon, ["青岭县", "青岭"], articles)


def test_a_question_word_inside_the_name_of_an_asked_place_is_not_stated() -> None:
    # 茶 of 茶林村 names the village, not its tea.
    frame = _sales_frames().build("What was the tea income of Chalin Village?", "en", places=["茶林村"])
    clause = "茶林村集体经济收入达到46.8万元"
    assert align(frame, clause, clause, clause, ["青岭县"]).coverage <= 0.5
    assert align(frame, "茶叶收入达到46.8万元", clause, clause, ["青岭县"]).coverage == 1.0


def test_the_thing_measured_said_only_inside_the_asked_places_name_is_not_said() -> None:
    # 茶 of 茶林村: the village's income is no tea sold.
    frame = _sales_frames().build("How much tea did Chalin Village sell in 2020?", "en", places=["茶林村"])
    selector = EvidenceSelector()
    assert best_claim(frame, selector.select(frame, passages("2020年，茶林村集体经济收入46.8万元。"), 3)) is None
    claim = best_claim(frame, selector.select(frame, passages("2020年，茶林村销售干毛茶146吨。"), 3))
    assert claim is not None and claim.value == 146
    # "sell" names the measure as a noun would: a dividend of the tea factory is no tea sold.
    assert any(t.key for t in frame.terms if t.text == "sell")
    both = passages("茶林村办起了茶厂，2020年茶厂分红给村集体带来了20多万元。2020年，茶林村销售干毛茶146吨。")
    claim = best_claim(frame, selector.select(frame, both, 3))
    assert claim is not None and claim.value == 146


def test_the_thing_a_how_much_question_measures_must_be_named() -> None:
    frames = _sales_frames()
    selector = EvidenceSelector()
    # Kiwifruit sold is another product's sales; the tea sold answers.
    frame = frames.build("How much tea did the Yunwu Village cooperative sell in 2020?", "en", places=["云雾村"])
    assert [t.text for t in frame.terms if t.part] == ["tea"]
    assert best_claim(frame, selector.select(frame, passages("2020年，云雾村合作社销售猕猴桃860吨。"), 3)) is None
    claim = best_claim(frame, selector.select(frame, passages("2020年，云雾村合作社销售猕猴桃860吨、干毛茶146吨。"), 3))
    assert claim is not None and claim.value == 146
    # An amount is no thing: "how much money", and "how much annual income" (its head noun is income).
    for question in ("How much money did Qingling County raise?",
                     "How much annual income does the village collective of Qingling County earn?",
                     "How much extra income did each poor household get?"):
        assert not any(t.part for t in frames.build(question, "en").terms), question


def test_an_english_word_for_a_thing_few_articles_write_names_one_member_of_a_list() -> None:
    # "walnuts" (核桃, in one article of eight) is as exact as 核桃: the output value said of tea, listed beside the
    # walnuts, is none of theirs; the common "tea" still finds its own.
    text = ("青岭县重点发展茶叶、咖啡、核桃三大产业。2020年，全县茶园面积18.4万亩，茶叶产量1.12万吨，产值9.8亿元；"
            "核桃种植面积42万亩、产量3.1万吨。")
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "咖啡", "产业"]), ["青岭县", "青岭"],
                          [text] + ["各县发展茶叶产业，产值逐年增长。"] * 7)
    selector = EvidenceSelector()
    walnuts = frames.build("What was the output value of Qingling County's walnuts in 2020?", "en", places=["青岭县"])
    assert any(t.exact for t in walnuts.terms if t.text == "walnut")
    assert best_claim(walnuts, selector.select(walnuts, passages(text), 4)) is None
    tea = frames.build("What was the output value of Qingling County's tea in 2020?", "en", places=["青岭县"])
    claim = best_claim(tea, selector.select(tea, passages(text), 4))
    assert claim is not None and round(claim.value) == 980_000_000



def test_a_count_in_n_villages_that_names_no_part_is_still_the_answer(frames: FrameBuilder) -> None:
    # 在36个村中开展集体经济试点: 中 says "in", and no figure of the clause counts a part of the 36 villages.
    frame = frames.build("青岭县在多少个村开展了集体经济试点？", "zh", places=["青岭县"])
    pilots = passages("2019年，青岭县在36个村中开展集体经济试点。")
    claim = best_of(frame, pilots)
    assert claim is not None and claim.value == 36


def test_a_comparison_base_or_a_word_holding_the_characters_is_no_relative_year() -> None:
    from assistant.alignment import years_stated

    assert years_stated("比上年增长12.5%", "2021-03-02") == set()
    assert years_stated("较去年增长", "2021-03-02") == set()
    assert years_stated("至今年均增长8%", "2021-03-02") == set()
    assert years_stated("五年前年收入不足2000元", "2021-03-02") == set()
    assert years_stated("当年实现脱贫1200户", "2021-03-02") == set()


def test_a_clause_with_a_band_of_its_own_does_not_take_the_band_before_it(frames: FrameBuilder) -> None:
    # 35岁以下的有23名，大专以上学历的有97名: 97 is of the college-educated, not of those under 35.
    frame = frames.build("How many of Qingling County's village party secretaries were under 35?", "en",
                         places=["青岭县"])
    report = passages("青岭县186名村党组织书记中，35岁以下的有23名，大专以上学历的有97名。")
    evidence = EvidenceSelector().select(frame, report, 3)
    qualifiers = {c.value: c.alignment.qualifier for c in figure_claims(frame, evidence)}
    assert qualifiers[23] == 1 and qualifiers[97] < 1
    claim = best_claim(frame, evidence)
    assert claim is not None and claim.value == 23


def test_a_year_said_before_a_semicolon_is_the_year_of_the_clauses_after_it(frames: FrameBuilder) -> None:
    # 到2020年底…；全县…总额达到3184万元: the total is 2020's, no answer for 2017, which the passage names only for
    # the empty-shell villages.
    text = ("2017年，青岭县143个村中集体经济“空壳村”有58个。到2020年底，全县143个村集体经济收入全部超过5万元；"
            "全县村集体经济收入总额达到3184万元，比2019年的2057万元增长54.8%。")
    selector = EvidenceSelector()
    asked_2017 = frames.build("青岭县2017年全县村集体经济收入总额是多少？", "zh", places=["青岭县"])
    claim = best_claim(asked_2017, selector.select(asked_2017, passages(text), 4))
    assert claim is None or claim.value != 31_840_000
    asked_2020 = frames.build("青岭县2020年全县村集体经济收入总额是多少？", "zh", places=["青岭县"])
    claim = best_claim(asked_2020, selector.select(asked_2020, passages(text), 4))
    assert claim is not None and claim.value == 31_840_000
    # Only the time the sentence opens with: 2014 is the start of a change, not the year of what follows.
    text = ("2019年，青岭县脱贫攻坚取得决定性胜利。全县贫困发生率由2014年的12.5%下降至0.6%；"
            "全县村集体经济收入总额达到3184万元。")
    asked_2019 = frames.build("青岭县2019年全县村集体经济收入总额是多少？", "zh", places=["青岭县"])
    claim = best_claim(asked_2019, selector.select(asked_2019, passages(text), 4))
    assert claim is not None and claim.value == 31_840_000


def test_a_kind_of_the_counted_noun_must_be_said_in_the_figures_clause() -> None:
    # "Poor villages": 163个村 counts every village, though 脱贫 stands in its sentence; 贫困村93个 counts the poor.
    builder = FrameBuilder(BilingualLexicon([*VOCABULARY, "脱贫", "摘帽", "社区", "振兴", "识别"]),
                           ["青岭县", "青岭"], ["全县干部群众认真学习。"] * 8)
    frame = builder.build("How many poor villages did Qingling County have before it got out of poverty?", "en",
                          places=["青岭县"])
    assert [t.text for t in frame.terms if t.counted_kind] == ["poor"]
    every_village = passages("脱贫摘帽后，青岭县坚持“四个不摘”，为全县163个村（社区）的振兴注入动能。")
    assert best_of(frame, every_village) is None
    # 扶贫 (poverty alleviation) names no poor village either.
    industry = passages("青岭县扶贫产业覆盖全县163个村（社区）。")
    assert best_of(frame, industry) is None
    poor_villages = passages("青岭县识别贫困村93个，全县163个村（社区）全部通硬化路。")
    claim = best_of(frame, poor_villages)
    assert claim is not None and claim.value == 93


def test_the_scenes_word_before_a_noun_the_question_refers_back_to_is_asked() -> None:
    # "…keeps a reserve pool of candidates. How many people … are in the pool?": pool (塘, 潭) says little, reserve
    # (储备, 后备) is what a clause must state; "people" is the measure, which 名 states as 人 does.
    builder = FrameBuilder(BilingualLexicon([*VOCABULARY, "储备", "后备", "力量", "人口", "总人口"]),
                           ["青岭县", "青岭"], ["全县干部群众认真学习。"] * 8)
    frame = builder.build("Qingling County keeps a reserve pool of candidates for village leadership. "
                          "How many people of its villages are in the pool?", "en", places=["青岭县"])
    reserve = next(t for t in frame.terms if t.text == "reserve")
    assert reserve.key and not reserve.scene
    assert "名" in next(t for t in frame.terms if t.text == "people").forms
    text = passages("青岭县辖12个乡镇，总人口22.7万人。全县储备村级后备力量643名。")
    claim = best_of(frame, text)
    assert claim is not None and claim.value == 643 and claim.alignment.coverage > 0.9
    # Only a noun the asking sentence points back to, and no adverb before it ("newly paired").
    paired = builder.build("Qingling County newly paired cadres with poor households in 2019. How many cadres were "
                           "paired?", "en", places=["青岭县"])
    assert not any(t.key and not t.scene for t in paired.terms if t.text in ("new", "newly"))


def test_an_english_how_many_is_no_amount_of_money(frames: FrameBuilder) -> None:
    # How many of the 2,500 are from poor households: 户均增收2万元 is how much each household gained.
    frame = frames.build("About 2,500 farmers have joined Qingling County's tea industry. How many of them are "
                         "from poor households?", "en", places=["青岭县"])
    assert frame.counting
    text = passages("青岭县带动2500多名农民参与发展茶产业，年户均增收2万元以上。")
    assert best_of(frame, text) is None
    assert not frames.build("How many yuan did each household gain in Qingling County?", "en",
                            places=["青岭县"]).counting
    acres = frames.build("How many acres of tea gardens does Qingling County have?", "en", places=["青岭县"])
    assert acres.unit == "area" and not acres.counting


def test_what_a_chinese_how_much_measures_must_be_said(frames: FrameBuilder) -> None:
    # 收入总额是多少: the income is measured (总额 says only "the amount of"); 扶持资金2600万元 is other money.
    frame = frames.build("青岭县2017年全县村集体经济收入总额是多少？", "zh", places=["青岭县"])
    assert [t.text for t in frame.terms if t.part] == ["收入"]
    funds = passages("2017年，青岭县143个村中集体经济“空壳村”有58个。县财政每年安排村级集体经济发展扶持资金2600万元。")
    assert best_of(frame, funds) is None
    income = passages("2017年，青岭县村集体经济收入总额为586万元，县财政安排扶持资金2600万元。")
    claim = best_of(frame, income)
    assert claim is not None and claim.value == 5_860_000
    # The articles' other word for it, and a share (比例 says what % does: 人口 is measured).
    total = frames.build("青岭县村集体经济收入总额是多少？", "zh", places=["青岭县"])
    proceeds = passages("青岭县村集体经济总收益达3184万元，比上年增长12.5%。")
    claim = best_of(total, proceeds)
    assert claim is not None and claim.value == 31_840_000
    share = frames.build("青岭县苗族人口所占的比例是多少？", "zh", places=["青岭县"])
    population = passages("青岭县总人口22.7万人，其中苗族人口占78.3%。")
    claim = best_of(share, population)
    assert claim is not None and claim.value == 78.3
    # A how-many counting a noun after it (多少名第一书记) measures none before it.
    assert not any(t.part for t in frames.build("青岭县选派了多少名第一书记？", "zh", places=["青岭县"]).terms)


def test_a_thing_counted_in_ge_must_be_named_at_its_figure() -> None:
    # "How many villages": 安置点11个 counts relocation sites, though its sentence is about poverty.
    lexicon = BilingualLexicon([*VOCABULARY, "安置点", "扶贫", "搬迁", "易地", "脱贫"])
    builder = FrameBuilder(lexicon, ["青岭县", "青岭"], ["全县干部群众认真学习。"] * 8)
    frame = builder.build("How many villages in Qingling County escaped poverty?", "en", places=["青岭县"])
    assert [t.text for t in frame.terms if t.counted_thing] == ["village"]
    sites = passages("青岭县脱贫攻坚期间建成易地扶贫搬迁安置点11个。")
    assert best_of(frame, sites) is None
    villages = passages("青岭县建成易地扶贫搬迁安置点11个，93个贫困村全部脱贫出列。")
    claim = best_of(frame, villages)
    assert claim is not None and claim.value == 93
    # The phrase's last word is what is counted: "village party secretaries" are secretaries.
    secretaries = builder.build("How many village party secretaries in Qingling County are under 35?", "en",
                                places=["青岭县"])
    assert not any(t.counted_thing for t in secretaries.terms)


def test_counts_joined_by_he_share_what_is_said_after_them() -> None:
    # 2037名县直干部和1268名乡镇干部与脱贫户结成帮扶对子: the pairing is said of the 2037 county cadres too, and
    # "county-level" is 县直 as the articles write it.
    text = "全县2037名县直干部和1268名乡镇干部与脱贫户结成帮扶对子，实现“一户一策一干部”。"
    words = [*VOCABULARY, "脱贫", "乡镇", "帮扶", "结成", "县直", "县级", "单位"]
    builder = FrameBuilder(BilingualLexicon(words, [text]), ["青岭县", "青岭"], [text] + ["全县干部群众认真学习。"] * 7)
    frame = builder.build("How many county-level cadres in Qingling County were paired up with households that had "
                          "escaped poverty?", "en", places=["青岭县"])
    assert "县直" in next(t for t in frame.terms if t.text == "county-level").forms
    claims = {c.value: c for c in figure_claims(frame, EvidenceSelector().select(frame, passages(text), 3))}
    assert claims[2037].alignment.coverage >= claims[1268].alignment.coverage
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 2037
    # What is shared states terms only: the 2037 county cadres are still no township cadres.
    township = builder.build("青岭县有多少名乡镇干部与脱贫户结成了帮扶对子？", "zh", places=["青岭县"])
    claim = best_of(township, passages(text))
    assert claim is not None and claim.value == 1268


def test_a_count_in_words_answers_and_is_quoted_whole() -> None:
    # The only count of the clause is written in words; its part ends before 1+5 without the mark opening it.
    text = "青岭县分层分类细化完善“十个规范”的“1+5”基层党组织规范化建设体系，并组织8个检查组赴28个乡镇检查。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "规范", "规范化", "体系", "检查组"]), ["青岭县"],
                          [text, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("青岭县细化完善的“1+5”基层党组织规范化建设体系一共包含多少个规范？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 10
    assert claim.quote.endswith("“十个规范”的"), claim.quote
    plan = "青岭县按照“八个一批”及十个行业扶贫专项方案的要求推进，落实资金230万元。"
    frame = frames.build("青岭县按照多少个行业扶贫专项方案的要求推进？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(plan))
    assert claim is not None and claim.value == 10


def test_a_band_before_a_count_is_quoted_with_it_and_the_asked_measure_word_decides_a_tie() -> None:
    text = ("青岭县38个行政村中，年集体经济收入在5万元以下的村有11个、5万元至10万元的村有8个、10万元以上的村有7个。")
    frames = FrameBuilder(BilingualLexicon(VOCABULARY), ["青岭县"],
                          [text, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("青岭县年集体经济收入在5万元以下的村有几个？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 11 and "5万元以下的村有11个" in claim.quote, claim
    # Two clauses that align alike: the one counted in the measure word asked (多少个) answers, not 3类.
    tie = "青岭县分类整顿软弱涣散村党组织3类，整顿软弱涣散村党组织11个。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "软弱涣散", "整顿"]), ["青岭县"],
                          [tie, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("青岭县对多少个软弱涣散的村党组织进行了整顿？", "zh", places=["青岭县"])
    claims = figure_claims(frame, EvidenceSelector().select(frame, passages(tie), 3))
    assert len({round(c.alignment.score, 6) for c in claims}) == 1, claims
    claim = best_of(frame, passages(tie))
    assert claim is not None and claim.value == 11, claim


def test_a_participle_before_by_is_a_verb_a_clause_need_not_state() -> None:
    # "run by" is 领办 here; the dictionary's 经营 and 运行 are not how every article says it.
    text = "青岭县村党支部领办苹果专业合作社，带动183户农户入社，其中脱贫户96户。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "苹果", "合作社", "支部", "农户", "经营", "运行"]),
                          ["青岭县"], [text, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("How many farming households joined the apple cooperative run by the Party branch in "
                         "Qingling County?", "en", places=["青岭县"])
    run = next(t for t in frame.terms if t.text == "run")
    assert not run.key
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 183, claim
    # "by" a place or a year names no participle: the village stays a key word.
    frame = frames.build("How many first secretaries were sent to villages by Qingling County by 2020?", "en",
                         places=["青岭县"])
    assert all(t.key for t in frame.terms if t.text == "village")


def test_members_written_before_the_asked_kind_are_the_listing() -> None:
    from assistant.evidence import best_listing

    summary = ("青岭县在各村建成新时代农民讲习所167个，组织第一书记、驻村干部、党员致富带头人担任讲习员，"
               "用布依语、苗语和普通话宣讲实用技术。")
    members = "讲习内容既有党的政策、法律法规，也有芒果修剪、板栗嫁接、油茶管护等实用技术。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "讲习所", "实用技术", "讲习", "农民"]), ["青岭县"],
                          [summary + members, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("青岭县农民讲习所讲授的实用技术，文中举了哪些例子？", "zh", places=["青岭县"])
    evidence = EvidenceSelector().select(frame, passages(summary, members), 3)
    listing = best_listing(frame, evidence)
    assert listing is not None and "芒果修剪" in listing.text, listing


def test_a_count_inside_a_quoted_name_is_no_boundary_of_the_next_figures_part() -> None:
    from assistant.evidence import figure_claims

    text = "青岭县委从返乡大学生、退役军人、致富能手“三类人员”中储备村级后备力量489名。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "储备", "后备", "力量"]), ["青岭县"],
                          [text, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("青岭县储备了多少名村级后备力量？", "zh", places=["青岭县"])
    claims = figure_claims(frame, EvidenceSelector().select(frame, passages(text), 3))
    reserve = next(c for c in claims if c.value == 489)
    assert reserve.quote.endswith("致富能手“三类人员”中储备村级后备力量489名。"), reserve.quote


def test_other_than_a_kind_asks_for_the_others() -> None:
    text = "青岭县累计选派第一书记131名，其中派驻贫困村66名、派驻其他村65名。"
    frames = FrameBuilder(BilingualLexicon([*VOCABULARY, "派驻", "其他", "贫困村", "非贫困村"]), ["青岭县"],
                          [text, "松溪县非贫困村12个。"] + ["全县干部群众认真学习。"] * 6)
    frame = frames.build("Of the first secretaries Qingling County dispatched, how many were sent to villages other "
                         "than poor villages?", "en", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 65, claim


def _builder(*texts: str, words: tuple[str, ...] = ()) -> FrameBuilder:
    """A frame builder over `texts` as articles of 青岭县 (with filler articles, so a word of one is specific)."""
    return FrameBuilder(BilingualLexicon([*VOCABULARY, *words]), ["青岭县", "青岭"],
                        [*texts, "松溪县有贫困村12个。"] + ["全县干部群众认真学习。"] * 6)


def test_a_span_of_years_is_answered_by_a_count_of_years_not_by_the_years_it_spans() -> None:
    text = "2014年底，青岭县贫困发生率12.5%。经过六年攻坚，2020年全县贫困发生率降至0.5%。"
    frames = _builder(text, words=("攻坚", "发生率"))
    frame = frames.build("青岭县从2014年底算起，经过几年攻坚才把贫困发生率降到0.5%？", "zh", places=["青岭县"])
    assert frame.unit == "years" and frame.years == ()
    claim = best_of(frame, passages(text))
    assert claim is not None and (claim.value, claim.unit) == (6, "年"), claim
    assert frames.build("How many years did the first secretary stay?", "en").unit == "years"


def test_a_count_of_another_noun_written_after_its_measure_word_is_no_answer() -> None:
    border = "青岭县在沿边34个村组建“党政军警民”联防党支部，选聘护边员1486名。"
    branches = "目前，全县共有基层党组织742个，其中党委24个、党总支33个、党支部685个。"
    frames = _builder(border + branches, words=("党支部", "联防", "基层", "党组织", "党委", "党总支", "护边员"))
    frame = frames.build("青岭县共有多少个党支部？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(border, branches))
    assert claim is not None and claim.value == 685, claim
    # A question naming the villages too still counts the branches: 34 counts villages.
    frame = frames.build("青岭县在沿边村组建了多少个党支部？", "zh", places=["青岭县"])
    assert best_of(frame, passages(border)) is None
    # A phrase the verb carries on names no head noun to check.
    assert not any(t.counted_thing for t in frames.build("建了多少个易地搬迁集中安置点？", "zh").terms)


def test_a_part_asked_among_a_whole_with_li_is_not_answered_by_the_whole() -> None:
    text = ("全县累计选派第一书记152名，其中派驻贫困村71名、非贫困村81名；"
            "从选派单位看，省市单位选派38名，县直单位选派114名。")
    frames = _builder(text, words=("选派", "单位", "县直"))
    frame = frames.build("青岭县选派的第一书记里，由县直单位派出的有多少名？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 114, claim


def test_households_asked_in_english_are_the_measure_not_the_subject() -> None:
    frames = _builder(INCOME, words=("返贫", "监测"))
    frame = frames.build("How many households are under return-to-poverty monitoring in Qingling County?", "en",
                         places=["青岭县"])
    text = "青岭县建档立卡贫困人口1.2万户，搬迁3276户。"
    assert best_of(frame, passages(text)) is None
    assert best_of(frame, passages("青岭县纳入返贫监测对象1128户。")) is not None


def test_an_irregular_participle_reads_the_campaign_phrase() -> None:
    frame = _builder(INCOME, words=("摇", "脱贫")).build("How many households had shaken off poverty?", "en")
    assert any(t.forms == frozenset({"脱贫"}) for t in frame.terms), frame.terms


def test_a_verb_on_villages_is_no_villages_name() -> None:
    frame = _builder(TEAMS).build("青岭县加强驻村工作队管理，解决了哪些问题？", "zh")
    assert frame.local_places == () and "加强驻村" not in frame.places


def test_the_count_a_list_question_asks_for_is_no_term() -> None:
    frame = _builder(TEAMS).build("What three goals does Qingling County set for relocated families?", "en",
                                  places=["青岭县"])
    assert "three" not in {t.text for t in frame.terms}


def test_a_village_asked_in_english_is_not_answered_by_the_countys_figure() -> None:
    county, village = "2020年，全县茶园面积18.4万亩。", "白云村建成标准化茶园1800亩。"
    frames = _builder(county + village, words=("茶园", "标准化"))
    frame = frames.build("How many mu of tea gardens does Baiyun Village in Qingling County have?", "en",
                         places=["白云", "青岭县"])
    assert frame.local_kinds == ("村",)
    context = normalize_for_matching(county + village)
    for clause, place_ok in (("全县茶园面积18.4万亩", False), ("白云村建成标准化茶园1800亩", True)):
        assert align(frame, clause, clause, context, ["青岭县"]).place_ok is place_ok, clause


def test_a_sentence_referring_back_to_a_person_states_what_the_sentence_naming_them_does() -> None:
    text = "岭头坪村驻村第一书记张明来自省农业厅。驻村四年，他带领群众发展茶叶，成立合作社2个。"
    frames = _builder(text, words=("合作社",))
    frame = frames.build("岭头坪村第一书记张明驻村多少年？", "zh", places=["青岭县"])
    assert frame.local_places == ("岭头坪村",)
    claim = best_of(frame, passages(text))
    assert claim is not None and (claim.value, claim.unit) == (4, "年"), claim


def test_a_part_told_clause_by_clause_is_answered_by_its_own_clause() -> None:
    whole = "县委常委、组织部长田晓燕介绍，全县累计选派第一书记134名，其中派驻贫困村93名、派驻软弱涣散村41名。"
    parts = "134名第一书记中，省、州单位派驻34名，县直单位派驻100名，女性第一书记17名。"
    frames = _builder(whole + parts, words=("派驻", "单位", "县直", "女性", "部门", "部长", "组织部"))
    frame = frames.build("How many of Qingling County's first secretaries were sent by county-level departments?",
                         "en", places=["青岭县"])
    claim = best_of(frame, passages(parts, whole))
    assert claim is not None and claim.value == 100, claim
    # 部长 of 组织部长 translates "department" only in a later sense: the whole's sentence states no part.
    sentence = normalize_for_matching(whole)
    clause = "全县累计选派第一书记134名"
    assert align(frame, clause, sentence, sentence, ["青岭县"], part=clause).qualifier == -1


def test_a_sentence_denying_the_asked_kind_gives_no_figure_of_it() -> None:
    text = "针对不能享受易地搬迁项目的贫困户危房，县财政筹集资金225.5万元，对27户通过补助的形式动员贫困户自建。"
    frames = _builder(text, words=("易地", "搬迁", "危房", "补助", "项目", "财政"))
    frame = frames.build("How many households did Qingling County relocate under its ex-situ poverty relocation "
                         "(易地搬迁) project?", "en", places=["青岭县"])
    sentence = normalize_for_matching(text)
    clause = "对27户通过补助的形式动员贫困户自建。"
    assert align(frame, clause, sentence, sentence, ["青岭县"]).qualifier == -1
    relocated = normalize_for_matching("全县实施易地搬迁项目，搬迁贫困户1200户。")
    assert align(frame, "搬迁贫困户1200户。", relocated, relocated, ["青岭县"]).qualifier == 0


def test_only_a_sentence_introducing_a_person_lends_its_words_to_the_next() -> None:
    from assistant.alignment import _referred_sentence

    intro = "岭头坪村驻村第一书记张明来自省农业厅。"
    figures = "他走遍了全村6个村民小组的389户人家。"
    later = "在他的推动下，村党支部领办合作社，带动183户农户入社。"
    assert _referred_sentence(intro + later, later) == intro
    assert _referred_sentence(figures + later, later) == ""
    assert _referred_sentence(intro + "全村带动183户农户入社。", "全村带动183户农户入社。") == ""
    assert _referred_sentence("全县召开动员大会。" + later, later) == ""  # no one introduced by a post
    # The introduction lends its words, not the part a question asks about: 女性 is not said of the 12 party members.
    text = "岭头坪村女性第一书记王芳来自县农业局。驻村两年，她带领村民成立合作社，发展党员12名。"
    frames = _builder(text, words=("女性", "合作社", "党员"))
    frame = frames.build("青岭县第一书记中有多少名女性？", "zh", places=["青岭县"])
    assert best_of(frame, passages(text)) is None


def test_fixes_of_the_span_and_place_rules_against_their_false_positives() -> None:
    frames = _builder(TEAMS, "岭下村有贫困户56户。", words=("培训", "农民", "资金", "投入"))
    # "each year" says when; 近几年 and 十几年来 say when: no span of years is asked.
    assert frames.build("How many farmers each year received training in Qingling County?", "en").unit == "people"
    assert frames.build("近几年，青岭县累计投入了多少资金？", "zh").unit == "money"
    assert frames.build("青岭县十几年来共修了多少公里路？", "zh").unit != "years"
    # X下村 is a name, not a verb on villages.
    assert frames.build("青岭县岭下村有多少户贫困户？", "zh").local_places == ("岭下村",)
    # The first year of a range, a decade and a programme's name are no spans.
    assert [f.value for f in clause_figures("2014—2020年，80年代，三年行动，连续5年")] == [5]


def test_the_whole_a_part_clause_breaks_down_is_not_another_part() -> None:
    text = "青岭县县直单位共选派干部300名，其中100名担任第一书记，200名担任驻村工作队员。"
    frames = _builder(text, words=("县直", "单位", "担任", "部门"))
    frame = frames.build("How many of Qingling County's first secretaries were sent by county-level departments?",
                         "en", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 100, claim


def test_the_product_an_english_output_is_of_must_be_stated() -> None:
    text = "青岭县精深发展骆驼产业，全年驼奶产量达300吨，同比增长7倍。"
    frames = _builder(text, words=("驼奶", "骆驼", "奶", "肉", "驼", "产量"))
    found = passages(text)
    meat = frames.build("What was Qingling County's annual camel meat output?", "en", places=["青岭县"])
    assert best_of(meat, found) is None
    milk = frames.build("What was Qingling County's annual camel milk output?", "en", places=["青岭县"])
    claim = best_of(milk, found)
    assert claim is not None and claim.value == 300, claim


def test_the_act_a_how_many_counts_in_a_telling_verb_must_be_stated() -> None:
    talked = "青岭县对排名靠后的6名第一书记进行了约谈。"
    recalled = "松溪县对考核排名靠后的11名第一书记进行了约谈，召回调整3名。"
    frames = _builder(talked, recalled, words=("召回", "调整", "约谈", "排名", "考核"))
    frame = frames.build("青岭县对考核排名靠后的第一书记，召回调整了多少名？", "zh", places=["青岭县"])
    assert any(t.text == "召回" and t.key and t.telling for t in frame.terms)
    selector, found = EvidenceSelector(), passages(talked)
    assert answer_gap(frame, selector.select(frame, found, 3), selector.candidates(frame, found))
    claim = best_of(frame, passages(recalled))
    assert claim is not None and claim.value == 3, claim
    # Each of several figures asked is of its own act: neither must be stated by the other's clause.
    both = frames.build("青岭县对考核排名靠后的第一书记分别约谈了多少名、召回调整了多少名？", "zh", places=["青岭县"])
    assert not any(t.text == "召回" and t.key for t in both.terms)


def test_people_asked_in_english_are_the_measure_not_the_subject() -> None:
    sent, reserve = "青岭县累计选派第一书记131名。", "全县储备村级后备力量643名。"
    frames = _builder(sent + reserve, words=("储备", "后备", "力量", "选派"))
    frame = frames.build("How many people are in Qingling County's reserve pool?", "en", places=["青岭县"])
    assert not any(t.key for t in frame.terms if t.text == "people")
    assert best_of(frame, passages(sent)) is None
    claim = best_of(frame, passages(sent, reserve))
    assert claim is not None and claim.value == 643, claim


def test_several_figures_asked_have_their_own_counted_nouns_and_items_their_own_measures() -> None:
    text = "青岭县通过组织8个检查组赴28个乡镇检查党建工作。"
    frames = _builder(text, words=("检查组", "检查", "乡镇", "党建"))
    frame = frames.build("青岭县派出几个检查组检查党建工作？一共查了多少个乡镇？", "zh", places=["青岭县"])
    assert not any(t.counted_thing for t in frame.terms)
    assert {c.value for c in figure_claims(frame, EvidenceSelector().select(frame, passages(text), 3))
            if c.alignment.admissible} >= {8, 28}
    # 省州下达的 qualifies both items; 137个 counts villages, another thing than the 30070名 people.
    targets = ("有这样一组数据：完成省州下达的137个贫困村退出、30070名贫困人口减贫，"
               "同步启动县上确定的5630名贫困人口的住房建设。")
    frames = _builder(targets, words=("下达", "减贫", "贫困人口", "住房", "州", "自治州", "省市", "省"))
    frame = frames.build("How many poor people did Qingling County have to lift out of poverty under the targets set "
                         "by the province and prefecture?", "en", places=["青岭县"])
    claim = best_of(frame, passages(targets))
    assert claim is not None and claim.value == 30070, claim


def test_a_range_is_quoted_whole_and_a_month_is_no_figure() -> None:
    contacts = "青岭县推行党员联户制度，每名农村党员联系5至10户群众。"
    frames = _builder(contacts, words=("联系", "农村党员", "党员", "群众", "联户"))
    frame = frames.build("青岭县每名农村党员要联系多少户群众？", "zh", places=["青岭县"])
    claims = figure_claims(frame, EvidenceSelector().select(frame, passages(contacts), 3))
    assert {c.value for c in claims} == {5, 10} and all("5至10户" in c.quote for c in claims), claims
    # A range with a figure after it is quoted whole too, not cut at its own 至.
    sent = "青岭县每个村选派3至5名党员联系20户群众。"
    frame = frames.build("青岭县每个村选派多少名党员？", "zh", places=["青岭县"])
    claims = figure_claims(frame, EvidenceSelector().select(frame, passages(sent), 3))
    assert all("3至5名" in c.quote for c in claims if c.value in (3, 5)), claims
    # 截至5月底 dates the count; 5 is no figure of the question or of the clause.
    watched = "截至5月底，全县纳入监测对象1362户5127人。"
    assert [f.value for f in clause_figures(watched)] == [1362, 5127]
    assert [f.value for f in clause_figures("1-5月全县新增就业1200人，11月3日召开大会。")] == [1200]
    frames = _builder(watched, words=("监测", "对象", "纳入"))
    frame = frames.build("青岭县截至5月底纳入监测的对象一共有多少人？", "zh", places=["青岭县"])
    assert frame.figures == ()
    claim = best_of(frame, passages(watched))
    assert claim is not None and claim.value == 5127, claim


def test_a_household_noun_asked_in_households_is_counted_as_its_population_or_families() -> None:
    text = "2013年底，青岭县有贫困村71个，建档立卡贫困人口1.92万户8.06万人。"
    frames = _builder(text, words=("建档立卡", "贫困人口", "贫困户"))
    frame = frames.build("2013年底青岭县的建档立卡贫困户有多少户？", "zh", places=["青岭县"])
    claim = best_of(frame, passages(text))
    assert claim is not None and claim.value == 19200, claim
    # 贫困 beside a count of all households is no count of poor households.
    frame = frames.build("青岭县的贫困户有多少户？", "zh", places=["青岭县"])
    assert best_of(frame, passages("青岭县71个贫困村共有农户3.2万户。")) is None


def test_an_amounts_scale_and_currency_are_no_terms() -> None:
    frame = _builder(words=("集体经济", "收入")).build(
        "How many villages had a collective income between 500,000 and 1 million yuan?", "en")
    assert not {"million", "yuan"} & {t.text for t in frame.terms}
    assert frame.sides == ((500000.0, "range"),)
    # A place written in lower case is a name, no term, whatever its pinyin translates.
    frame = _builder(words=("集体经济", "收入", "青岭")).build("What was the collective income of qingling?", "en")
    assert not any(t.text == "qingling" and t.forms for t in frame.terms)


def test_a_quoted_name_is_a_term_whatever_jieba_makes_of_it() -> None:
    frames = _builder("青岭县推行第一书记“五个一”工作法。", words=("报道", "推行"))
    frame = frames.build("哪些地方的报道里提到了“五个一”？", "zh")
    assert any(t.text == "五个一" and t.telling and t.key for t in frame.terms)
    # A label no article writes is the user's: not asked of a clause.
    assert not any(t.text == "四不摘" for t in frames.build("青岭县的“四不摘”是指哪四项？", "zh").terms)
