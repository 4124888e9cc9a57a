"""End to end on a handful of invented reports, through the in-memory store."""

import dataclasses
import datetime as dt
from typing import Any

import pytest

from incidents.dedup import Decision, InMemoryStore, ReportFacts, Thresholds
from incidents.dedup.engine import (
    Candidate,
    abstains,
    find_candidates,
    incident_filing,
    match_report,
    register,
)
from incidents.dedup.facts import AISystem
from incidents.dedup.signals import DATE_WINDOW_DAYS, Signal
from tests.unit.dedup.news import news_item

FERRY = ReportFacts(
    report_id="ferry-1",
    title="Autonomous ferry Tessaly ran aground after its route planner ignored a sandbank",
    description=(
        "On 3 May 2024 the autonomous passenger ferry Tessaly, operated by Brennock Waterways, "
        "ran aground near Oskholm pier with 46 passengers aboard. The Pathwise route planner "
        "from Halvane Marine had not loaded the updated depth chart, so it steered across a "
        "sandbank that had shifted in April. Two passengers were treated for minor injuries and "
        "the ferry was towed off after six hours."
    ),
    organisation_id="brennock",
    series_key="BW-2024-07",
    occurred_on=dt.date(2024, 5, 3),
    countries=("NO",),
    sector="transport",
    harm_types=("physical_injury",),
    event_class="ai_incident",
    ai_system=AISystem("Pathwise", "4.2", "Halvane Marine AS", "Brennock Waterways"),
    references=("https://www.fjordpost.example/2024/05/04/tessaly-ferry-aground",),
)
PRESS = ReportFacts(
    report_id="press-1",
    title="Driverless ferry grounded at Oskholm, 46 aboard",
    description=(
        "The self-navigating ferry Tessaly struck a sandbank outside Oskholm on Friday evening. "
        "Brennock Waterways said its Pathwise planning software had used an outdated depth "
        "chart. Passengers, two of them slightly hurt, waited six hours before the vessel was "
        "pulled free."
    ),
    occurred_on=dt.date(2024, 5, 3),
    countries=("NO",),
    sector="transport",
    harm_types=("physical_injury", "economic_property"),
    event_class="ai_incident",
    ai_system=AISystem(None, None, "Halvane Marine", None),
    references=(
        "http://fjordpost.example/2024/05/04/tessaly-ferry-aground/?utm_source=twitter&fbclid=q",
    ),
)
OTHER = ReportFacts(
    report_id="other-1",
    title="Route planner sends cargo barge into closed lock at Vennby",
    description=(
        "A cargo barge steered by the Pathwise planner from Halvane Marine entered the closed "
        "Vennby lock on 21 May 2024 because a lock closure notice was not ingested. Nobody was "
        "hurt; the lock gate needs repairs costing about 300,000 crowns."
    ),
    occurred_on=dt.date(2024, 5, 21),
    countries=("NO",),
    sector="transport",
    harm_types=("economic_property",),
    event_class="ai_incident",
    ai_system=AISystem("Pathwise", "4.2", "Halvane Marine", "Vennby Freight"),
)
FILLER = [
    ReportFacts(
        report_id=f"filler-{i}",
        title=f"{topic} system fault reported by {org}",
        description=f"The {topic} software at {org} produced wrong results for {n} customers "
        f"during {month}, and staff corrected the records by hand.",
        occurred_on=dt.date(2022, i + 1, 10),
        countries=(country,),
        sector="finance",
    )
    for i, (topic, org, n, month, country) in enumerate(
        [
            ("billing", "Marrow Bank", 120, "February", "GB"),
            ("credit scoring", "Oakrun Lending", 900, "March", "US"),
            ("chatbot", "Pellary Insurance", 40, "April", "IE"),
            ("fraud detection", "Quessel Pay", 3100, "June", "DE"),
        ]
    )
]


def loaded_store(*reports: ReportFacts) -> InMemoryStore:
    store = InMemoryStore()
    for facts in (*FILLER, *reports):
        match = match_report(store, facts)
        register(store, match.fingerprint, match.incident_id or f"inc-{facts.report_id}")
    return store


def test_empty_store_means_new_incident() -> None:
    match = match_report(InMemoryStore(), FERRY)
    assert match.candidates == ()
    assert match.decision is Decision.NEW_INCIDENT
    assert match.incident_id is None


def test_follow_up_in_same_series_always_joins() -> None:
    store = loaded_store(FERRY)
    follow_up = ReportFacts(
        report_id="ferry-2",
        title="Final report",
        description="Root cause confirmed; charts now checked daily.",
        organisation_id="brennock",
        series_key="BW-2024-07",
    )
    match = match_report(store, follow_up, Thresholds(min_reports=1000, early_auto_link=1.0))
    assert match.decision is Decision.AUTO_LINK
    assert match.incident_id == "inc-ferry-1"
    assert match.candidates[0].score == 1.0
    assert match.candidates[0].signals[0].name == "series"


def test_same_series_key_of_another_organisation_is_not_identity() -> None:
    store = loaded_store(FERRY)
    stranger = dataclasses.replace(
        FILLER[0], report_id="x", organisation_id="someone-else", series_key="BW-2024-07"
    )
    candidates = find_candidates(store, stranger)
    assert all(c.signals[0].name != "series" for c in candidates)


def test_press_report_with_tracking_url_links_to_the_event() -> None:
    store = loaded_store(FERRY)
    match = match_report(store, PRESS)
    best = match.candidates[0]
    assert best.incident_id == "inc-ferry-1"
    assert match.decision is Decision.AUTO_LINK, best
    url = next(s for s in best.signals if s.name == "reference_url")
    assert url.agrees is True
    assert "fjordpost.example/2024/05/04/tessaly-ferry-aground" in url.explanation


def test_other_event_sharing_system_and_month_stays_apart() -> None:
    store = loaded_store(FERRY, PRESS)
    match = match_report(store, OTHER)
    # In a store of six reports every shared word looks rare; the sibling may reach review,
    # never an automatic link.
    assert match.decision is not Decision.AUTO_LINK, match.candidates[0]
    assert match.candidates, "the sibling must still be shown as a candidate"
    assert match.candidates[0].incident_id == "inc-ferry-1"


def test_candidates_are_ranked_and_limited() -> None:
    store = loaded_store(FERRY, PRESS, OTHER)
    candidates = find_candidates(store, dataclasses.replace(PRESS, report_id="press-2"), limit=2)
    assert len(candidates) <= 2
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    assert candidates[0].incident_id == "inc-ferry-1"
    assert any(s.name == "support" for s in candidates[0].signals)


def test_a_near_empty_store_needs_a_higher_score_to_link() -> None:
    store = loaded_store(FERRY)
    stored = store.report_count()
    score = match_report(store, PRESS).candidates[0].score
    assert match_report(store, PRESS).decision is Decision.AUTO_LINK
    early = Thresholds(min_reports=stored + 1, early_auto_link=min(1.0, score + 0.01))
    guarded = match_report(store, PRESS, early)
    assert guarded.decision is Decision.REVIEW
    assert guarded.candidates[0].incident_id == "inc-ferry-1"
    confident = Thresholds(min_reports=stored + 1, early_auto_link=score)
    assert match_report(store, PRESS, confident).decision is Decision.AUTO_LINK
    enough = Thresholds(min_reports=stored, early_auto_link=1.0)
    assert match_report(store, PRESS, enough).decision is Decision.AUTO_LINK


@pytest.mark.parametrize(
    ("settings", "message"),
    [({"min_reports": -1}, "min_reports"), ({"early_auto_link": 1.5}, "early_auto_link")],
)
def test_early_settings_are_checked(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Thresholds(**settings)


def test_thresholds_are_configuration() -> None:
    store = loaded_store(FERRY)
    strict = match_report(store, PRESS, Thresholds(auto_link=1.0, review=0.0))
    assert strict.decision is Decision.REVIEW


#: The signals of two public items of one wave of coverage sharing some text.
WAVE = {"public_pair": 1.0, "published_near": 0.6, "text_cosine": 0.3}


def _candidate(incident: str, score: float, **values: float) -> Candidate:
    base = {"telling_terms": 4.0, "same_filer": 0.0, "other_deployer": 0.0, "passing_mention": 0.0}
    signals = tuple(Signal(name, value, None, name) for name, value in (base | values).items())
    return Candidate(incident, score, f"r-{incident}", signals)


@pytest.mark.parametrize(
    ("candidates", "reason"),
    [
        ([_candidate("i1", 0.95)], None),
        ([_candidate("i1", 0.75), _candidate("i2", 0.6)], "the runner-up i2 scores close"),
        ([_candidate("i1", 0.99), _candidate("i2", 0.3)], None),
        ([_candidate("i1", 0.95, telling_terms=1.0)], "thin evidence"),
        ([_candidate("i1", 0.95, telling_terms=1.0, reference_url=1.0)], None),
        ([_candidate("i1", 0.95, passing_mention=1.0)], "a headline matched only inside"),
        ([_candidate("i1", 0.95, passing_mention=1.0, near_duplicate=0.5)], None),
        ([_candidate("i1", 0.95, same_filer=1.0, other_deployer=1.0)], "another deployer"),
        ([_candidate("i1", 0.95, other_deployer=1.0)], None),
        ([_candidate("i1", 0.99, same_filer=1.0, other_filing=1.0)], "different references"),
        ([_candidate("i1", 0.95, month_far=1.0)], "months apart"),
        ([_candidate("i1", 0.95, month_far=1.0, reference_url=1.0)], None),
        # Two public items published apart, alike in words only: a sibling event's coverage?
        ([_candidate("i1", 0.97, public_pair=1.0)], "two public items alike in words only"),
        ([_candidate("i1", 0.97, public_pair=1.0, published_near=0.4)], None),  # one wave
        ([_candidate("i1", 0.97, public_pair=1.0, support=0.6)], None),  # a second agrees
        ([_candidate("i1", 0.97, public_pair=1.0, support=0.2)], "alike in words only"),
        # A second agreeing report does not bridge coverage published four months apart.
        ([_candidate("i1", 0.97, public_pair=1.0, support=0.6, published_apart=1.0)], "alike"),
        ([_candidate("i1", 0.97, public_pair=1.0, reference_url=1.0)], None),
        ([_candidate("i1", 0.97, public_pair=1.0, near_duplicate=0.5)], None),
        # A headline of one wave of coverage: few telling words, but clearly the best match.
        ([_candidate("i1", 0.95, telling_terms=1.0, **WAVE)], None),
        ([_candidate("i1", 0.95, telling_terms=1.0, **WAVE), _candidate("i2", 0.3)], None),
        ([_candidate("i1", 0.95, passing_mention=1.0, **WAVE)], None),
        ([_candidate("i1", 0.95, telling_terms=1.0, **WAVE), _candidate("i2", 0.75)], "thin"),
        ([_candidate("i1", 0.85, telling_terms=1.0, **WAVE)], "thin evidence"),
        ([_candidate("i1", 0.95, telling_terms=1.0, **WAVE | {"text_cosine": 0.1})], "thin"),
        ([_candidate("i1", 0.95, telling_terms=1.0, **WAVE | {"published_near": 0})], "thin"),
        ([_candidate("i1", 0.95, telling_terms=1.0, **WAVE | {"public_pair": 0})], "thin"),
    ],
)
def test_the_engine_abstains_when_it_does_not_know(
    candidates: list[Candidate], reason: str | None
) -> None:
    found = abstains(candidates)
    assert (found is None) == (reason is None), found
    if reason is not None:
        assert found is not None
        assert reason in found


@pytest.mark.parametrize(("days", "held"), [(0, False), (2, False), (7, True), (40, True)])
def test_one_system_at_two_deployers_is_held_when_the_events_are_days_apart(
    days: int, held: bool
) -> None:
    """Two parties' reports of one event name different deployers now and then (a developer
    named as deployer); a week or more apart, it is the same system failing at two customers."""
    near = max(0.0, 1.0 - days / DATE_WINDOW_DAYS)
    dated = Signal("date_near", near, days <= DATE_WINDOW_DAYS, f"occurred {days} days apart")
    best = _candidate("i1", 0.95, other_deployer=1.0)
    best = Candidate(best.incident_id, best.score, best.report_id, (*best.signals, dated))
    found = abstains([best])
    assert (found is not None) == held, found


def _safety_report(reference: str, what: str, version: str, day: dt.date) -> ReportFacts:
    """A company's terse safety report: its own reference, a headline and boilerplate."""
    return ReportFacts(
        report_id=f"{reference}/{version}",
        title=f"{reference}: Sillon T3 {what}, customer estate near Chinon",
        description=f"Safety report {reference}. Orvanne Agrotech SAS, Quality & Safety, Angers.",
        organisation_id="orvanne",
        occurred_on=day,
        countries=("FR",),
        sector="agriculture",
        harm_types=("physical_injury",),
        ai_system=AISystem("Sillon T3", version, "Orvanne Agrotech SAS"),
    )


def test_a_companys_next_filing_under_its_own_new_reference_is_held_for_review() -> None:
    """Two terse reports of one company, about two events three weeks apart: the headline,
    the boilerplate and the structure agree, only the company's own references differ."""
    first = _safety_report(
        "ORV-SR-25-02", "contact with pruning worker", "2.8.0", dt.date(2025, 2, 11)
    )
    store = loaded_store(first)
    second = _safety_report("ORV-SR-25-03", "mower deck injury", "2.8.1", dt.date(2025, 3, 5))
    match = match_report(store, second)
    assert match.candidates[0].score >= Thresholds().auto_link
    assert match.decision is Decision.REVIEW
    assert abstains(list(match.candidates)) == (
        "two filings of one organisation under different references of its own"
    )
    update = _safety_report(
        "ORV-SR-25-02", "contact with pruning worker", "2.8.1", dt.date(2025, 2, 11)
    )
    assert match_report(store, update).decision is Decision.AUTO_LINK


def test_another_filing_anywhere_in_the_incident_marks_the_incident() -> None:
    """The best match may be someone else's account of the company's earlier filing: the
    filing in the incident still tells the new report is another one."""
    unknown = Signal("other_filing", 0.0, None, "not filed by one organisation")
    other = Signal("other_filing", 1.0, False, "filed as FSN-26-005 and as FSN-25-021")
    same = Signal("other_filing", 0.0, True, "the same filing reference FSN-26-005")
    assert incident_filing([[unknown], [other]]) is other
    assert incident_filing([[other], [same], [unknown]]) is same  # a follow-up of one of them
    assert incident_filing([[unknown], [unknown]]) is None


def test_a_headline_of_the_same_wave_of_coverage_links_automatically() -> None:
    """A headline shares one telling word with the article of its wave (the others are in
    earlier coverage of the same service): thin evidence, but published the next day it is
    clearly that article's event; published months later it is held for review."""
    article = news_item(
        "n-1",
        "Self-driving shuttle brakes hard in Harwick, injuring four riders",
        "2025-05-02",
        "A self-driving shuttle run by Orrin Transit braked hard on Quay Street in Harwick on "
        "Thursday, injuring four riders. The operator said a sensor mistook a plastic bag for "
        "an obstacle and suspended the service while engineers review the braking software.",
    )
    earlier = [
        news_item(f"o-{n}", title, published)
        for n, (title, published) in enumerate(
            [
                ("Self-driving shuttle service launches in Harwick", "2024-06-01"),
                ("Harwick self-driving shuttle hits kerb, no one hurt", "2024-09-14"),
                ("Self-driving shuttle riders praise Harwick trial", "2024-11-20"),
                ("Orrin Transit expands self-driving shuttle in Harwick", "2025-01-15"),
            ]
        )
    ]
    store = loaded_store(*earlier, article)
    headline = "Self-driving shuttle in Harwick injures riders"
    in_wave = match_report(store, news_item("n-2", headline, "2025-05-03"))
    months_later = match_report(store, news_item("n-3", headline, "2025-09-03"))
    assert in_wave.candidates[0].incident_id == "inc-n-1"
    assert in_wave.decision is Decision.AUTO_LINK
    assert months_later.candidates[0].incident_id == "inc-n-1"
    assert months_later.decision is Decision.REVIEW
