"""Find and score the incidents a new report may belong to, and decide what to do with it.

Lookup is a few batched equality probes on ``(kind, key)`` (series, article URLs, LSH bands,
the report's rarest terms, names, country-months), then each candidate report is scored with
the pair signals, and an incident scores as its best-matching report.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping

from incidents.dedup import signals as signal_module
from incidents.dedup.corpus import Corpus
from incidents.dedup.facts import ReportFacts
from incidents.dedup.fingerprint import (
    FILER,
    LSH,
    MONTH,
    NAME,
    SERIES,
    TERM,
    URL,
    Fingerprint,
    Key,
    ReportFeatures,
    fingerprint,
)
from incidents.dedup.scoring import (
    Decision,
    Thresholds,
    decide,
    incident_probability,
    logit,
    support,
)
from incidents.dedup.signals import Signal
from incidents.dedup.store import CandidateStore

#: How many of the report's rarest terms are probed.
RARE_TERM_PROBES = 24
#: How many of the rarest Latin-letter terms of a text in another script are also probed: its
#: readings come in several forms per word (``jido``, ``jidou``, ``jidounten``, ...).
LATIN_TERM_PROBES = 72
#: Keys carried by more stored reports than this are too common to narrow the search (and
#: would make a probe read long postings), so they are not probed.
MAX_POSTING = 200
#: Candidate reports kept from the text probe and from the structure probe.
TEXT_CANDIDATES = 30
STRUCTURE_CANDIDATES = 15
#: An auto-link-grade best candidate abstains when the runner-up is within this many
#: log-odds of it.
AMBIGUITY = 1.0
#: A MinHash Jaccard from which text counts as copied (corroborating evidence).
NEAR_COPY = 0.3
#: The support (the other matching reports' summed probability) that counts as a second
#: report of the incident agreeing with a link between two public items.
SECOND_OPINION = 0.5
#: How fast a word's weight falls with the number of candidate incidents that carry it.
NEIGHBOURHOOD_POWER = 0.25
#: A public item published in one wave of coverage with its best candidate's item is
#: corroborated by it (:func:`clear_in_one_wave`) when the candidate scores at least
#: ``WAVE_SCORE``, leads the runner-up by ``WAVE_MARGIN`` log-odds and shares at least
#: ``WAVE_TEXT`` TF-IDF cosine of text.
WAVE_SCORE = 0.9
WAVE_MARGIN = 2.0
WAVE_TEXT = 0.15
#: Reports naming different deployers of one system whose events occurred this many days
#: apart or more are held for review, whoever filed them: the same system failing at two
#: customers (reports of one event by two parties differ by a day or two).
OTHER_DEPLOYER_DAYS = 7


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """An incident the report may belong to, with the evidence of its best-matching report."""

    incident_id: str
    score: float
    report_id: str
    signals: tuple[Signal, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    """The outcome for a new report: ranked candidates and the decision for the best one."""

    fingerprint: Fingerprint
    candidates: tuple[Candidate, ...]
    decision: Decision

    @property
    def incident_id(self) -> str | None:
        """Return the incident to link to on auto-link, else ``None``."""
        if self.decision is Decision.AUTO_LINK:
            return self.candidates[0].incident_id
        return None


def _probe_keys(fp: Fingerprint) -> list[Key]:
    """Return the keys a lookup counts (the series aside); the report's own terms are among them."""
    return [k for k in fp.probe_keys() if k[0] != SERIES]


def candidate_reports(
    store: CandidateStore, fp: Fingerprint, counts: Mapping[Key, int] | None = None
) -> list[str]:
    """Return the ids of stored reports the probes find for ``fp`` (never ``fp`` itself).

    ``counts``: the stored counts of ``fp``'s probe keys, when the caller already read them.
    """
    keys = _probe_keys(fp)
    if counts is None:
        counts = store.key_counts(keys)
    usable = [k for k in keys if 0 < counts.get(k, 0) <= MAX_POSTING]
    text = [k for k in usable if k[0] in (URL, LSH)] + rarest_terms(usable, counts)
    structure = [k for k in usable if k[0] in (NAME, MONTH)]
    found: dict[str, None] = {}
    if text:
        found.update((r, None) for r, _ in store.reports_matching(text, limit=TEXT_CANDIDATES))
    if structure:
        hits = store.reports_matching(structure, limit=STRUCTURE_CANDIDATES)
        found.update((r, None) for r, _ in hits)
    found.pop(fp.report_id, None)
    return list(found)


def rarest_terms(keys: Iterable[Key], counts: Mapping[Key, int]) -> list[Key]:
    """Return the ``RARE_TERM_PROBES`` rarest term keys, and the ``LATIN_TERM_PROBES`` rarest
    in Latin letters when the report also has terms in another script.

    A Chinese, Japanese or Korean text gives several terms per word (character bigrams and
    readings), which only other text in its script shares; its Latin forms (names' readings,
    loanwords' English origins) are what meets coverage in other languages, and would
    otherwise be crowded out of the probe.
    """
    terms = sorted((counts[k], k) for k in keys if k[0] == TERM)
    latin = [(n, k) for n, k in terms if k[1].isascii()]
    picked = terms[:RARE_TERM_PROBES]
    if len(latin) < len(terms):
        picked += latin[:LATIN_TERM_PROBES]
    return list(dict.fromkeys(k for _, k in picked))


def _series_candidate(store: CandidateStore, fp: Fingerprint) -> Candidate | None:
    if fp.series is None:
        return None
    hits = [r for r, _ in store.reports_matching([fp.series], limit=2) if r != fp.report_id]
    if not hits:
        return None
    incident = store.incident_ids(hits[:1])[hits[0]]
    reason = Signal("series", 1.0, True, "follow-up in the same organisation's series")
    return Candidate(incident, 1.0, hits[0], (reason,))


def pair_signals(
    store: CandidateStore,
    fp: Fingerprint,
    report_ids: list[str],
    *,
    probe_counts: Mapping[Key, int] | None = None,
    stored: int | None = None,
    incidents: Mapping[str, str] | None = None,
) -> dict[str, list[Signal]]:
    """Return the signals of ``fp`` against each stored report (unknown ids are left out).

    ``probe_counts`` (the counts of ``fp``'s probe keys, its own terms among them),
    ``stored`` (the store's report count) and ``incidents`` (the incident of each of
    ``report_ids``) spare reading again what the caller already read.
    """
    features = store.features(report_ids)
    if incidents is None:
        incidents = store.incident_ids(features)
    own = fp.features.terms.keys()
    terms = set(own).union(*(f.terms for f in features.values()))
    filer = [(FILER, fp.features.filer)] if fp.features.filer else []
    if probe_counts is None:
        counts = store.key_counts([*((TERM, t) for t in terms), *filer])
    else:
        counts = {k: n for k, n in probe_counts.items() if k[0] in (TERM, FILER)}
        counts |= store.key_counts((TERM, t) for t in terms - own)
    frequencies = dict.fromkeys(terms, 0) | {k[1]: n for k, n in counts.items() if k[0] == TERM}
    corpus = Corpus.snapshot(
        store.report_count() if stored is None else stored,
        frequencies,
        filer_history=counts.get(filer[0], 0) if filer else 0,
        discount=neighbourhood_discount(own, features, incidents),
    )
    return {r: signal_module.compute(fp.features, f, corpus) for r, f in features.items()}


def neighbourhood_discount(
    own: Iterable[str], features: Mapping[str, ReportFeatures], incidents: Mapping[str, str]
) -> dict[str, float]:
    """Return the factor of each of the new report's words that several candidate incidents
    carry: ``1 / k ** NEIGHBOURHOOD_POWER`` for a word found in ``k > 1`` distinct incidents.

    The candidates of a company's new report are mostly that company's other incidents; the
    words they all share (its house style, boilerplate, product and site names) are no
    evidence for any one of them. A word only one incident carries keeps its full weight.
    """
    carriers: dict[str, set[str]] = {}
    wanted = set(own)
    for report_id, f in features.items():
        incident = incidents.get(report_id, report_id)
        for term in wanted.intersection(f.terms):
            carriers.setdefault(term, set()).add(incident)
    return {
        t: 1.0 / len(found) ** NEIGHBOURHOOD_POWER
        for t, found in carriers.items()
        if len(found) > 1
    }


def score_candidates(
    store: CandidateStore,
    fp: Fingerprint,
    report_ids: list[str],
    *,
    limit: int,
    probe_counts: Mapping[Key, int] | None = None,
    stored: int | None = None,
) -> list[Candidate]:
    """Score stored reports against ``fp`` and return up to ``limit`` incidents, best first.

    ``probe_counts`` and ``stored``: as for :func:`pair_signals`.
    """
    incidents = store.incident_ids(report_ids)
    pairs = pair_signals(
        store, fp, report_ids, probe_counts=probe_counts, stored=stored, incidents=incidents
    )
    members: dict[str, list[tuple[float, str]]] = {}
    for report_id, signals in pairs.items():
        members.setdefault(incidents[report_id], []).append((logit(signals), report_id))
    ranked = []
    for incident, scored in members.items():
        best_report = max(scored)[1]
        score = incident_probability(z for z, _ in scored)
        evidence = list(pairs[best_report])
        if len(scored) > 1:
            filing = incident_filing([pairs[r] for _, r in scored])
            evidence = [filing if s.name == "other_filing" and filing else s for s in evidence]
            others = len(scored) - 1
            evidence.append(
                Signal(
                    "support",
                    support(z for z, _ in scored)[1],
                    True,
                    f"{others} more report(s) of this incident also match",
                )
            )
        ranked.append(Candidate(incident, score, best_report, tuple(evidence)))
    ranked.sort(key=lambda c: (-c.score, c.incident_id))
    return ranked[:limit]


def incident_filing(members: list[list[Signal]]) -> Signal | None:
    """The ``other_filing`` signal of a new report against an incident, from its pairs with
    the incident's reports: a report under the filer's same reference makes the new one a
    follow-up of it; else one under another reference of the filer marks another filing, even
    when the best matching report is someone else's account of the incident."""
    filings = [s for signals in members for s in signals if s.name == "other_filing"]
    same = [s for s in filings if s.agrees is True]
    other = [s for s in filings if s.value > 0]
    return next(iter(same or other), None)


def _lookup(
    store: CandidateStore, fp: Fingerprint, limit: int
) -> tuple[list[Candidate], int | None]:
    """Return the candidates for ``fp`` and the store's report count (``None``: a follow-up in
    its series, found without reading it)."""
    identity = _series_candidate(store, fp)
    if identity is not None:
        return [identity], None
    counts = store.key_counts(_probe_keys(fp))
    report_ids = candidate_reports(store, fp, counts)
    stored = store.report_count()
    ranked = score_candidates(
        store, fp, report_ids, limit=limit, probe_counts=counts, stored=stored
    )
    return ranked, stored


def find_candidates(
    store: CandidateStore, facts: ReportFacts | Fingerprint, *, limit: int = 10
) -> list[Candidate]:
    """Return up to ``limit`` candidate incidents for a report, best first.

    A report in an existing series of the same organisation returns that incident alone,
    with score 1.0. The store is only read.
    """
    fp = facts if isinstance(facts, Fingerprint) else fingerprint(facts)
    return _lookup(store, fp, limit)[0]


def match_report(
    store: CandidateStore,
    facts: ReportFacts,
    thresholds: Thresholds | None = None,
    *,
    limit: int = 10,
) -> Match:
    """Return the ranked candidates for a new report and the decision for the best one.

    While the store holds fewer than ``thresholds.min_reports`` reports, a score below
    ``thresholds.early_auto_link`` is queued for review instead of linked (a follow-up in its
    own series still links). The store is only read; call
    :func:`register` once the report's incident is known.
    """
    fp = fingerprint(facts)
    candidates, stored = _lookup(store, fp, limit)
    top = candidates[0].score if candidates else None
    decision = decide(top, thresholds)
    limits = thresholds or Thresholds()
    if (
        decision is Decision.AUTO_LINK
        and stored is not None  # not a follow-up in its series
        and candidates[0].score < max(limits.auto_link, limits.early_auto_link)
        and stored < limits.min_reports
    ):
        decision = Decision.REVIEW
    if (
        decision is Decision.AUTO_LINK
        and stored is not None
        and abstains(candidates, limits.auto_link)
    ):
        decision = Decision.REVIEW
    return Match(fp, tuple(candidates), decision)


def abstains(candidates: list[Candidate], auto_link: float = 0.7) -> str | None:
    """Why an auto-link-grade best candidate is queued for review instead, or ``None``.

    The engine prefers abstaining to a wrong link: when the runner-up incident scores close
    to the best (the two may be one incident, or the report may belong to either), and when
    the evidence is thin (fewer than ``MIN_TELLING_TERMS`` telling shared words and nothing
    corroborating: no shared article, no copied text, no clear lead in one wave of coverage,
    :func:`clear_in_one_wave`), when the same system is named at two deployers (between one
    filer's reports, or events ``OTHER_DEPLOYER_DAYS`` or more apart), when a side dates its
    event only by month and the texts put the events months apart (``month_far``), when one
    filer's two reports carry different references of its own (``other_filing``, also read
    from the incident's other reports: :func:`incident_filing`), and when two public
    items published apart share only words (no second report of the incident agreeing, or the
    items published months apart: a follow-up mentioning an earlier sibling event).
    """
    best = candidates[0]
    if len(candidates) > 1:
        second = candidates[1].score
        # A runner-up as high as an automatic link is most likely the same event split
        # earlier: the report links, and the placement proposes the two for merging.
        if second < auto_link and logit_of(best.score) - logit_of(second) < AMBIGUITY:
            return f"the runner-up {candidates[1].incident_id} scores close ({second:.2f})"
    signals = {s.name: s for s in best.signals}
    values = {name: s.value for name, s in signals.items()}
    corroborating = _corroborated(values) or clear_in_one_wave(candidates, values)
    if values.get("telling_terms", 0.0) < signal_module.MIN_TELLING_TERMS and not corroborating:
        return "thin evidence: few telling words shared and nothing corroborating"
    if values.get("other_deployer", 0.0) > 0 and (
        values.get("same_filer", 0.0) > 0
        or _days_between(signals.get("date_near")) >= OTHER_DEPLOYER_DAYS
    ):
        return "the same system at another deployer"
    if values.get("month_far", 0.0) > 0 and not corroborating:
        return "the texts date the events months apart"
    if values.get("other_filing", 0.0) > 0:
        return "two filings of one organisation under different references of its own"
    if values.get("passing_mention", 0.0) > 0 and not corroborating:
        return "a headline matched only inside a long article about something else"
    if (
        values.get("public_pair", 0.0) > 0
        and values.get("published_near", 0.0) == 0
        and (
            values.get("support", 0.0) < SECOND_OPINION or values.get("published_apart", 0.0) >= 1.0
        )
        and not corroborating
    ):
        # Coverage of a sibling event (the same company's next failure, a round-up) shares
        # the words; only a second report agreeing, or one wave of coverage, tells them apart.
        return "two public items alike in words only, not one wave of coverage"
    return None


def _days_between(near: Signal | None) -> float:
    """How many days apart the two reports' events occurred, read from their ``date_near``
    signal (0 when a side has no date)."""
    if near is None or near.agrees is None:
        return 0.0
    return (1.0 - near.value) * signal_module.DATE_WINDOW_DAYS


def _corroborated(values: Mapping[str, float]) -> bool:
    """Whether more than shared words speaks for the pair: a shared article, copied text, or
    two organisations independently naming the same system and a close date."""
    return (
        values.get("reference_url", 0.0) > 0
        or values.get("near_duplicate", 0.0) >= NEAR_COPY
        or (
            values.get("same_filer", 0.0) == 0
            and values.get("actor", 0.0) > 0
            and values.get("date_near", 0.0) > 0
        )
    )


def clear_in_one_wave(candidates: list[Candidate], values: Mapping[str, float]) -> bool:
    """Whether the best candidate is coverage of the same wave, clearly ahead of the rest.

    Items published within days of each other that share text are mostly about one event,
    but a headline shares few words, and those are common once an event has many stored
    items: the thin-evidence and passing-mention abstentions would hold most of a wave for
    review. Publication in one wave (``published_near``), at least ``WAVE_TEXT`` of shared
    text, a score of ``WAVE_SCORE`` and a lead of ``WAVE_MARGIN`` log-odds over the runner-up
    together corroborate the link; coverage published apart never does (a sibling event of
    the same company shares the words and comes months later). ``values``: the best
    candidate's signal values.
    """
    best = candidates[0]
    second = candidates[1].score if len(candidates) > 1 else 0.0
    return (
        values.get("public_pair", 0.0) > 0
        and values.get("published_near", 0.0) > 0
        and values.get("text_cosine", 0.0) >= WAVE_TEXT
        and best.score >= WAVE_SCORE
        and logit_of(best.score) - logit_of(second) >= WAVE_MARGIN
    )


def logit_of(p: float) -> float:
    """Return the log-odds of a probability (clamped away from 0 and 1)."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def register(store: CandidateStore, fp: Fingerprint, incident_id: str) -> None:
    """Store a report's fingerprint as a member of ``incident_id``.

    Raises ``ValueError`` if the report is already stored.
    """
    store.add(fp, incident_id)
