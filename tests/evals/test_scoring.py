"""The gold scoring rules on hand-made answers."""

from evals.scoring import answer_correct, groups_satisfied, hit_at_k, matches_alternative, normalize, reciprocal_rank


def test_normalisation_follows_the_gold_readme():
    assert normalize("優(yōu)秀 Ａ 27,772 元") == "優秀a27772元"


def test_num_matches_only_a_standing_number():
    assert matches_alternative("num:196", "选派了196名干部")
    assert matches_alternative("num:196", "It dispatched 196 first secretaries.")
    assert not matches_alternative("num:196", "共1,960人")
    assert not matches_alternative("num:196", "2196名")
    assert not matches_alternative("num:196", "19.6")
    assert not matches_alternative("num:19", "19.5%")
    assert matches_alternative("num:27772", "27,772 yuan")
    assert matches_alternative("num:10.8", "10.8%")


def test_every_group_needs_one_alternative():
    groups = [["num:300"], ["吨", "ton"]]
    assert groups_satisfied(groups, ["300 tons"])
    assert not groups_satisfied(groups, ["300"])
    assert not groups_satisfied([], ["anything"])


def test_unanswerable_items_are_correct_only_when_abstaining():
    item = {"type": "unanswerable", "accept": []}
    assert answer_correct(item, "The articles do not say.", abstained=True)
    assert not answer_correct(item, "Paris", abstained=False)


def test_answerable_items_are_wrong_when_abstaining():
    item = {"type": "fact", "accept": [["num:19"]]}
    assert answer_correct(item, "19名 [1]", abstained=False)
    assert not answer_correct(item, "19名 [1]", abstained=True)


def test_hit_at_k_and_reciprocal_rank_need_all_evidence_groups():
    item = {"evidence": [["全市选派第一书记19名"], ["共选派第一书记19名"]]}
    passages = ["无关", "全市选派第一书记19名,并明确", "其他", "共选派第一书记19名、脱贫干部53人"]
    assert not hit_at_k(item, passages, 3)
    assert hit_at_k(item, passages, 4)
    assert reciprocal_rank(item, passages) == 0.25
    assert reciprocal_rank({"evidence": [["不存在"]]}, passages) == 0.0
