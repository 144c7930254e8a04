"""Turn a scraped article into its body text: drop page furniture, keep every sentence of the article.

The rules are line-based because scraped news pages put each navigation bar, share button, byline and
footer on lines of their own. A line is dropped when it is furniture; the page is cut at the first
"related news"/footer marker that follows the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexing.pages import PAGE_MARK, without_marks
from indexing.textnorm import strip_pinyin_artifacts

_DATE_PATTERNS = [
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})"),
    re.compile(r"(?<!\d)(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>(?:19|20)\d{2})(?!\d)"),
]
# A date as a line writes it, with its day's 日 or 号.
_DATE_WRITTEN = re.compile(_DATE_PATTERNS[0].pattern + r"\s*[日号]?")
# A page's date line may name the weekday (2020年9月15日 星期二).
_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六日天]|[(（]?(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?[)）]?")
_SOURCE = re.compile(r"来源\s*[:：]\s*(?P<v>[^\s:：]+)")
_AUTHOR = re.compile(r"(?:作者|记者|文)\s*[:：/]\s*(?P<v>[^\s:：来浏]+(?:\s[^\s:：来浏]+)?)")
_DATELINE_WORDS = re.compile(r"来源\s*[:：]|作者\s*[:：]|发布时间|浏览次数|时间\s*[:：]")
_EDITOR_ROLES = frozenset({"责编", "责任编辑", "编辑"})
_EDITOR = re.compile(r"^[（(【\[]?\s*(责编|责任编辑|编辑|审核|校对|监制|编审)\s*[:：]\s*\S{1,20}?\s*[)）】\]]?$")
_FURNITURE = re.compile(
    r"^(关闭|保存|打印|分享到\s*[:：]?.*|上一[条篇]\s*[:：]?.*|下一[条篇]\s*[:：]?.*|返回顶部|"
    r"【?(打印|关闭)(本页|窗口)?】?|字号\s*[:：].*|扫一扫.*|微信公众号|官方微博|手机看新闻|触碰右侧滑开)$"
)
_FOOTER_WORDS = re.compile(
    r"ICP备|公网安备|网站地图|设为首页|加入收藏|版权所有|copyright|网站标识码|主办\b|维护电话|邮编\s*[:：]",
    re.IGNORECASE,
)
# What starts the tail of a page once the article is over: related stories, comments, the footer.
_TAIL_MARKERS = re.compile(
    r"^(新闻推荐|相关新闻|相关阅读|相关链接|相关文章|猜你喜欢|热点阅读|热点排行|频道推荐|延伸阅读|推荐阅读|"
    r"图文看点|评论\s*[:：(（]|网友评论|关闭$|上一[条篇])"
)
_SENTENCE_END = re.compile(r"[。！？!?；;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_BYLINE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_URL_ONLY = re.compile(r"^(https?://|www\.)\S+$")
_ESCAPED_QUOTE = re.compile(r"\\(?=[\"'‘’“”])")
_NAV_TOKEN_MAX = 8
_NAV_MIN_TOKENS = 5
_HEADER_SCAN_LINES = 12


@dataclass
class CleanArticle:
    """The body text and what the page header said about the article."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    author: str | None = None
    # The page's 责任编辑/编辑 line, dropped from the text as page furniture.
    editor: str | None = None
    dropped: list[str] = field(default_factory=list)


def parse_date(text: str) -> str | None:
    """The first date in `text` as YYYY-MM-DD (accepts 2020-04-17, 2020年4月17日, 03.11.2016)."""
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            y, m, d = int(match["y"]), int(match["m"]), int(match["d"])
            if 1 <= m <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{m:02d}-{d:02d}"
    return None


_FUNCTION_WORDS = frozenset("the a an of and or to in on for with by from that this is are was were has have its "
                            "their which as at be it".split())
_PROSE_FUNCTION_WORDS = 2


def is_navigation(line: str) -> bool:
    """A menu or breadcrumb: many short space-separated words, or `a > b > c`, with no sentence."""
    if _SENTENCE_END.search(line):
        return False
    if " > " in line or line.count(">") >= 2:
        return True
    tokens = line.split()
    # English prose is made of short words too; its function words tell it from a menu ("Home News About").
    if sum(1 for t in tokens if t.lower().strip(",;:") in _FUNCTION_WORDS) >= _PROSE_FUNCTION_WORDS:
        return False
    return len(tokens) >= _NAV_MIN_TOKENS and all(len(t) <= _NAV_TOKEN_MAX for t in tokens)


def page_editor(line: str) -> str | None:
    """The names an editor line credits (责任编辑：王蕾 → 王蕾); None for any other line or a checker's (审核)."""
    match = _EDITOR.match(line)
    if match is None or match.group(1) not in _EDITOR_ROLES:
        return None
    names = re.split(r"[:：]", line, maxsplit=1)[1].strip(" )）】]")
    names = re.sub(r"\s*[（(].*$", "", names)  # 王蕾（实习）
    return names or None


def is_furniture(line: str) -> bool:
    """A line that belongs to the page, not the article: buttons, editor lines, footer, menus."""
    if _FURNITURE.match(line) or _EDITOR.match(line) or _FOOTER_WORDS.search(line):
        return True
    if _URL_ONLY.match(line) or is_navigation(line):
        return True
    # Counters, section letters and stray symbols: no Han character and almost nothing else.
    return not _HAN.search(line) and len(line) < 4


def is_dateline(line: str) -> bool:
    """A header line carrying date/source/author rather than article text."""
    if _DATELINE_WORDS.search(line):
        return True
    stripped = _WEEKDAY.sub("", _DATE_WRITTEN.sub("", _DATE_PATTERNS[1].sub("", line)))
    return parse_date(line) is not None and not _HAN.search(stripped) and len(stripped.strip()) <= 12


def _looks_like_body(line: str) -> bool:
    return bool(_SENTENCE_END.search(line)) or len(line) >= 60


def clean_article(text: str, known_title: str | None = None, known_author: str | None = None,
                  known_source: str | None = None) -> CleanArticle:
    """Strip page furniture and header lines from `text`, keeping the article body in reading order.

    Header fields found on the page (date, source, author, title) are returned alongside the text.
    """
    text = _ESCAPED_QUOTE.sub("", strip_pinyin_artifacts(text))
    lines = [line.strip() for line in text.split("\n")]
    result = CleanArticle(text="")
    kept: list[str] = []
    body_started = False
    # Page marks (indexing.pages) of dropped lines move to the next kept line, so pages keep their numbers.
    carried = ""
    for index, marked in enumerate(lines):
        line = without_marks(marked).strip()
        marks = PAGE_MARK * (len(marked) - len(without_marks(marked)))
        if not line:
            carried += marks
            continue
        if body_started and _TAIL_MARKERS.match(line):
            result.dropped.extend(without_marks(rest) for rest in lines[index:])
            break
        in_header = not body_started and index < _HEADER_SCAN_LINES
        if not body_started and result.date is None and is_dateline(line):
            # A web page's markup pushes its date line past the header scan: still the article's date.
            result.date = parse_date(line)
        if is_furniture(line) or (in_header and _header_line(line, result, known_title,
                                                              known_author, known_source)):
            result.editor = result.editor or page_editor(line)
            result.dropped.append(line)
            carried += marks
            continue
        kept.append(carried + (marked if marks else line))
        carried = ""
        body_started = body_started or _looks_like_body(line)
    if carried and kept:
        kept[-1] += carried
    result.text = "\n".join(kept)
    return result


def _header_line(line: str, result: CleanArticle, known_title: str | None, known_author: str | None,
                 known_source: str | None) -> bool:
    """Record what a header line says; True when the line is header only (not article text)."""
    if is_dateline(line):
        result.date = result.date or parse_date(line)
        if match := _SOURCE.search(line):
            result.source = result.source or match["v"]
        if match := _AUTHOR.search(line):
            result.author = result.author or match["v"].strip()
        return True
    if line in {known_author, known_source, result.source}:
        return True
    if result.title is None and not _SENTENCE_END.search(line) and len(line) <= 60:
        if _BYLINE.match(line) and known_title is None and result.author is None:
            result.author = line
            return True
        result.title = line
        return True
    return known_title is not None and line == known_title
