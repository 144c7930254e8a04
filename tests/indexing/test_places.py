"""The place of an article without metadata, inferred from its title and text."""

import pytest

from indexing.places import infer_place, place_aliases
from tests.conftest import CORPUS


@pytest.mark.parametrize(("name", "place"), [
    ("000_587d5ebea0e5a2a8.txt", "阿拉善右旗"), ("001_54588f1784913c82.txt", "甘洛县"),
    ("002_029107a0abf3958e.txt", "乌海市"), ("003_4a63071c679b138f.txt", "乌兰县"),
    ("004_2d655d4704b4aa68.txt", "扎赉特旗"),
])
def test_the_real_articles_places_are_found_without_metadata(name, place):
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert infer_place(text.splitlines()[0], text) == place


def test_no_place_without_a_repeated_name():
    assert infer_place("工作总结", "全县干部认真学习。本市开展活动。") is None
    assert place_aliases("甘洛县") == ("甘洛县", "甘洛") and place_aliases("北京") == ("北京",)


@pytest.mark.parametrize(("title", "place"), [
    ("镇岭县：党建引领脱贫", "镇岭县"),  # a name beginning with 镇 (like 镇安县)
    ("山溪县扎实推进乡村振兴", "山溪县"),
    ("新岭市强基础", "新岭市"),
])
def test_names_beginning_with_a_common_suffix_character_are_places(title, place):
    body = f"{place}坚持党建引领。全县干部群众齐心协力，城区和山区同步推进，{place}脱贫攻坚取得成效。"
    assert infer_place(title, body) == place
