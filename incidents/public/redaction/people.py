"""People named only in the free text: capitalised words, a name list and context cues.

A run of capitalised words is a person when the name list knows its words (as given names or
surnames, and not merely as common English words) or when the context says so: a title
before it ("Dr.", "Nurse"), an apposition ("a parent, X,"), "named X", a possessive, or a
verb after a sentence-opening name ("X was found"). A run is never a person when it is an
organisation ("... Bank", "... Labs"), a product (CamelCase, digits, "... 4"), an AI persona
("the HR assistant Milo", "branded Sunny"), or a place from the gazetteer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from incidents.public.redaction.lexicon import Lexicon, lexicon
from incidents.public.redaction.names import PARTICLES
from incidents.public.redaction.text import VERB_AFTER, Token, starts_sentence, tokens
from incidents.public.redaction.vocabulary import NON_NAMES, ORG_WORDS, PRODUCT_NOUNS, TITLES

_POSSESSIVE = re.compile(r"['\u2019]s$")
_CAMEL = re.compile(r"[a-z][A-Z]")
_PREFIXED = re.compile(r"^(?:Mc|Mac|De|La|Le|Di|Da|Du|Van|Von|D['\u2019]|O['\u2019])[A-Z][a-z]+$")
_TITLE_BEFORE = re.compile(r"\b([A-Za-z]{1,12})\.? {1,2}$")
_APPOSITION_BEFORE = re.compile(r"\b[a-z][\w\-'\u2019]{1,30}(?: \([^)]{0,30}\))?, $")
_NAMED_BEFORE = re.compile(r"\b(\w+) (?:named|called|dubbed|branded|codenamed) $")
_QUOTE = "[(\"'\u201c\u2018]?"
_PRODUCT_BEFORE = re.compile(
    rf"\b(\w+)[,:]? {_QUOTE}(?:(?:named|called|dubbed|branded|codenamed) {_QUOTE})?$"
)
# "Systems: RouteWise 4; Clara." - a list after a label that says what it lists.
_LISTED_BEFORE = re.compile(
    r"\b(?:systems?|models?|products?|tools?|apps?|assistants?|agents?)\s?:\s"
    r"(?:[^.:;]{1,40}?(?:[;,]|\s(?:and|or))\s){0,4}$",
    re.IGNORECASE,
)
# "pasted a customer spreadsheet into Leo": data goes into software.
_INTO_BEFORE = re.compile(
    r"\b(?:past(?:e|ed|ing)|upload(?:s|ed|ing)?|fed|feed(?:s|ing)?|typ(?:e|ed|ing)|"
    r"enter(?:s|ed|ing)?|cop(?:y|ied|ying)|load(?:s|ed|ing)?|import(?:s|ed|ing)?)\b"
    r"[^.]{0,60}\b(?:into|to) $"
)
_BRANDED_BEFORE = re.compile(r"\b(?:branded|dubbed|codenamed|code-named|persona) $")
_PRODUCT_AFTER = re.compile(
    r"^,? (?:is |was )?(?:an?|the|its|our|their) (?:(?:[\w\-]+ ){0,3}?(?:"
    + "|".join(PRODUCT_NOUNS)
    + r")\b|(?:AI|virtual|digital|automated|chat|voice|conversational|generative|LLM)\b)"
)
_APPOSITION_AFTER = re.compile(r"^(?:,|\)|\.| and\b| or\b| \()")
# "Kwame, 81, fell", "Ana Lima (34) said".
_AGE_AFTER = re.compile(r"^(?:, (?:aged )?\d{1,3},| \((?:aged )?\d{1,3}\))")
# "Wanjiru, a nurse at the clinic, said": a role in apposition after the name.
_ROLE_AFTER = re.compile(r"^, (?:a|an|the|our|their|his|her) (?:[a-z\-']+ ){0,4}[a-z\-]+,")
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|to|near|around|outside|across|via|of) (?:the )?$")
# "deployed Theo to summarise", "running Maya": what one does with software, not a person.
_DEPLOYED_BEFORE = re.compile(
    r"\b(?:deploy(?:s|ed|ing)?|run(?:s|ning)?|ran|us(?:e|es|ed|ing)|powered by|built on|"
    r"based on|integrat(?:e|es|ed|ing)|launch(?:es|ed|ing)?|roll(?:s|ed|ing)? out|"
    r"install(?:s|ed|ing)?|licens(?:e|es|ed|ing)|fine-tun(?:e|es|ed|ing)|retrain(?:s|ed|ing)?|"
    r"upgrad(?:e|es|ed|ing)) $"
)
# Particles that may open a surname written without its given name ("de Graaf"); not the
# ones that are also English or Romance function words ("do", "e", "y").
_LEADING = (
    "van",
    "der",
    "den",
    "de",
    "da",
    "das",
    "dos",
    "del",
    "della",
    "di",
    "du",
    "von",
    "zu",
    "la",
    "le",
    "ter",
    "ten",
    "bin",
    "binti",
    "ibn",
    "al",
    "el",
)
_PARTICLES_BEFORE = re.compile(r"(?<![\w\-])((?:(?:" + "|".join(_LEADING) + r") ){1,3})$")
_INITIALS_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z]\. ?){1,3}$")
_LIST_BEFORE = re.compile(r"(?:, | and | or |, and |, or | & )$")
_IN_BEFORE = re.compile(r"\b(?:in|near|outside|across) (?:the )?$")


@dataclass(frozen=True)
class Found:
    """A person's name the free text gave away, and the cue it was found by."""

    start: int
    end: int
    reason: str


def _strip(token: Token) -> Token:
    """The token without a possessive ("Boateng's" -> "Boateng")."""
    m = _POSSESSIVE.search(token.text)
    if m and m.start() >= 2:
        text = token.text[: m.start()]
        return Token(token.start, token.start + len(text), text)
    return token


def _runs(text: str) -> Iterator[list[Token]]:
    """Maximal runs of capitalised words, joined by single spaces or name particles."""
    run: list[Token] = []
    pending: list[Token] = []
    for raw in tokens(text):
        token = _strip(raw)
        joint = pending[-1] if pending else (run[-1] if run else None)
        gap = text[joint.end : raw.start] if joint else ""
        if token.capitalised and (not run or gap in {" ", " & "}):
            run.extend(pending)
            pending = []
            run.append(token)
            if token is not raw:
                yield run
                run = []
            continue
        if run and gap == " " and token.text.lower() in PARTICLES and len(pending) < 2:
            pending.append(token)
            continue
        if run:
            yield run
        run, pending = [], []
        if token.capitalised:
            run = [token]
            if token is not raw:
                yield run
                run = []
    if run:
        yield run


def _is_product(tokens_: list[Token], text: str) -> bool:
    end = tokens_[-1].end
    after = text[end : end + 12]
    if re.match(r"^(?:[ \-]?\d|[ \-][A-Z]{1,4}\b|-[A-Z])", after):
        return True
    if tokens_[-1].text.lower() in PRODUCT_NOUNS and len(tokens_) > 1:
        return True
    return any(_CAMEL.search(t.text) and not _PREFIXED.match(t.text) for t in tokens_)


class _Judge:
    def __init__(self, text: str, lex: Lexicon) -> None:
        self.text = text
        self.lex = lex

    def name_like(self, word: str) -> bool:
        return self.lex.name_rank(word) is not None and word.lower() not in NON_NAMES

    def strong(self, word: str) -> bool:
        return self.name_like(word) and not self.lex.is_word(word)

    def unknown(self, word: str) -> bool:
        return (
            self.lex.name_rank(word) is None
            and not self.lex.in_dictionary(word)
            and word.lower() not in NON_NAMES
            and len(word) >= 3
        )

    def cue(self, run: list[Token]) -> str | None:
        start, end = run[0].start, run[-1].end
        before = self.text[max(0, start - 40) : start]
        after = self.text[end : end + 40]
        title = _TITLE_BEFORE.search(before)
        if title and title.group(1).lower() in TITLES:
            return f"after the title '{title.group(1)}'"
        if _APPOSITION_BEFORE.search(before) and _APPOSITION_AFTER.match(after):
            return "apposition after a role"
        if _AGE_AFTER.match(after):
            return "an age after it"
        if _ROLE_AFTER.match(after):
            return "a role after it"
        named = _NAMED_BEFORE.search(before)
        if named and named.group(1).lower() not in PRODUCT_NOUNS:
            return "after 'named'"
        if self.text[end : end + 2] in {"'s", "\u2019s"} or after.startswith(("' ", "\u2019 ")):
            return "possessive"
        if VERB_AFTER.match(after):
            return "before a verb"
        return None

    def persona(self, run: list[Token]) -> bool:
        start, end = run[0].start, run[-1].end
        before = self.text[max(0, start - 40) : start]
        product = _PRODUCT_BEFORE.search(before)
        if product and product.group(1).lower() in PRODUCT_NOUNS:
            return True
        after = self.text[end : end + 60]
        if _DEPLOYED_BEFORE.search(before) and not after.startswith(("'s", "\u2019s")):
            return True
        wide = self.text[max(0, start - 120) : start]
        if _LISTED_BEFORE.search(wide) or _INTO_BEFORE.search(wide):
            return True
        return bool(_BRANDED_BEFORE.search(before) or _PRODUCT_AFTER.match(after))

    def place(self, run: list[Token]) -> str | None:
        """ "place" for a sure place, "place name" for a big city also used as a name."""
        value = self.text[run[0].start : run[-1].end]
        before = self.text[max(0, run[0].start - 12) : run[0].start]
        after = self.text[run[-1].end : run[-1].end + 2]
        place = self.lex.place(value)
        if place is None:
            # "in Cebu": a lone capitalised word after "in" is a place, whatever the lists say.
            lone = len(run) == 1 and after not in {"'s", "\u2019s"}
            return "place" if lone and _IN_BEFORE.search(before) else None
        if len(run) > 1 or place.region or not self.name_like(value):
            return "place"
        if _PLACE_BEFORE.search(before):
            return "place"
        return "place name" if place.population >= 1_000_000 else None


def _trim(run: list[Token], text: str, lex: Lexicon) -> list[Token]:
    """The part of a run that may be a name.

    Drops what comes up to a title inside it ("Staff Nurse Kiri Rangi"), function words
    ("The", "During"), a sentence-opening word that is no name or mostly a common word
    ("Radiographer Arash Karimi", "Witness Emi Fujita") and particles or non-names at the
    end. A common word that is also a name ("Hope", "Will")
    stays: the decision weighs it.
    """
    for index in range(len(run) - 1, 0, -1):
        if run[index - 1].text.lower() in TITLES:
            run = run[index:]
            break
    while run and (
        run[0].text.lower() in NON_NAMES
        or run[0].text.lower() in TITLES
        or run[0].text.lower() in PARTICLES
    ):
        run = run[1:]
    if len(run) > 1 and starts_sentence(text, run[0].start):
        first = run[0].text
        rank = lex.name_rank(first)
        # A role opening the sentence ("Witness", "Patient"), unless it is mostly a name
        # ("Hope", "Mark", "Park").
        if lex.in_dictionary(first) and (rank is None or (lex.is_word(first) and rank > 500)):
            run = run[1:]
    while run and (
        run[-1].text.lower() in NON_NAMES
        or run[-1].text.lower() in PARTICLES
        or run[-1].text.lower() in TITLES
    ):
        run = run[:-1]
    return run


def find(text: str) -> tuple[list[Found], list[tuple[int, int, str]]]:
    """People's names in free text, and the organisations/systems/places seen on the way.

    The second list holds (start, end, reason) of runs judged not to be people, so the
    caller can keep other detectors off them and report them.
    """
    lex = lexicon()
    judge = _Judge(text, lex)
    people: list[Found] = []
    others: list[tuple[int, int, str]] = []
    listed: list[Token] = []
    for raw in _runs(text):
        last = raw[-1].text.lower()
        joined = " & " in text[raw[0].start : raw[-1].end]
        if joined or last in ORG_WORDS or (len(raw) > 1 and raw[0].text.lower() in ORG_WORDS):
            others.append((raw[0].start, raw[-1].end, "organisation name"))
            continue
        if _is_product(raw, text):
            others.append((raw[0].start, raw[-1].end, "product name"))
            continue
        place = judge.place(raw) if len(raw) > 1 else None
        run = _trim(raw, text, lex)
        if not run:
            continue
        if judge.persona(run):
            others.append((run[0].start, run[-1].end, "AI system or persona"))
            continue
        place = place or judge.place(run)
        if place:
            others.append((raw[0].start, raw[-1].end, place))
            continue
        run = _with_particles(run, text)
        reason = _decide(judge, run, text)
        if reason:
            people.append(Found(_with_initials(run[0].start, text), run[-1].end, reason))
        elif len(run) == 1 and (judge.unknown(run[0].text) or judge.strong(run[0].text)):
            listed.append(run[0])
    people.extend(_coordinated(listed, people, text))
    return people, others


def _with_initials(start: int, text: str) -> int:
    """Where a name starts once the initials before it are counted: "J. K. Okafor"."""
    m = _INITIALS_BEFORE.search(text, max(0, start - 12), start)
    return m.start() if m else start


def _coordinated(candidates: list[Token], people: list[Found], text: str) -> Iterator[Found]:
    """Capitalised words listed with people ("Ana Lima, Kofi and Wanjiru") are people too."""
    ends = {f.end for f in people}
    found = True
    while found:
        found = False
        for token in candidates:
            before = _LIST_BEFORE.search(text, max(0, token.start - 8), token.start)
            if before and before.start() in ends and token.end not in ends:
                ends.add(token.end)
                found = True
                yield Found(token.start, token.end, "listed with a person")


def _with_particles(run: list[Token], text: str) -> list[Token]:
    """The run with the lower-case particles just before it: "Dr de Graaf", "van den Broek"."""
    m = _PARTICLES_BEFORE.search(text, max(0, run[0].start - 24), run[0].start)
    if m is None:
        return run
    offset = m.start(1)
    particles = [
        Token(offset + w.start(), offset + w.end(), w.group())
        for w in re.finditer(r"\S+", m.group(1))
    ]
    return particles + run


def _decide(judge: _Judge, run: list[Token], text: str) -> str | None:
    words = [t.text for t in run if t.text.lower() not in PARTICLES]
    if len(words) > 4 or any(w.lower() in NON_NAMES for w in words):
        return None
    cue = judge.cue(run)
    strong = sum(judge.strong(w) for w in words)
    named = sum(judge.name_like(w) for w in words)
    unknown = sum(judge.unknown(w) for w in words)
    if len(words) > 1:
        if judge.unknown(words[-1]):
            # "Ploy Wongsakul", "Kiprono Kiplagat": a surname no dictionary has.
            return "a surname no dictionary has"
        if named + unknown < len(words):
            return f"name list, {cue}" if cue and named else None
        if strong:
            return "given name or surname from the name list"
        if unknown and named:
            # "Hope Chikwanha", "Oyuun Bold": a word no dictionary has, next to a name.
            return "a name next to a word no dictionary has"
        if cue:
            return f"capitalised words, {cue}"
        return None
    if judge.lex.is_word(words[0]):
        # "The", "Staff", "Grace": an ordinary word needs a cue that only names get.
        strong_cue = cue and not cue.startswith(("before", "possessive"))
        if strong_cue and not starts_sentence(text, run[0].start):
            return f"name list, {cue}"
        return None
    if cue and (named or unknown):
        return f"name list, {cue}" if named else f"capitalised word, {cue}"
    if strong and not starts_sentence(text, run[0].start):
        return "given name or surname from the name list"
    return None
