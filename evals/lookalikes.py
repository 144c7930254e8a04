"""Look-alike articles: synthetic county reports of the same campaign, with the same kinds of figures.

They are distractors for a robustness check: every report says how many first secretaries, party members,
night schools, collective-economy bands and product outputs a made-up county has, so a question about a
real article must still be answered from that article. Names of made-up places are checked against the
real corpus so no report claims a real article's place.

    python -m evals.lookalikes --out data/lookalikes --count 120
    wenda eval --gold evals/gold/holdout.jsonl --out … --add-articles evals/gold/articles --add-articles data/lookalikes
"""

from __future__ import annotations

import argparse
import logging
import random
from pathlib import Path

import opencc

from indexing.textnorm import normalize_script

logger = logging.getLogger(__name__)

_SYLLABLES = list("青石岭泉安宁云河平江川溪山林源丰华城阳南北东西峰岩桥沙柳杨松竹梅兰凤龙鹤金银玉清明永定兴隆昌盛和顺")
_SUFFIXES = ["县", "县", "县", "旗"]
_SURNAMES = list("王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林")
_GIVEN = list("建国伟明华军平志强文斌辉海波丽娟红霞春秋")
_PRODUCTS = [("苹果", "吨"), ("核桃", "吨"), ("花椒", "吨"), ("茶叶", "吨"), ("马铃薯", "吨"), ("驼奶", "吨"),
             ("牛羊肉", "吨"), ("土鸡", "万只"), ("蜂蜜", "吨"), ("中药材", "吨")]
_METHODS = ["“1121”工作机制", "“五步工作法”", "“532”工作法", "“四议两公开”", "“三卡一库”预警机制", "“红黑榜”"]


def _place(rng: random.Random, taken: set[str], corpus_text: str) -> str:
    while True:
        stem = "".join(rng.sample(_SYLLABLES, 2))
        name = stem + rng.choice(_SUFFIXES)
        if name not in taken and stem not in corpus_text:
            taken.add(name)
            return name


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, 2))


def report(rng: random.Random, place: str) -> tuple[str, str]:
    """(title, body) of one made-up county report."""
    unit = "全旗" if place.endswith("旗") else "全县"
    villages = rng.randint(40, 260)
    secretaries = rng.randint(15, villages)
    bands = [rng.randint(3, 30) for _ in range(4)]
    bands.append(max(1, villages - sum(bands)))
    year = rng.randint(2016, 2019)
    income_before, income_after = rng.randint(3000, 9000), rng.randint(9500, 16000)
    rate_before = round(rng.uniform(5, 25), 1)
    product, product_unit = rng.choice(_PRODUCTS)
    second, second_unit = rng.choice([p for p in _PRODUCTS if p[0] != product])
    secretary = _person(rng)
    first_secretary, village = _person(rng), rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + "村"
    n = rng.randint
    paragraphs = [
        f"{place}地处偏远山区，辖{n(8, 20)}个乡镇、{villages}个行政村，总人口{n(10, 60)}万人。"
        f"{unit}共有{n(10, 40)}个基层党委、{n(200, 900)}个党支部、{n(5000, 20000)}名党员。",
        rng.choice([
            f"{unit}精准选派第一书记{secretaries}名，组建驻村工作队{secretaries}支，配备驻村干部{n(200, 900)}人，"
            f"实现贫困村全覆盖。",
            f"为充分发挥第一书记作用，{place}选派了{secretaries}名优秀干部任第一书记，并配备了{n(200, 900)}名"
            f"干部组成驻村工作队。",
        ]),
        f"{place}创新实施{rng.choice(_METHODS)}，开办农民夜校{n(30, 300)}所，累计培训{n(2000, 30000)}人次，"
        f"组织{n(20, 80)}名第一书记与{n(50, 400)}户贫困户结对帮扶。",
        f"{unit}建档立卡贫困户人均纯收入由{year - 3}年的{income_before}元增加到{year}年的{income_after}元，"
        f"贫困发生率从{year - 4}年的{rate_before}%下降至{year}年的{round(rng.uniform(0, 3), 1)}%。",
        f"{villages}个行政村中，集体经济收入在5万元以下的有{bands[0]}个，5万元至10万元的{bands[1]}个，"
        f"10万元至50万元的{bands[2]}个，50万元至100万元的{bands[3]}个，100万元以上的{bands[4]}个，"
        f"全{place[-1]}村集体经济收入总额达到{n(300, 5000)}万元。",
        f"{place}大力发展特色产业，全年{product}产量达{n(100, 9000)}{product_unit}，同比增长"
        f"{n(5, 90)}%，产值突破{n(500, 20000)}万元；{second}产量{n(100, 9000)}{second_unit}，"
        f"带动{n(500, 5000)}户贫困户增收。",
        f"{place}设立村集体经济发展引导资金{n(200, 5000)}万元，扶持成立专业合作社{n(20, 200)}个。",
        f"县委书记{secretary}表示，要把抓党建促脱贫攻坚作为头等大事。驻{village}第一书记{first_secretary}介绍，"
        f"村里新建了{n(2, 12)}个产业基地。",
    ]
    rng.shuffle(paragraphs)
    title = f"{place}：{rng.choice(['抓党建促脱贫攻坚纪实', '党建引领决战脱贫攻坚', '以党建+模式打赢脱贫攻坚战'])}"
    return title, "\n\n".join(paragraphs)


def write_lookalikes(out: Path, count: int, seed: int, avoid: list[Path] | None = None) -> list[Path]:
    """Write `count` reports into `out` (a fifth in Traditional script); returns their paths.

    No made-up place is named by any article in the `avoid` folders (the real and the gold corpora).
    """
    rng = random.Random(seed)
    corpus_text = "".join(normalize_script(p.read_text(encoding="utf-8", errors="replace"))
                          for folder in avoid or [] for p in sorted(folder.iterdir()) if p.is_file())
    to_traditional = opencc.OpenCC("s2t")
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    paths = []
    for number in range(count):
        title, body = report(rng, _place(rng, taken, corpus_text))
        date = f"20{rng.randint(16, 20)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        text = f"{title}\n{date}  来源：县融媒体中心\n\n{body}\n"
        if number % 5 == 4:
            text = to_traditional.convert(text)
        path = out / f"lookalike_{number:03d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    logger.info("wrote %d look-alike reports to %s", len(paths), out)
    return paths


def main() -> None:
    """Command line: write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("data/lookalikes"))
    parser.add_argument("--count", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--avoid", type=Path, nargs="*", default=[Path("corpus"), Path("evals/gold/articles")],
                        help="folders of articles whose places no report may take")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_lookalikes(args.out, args.count, args.seed, args.avoid)


if __name__ == "__main__":
    main()
