"""Reconsidering after placement, at engine level: bridges between fragments, doubtful links."""

from __future__ import annotations

from incidents.dedup import Decision, InMemoryStore, Match, Thresholds, fingerprint, register
from incidents.dedup.engine import Candidate
from incidents.dedup.facts import ReportFacts
from incidents.dedup.reconsider import Bridge, bridges, direct_signals, recheck
from incidents.dedup.signals import Signal
from tests.unit.dedup.test_engine import FERRY, FILLER, OTHER, PRESS

LIMITS = Thresholds(auto_link=0.8, review=0.3)


def store_of(**incidents: ReportFacts) -> InMemoryStore:
    """The filler reports in incidents of their own, and each given report in the incident
    its keyword names (``inc_a=FERRY``: the ferry report in ``inc_a``)."""
    store = InMemoryStore()
    for facts in FILLER:
        register(store, fingerprint(facts), f"inc-{facts.report_id}")
    for incident, facts in incidents.items():
        register(store, fingerprint(facts), incident.split("__")[0])
    return store


def test_an_incidents_reports_are_listed_in_the_order_stored() -> None:
    store = store_of(inc_a=FERRY, inc_a__2=PRESS, inc_b=OTHER)
    assert store.reports_of("inc_a", limit=5) == ["ferry-1", "press-1"]
    assert store.reports_of("inc_a", limit=1) == ["ferry-1"]
    assert store.reports_of("nowhere", limit=5) == []


def _match(decision: Decision, *candidates: Candidate) -> Match:
    new = ReportFacts(report_id="new-1", title="Ferry aground", description="Tessaly aground.")
    return Match(fingerprint(new), candidates, decision)


def test_a_report_joining_one_fragment_and_matching_another_bridges_them() -> None:
    # One event split in two: the operator's report in inc_a, the press report in inc_b.
    store = store_of(inc_a=FERRY, inc_b=PRESS, inc_c=OTHER)
    match = _match(
        Decision.AUTO_LINK,
        Candidate("inc_a", 0.95, "ferry-1", ()),
        Candidate("inc_b", 0.6, "press-1", ()),
        Candidate("inc_c", 0.1, "other-1", ()),  # below the review band: no bridge
    )
    [bridge] = bridges(store, match, "inc_a", LIMITS)
    assert (bridge.joined.incident_id, bridge.other.incident_id) == ("inc_a", "inc_b")
    assert bridge.score == 0.6
    # The two fragments' reports match each other directly (the same ferry, day, article).
    assert bridge.direct_score >= LIMITS.auto_link
    assert "reference_url" in {s.name for s in bridge.direct if s.agrees}
    assert not bridge.is_automatic(LIMITS)  # one side only in the review band


def test_only_a_report_that_joined_at_auto_link_grade_bridges() -> None:
    store = store_of(inc_a=FERRY, inc_b=PRESS)
    both = (Candidate("inc_a", 0.7, "ferry-1", ()), Candidate("inc_b", 0.6, "press-1", ()))
    # Queued for review (it opened an incident of its own): its candidates say it already.
    assert bridges(store, _match(Decision.REVIEW, *both), "inc-new", LIMITS) == []
    # Linked, but to an incident the engine did not rank (a series follow-up elsewhere).
    linked = _match(Decision.AUTO_LINK, Candidate("inc_a", 0.9, "ferry-1", ()), both[1])
    assert bridges(store, linked, "inc_z", LIMITS) == []
    assert len(bridges(store, linked, "inc_a", LIMITS)) == 1


#: Evidence the engine would link on: several telling words, nothing against.
SOUND = (Signal("telling_terms", 4.0, True, "4 telling word(s) shared"),)


def test_a_bridge_is_automatic_only_when_both_sides_and_the_direct_match_are_auto_grade() -> None:
    joined, other = Candidate("a", 0.9, "1", SOUND), Candidate("b", 0.85, "2", SOUND)
    assert Bridge("r", joined, other, SOUND, 0.95).is_automatic(LIMITS)
    assert not Bridge("r", joined, other, SOUND, 0.5).is_automatic(LIMITS)
    weak = Candidate("b", 0.79, "2", SOUND)
    assert not Bridge("r", joined, weak, SOUND, 0.95).is_automatic(LIMITS)


def test_a_bridge_is_not_automatic_on_evidence_the_engine_would_not_link_on() -> None:
    joined, other = Candidate("a", 0.9, "1", SOUND), Candidate("b", 0.85, "2", SOUND)
    # The two fragments' closest reports: one company's system at two of its customers.
    siblings = (
        *SOUND,
        Signal("same_filer", 1.0, None, "filed by the same organisation"),
        Signal("other_deployer", 1.0, False, "deployed by X and by Y"),
    )
    assert not Bridge("r", joined, other, siblings, 0.99).is_automatic(LIMITS)
    # A side whose evidence is thin (a single shared word, nothing corroborating).
    thin = Candidate("b", 0.95, "2", (Signal("telling_terms", 1.0, None, "1 word"),))
    assert not Bridge("r", joined, thin, SOUND, 0.95).is_automatic(LIMITS)


def test_direct_signals_of_an_unknown_report_are_empty() -> None:
    store = store_of(inc_a=FERRY)
    assert direct_signals(store, "missing", "ferry-1") == ()
    assert direct_signals(store, "ferry-1", "missing") == ()


def test_a_sound_automatic_link_is_not_doubted() -> None:
    store = store_of(inc_a=FERRY, inc_a__2=PRESS)
    assert recheck(store, "press-1", "inc_a", None, LIMITS) is None


def test_a_link_no_longer_at_auto_link_grade_at_home_is_doubtful() -> None:
    # The barge report sits in the ferry's incident (a wrong automatic link).
    store = store_of(inc_a=FERRY, inc_a__2=OTHER)
    doubt = recheck(store, "other-1", "inc_a", None, LIMITS)
    assert doubt is not None
    assert doubt.rival is None
    assert doubt.own is not None
    assert doubt.own.score < LIMITS.auto_link
    assert "below auto-link grade" in doubt.reason


def test_a_report_alone_in_its_incident_has_no_match_at_home() -> None:
    store = store_of(inc_a=PRESS)
    doubt = recheck(store, "press-1", "inc_a", None, LIMITS)
    assert doubt is not None
    assert doubt.own is None
    assert "no match" in doubt.reason


def test_a_rival_scoring_higher_at_auto_link_grade_makes_a_link_doubtful() -> None:
    # The press report sits with the barge; the ferry's own incident is elsewhere.
    store = store_of(inc_x=OTHER, inc_x__2=PRESS, inc_a=FERRY)
    doubt = recheck(store, "press-1", "inc_x", "inc_a", LIMITS)
    assert doubt is not None
    assert doubt.rival is not None
    assert doubt.rival.incident_id == "inc_a"
    assert doubt.rival.score >= LIMITS.auto_link
    assert "inc_a now scores higher" in doubt.reason


def test_an_unknown_report_is_not_rechecked() -> None:
    assert recheck(store_of(inc_a=FERRY), "missing", "inc_a", None, LIMITS) is None
