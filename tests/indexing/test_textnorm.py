from indexing.textnorm import normalize, normalize_for_matching, strip_pinyin_artifacts, to_simplified


def test_pinyin_artifacts_are_removed_only_after_han_characters():
    assert strip_pinyin_artifacts("優(yōu)秀干部") == "優秀干部"
    assert strip_pinyin_artifacts("鄉(xiāng)鎮(zhèn)") == "鄉鎮"
    # An ordinary bracketed word after Latin text is not an artifact.
    assert strip_pinyin_artifacts("model (yes)") == "model (yes)"


def test_traditional_and_simplified_normalise_to_the_same_form():
    assert normalize("扎賚特旗選派第一書記") == normalize("扎赉特旗选派第一书记")
    assert to_simplified("黨員") == "党员"


def test_a_traditional_zhuo_written_as_zhu_matches_the_simplified_article():
    # Taiwan's standard writes 著力 where Simplified writes 着力; 著名 stays 著名.
    assert normalize("阿拉善右旗著力打造美麗鄉村") == normalize("阿拉善右旗着力打造美丽乡村")
    assert to_simplified("著名的顯著成效") == "著名的显著成效"
    # Simplified text is left as it is (tw2s alone would write 显着), and normalising twice changes nothing.
    assert to_simplified("成效显著，以茶著称") == "成效显著，以茶著称"
    assert to_simplified("成效顯著，以茶著稱") == "成效显著，以茶著称"
    assert normalize(normalize("阿拉善右旗著力打造美麗鄉村")) == normalize("阿拉善右旗著力打造美麗鄉村")
    # The decision is the clause's: a Traditional name beside a Simplified clause leaves its 显著 alone.
    assert to_simplified("成效显著，韋明芳著力推进") == "成效显著，韦明芳着力推进"


def test_full_width_digits_and_letters_become_half_width():
    assert normalize("１９６名ＡＢ") == "196名ab"


def test_matching_form_drops_spaces_and_thousands_separators():
    assert normalize_for_matching("27,772 元") == "27772元"
