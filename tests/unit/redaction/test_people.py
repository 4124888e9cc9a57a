"""People named only in free text, and the capitalised words that are not people."""

from __future__ import annotations

import pytest

from incidents.public.redaction import Kind, KnownNames
from tests.unit.redaction.helpers import redacted


def people_in(text: str, names: KnownNames | None = None) -> list[str]:
    return redacted(text, names, Kind.PERSON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A parent, Eleni Papadakis, reported it.", ["Eleni Papadakis"]),
        ("The attending cardiologist, Dr. Boateng, flagged it.", ["Boateng"]),
        ("her grandson, Cillian, asked for money.", ["Cillian"]),
        ("among them Fatima Haddad and Søren, and", ["Fatima Haddad", "Søren"]),
        ("Nurse Yamamoto escalated.", ["Yamamoto"]),
        ("a man named Tevita Fifita. Later", ["Tevita Fifita"]),
        ("Plant manager Trần Linh stopped the line.", ["Trần Linh"]),
        ("Radiographer Arash Karimi flagged it.", ["Arash Karimi"]),
        ("the answer for Sipho alongside his login", ["Sipho"]),
        ("The neighbour, Wanjiru Kiplagat, had never used it.", ["Wanjiru Kiplagat"]),
        (
            "Kwame Boateng fell. Kwame was found later; Boateng's son called.",
            ["Kwame Boateng", "Kwame", "Boateng"],
        ),
        ("flagged Sanne van der Berg as a shoplifter", ["Sanne van der Berg"]),
        ("Correspondence for Grace, the claimant, arrived.", ["Grace"]),
        ("her daughter, Hope, called.", ["Hope"]),
        ("Dr de Graaf confirmed it.", ["de Graaf"]),
        ("Ana Lima, Kofi and Wanjiru were named.", ["Ana Lima", "Kofi", "Wanjiru"]),
        ("J. K. Okafor and Dr. A. Mensah signed.", ["J. K. Okafor", "A. Mensah"]),
        ("Amara recalls the call.", ["Amara"]),
        ("Wanjiru, a nurse at the clinic, said so.", ["Wanjiru"]),
        ("We thanked Ana Lima, Wanjiru and Achieng for it.", ["Ana Lima", "Wanjiru", "Achieng"]),
        ("Kwame, 81, fell. Ana Lima (34) said it.", ["Kwame", "Ana Lima"]),
        ("Contact María José García López today.", ["María José García López"]),
        ("Affected: Oisín Ó Súilleabháin (staff).", ["Oisín Ó Súilleabháin"]),
        ("Broker Dr. Gathoni spotted it.", ["Gathoni"]),
        ("police officer van den Broek took the statement.", ["van den Broek"]),
        ("a note from Kofi Asante Monday morning", ["Kofi Asante"]),
        ("The clinic was using Maria's account.", ["Maria"]),
        ("Witness Emi Fujita filmed it; Hope Chikwanha saw it.", ["Emi Fujita", "Hope Chikwanha"]),
        ("a woman named Faith Park called.", ["Faith Park"]),
    ],
)
def test_people_found_by_name_list_and_cues(text: str, expected: list[str]) -> None:
    assert people_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The HR assistant Milo would answer. Milo has since been restricted.",
        "A phone-banking agent, branded Sunny, read it out. Sunny did not check.",
        "A shopping assistant, Iris, on the website. Later Iris failed.",
        "Nora, the virtual concierge, answered.",
        "Staff at Meridian Payroll Services and Calder Savings Bank found it.",
        "Marlowe & Finch Recruiting rejected it; Halvorsen Maritime paused it.",
        "Harper & Cole reviewed it.",
        "The U.S. Kofi Annan Centre replied.",
        "The virtual agent 'Ava' replied. Ava was wrong. An app called \"Ellie\" failed.",
        "Kestrel, the company's flagship product, failed. Okafor Brothers sold it.",
        "It ran GuardianBand, SafeText 4, Northstar LM 4, Solace-8B and Lumen Scribe.",
        "A journalist in Adelaide and another in Florence; she moved to Lagos.",
        "The bank in Da Nang and the office in Cebu closed. Jordan and Georgia agreed.",
        "The CVs, IDs and APIs were in English and Dari. Staff asked her to leave.",
        "He said it. She agreed. The model was retrained. One user complained.",
        "It was Monday, 3 March; During Ramadan, the Korean team met.",
        "The clinic deployed Theo to summarise letters. Theo erred; running Maya fixed it.",
        "Brightwater Bank froze the account. Brightwater said it had acted lawfully.",
        "An age-estimation camera (Clara) refused the sale.",
        "Flagged by Jasper, the fraud screen at the bank. The robot's controller, Theo, failed.",
        "Systems: RouteWise 4; Clara. Models: Eve, Leo and Maya.",
        "An employee pasted a customer spreadsheet into Leo. Leo kept it.",
        "'Theo told me I was rejected,' she said. Theo is the claims chatbot of the bank.",
    ],
)
def test_not_people(text: str) -> None:
    assert people_in(text) == []


def test_a_structured_person_beats_a_persona_guess() -> None:
    names = KnownNames(people=("Emeka Adeyemi",))
    assert people_in("The disability assistant, Emeka Adeyemi, escalated.", names) == [
        "Emeka Adeyemi"
    ]


def test_structured_system_with_a_human_name_is_never_a_person() -> None:
    names = KnownNames(systems=("Ada",))
    assert people_in("Ada answered questions about neighbours. Ada was retrained.", names) == []


def test_a_name_found_in_full_is_found_alone_even_where_it_names_a_city() -> None:
    text = "Milan Petrović and Siti Rahmawati were named. Milan's number leaked."
    assert people_in(text) == ["Milan Petrović", "Siti Rahmawati", "Milan"]


def test_a_longer_free_text_name_swallows_a_structured_surname() -> None:
    names = KnownNames(people=("Tobias Hoffmann",))
    assert people_in("A customer, Jonas Hoffmann, received a call.", names) == ["Jonas Hoffmann"]


def test_organisation_named_after_a_person_stays() -> None:
    names = KnownNames(people=("Tobias Hoffmann",), organisations=("Hoffmann Logistik",))
    assert people_in("Hoffmann Logistik said Tobias Hoffmann left.", names) == ["Tobias Hoffmann"]
