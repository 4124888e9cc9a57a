"""Normalisation of reference URLs, organisation and system names, and free text.

Only generic rules live here (URL syntax, legal-form suffixes, English function words, scripts
without spaces (:mod:`incidents.dedup.scripts`), amounts (:mod:`incidents.dedup.amounts`));
nothing is tuned to particular names.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit

from incidents.dedup.amounts import normalize_amounts
from incidents.dedup.scripts import bigrams, has_cjk, has_kana, name_forms, split_runs
from incidents.dedup.stopwords import FOREIGN

#: Query parameters that track a click rather than identify a page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "ref",
        "ref_src",
        "src",
        "source",
        "cmp",
        "spm",
        "share",
        "from",
        "output",
        "amp",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_")

#: Generic legal-form and filler words dropped from organisation names.
LEGAL_SUFFIXES = frozenset(
    {
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "ag",
        "plc",
        "llc",
        "llp",
        "lp",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "as",
        "asa",
        "oy",
        "kk",
        "kg",
        "pty",
        "pte",
        "pvt",
        "the",
        "group",
        "holdings",
    }
)

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "one",
        "two",
        "three",
        "new",
        "last",
        "week",
        "year",
        "years",
        "day",
        "days",
        "told",
        "may",
        "might",
        "us",
        "s",
        "t",
        "within",
        "without",
        "per",
        "via",
        "around",
        "among",
        "across",
        "since",
        "still",
        "yet",
        "however",
        "would",
        "also",
    ]
)

#: Words that say nothing about an event: English stop-words and other languages' function words.
_DROPPED = STOPWORDS | FOREIGN
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")
_VERSION_TAIL = re.compile(r"\s+v?\d+(?:\.\d+)*\w*$")
#: The kana voicing marks: part of the letter (``バ`` is not ``ハ``), not an accent.
_KANA_MARKS = frozenset("\u3099\u309a")


def fold(text: str) -> str:
    """Return ``text`` lower-cased with accents removed (NFKD, combining marks dropped).

    Kana keep their voicing marks and Hangul its syllable blocks (recomposed by NFC).
    """
    if text.isascii():  # nothing to decompose
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KANA_MARKS)
    return unicodedata.normalize("NFC", kept).casefold()


def normalize_url(url: str) -> str | None:
    """Return a canonical key for a reference URL, or ``None`` if it has no host.

    Drops the scheme, a leading ``www.``, the fragment, tracking parameters and a trailing
    slash; lower-cases the host; sorts the remaining query parameters.
    """
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    if not host:
        return None
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    )
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    key = host + path
    if query:
        key += "?" + urlencode(query)
    return key


#: A filer's own reference for one filing: capitals and digits in three or more parts
#: (``FSN-25-021``, ``AD-INC/25/04``, ``TR-IR-2025-001``), with at least two digits.
_FILING_REFERENCE = re.compile(r"\b[A-Z][A-Z0-9]*(?:[-/][A-Z0-9]+){2,}\b")


def filing_references(text: str) -> tuple[str, ...]:
    """Return the filing references written in ``text``, each once, in the order written
    (separators written as ``-``).

    A company numbers its notices (a field safety notice ``FSN-25-021``, an incident notice
    ``AD-INC/25/04``) and heads each with its own number; its follow-ups on one event repeat
    the number. References written later cite other filings ("unrelated to FSN-25-004").
    """
    found = (r.replace("/", "-") for r in _FILING_REFERENCE.findall(text))
    return tuple(dict.fromkeys(r for r in found if sum(c.isdigit() for c in r) >= 2))


def url_is_specific(url_key: str) -> bool:
    """Tell whether a normalised URL names one article rather than a section or a home page.

    A specific URL has a path of at least three segments, or a last segment that is a slug of
    three or more words or carries a number; ``example.org/safety/reports`` is generic.
    """
    path = url_key.split("?", 1)[0].partition("/")[2]
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 3:
        return True
    if not segments:
        return False
    last = segments[-1]
    return len(re.split(r"[-_]", last)) >= 3 or any(c.isdigit() for c in last)


def normalize_name(name: str | None) -> str:
    """Return an organisation or system name folded, without punctuation or legal suffixes.

    A trailing version (``"Sable Agent 1.6"``, ``"v2"``) is removed. Returns ``""`` for a
    missing or empty name.
    """
    if not name:
        return ""
    text = _VERSION_TAIL.sub("", fold(name).strip())
    words = [w for w in _WORD.findall(text) if w not in LEGAL_SUFFIXES]
    return " ".join(words)


def stem(word: str) -> str:
    """Return a light English stem: plural and a few verb endings stripped (long words only)."""
    if word.isdigit() or len(word) <= 4:
        return word
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith("ss"):
                return word
            return word[: -len(suffix)] + keep
    return word


def words(text: str) -> list[str]:
    """Return the folded word tokens of ``text`` (digits kept, ``4,100`` kept as ``4100``,
    scaled amounts as the digits of their value: ``€4.2m`` as ``4200000``)."""
    return _WORD.findall(normalize_amounts(_THOUSANDS.sub("", fold(text))))


def content_terms(text: str) -> list[str]:
    """Return the stemmed content words of ``text`` in order, stop-words (English, and other
    languages' function words: :mod:`incidents.dedup.stopwords`) and 1-letter words out.

    Chinese, Japanese and Korean words give their character bigrams and the Latin forms of
    the names they may hold (:mod:`incidents.dedup.scripts`). Raises ``ImportError`` for
    Japanese text when ``fugashi`` and ``unidic-lite`` are not installed.
    """
    if not has_cjk(text):
        return [term for word in words(text) for term in _latin_terms(word)]
    terms: list[str] = []
    japanese_text = has_kana(text)
    for word in words(text):
        if not has_cjk(word):
            terms += _latin_terms(word)
            continue
        for kind, run in split_runs(word):
            if kind == "other":
                terms += _latin_terms(run)
                continue
            terms += bigrams(run)
            for form in name_forms(kind, run, japanese_text=japanese_text):
                terms += _latin_terms(form)
    return terms


def _latin_terms(word: str) -> list[str]:
    return [stem(word)] if len(word) > 1 and word not in _DROPPED else []
