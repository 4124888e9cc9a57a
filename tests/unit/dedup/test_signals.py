import dataclasses
import datetime as dt
import math
from dataclasses import replace
from typing import Any

import pytest

from incidents.dedup import signals
from incidents.dedup.corpus import Corpus
from incidents.dedup.engine import NEIGHBOURHOOD_POWER, neighbourhood_discount
from incidents.dedup.facts import AISystem, ReportFacts
from incidents.dedup.fingerprint import ReportFeatures, fingerprint


def features(**changes: Any) -> ReportFeatures:
    base = fingerprint(
        ReportFacts(
            report_id="a",
            title="Drone swarm lighting show falls onto crowd",
            description="At the Velmora harbour festival 40 drones of the Skylume fleet fell.",
            occurred_on=dt.date(2023, 8, 5),
            countries=("PT",),
            sector="media",
            harm_types=("physical_injury", "economic_property"),
            event_class="ai_incident",
            ai_system=AISystem("Skylume Fleet", None, "Skylume Aerial", "Velmora Events"),
            references=("https://herald.example/2023/08/06/drones-fall",),
        )
    ).features
    return dataclasses.replace(base, **changes)


CORPUS = Corpus(100, {"drone": 30, "fell": 50, "velmora": 1, "skylume": 1})
A = features()


def by_name(a: ReportFeatures, b: ReportFeatures) -> dict[str, signals.Signal]:
    return {s.name: s for s in signals.compute(a, b, CORPUS)}


def test_identical_reports_agree_on_everything() -> None:
    result = by_name(A, A)
    assert result["text_cosine"].value == pytest.approx(1.0)
    assert result["overlap"].value == pytest.approx(1.0)
    assert result["near_duplicate"].value == 1.0
    assert result.pop("date_far").agrees is None  # only ever speaks against a pair
    assert result.pop("contradictions").agrees is None  # likewise
    for name in ("passing_mention", "published_apart", "published_before_event", "public_pair"):
        assert result.pop(name).agrees is None  # likewise
    assert result.pop("published_near").agrees is None  # no publication date (not news)
    # Who filed them is not known here: the filer-conditioned signals say nothing.
    assert result.pop("same_filer").agrees is None
    assert result.pop("other_filing").agrees is None
    assert result.pop("month_far").agrees is None  # day dates are weighed by date_near
    for name in [n for n in result if n.startswith("filer_")]:
        assert result.pop(name).value == 0.0
    assert all(s.agrees is True for s in result.values()), result
    assert result["rare_terms"].value > 0
    assert "fell" not in result["rare_terms"].explanation  # common in the corpus


def test_disagreeing_structure_counts_against() -> None:
    b = features(
        system="Other Bot",
        organisations=frozenset({"nobody", "noone"}),
        developer="nobody",
        deployer="noone",
        occurred_on=dt.date(2021, 1, 1),
        countries=frozenset({"US"}),
        sector="health",
        harm_types=frozenset({"psychological"}),
        event_class="ai_hazard",
        urls=frozenset({"vendor.example/safety/reports"}),
    )
    result = by_name(A, b)
    for name in (
        "system_name",
        "organisation",
        "countries",
        "harm_types",
        "sector",
        "event_class",
        "date_near",
    ):
        assert result[name].agrees is False, name
    assert result["countries"].value == -1.0
    assert result["date_far"].value == 1.0
    assert result["reference_url"].agrees is None


@pytest.mark.parametrize(
    ("changes", "count"),
    [
        ({}, 0),
        ({"system": "Other Bot"}, 1),
        ({"system": "Other Bot", "countries": frozenset({"US"})}, 2),
        ({"occurred_on": dt.date(2021, 1, 1), "countries": frozenset({"US"})}, 2),
        ({"system": "Other Bot", "occurred_on": dt.date(2021, 1, 1)}, 2),
        ({"system": "", "countries": frozenset(), "occurred_on": dt.date(2023, 8, 9)}, 0),
    ],
)
def test_contradicting_identity_facts_are_counted(changes: dict[str, object], count: int) -> None:
    found = by_name(A, features(**changes))["contradictions"]
    assert found.value == count
    assert found.agrees is (False if count >= 2 else None)
    if count:
        assert (
            "differ" in found.explanation
            or "apart" in found.explanation
            or "none" in (found.explanation)
        )


def test_generic_shared_url_is_not_evidence() -> None:
    generic = frozenset({"vendor.example/safety/reports"})
    assert signals.reference_url(features(urls=generic), features(urls=generic), CORPUS).value == 0


def test_missing_fields_are_neutral() -> None:
    b = features(
        system="",
        organisations=frozenset(),
        occurred_on=None,
        countries=frozenset(),
        sector=None,
        harm_types=frozenset(),
        event_class=None,
        name_terms=(),
        terms={},
        title_terms=frozenset(),
    )
    result = by_name(A, b)
    for name in (
        "system_name",
        "organisation",
        "date_near",
        "date_far",
        "countries",
        "harm_types",
        "sector",
        "event_class",
    ):
        assert result[name].value == 0.0, name
        assert result[name].agrees is None, name
    assert result["text_cosine"].value == 0.0
    assert result["title_cosine"].value == 0.0
    assert result["overlap"].value == 0.0


def test_organisations_in_different_roles_cannot_disagree() -> None:
    developer_only = features(organisations=frozenset({"skylume aerial"}), deployer="")
    deployer_only = features(
        organisations=frozenset({"harbour board"}), developer="", deployer="harbour board"
    )
    assert signals.organisation(developer_only, deployer_only, CORPUS).agrees is None
    cross = features(
        organisations=frozenset({"skylume aerial"}), developer="", deployer="skylume aerial"
    )
    assert signals.organisation(developer_only, cross, CORPUS).agrees is True


def test_structure_only_counts_with_shared_text() -> None:
    parts = by_name(A, A)
    assert parts["actor_text"].value == pytest.approx(parts["overlap"].value)
    empty_text = features(terms={}, title_terms=frozenset())
    parts = by_name(A, empty_text)
    assert parts["actor"].value == 1.0
    assert parts["actor_text"].value == 0.0
    other = features(
        system="Other",
        organisations=frozenset({"x"}),
        developer="x",
        deployer="",
        terms={"crowd": 1},
        name_terms=(),
    )
    parts = by_name(A, other)
    assert parts["actor_text"].value == parts["actor"].value < 0  # disagreement counts in full


def test_name_mentioned_in_other_text() -> None:
    b = features(system="", organisations=frozenset(), name_terms=())
    assert signals.name_mentioned(A, b, CORPUS).value == 1.0
    c = features(terms={"crowd": 1}, name_terms=())
    assert signals.name_mentioned(A, c, CORPUS).value == 0.0


def test_dates_a_few_days_apart_still_agree() -> None:
    b = features(occurred_on=dt.date(2023, 8, 8))
    near = signals.date_near(A, b, CORPUS)
    assert near.agrees is True
    assert 0 < near.value < 1
    assert signals.date_far(A, b, CORPUS).value == 0.0


def test_nidf_is_bounded_and_rare_terms_weigh_more() -> None:
    assert CORPUS.nidf("velmora") > CORPUS.nidf("drone") > CORPUS.nidf("fell") >= 0
    assert Corpus(0, {}).nidf("x") == pytest.approx(1.0)
    assert Corpus(10**6, {"x": 10**6}).nidf("x") == 0.0


def test_norms_are_the_vectors_sums_and_a_pair_shares_its_common_terms() -> None:
    corpus = Corpus.snapshot(100, {"drone": 30, "fell": 50, "velmora": 1}, discount={"fell": 0.5})
    bag = {"drone": 3, "fell": 1, "velmora": 2, "unseen": 1}
    cosine, squares = corpus.norms(bag)
    assert cosine == pytest.approx(corpus.vector(bag, 1)[1])
    assert squares == pytest.approx(corpus.vector(bag, 2)[1])
    shared = corpus.shared_idf(bag, {"fell": 2, "velmora": 1, "other": 1})
    assert dict(shared) == {"fell": corpus.nidf("fell"), "velmora": corpus.nidf("velmora")}
    assert corpus.shared_idf({"a": 1}, {"b": 1}) == []


def test_the_text_signals_are_the_cosine_and_overlap_of_the_weighted_bags() -> None:
    corpus = Corpus.snapshot(100, {"drone": 30, "fell": 50, "velmora": 1})
    a = replace(A, terms={"drone": 2, "fell": 1, "velmora": 1})
    b = replace(A, terms={"drone": 1, "velmora": 3, "crane": 1})
    wa, wb = corpus.vector(a.terms, 1)[0], corpus.vector(b.terms, 1)[0]
    dot = sum(w * wb[t] for t, w in wa.items() if t in wb)
    norm = math.sqrt(sum(w * w for w in wa.values()) * sum(w * w for w in wb.values()))
    assert signals.text_cosine(a, b, corpus).value == pytest.approx(dot / norm)
    ia, ib = corpus.vector(a.terms, 2)[0], corpus.vector(b.terms, 2)[0]
    shared = sum(w for t, w in ia.items() if t in ib)
    smaller = max(min(sum(ia.values()), sum(ib.values())), signals.EVIDENCE_MASS)
    assert signals.overlap(a, b, corpus).value == pytest.approx(shared / smaller)


def test_dates_written_in_the_text_stand_in_for_a_missing_date() -> None:
    undated = features(occurred_on=None, mentioned_dates=frozenset({dt.date(2023, 12, 1)}))
    far = signals.date_far(A, undated, CORPUS)
    assert far.value == 1.0
    assert "from the text" in far.explanation
    nothing = features(occurred_on=None, mentioned_dates=frozenset())
    assert signals.date_near(A, nothing, CORPUS).agrees is None


def test_agreement_between_reports_of_one_filer_is_weighed_apart() -> None:
    mine, again = replace(A, filer="7"), replace(A, filer="7")
    corpus = Corpus.snapshot(CORPUS.size, CORPUS.document_frequency, filer_history=9)
    result = {s.name: s for s in signals.compute(mine, again, corpus)}
    assert result["same_filer"].value == 1.0
    assert result["actor_text"].value == 0.0
    assert result["filer_actor_text"].value > 0
    assert result["countries"].value == 0.0
    assert result["filer_countries"].value == 1.0
    assert result["filer_history"].value == pytest.approx(math.log1p(9))
    other = {s.name: s for s in signals.compute(mine, replace(A, filer="8"), corpus)}
    assert other["same_filer"].value == 0.0
    assert other["filer_actor_text"].value == 0.0
    assert other["countries"].value == 1.0


def test_a_word_several_candidate_incidents_carry_counts_little() -> None:
    shared = {"boilerplate": 1, "crane": 1}
    features = {
        "r1": replace(A, terms={"boilerplate": 1, "crane": 1}),
        "r2": replace(A, terms={"boilerplate": 1}),
        "r3": replace(A, terms={"boilerplate": 1}),
    }
    incidents = {"r1": "I1", "r2": "I2", "r3": "I3"}
    discount = neighbourhood_discount(shared, features, incidents)
    assert "crane" not in discount  # one incident carries it: full weight
    assert discount["boilerplate"] == pytest.approx(1 / 3**NEIGHBOURHOOD_POWER)
    corpus = Corpus.snapshot(10, {"boilerplate": 0, "crane": 0}, discount=discount)
    assert corpus.nidf("boilerplate") < corpus.nidf("crane")


def reported(**changes: Any) -> ReportFeatures:
    """The features of the base report with some of its facts changed."""
    facts = ReportFacts(
        report_id="b",
        title="Drone swarm lighting show falls onto crowd",
        description="At the Velmora harbour festival 40 drones of the Skylume fleet fell.",
        occurred_on=dt.date(2023, 8, 5),
        ai_system=AISystem("Skylume Fleet", None, "Skylume Aerial", "Velmora Events"),
    )
    return fingerprint(replace(facts, **changes)).features


def test_publication_dates_are_weak_evidence_and_never_event_dates() -> None:
    day = dt.date(2025, 3, 5)
    first = features(occurred_on=None, mentioned_dates=frozenset(), published_on=day)
    wave = by_name(first, replace(first, published_on=day + dt.timedelta(days=2)))
    assert wave["published_near"].value == pytest.approx(1 - 2 / signals.PUBLISHED_WAVE_DAYS)
    assert wave["published_apart"].value == 0.0
    assert wave["date_near"].value == 0.0  # a publication date is not an event date
    later = by_name(first, replace(first, published_on=day + dt.timedelta(days=150)))
    assert later["published_near"].value == 0.0
    assert later["published_apart"].value == 1.0  # 90 days beyond 60, capped at 1
    assert later["published_apart"].agrees is False
    # Coverage published before the other report's event cannot be about it.
    early = replace(first, published_on=dt.date(2023, 8, 1))
    before = by_name(early, A)  # A occurred on 2023-08-05
    assert before["published_before_event"].value == 1.0
    assert "4 days before" in before["published_before_event"].explanation
    assert by_name(first, A)["published_before_event"].value == 0.0


def test_a_headline_inside_a_long_article_about_something_else_is_a_passing_mention() -> None:
    body = " ".join(f"word{n} detail{n}" for n in range(30))
    article = reported(
        title="Five times chatbots went rogue this year",
        description=body + " Skylume drones fell on the Velmora crowd.",
    )
    headline = reported(title="Skylume drones fell on the Velmora crowd", description="")
    mention = by_name(article, headline)["passing_mention"]
    assert (mention.value, mention.agrees) == (1.0, False)
    assert "article whose headline differs" in mention.explanation
    same_story = reported(title="Skylume drones fell on the Velmora crowd", description=body)
    assert by_name(same_story, headline)["passing_mention"].value == 0.0
    assert by_name(A, A)["passing_mention"].value == 0.0


def test_another_deployer_is_named() -> None:
    other = reported(ai_system=AISystem("Skylume Fleet", None, "Skylume Aerial", "Harbour Fest"))
    signal = by_name(reported(), other)["other_deployer"]
    assert (signal.value, signal.agrees) == (1.0, False)
    assert "harbour fest" in signal.explanation.lower()
    assert by_name(reported(), reported())["other_deployer"].agrees is True
    unnamed = reported(ai_system=AISystem("Skylume Fleet", None, "Skylume Aerial", None))
    assert by_name(reported(), unnamed)["other_deployer"].agrees is None


def test_one_filers_reports_under_other_references_of_its_own_are_two_filings() -> None:
    def notice(reference: str, filer: str | None = "brindlewood") -> ReportFeatures:
        return reported(title=f"{reference}: Avocet C2 unexpected motion", organisation_id=filer)

    other = by_name(notice("FSN-25-021"), notice("FSN-26-005"))["other_filing"]
    assert (other.value, other.agrees) == (1.0, False)
    assert "FSN-25-021" in other.explanation
    assert "FSN-26-005" in other.explanation
    same = by_name(notice("FSN-25-021"), notice("FSN-25-021"))["other_filing"]
    assert (same.value, same.agrees) == (0.0, True)
    # A later filing that cites the earlier one ("unrelated to …") is still another filing.
    citing = replace(notice("FSN-26-005"), filing_references=("FSN-26-005", "FSN-25-021"))
    cited = by_name(citing, notice("FSN-25-021"))["other_filing"]
    assert (cited.value, cited.agrees) == (1.0, False)
    unwritten = by_name(notice("FSN-25-021"), reported(organisation_id="brindlewood"))
    assert unwritten["other_filing"].agrees is None
    # The same references from two filers say nothing: each numbers its own filings.
    assert by_name(notice("FSN-25-021"), notice("FSN-26-005", "x"))["other_filing"].value == 0


def test_events_dated_only_by_month_months_apart_are_marked() -> None:
    dated = reported(occurred_on=dt.date(2025, 4, 7))
    by_month = reported(occurred_on=None, description="Exam results were voided in late January.")
    far = by_name(dated, by_month)["month_far"]
    assert (far.value, far.agrees) == (1.0, False)
    near = reported(occurred_on=None, description="Exam results were voided in late March.")
    assert by_name(dated, near)["month_far"].agrees is True
    assert by_name(dated, reported())["month_far"].agrees is None  # both dated to the day
    undated = reported(occurred_on=None)
    assert by_name(dated, undated)["month_far"].agrees is None  # no month on one side
    public = replace(by_month, public=True)
    assert by_name(replace(dated, public=True), public)["month_far"].value == 0.0
