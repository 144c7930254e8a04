"""Evidence helpers on invented sentences."""

from assistant.evidence import ordinal_points


def test_ordinal_points_run_in_order_from_one_and_are_named_by_what_they_are_about() -> None:
    text = "一是要加强宣传。二是积极发展股份合作制经济。三是完善制度。一是大力发展新型合作经济。二是培育经营主体。"
    assert [name for _, _, name in ordinal_points(text)] == ["新型合作经济", "经营主体"]
    assert ordinal_points("二是发展经济。三是完善制度。") == []
