"""Evidence helpers on invented sentences."""

from assistant.evidence import list_members, ordinal_points


def test_ordinal_points_run_in_order_from_one_and_are_named_by_what_they_are_about() -> None:
    text = "一是要加强宣传。二是积极发展股份合作制经济。三是完善制度。一是大力发展新型合作经济。二是培育经营主体。"
    assert [name for _, _, name in ordinal_points(text)] == ["宣传", "股份合作制经济", "制度"]
    assert ordinal_points("二是发展经济。三是完善制度。") == []
    # Points between semicolons, after a colon, end where the next one starts.
    points = ordinal_points("主要做法：一是加强领导；二是完善制度。")
    assert [name for _, _, name in points] == ["领导", "制度"] and points[0][1] == points[1][0]
    # 要素 is a word, not 要 and 素.
    assert [name for _, _, name in ordinal_points("一是要素保障到位。二是大力发展新型合作经济。")] == [
        "要素保障到位", "新型合作经济"]


def test_a_reports_points_are_its_members_whatever_the_sentences_explaining_them_list() -> None:
    text = "一是积极发展股份合作制经济。要让资本、技术走进来。二是大力发展新型合作经济。培育合作社、家庭农场等主体。"
    assert list_members(text) == ["股份合作制经济", "新型合作经济"]
