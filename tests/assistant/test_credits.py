"""Credit lines and bylines: who wrote, reported, photographed or edited an article (made-up pages, no model)."""

from __future__ import annotations

import pytest

from assistant.answer import Passage
from assistant.credits import asked_credit, credit_text, credited, find_credit
from indexing.documents import Article

QINGLING = Article(doc_id="ql", path="ql.html", title="青岭县：党建引领", text="", region="某省青岭县",
                   aliases=("青岭县", "青岭", "Qingling"))
SONGXI = Article(doc_id="sx", path="sx.txt", title="松溪县扶贫", text="", region="松溪县", author="周立新",
                 aliases=("松溪县", "松溪", "Songxi"))
HEADER = (
    "首页 县区动态 发布时间:2020-09-15 来源:青岭日报 記者：馬文博 通讯员：李娟 浏览次数: "
    "今年以来，青岭县坚持党建引领。"
)
PHOTO = "图为白石村党员在果园里劳动。（记者 马文博 摄） 核桃嫁接现场。 宋恩 摄 通村水泥路修到了家门口。"


def passage(n: int, doc_id: str, text: str) -> Passage:
    return Passage(n=n, doc_id=doc_id, chunk_id=f"{doc_id}#{n}", title=f"{doc_id} title", text=text, score=1.0)


@pytest.mark.parametrize(("question", "role"), [
    ("青岭日报那篇关于青岭县的报道，作者是谁？", "author"),
    ("Who wrote the article on Songxi County?", "author"),
    ("Who is the author of the Qingling report?", "author"),
    ("Who took the photos in the Qingling report?", "photographer"),
    ("这篇文章的责任编辑是谁？", "editor"),
    ("青岭县的记者是哪位？", "reporter"),
    ("青岭县的报道是谁写的？", "author"),
    ("Who reported the Songxi story?", "reporter"),
    # The act says which credit: the reporter who took a photo is asked as its photographer.
    ("Which reporter took the photo of the orchard in the Qingling report?", "photographer"),
    ("哪位记者拍的青岭县果园照片？", "photographer"),
    ("Who is credited with the photos in the Songxi report?", "photographer"),
    ("Which reporter wrote the Qingling story?", "author"),
    # A role word that is not what is asked, or not the article's, asks for somebody else.
    ("青岭县县委书记是谁？", None),
    ("Who wrote the twelve rules for village cadres?", None),  # a writer, but not of the article
    ("Who is the writer of the village song?", None),
    ("记者采访的第一书记是谁？", None),
    ("青岭县村里的通讯员是谁？", None),
    ("照片里的第一书记是谁？", None),
    ("谁负责编辑村史？", None),
    ("青岭县这篇报道中，谁写了入党申请书？", None),  # something else written
    ("In the Qingling report, who wrote the village rules?", None),
    ("报道中的民情日记是谁写的？", None),
    ("谁写了这篇报道中提到的倡议书？", None),
    ("谁报道了青岭县的经验？", None),
    ("谁编辑了村史？", None),
    ("Which reporters visited the village in the report?", None),
    ("Who wrote the work report mentioned in the article?", None),
    ("Who wrote the report to the county about the road?", None),
    ("Who is the author of the village song?", None),
    ("青嶺縣的報導是誰寫的？", "author"),
    ("誰是這篇文章的作者？", "author"),
    ("谁拍摄了这张照片？", "photographer"),
    ("Who built the photovoltaic power station in Qingling?", None),
    ("What is the name of the photovoltaic project?", None),
    ("Which authorities approved Qingling's exit from poverty?", None),
    ("Who took the lead in the Qingling report?", None),
])
def test_the_credit_a_question_asks_for(question: str, role: str | None) -> None:
    assert asked_credit(question, ["青岭县", "松溪县"]) == role


def test_credit_lines_name_each_credited_person_and_stop_at_the_next_credit() -> None:
    assert [name for name, _ in credited(HEADER, "reporter")] == ["马文博", "李娟"]
    assert credited(HEADER, "author") == []
    assert [name for name, _ in credited(PHOTO, "photographer")] == ["马文博", "宋恩"]
    # 图为… opens a caption; it credits nobody.
    assert all(name != "白石村党员" for name, _ in credited(PHOTO, "photographer"))
    # The paper before the credit word (本报记者) is no word the credit is inside of; words after a space are no
    # names unless they start with a surname, and 拍摄 ending a sentence credits nobody.
    assert [name for name, _ in credited("本报记者 马文博 通讯员 李娟", "reporter")] == ["马文博", "李娟"]
    assert credited("记者 走访 发现，村里通了水泥路。", "reporter") == []
    assert credited("村里组织无人机航拍摄。大家进行拍摄。", "photographer") == []
    # The highlight is the credit and its names, not the next credit word.
    [(_, (start, end))] = credited("记者：马文博 通讯员：李娟", "reporter")[:1]
    assert "记者：马文博 通讯员：李娟"[start:end] == "记者：马文博"
    editors = credited("【責任編輯：張國強】【终审：刘志强】", "editor")
    assert [name for name, _ in editors] == ["张国强"]
    # Offsets are into the text as written, Traditional script and all.
    start, end = editors[0][1]
    assert "張國強" in "【責任編輯：張國強】【终审：刘志强】"[start:end]


def test_the_credit_comes_from_the_asked_places_article_or_its_byline() -> None:
    articles = {"ql": QINGLING, "sx": SONGXI}
    pool = [passage(1, "sx", "松溪县选派第一书记31名。"), passage(2, "ql", HEADER)]
    credit = find_credit("author", ["青岭县"], pool, articles)
    # A news report's author is its reporter.
    assert credit is not None and credit.names == ("马文博", "李娟") and credit.passage.n == 2
    assert credit.span is not None
    byline = find_credit("author", ["松溪县"], pool, articles)
    assert byline is not None and byline.names == ("周立新",) and byline.span is None
    assert find_credit("photographer", ["松溪县"], pool, articles) is None
    assert "周立新" in credit_text(byline, "zh") and "[1]" in credit_text(byline, "zh")
    assert "Ma Wenbo" in credit_text(credit, "en") and "reporters" in credit_text(credit, "en")
    # Names are spelled in full pinyin (Zhou, not the folded Zou).
    assert "Zhou Lixin" in credit_text(byline, "en")


def test_the_editor_taken_off_the_page_is_still_the_articles_editor() -> None:
    # The cleaner drops 责任编辑：王蕾 with the page furniture and keeps it as the article's editor.
    edited = Article(doc_id="sx", path="sx.html", title="松溪县：党建引领", text="松溪县选派第一书记31名。",
                     region="松溪县", aliases=("松溪",), editor="王蕾")
    pool = [passage(1, "sx", "松溪县选派第一书记31名。")]
    credit = find_credit("editor", ["松溪县"], pool, {"sx": edited})
    assert credit is not None and credit.names == ("王蕾",) and credit.span is None
    assert "编辑是王蕾" in credit_text(credit, "zh") and "as its editor" in credit_text(credit, "en")
    assert find_credit("editor", ["松溪县"], pool, {"sx": SONGXI}) is None
