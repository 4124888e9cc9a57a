"""Per-pair signals between a new report and a stored one, each explaining itself.

Every signal is a number fed to the score (see :mod:`incidents.dedup.scoring`), whether it
speaks for or against the pair (``agrees``: ``True``/``False``, ``None`` when a side lacks the
field), and a sentence an analyst can read. Missing fields give 0, i.e. no evidence either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable
from typing import Any

from rapidfuzz import fuzz

from incidents.dedup import minhash
from incidents.dedup.corpus import Corpus
from incidents.dedup.dates import Month, months_apart
from incidents.dedup.fingerprint import ReportFeatures
from incidents.dedup.normalize import url_is_specific

#: Events dated only by month, this many months apart or more, are held apart (``month_far``).
MONTHS_APART = 2
#: A term is "rare" when its normalised IDF is above this (it occurs in fewer than about
#: N^0.4 reports of N).
RARE_NIDF = 0.6
#: Catch-all sector values that say nothing about the event.
UNINFORMATIVE_SECTORS = frozenset({"other", "unknown", "multiple", "none"})
#: Names that reach this token-set ratio (0..100) are taken to be the same.
NAME_MATCH = 85.0
#: Occurrence dates further apart than this many days count against the pair.
DATE_WINDOW_DAYS = 14
#: Beyond the window, the evidence against grows to its full weight over this many days.
DATE_FAR_RAMP_DAYS = 30
#: The least IDF mass (about so many fully rare words) the overlap is measured against.
EVIDENCE_MASS = 3.0
#: Fewer telling shared words than this, with nothing corroborating, is thin evidence.
MIN_TELLING_TERMS = 2
#: A text of at most this many distinct content words is a headline (or one with a short
#: lede); one of at least ``ARTICLE_TERMS`` is an article. Between the two, headlines less similar
#: than ``MENTION_TITLE_COSINE`` make the match a passing mention (:func:`passing_mention`).
HEADLINE_TERMS = 12
#: Publication dates of public items: one wave of coverage, and months apart.
PUBLISHED_WAVE_DAYS = 7
PUBLISHED_APART_DAYS = 60
ARTICLE_TERMS = 40
MENTION_TITLE_COSINE = 0.15


#: Token-set similarity (0..100) of two names; one company's names meet again and again in
#: the pairs of its reports, so the answers are remembered.
name_ratio: Callable[[str, str], float] = functools.lru_cache(maxsize=1 << 16)(fuzz.token_set_ratio)


@dataclasses.dataclass(frozen=True, slots=True)
class Signal:
    """One explainable piece of evidence about a pair of reports."""

    name: str
    value: float
    agrees: bool | None
    explanation: str

    def as_row(self) -> dict[str, Any]:
        """The signal as stored beside a candidate or a reconsideration (JSON)."""
        return {
            "name": self.name,
            "value": self.value,
            "agrees": self.agrees,
            "explanation": self.explanation,
        }


def text_cosine(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """TF-IDF cosine (sublinear tf, normalised IDF) of title, description and names."""
    wa, na = corpus.vector(a.terms, 1)
    nb = corpus.norms(b.terms)[0]
    tf = b.terms
    dot = sum(
        wa[t] * (n if tf[t] == 1 else (1.0 + math.log(tf[t])) * n)
        for t, n in corpus.shared_idf(a.terms, tf)
    )
    norm = math.sqrt(na * nb)
    value = dot / norm if norm else 0.0
    return Signal("text_cosine", value, value >= 0.2, f"TF-IDF cosine of the texts is {value:.2f}")


def rare_terms(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Rare terms (places, numbers, distinctive words) the two texts share, IDF-weighted.

    Words of either side's system or organisation names are left out: the same actor is
    evidence of its own (``system_name``, ``organisation``, ``name_mentioned``), and sibling
    events of one actor share those names but not the details of what happened.
    """
    names = {w for x in (a, b) for words in x.name_terms for w in words}
    rare = sorted(
        (
            (n, t)
            for t, n in corpus.shared_idf(a.terms, b.terms)
            if n > RARE_NIDF and t not in names
        ),
        reverse=True,
    )
    mass = sum((n - RARE_NIDF) / (1 - RARE_NIDF) for n, _ in rare)
    value = math.log1p(mass)
    top = ", ".join(t for _, t in rare[:5]) or "none"
    return Signal("rare_terms", value, mass >= 1.0, f"shared rare terms: {top}")


def overlap(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """IDF-weighted overlap coefficient: how much of the shorter text the longer one covers,
    the shorter text counted as at least ``EVIDENCE_MASS`` (a headline's few shared words are
    not the evidence shared paragraphs are, and a long article "covers" any headline)."""
    ia, sa = corpus.vector(a.terms, 2)
    sb = corpus.norms(b.terms)[1]
    smaller = max(min(sa, sb), EVIDENCE_MASS)
    value = sum(ia[t] for t, _ in corpus.shared_idf(a.terms, b.terms)) / smaller
    return Signal("overlap", value, value >= 0.3, f"{value:.0%} of the shorter text is shared")


def telling_terms(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """How many shared words tell this pair apart (rare in the store and carried by few of the
    candidate incidents); shown to analysts and read by the engine's abstention, not weighed."""
    count = sum(1 for _, n in corpus.shared_idf(a.terms, b.terms) if n > RARE_NIDF)
    return Signal(
        "telling_terms",
        float(count),
        count >= MIN_TELLING_TERMS or None,
        f"{count} telling word(s) shared",
    )


def same_filer(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether one organisation filed both reports.

    A company files many distinct incidents about its own systems: between two of its reports,
    the same developer, system, country, sector and a close date are the normal case, not
    evidence of one event. The combined signals are conditioned on this one (``FEATURES``).
    """
    if not a.filer or not b.filer:
        return Signal("same_filer", 0.0, None, "filer not known on both sides")
    same = a.filer == b.filer
    history = corpus.filer_history
    return Signal(
        "same_filer",
        1.0 if same else 0.0,
        None,
        f"filed by the same organisation ({history} earlier reports of theirs)"
        if same
        else "filed by different organisations",
    )


def title_cosine(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """IDF-weighted cosine of the title words."""
    ia = corpus.idf_weights(a.title_terms)
    ib = corpus.idf_weights(b.title_terms)
    dot = sum(w * ib[t] for t, w in ia.items() if t in ib)
    norm = math.sqrt(sum(w * w for w in ia.values()) * sum(w * w for w in ib.values()))
    value = dot / norm if norm else 0.0
    return Signal("title_cosine", value, value >= 0.2, f"title similarity is {value:.2f}")


def passing_mention(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether a headline is matched only inside a long article whose own headline is about
    something else: a round-up or a background paragraph mentions an event without covering
    it. Shown to analysts and read by the engine's abstention, not weighed."""
    short, long = sorted((len(a.terms), len(b.terms)))
    if short > HEADLINE_TERMS or long < ARTICLE_TERMS:
        return Signal("passing_mention", 0.0, None, "not a headline against a long article")
    titles = title_cosine(a, b, corpus).value
    if titles >= MENTION_TITLE_COSINE:
        return Signal("passing_mention", 0.0, None, "the headlines agree")
    return Signal(
        "passing_mention",
        1.0,
        False,
        f"a headline matched inside a {long}-word article whose headline differs "
        f"(title similarity {titles:.2f})",
    )


def near_duplicate(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """MinHash estimate of word 3-shingle Jaccard: high only for copied or lightly edited text."""
    value = minhash.estimate_jaccard(a.signature, b.signature)
    return Signal("near_duplicate", value, value >= 0.3, f"shingle Jaccard is about {value:.2f}")


def _name_similarity(left: Iterable[str], right: Iterable[str]) -> float | None:
    pairs = [(x, y) for x in left for y in right]
    if not pairs:
        return None
    return max(name_ratio(x, y) for x, y in pairs)


def _agreement(name: str, similarity: float | None, what: str) -> Signal:
    if similarity is None:
        return Signal(name, 0.0, None, f"{what}: not stated on both sides")
    value = max(-1.0, min(1.0, (similarity - 50.0) / (NAME_MATCH - 50.0)))
    agrees = similarity >= NAME_MATCH
    verdict = "match" if agrees else "differ"
    return Signal(name, value, agrees, f"{what} {verdict} ({similarity:.0f}/100)")


def system_name(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Fuzzy agreement of the AI system names."""
    similarity = _name_similarity([a.system] if a.system else [], [b.system] if b.system else [])
    return _agreement("system_name", similarity, "AI system names")


def organisation(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Fuzzy agreement of developer and deployer names.

    Any name against any name can agree (reporters mix up the roles). Only names in the same
    role can disagree: a deployer named on one side and a developer on the other is no evidence.
    """
    similarity = _name_similarity(a.organisations, b.organisations)
    if similarity is not None and similarity < NAME_MATCH:
        same_role = [
            name_ratio(x, y)
            for x, y in ((a.developer, b.developer), (a.deployer, b.deployer))
            if x and y
        ]
        similarity = max(same_role) if same_role else None
    return _agreement("organisation", similarity, "organisations")


def other_deployer(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether both reports name a deployer and the names differ: the same system at another
    customer. Shown to analysts and read by the engine's abstention (between two reports of
    one company it is a sibling incident's mark), not weighed."""
    if not a.deployer or not b.deployer:
        return Signal("other_deployer", 0.0, None, "deployer not named on both sides")
    similarity = name_ratio(a.deployer, b.deployer)
    if similarity >= NAME_MATCH:
        return Signal("other_deployer", 0.0, True, "the same deployer")
    return Signal("other_deployer", 1.0, False, f"deployed by {a.deployer} and by {b.deployer}")


def other_filing(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether one organisation filed both reports under different references of its own
    (``FSN-25-021`` and ``FSN-26-005``): two of its filings, which a follow-up on one event
    would not be. A report's own reference is the first it writes; one that cites the other's
    ("unrelated to FSN-25-021") is still another filing. Shown to analysts and read by the
    engine's abstention, not weighed."""
    if not a.filer or a.filer != b.filer:
        return Signal("other_filing", 0.0, None, "not filed by one organisation")
    if not a.filing_references or not b.filing_references:
        return Signal("other_filing", 0.0, None, "a filing reference not written on both sides")
    left, right = a.filing_references[0], b.filing_references[0]
    if left == right:
        return Signal("other_filing", 0.0, True, f"the same filing reference {left}")
    return Signal("other_filing", 1.0, False, f"filed as {left} and as {right}")


def name_mentioned(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether a rare system or organisation name of one report occurs in the other's text."""
    found = [
        " ".join(words)
        for x, y in ((a, b), (b, a))
        for words in x.name_terms
        if all(w in y.terms for w in words) and max(corpus.nidf(w) for w in words) > RARE_NIDF
    ]
    value = 1.0 if found else 0.0
    names = ", ".join(sorted(set(found))) or "no name"
    return Signal("name_mentioned", value, bool(found) or None, f"{names} named on both sides")


def _dates(x: ReportFeatures) -> frozenset[dt.date]:
    if x.occurred_on is not None:
        return frozenset({x.occurred_on})
    return x.mentioned_dates


def _days_apart(a: ReportFeatures, b: ReportFeatures) -> tuple[int, str] | None:
    """Return the smallest gap in days between the two reports' dates, and where they came from.

    The occurrence date is used; a side without one falls back to the dates written in its
    text. ``None`` when a side has neither.
    """
    left, right = _dates(a), _dates(b)
    if not left or not right:
        return None
    days = min(abs((x - y).days) for x in left for y in right)
    source = "" if a.occurred_on and b.occurred_on else " (dates from the text)"
    return days, source


def date_near(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Closeness of occurrence dates: 1 on the same day, 0 at the window's edge and beyond."""
    apart = _days_apart(a, b)
    if apart is None:
        return Signal("date_near", 0.0, None, "occurrence date missing on one side")
    days, source = apart
    value = max(0.0, 1.0 - days / DATE_WINDOW_DAYS)
    return Signal(
        "date_near", value, days <= DATE_WINDOW_DAYS, f"occurred {days} days apart{source}"
    )


def _months(days: frozenset[dt.date]) -> frozenset[Month]:
    return frozenset((d.year, d.month) for d in days)


def month_far(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether the texts place the events ``MONTHS_APART`` or more months apart, when a side
    dates its event only by month ("in late January"). Day dates are weighed by
    :func:`date_near` and :func:`date_far`; this one is read by the engine's abstention.
    Between two public items it is 0: coverage names the months of the background ("a pilot
    launched in June") as often as the event's."""
    if a.public and b.public:
        return Signal("month_far", 0.0, None, "public coverage names months in passing")
    left_days, right_days = _dates(a), _dates(b)
    if left_days and right_days:
        return Signal("month_far", 0.0, None, "both sides date the event to the day")
    left = _months(left_days) or a.mentioned_months
    right = _months(right_days) or b.mentioned_months
    if not left or not right:
        return Signal("month_far", 0.0, None, "no month of the event on one side")
    gap = min(months_apart(x, y) for x in left for y in right)
    if gap < MONTHS_APART:
        return Signal("month_far", 0.0, True, f"the events' months are {gap} apart")
    return Signal("month_far", 1.0, False, f"the events' months are {gap} apart")


def date_far(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Distance of occurrence dates beyond the window: 0 inside it, 1 a month or more beyond.

    Reports of one event differ by a few days at most, so months apart is strong evidence of
    two events, whatever else they share.
    """
    apart = _days_apart(a, b)
    if apart is None:
        return Signal("date_far", 0.0, None, "occurrence date missing on one side")
    days, source = apart
    beyond = max(0, days - DATE_WINDOW_DAYS)
    value = min(1.0, beyond / DATE_FAR_RAMP_DAYS)
    return Signal(
        "date_far", value, False if beyond else None, f"occurred {days} days apart{source}"
    )


def public_pair(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether both are public-source items: such a pair has text and dates to compare and
    little else, and is scored by a model of its own (``scoring.PUBLIC_WEIGHTS``)."""
    both = a.public and b.public
    return Signal(
        "public_pair", 1.0 if both else 0.0, None, "two public items" if both else "not both public"
    )


def published_near(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Public items published within days of each other (one wave of coverage): 1 on the same
    day, 0 from ``PUBLISHED_WAVE_DAYS`` on. A publication date is not an event date: follow-up
    coverage comes months later, so this is weak evidence either way."""
    if a.published_on is None or b.published_on is None:
        return Signal("published_near", 0.0, None, "publication date missing on one side")
    days = abs((a.published_on - b.published_on).days)
    value = max(0.0, 1.0 - days / PUBLISHED_WAVE_DAYS)
    return Signal("published_near", value, value > 0 or None, f"published {days} days apart")


def published_apart(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Public items published months apart: 0 up to ``PUBLISHED_APART_DAYS``, rising to 1 at
    twice that (a sibling event of the same company is often months later; so is a follow-up
    of the same one, so the fitted weight decides how much it counts)."""
    if a.published_on is None or b.published_on is None:
        return Signal("published_apart", 0.0, None, "publication date missing on one side")
    days = abs((a.published_on - b.published_on).days)
    value = min(1.0, max(0.0, days - PUBLISHED_APART_DAYS) / PUBLISHED_APART_DAYS)
    agrees = False if value else None
    return Signal("published_apart", value, agrees, f"published {days} days apart")


def published_before_event(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """An item published before the other side's event occurred cannot be about it."""
    for item, other in ((a, b), (b, a)):
        if item.published_on and other.occurred_on and item.published_on < other.occurred_on:
            days = (other.occurred_on - item.published_on).days
            if days > 1:
                return Signal(
                    "published_before_event",
                    1.0,
                    False,
                    f"published {days} days before the other report's event occurred",
                )
    return Signal("published_before_event", 0.0, None, "no item precedes the other's event")


def _set_agreement(name: str, left: frozenset[str], right: frozenset[str], what: str) -> Signal:
    if not left or not right:
        return Signal(name, 0.0, None, f"{what} missing on one side")
    jaccard = len(left & right) / len(left | right)
    shared = ", ".join(sorted(left & right)) or "none"
    return Signal(name, 2 * jaccard - 1, bool(left & right), f"{what} shared: {shared}")


def countries(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Country agreement: +1 when any country is shared, -1 when the lists are disjoint."""
    if not a.countries or not b.countries:
        return Signal("countries", 0.0, None, "countries missing on one side")
    shared = a.countries & b.countries
    value = 1.0 if shared else -1.0
    return Signal(
        "countries", value, bool(shared), f"countries shared: {', '.join(sorted(shared)) or 'none'}"
    )


def harm_types(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Harm-type agreement, 2*Jaccard-1 (-1 disjoint .. +1 identical)."""
    return _set_agreement("harm_types", a.harm_types, b.harm_types, "harm types")


def _equal(name: str, left: str | None, right: str | None, what: str) -> Signal:
    if left is None or right is None:
        return Signal(name, 0.0, None, f"{what} missing on one side")
    same = left == right
    return Signal(name, 1.0 if same else -1.0, same, f"{what}: {left} / {right}")


def sector(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Sector agreement (+1 same, -1 different); a catch-all sector counts as missing."""
    known = [x if x not in UNINFORMATIVE_SECTORS else None for x in (a.sector, b.sector)]
    return _equal("sector", known[0], known[1], "sector")


def event_class(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """Whether both are incidents or both hazards (+1) or one of each (-1)."""
    kind_a = a.event_class and ("hazard" if "hazard" in a.event_class else "incident")
    kind_b = b.event_class and ("hazard" if "hazard" in b.event_class else "incident")
    return _equal("event_class", kind_a, kind_b, "incident or hazard")


def reference_url(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> Signal:
    """A shared article URL (after normalisation); section or home-page URLs do not count."""
    shared = sorted(u for u in a.urls & b.urls if url_is_specific(u)) if a.urls else []
    if shared:
        return Signal("reference_url", 1.0, True, f"same article cited: {shared[0]}")
    return Signal("reference_url", 0.0, None, "no article URL in common")


def _combined(
    name: str, parts: list[Signal], what: str, pick: Callable[[list[float]], float]
) -> Signal:
    known = [s for s in parts if s.agrees is not None]
    if not known:
        return Signal(name, 0.0, None, f"{what}: nothing to compare")
    value = pick([s.value for s in known])
    agreeing = ", ".join(s.name for s in known if s.agrees) or "none"
    return Signal(name, value, value > 0, f"{what} agree on: {agreeing}")


def actor(parts: dict[str, Signal]) -> Signal:
    """Same actor: the best of system name, organisation and a name mentioned in the text.

    One feature rather than three, because a sibling event of the same actor agrees on all of
    them at once: they are one piece of evidence, not three.
    """
    picked = [parts["system_name"], parts["organisation"]]
    if parts["name_mentioned"].value:
        picked.append(parts["name_mentioned"])
    return _combined("actor", picked, "system and organisation", max)


def context(parts: dict[str, Signal]) -> Signal:
    """Same setting: agreement of sector, harm types and event class, averaged over all three
    with a missing field counting 0, so that one agreeing field is weak evidence.

    Countries are weighed on their own: a disjoint country list is strong evidence of two
    events, unlike a differing sector or harm label, on which reporters often disagree.
    """
    picked = [parts[n] for n in CONTEXT_FIELDS]
    return _combined("context", picked, "sector, harm and class", _mean_of_all)


def _mean_of_all(values: list[float]) -> float:
    return sum(values) / len(CONTEXT_FIELDS)


SignalFunction = Callable[[ReportFeatures, ReportFeatures, Corpus], Signal]

CONTEXT_FIELDS = ("sector", "harm_types", "event_class")

#: The per-field signals, shown to analysts.
SIGNALS: tuple[SignalFunction, ...] = (
    text_cosine,
    rare_terms,
    overlap,
    title_cosine,
    passing_mention,
    near_duplicate,
    system_name,
    organisation,
    other_deployer,
    other_filing,
    name_mentioned,
    date_near,
    date_far,
    month_far,
    public_pair,
    published_near,
    published_apart,
    published_before_event,
    countries,
    harm_types,
    sector,
    event_class,
    reference_url,
    telling_terms,
    same_filer,
)
#: The signals the score weighs, in the order of the fitted weight vector.
#: The title is part of the text, so ``title_cosine`` is shown but not weighed again. The
#: structure signals are split by ``same_filer``: agreement between two reports of one filer is
#: weighed apart (``filer_*``), so the fit learns how little it says there.
FEATURES: tuple[str, ...] = (
    "text_cosine",
    "rare_terms",
    "overlap",
    "near_duplicate",
    "actor_text",
    "date_near",
    "date_far",
    "countries",
    "context_text",
    "reference_url",
    "filer_actor_text",
    "filer_date_near",
    "filer_countries",
    "filer_context_text",
    "filer_history",
)


#: The signals the public-source model weighs (``scoring.PUBLIC_WEIGHTS``): a pair of public
#: items has text, event dates stated in the text, publication dates and shared articles.
PUBLIC_FEATURES: tuple[str, ...] = (
    "text_cosine",
    "rare_terms",
    "overlap",
    "near_duplicate",
    "date_near",
    "date_far",
    "published_near",
    "published_apart",
    "published_before_event",
    "reference_url",
)


def corroborated(name: str, evidence: Signal, parts: dict[str, Signal]) -> Signal:
    """``evidence`` scaled by how much text the pair shares (the ``overlap`` signal).

    Agreeing structure (same actor, same country and sector) is shared by sibling events by
    construction; it only counts in proportion to shared text, so it can strengthen text
    evidence but never carry a link on its own. Disagreement counts in full.
    """
    share = parts["overlap"].value
    return Signal(
        name,
        evidence.value * share if evidence.value > 0 else evidence.value,
        evidence.agrees,
        f"{evidence.explanation}, weighed by {share:.0%} shared text",
    )


def contradictions(parts: dict[str, Signal]) -> Signal:
    """How many identity facts contradict each other: different named AI systems, occurrence
    dates a month or more beyond the window, disjoint countries.

    Reports of one event may disagree on one of them (a product name against a model name,
    one country against another); two at once mark two events, however much text they share
    (boilerplate, a templated press release). The score is capped then (``scoring.logit``).
    """
    found = [
        parts[name].explanation
        for name in ("system_name", "countries")
        if parts[name].agrees is False
    ]
    if parts["date_far"].value >= 1.0:
        found.append(parts["date_far"].explanation)
    count = len(found)
    return Signal(
        "contradictions",
        float(count),
        False if count >= 2 else None,
        "; ".join(found) if found else "no identity fact contradicts",
    )


def compute(a: ReportFeatures, b: ReportFeatures, corpus: Corpus) -> list[Signal]:
    """Return every signal for the pair: the per-field ones, then the combined ones."""
    parts = {s.name: s for s in (signal(a, b, corpus) for signal in SIGNALS)}
    same_actor, setting = actor(parts), context(parts)
    combined = [
        same_actor,
        setting,
        corroborated("actor_text", same_actor, parts),
        corroborated("context_text", setting, parts),
    ]
    by_name = parts | {s.name: s for s in combined}
    split = conditioned(by_name, corpus.filer_history)  # updates by_name
    return [*by_name.values(), *split, contradictions(parts)]


#: The structure signals split by ``same_filer``.
CONDITIONED = ("actor_text", "date_near", "countries", "context_text")


def conditioned(parts: dict[str, Signal], history: int) -> list[Signal]:
    """Split the structure signals by ``same_filer``: between two reports of one filer their
    agreement moves to ``filer_<name>`` (the unconditioned one then says 0), disagreement
    stays where it is; ``filer_history`` is ``log(1 + the filer's earlier reports)`` for such a
    pair (the more incidents a filer has, the less a report of theirs is likely to be any
    given one)."""
    same = parts["same_filer"].value > 0
    out = []
    for name in CONDITIONED:
        signal = parts[name]
        if same and signal.value > 0:
            out.append(Signal(f"filer_{name}", signal.value, signal.agrees, signal.explanation))
            parts[name] = Signal(name, 0.0, signal.agrees, f"{signal.explanation} (same filer)")
        else:
            out.append(Signal(f"filer_{name}", 0.0, None, "not filed by one organisation"))
    out.append(
        Signal(
            "filer_history",
            math.log1p(history) if same else 0.0,
            None,
            f"the filer has {history} earlier reports" if same else "different filers",
        )
    )
    return out
