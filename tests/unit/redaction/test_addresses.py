"""Street addresses in many countries' conventions, and where they end."""

from __future__ import annotations

import pytest

from incidents.public.redaction import addresses
from tests.unit.redaction.helpers import texts

ADDRESSES = [
    "276 Daehak-ro, Yuseong-gu, Daejeon 34124",
    "25 Admiralty Way, Garki, Abuja, FCT",
    "Flat 2A, Prestige Lakeside, Station Road, Powai, Mumbai 400009",
    "Unit 3/173 Wattle Street, Fremantle WA 6160",
    "48 avenue des Tilleuls, 44300 Nantes",
    "Appartement 32, 43 place du Marché, 33000 Bordeaux",
    "Lindenstraße 32c, 04042 Leipzig",
    "Am Sonnenhang 7, Hinterhaus, 70238 Stuttgart",
    "1-2-10 Jiyugaoka, Meguro-ku, Tokyo 152-3247",
    "Rua das Acácias 1159, casa 1, Pinheiros, São Paulo/SP, CEP 05534-302",
    "Travessa das Flores, 995 - Moinhos de Vento, Porto Alegre - RS, 90524-371",
    "Carrer de Provença, 105, 4.º 1ª",
    "218, 11th Cross, Indiranagar, Bengaluru - 560028",
    "Jl. Diponegoro No. 8, Surabaya 60150",
    "Atatürk Caddesi No: 45, Kad\u0131köy, İstanbul",
    "Keizersgracht 123-2, 1015 CJ Amsterdam",
    "14 Rue Ibn Batouta, Gueliz, Marrakech 40000",
    "PO Box 1742, Gaborone",
    "55 W 42nd St, New York, NY 10036",
    "C-42, Sector 15, Noida 201301",
    "H.No. 12-3-456, Banjara Hills, Hyderabad",
    "Calle 45 # 12-34, Chapinero, Bogotá",
    "Ul. Mira 15, kv. 42, Almaty 050000",
    "8394 Lakeview Drive, Springfield, IL 62734",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_whole_address_and_nothing_after(address: str) -> None:
    text = f"her home address, {address}, alongside her photograph."
    assert texts(addresses.street_addresses(text)) == [address]


def test_city_named_separately_stays_out() -> None:
    text = "flagged the block around 74 Gwahak-ro, Yuseong-gu in Daejeon as a hot spot."
    assert texts(addresses.street_addresses(text)) == ["74 Gwahak-ro, Yuseong-gu"]


def test_named_streets_need_a_cue_or_more_parts() -> None:
    near = "spoken near the toy: Mvule Close, Mombasa Road, South C, Nairobi. It"
    assert texts(addresses.street_addresses(near)) == [
        "Mvule Close, Mombasa Road, South C, Nairobi"
    ]
    lives = "She lives on Maple Avenue, Springfield. Her"
    assert texts(addresses.street_addresses(lives)) == ["Maple Avenue, Springfield"]
    cued = "delivery address, Baobab Crescent, Kisumu. The"
    assert texts(addresses.street_addresses(cued)) == ["Baobab Crescent, Kisumu"]
    assert texts(addresses.street_addresses("They met on Wall Street yesterday.")) == []


def test_text_after_the_word_address() -> None:
    text = "Her address: Rruga e Kavajës 105, Tirana. The"
    assert texts(addresses.street_addresses(text)) == ["Rruga e Kavajës 105, Tirana"]
    assert texts(addresses.street_addresses("the IP address 198.51.100.80 was")) == []
    assert texts(addresses.street_addresses("the address Unknown was given")) == []


def test_no_address_in_prose() -> None:
    text = "It took 47 minutes; Article 73 of the EU AI Act applies to 2026 Kestrel Labs."
    assert texts(addresses.street_addresses(text)) == []


def test_link_words_at_the_end_are_not_part_of_it() -> None:
    text = "her address, 12 High Street, Porto of the north, was leaked"
    assert texts(addresses.street_addresses(text)) == ["12 High Street, Porto"]
