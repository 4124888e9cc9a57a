"""A news item in Japanese or Korean finds the incident its English coverage already opened."""

import pytest

from incidents.dedup import InMemoryStore
from incidents.dedup.engine import (
    RARE_TERM_PROBES,
    find_candidates,
    match_report,
    rarest_terms,
    register,
)
from tests.unit.dedup.news import news_item

ENGLISH = [
    news_item(
        "bus-1",
        "Six hurt as driverless bus brakes suddenly in Tochigi",
        "2025-04-22",
        "An autonomous bus run by Kizuna Mobility braked hard in Hoshinomori, Tochigi, "
        "injuring six passengers.",
    ),
    news_item(
        "bus-2", "Hoshinomori autonomous bus to resume after injury suspension", "2025-06-10"
    ),
    news_item(
        "maru-1",
        "Regulators open probe into Maru chatbot over minors' data",
        "2025-05-21",
        "The privacy commission is investigating Dodam Labs, maker of the Maru companion app.",
    ),
    news_item("maru-2", "Dodam Labs apologises, blocks minors from Maru chatbot", "2025-05-13"),
    news_item(
        "fraud-1",
        "Voice-clone scam costs Wendrich Armaturen €4.2 million",
        "2025-02-25",
        "Fraudsters imitated the managing director's voice to have €4.2m wired abroad.",
    ),
    news_item("ferry-1", "Autonomous ferry runs aground near Oskholm pier", "2024-05-04"),
    news_item("lawyer-1", "Lawyer fined for citing cases a chatbot invented", "2025-03-02"),
]


@pytest.fixture(scope="module")
def store() -> InMemoryStore:
    store = InMemoryStore()
    for facts in ENGLISH:
        match = match_report(store, facts)
        register(store, match.fingerprint, match.incident_id or f"inc-{facts.report_id}")
    return store


@pytest.mark.parametrize(
    ("title", "published", "event"),
    [
        ("自動運転バスが急ブレーキ、乗客6人けが　栃木・星ノ森町", "2025-04-22", "bus"),
        ("개인정보위, '마루' 운영사 도담랩스 조사 착수", "2025-05-21", "maru"),
        (
            "KI-Stimme des Chefs: Armaturenhersteller um 4,2 Millionen Euro betrogen",
            "2025-02-24",
            "fraud",
        ),
    ],
    ids=["japanese", "korean", "german"],
)
def test_an_item_in_another_language_finds_its_event(
    store: InMemoryStore, title: str, published: str, event: str
) -> None:
    candidates = find_candidates(store, news_item("new", title, published))
    top3 = [c.incident_id for c in candidates[:3]]
    assert any(i.startswith(f"inc-{event}-") for i in top3), top3


def test_japanese_item_finds_english_coverage_past_a_look_alike_in_japanese() -> None:
    """The Latin forms of a Japanese item are probed even when its many bigrams and readings,
    shared with another Japanese item, are rarer than the words it shares with the English."""
    store = InMemoryStore()
    earlier = [
        news_item(
            "ja-other", "自動運転バス急停止、高齢女性2人骨折　星ノ森町の自動運転バス", "2025-04-23"
        ),
        news_item(
            "en-same",
            "Self-driving bus clips parked truck in Tochigi town",
            "2024-11-13",
            "An autonomous bus scraped a parked mini truck in Hoshinomori; no one was hurt.",
        ),
        *(
            news_item(f"en-{n}", f"Delivery truck and bus crash on route {n}", "2023-01-01")
            for n in range(3)
        ),
    ]
    for facts in earlier:
        register(store, match_report(store, facts).fingerprint, f"inc-{facts.report_id}")
    new = news_item(
        "ja-new", "自動運転バスが駐車中の軽トラックに接触　星ノ森町、けが人なし", "2024-11-13"
    )
    top3 = [c.incident_id for c in find_candidates(store, new)[:3]]
    assert "inc-en-same" in top3, top3


def test_the_probe_of_cjk_text_reaches_past_the_many_forms_of_its_readings() -> None:
    readings = [("term", f"jidou{'n' * n}") for n in range(40)]  # one word read many ways
    bigrams = [("term", f"自{chr(0x4E00 + n)}") for n in range(30)]
    counts = dict.fromkeys([*readings, *bigrams], 1) | {("term", "bus"): 7}
    probed = rarest_terms(counts, counts)
    assert ("term", "bus") in probed
    assert len(probed) == len(set(probed))
    english = {("term", f"w{n}"): n + 1 for n in range(40)}
    assert rarest_terms(english, english) == list(english)[:RARE_TERM_PROBES]
